"""The scorecard screen: live while its author writes it, read-only once submitted.

The live page is a set of small forms, one per part (a question's note, a competency's
rating, the overall part). With JavaScript each autosaves through scoring/views/autosave.py
and swaps only its status element; without it each posts here (`save_part`), which saves
it through the same service (scoring/views/part_saving.py) and redirects back, or shows
the page again with what was typed and why it was not saved. The backup swap and
submission are plain forms; amendments live in scoring/views/amendments.py, the page's
view-models in scoring/views/scorecard_parts.py and the forms in scoring/forms.py.
Every request goes through access.get_scorecard_for; the page loads in a fixed number of
queries whatever the number of questions and competencies.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from .. import services
from ..access import get_own_note, get_own_rating, get_scorecard_for
from ..forms import BackupForm, PartForm
from ..models import Recommendation, Scorecard
from . import part_saving
from .amendments import amend, amendment_view
from .scorecard_parts import Parts, back_to, load_parts, page_context, place_missing

# The screen's URLs (scoring/urls.py) name its views here, amendments' included.
__all__ = ["amend", "backup_undo", "backup_use", "save_part", "scorecard", "submit"]

TEMPLATE = "scoring/scorecard.html"
READ_TEMPLATE = "scoring/scorecard_read.html"


# --- The pages ----------------------------------------------------------------------


def render_live(
    request: HttpRequest,
    scorecard: Scorecard,
    *,
    status: int = 200,
    missing: dict[str, str] | None = None,
    parts: Parts | None = None,
    overall: dict | None = None,
    partial: str = "",
) -> HttpResponse:
    parts = parts or load_parts(scorecard)
    for view in parts.backups:
        if view.backup_form is None and view.replaces is None:
            view.backup_form = BackupForm(parts=parts, backup=view)
    context = page_context(scorecard) | {
        "parts": parts,
        "missing": place_missing(parts, missing or {}),
        "overall": overall
        or {
            "recommendation": scorecard.recommendation,
            "summary": scorecard.summary,
            "status_html": "",
        },
        "overall_status_id": f"overall-{scorecard.pk}-status",
        "overall_state": "saved" if scorecard.overall_revision else "idle",
        "overall_errors": {
            k: v for k, v in (missing or {}).items() if k in ("recommendation", "summary")
        },
    }
    template = f"{TEMPLATE}#{partial}" if partial else TEMPLATE
    return render(request, template, context, status=status)


def render_read(request: HttpRequest, scorecard: Scorecard) -> HttpResponse:
    parts = load_parts(scorecard)
    amendments = list(scorecard.amendments.select_related("by"))
    context = page_context(scorecard) | {
        "parts": parts,
        "is_author": scorecard.assignment.person_id == request.user.pk,
        "amendments": [amendment_view(a, parts) for a in amendments],
        "recommendation_label": Recommendation(scorecard.recommendation).label
        if scorecard.recommendation
        else "",
    }
    return render(request, READ_TEMPLATE, context)


@require_GET
def scorecard(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk)
    # Submitted, or locked by the candidate's erasure: nothing left to write.
    if (
        scorecard.status != Scorecard.Status.DRAFT
        or scorecard.assignment.person_id != request.user.pk
    ):
        return render_read(request, scorecard)
    return render_live(request, scorecard)


# --- Saving one part without JavaScript ---------------------------------------------


@require_POST
def save_part(request: HttpRequest, pk: int) -> HttpResponse:
    """A part's form posted without JavaScript: saved through its service, then the page.

    Saved → the page again at the part (htmx gets the status element, as from autosave).
    Refused or invalid → the page with what was typed kept in the part, the reason beside
    it and, for a conflict, the other version and a button to save this one over it.
    """
    scorecard = get_scorecard_for(request.user, pk, write=True)
    form = PartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was saved: that part is not on this scorecard.")
        return back_to(request, scorecard)
    part = form.cleaned_data["part"]
    data = request.POST
    if "keep_mine" in data:
        # The no-JS "Save mine over it": based on the revision the other version has.
        data = data.copy()
        data["revision"] = data["keep_mine"]
    kind, _, part_pk = part.partition("-")
    response = _save(request, scorecard, kind, part_pk, data)
    if request.htmx:
        return response
    if response.status_code == 200:
        messages.success(request, "Saved.")
        return redirect(reverse("scoring:scorecard", args=[scorecard.pk]) + f"#{part}")
    return render_with_echo(request, scorecard, kind, part_pk, response)


def _save(request: HttpRequest, scorecard: Scorecard, kind: str, part_pk: str, data):
    if kind == "note":
        note = get_own_note(request.user, scorecard.pk, int(part_pk))
        return part_saving.save_note(note, data)[0]
    if kind == "rating":
        rating = get_own_rating(request.user, scorecard.pk, int(part_pk))
        scale_id = rating.scorecard.assignment.interview.application.loop.scale_id
        return part_saving.save_rating(rating, data, scale_id=scale_id)[0]
    return part_saving.save_overall(scorecard, data)[0]


def render_with_echo(request, scorecard, kind: str, part_pk: str, response) -> HttpResponse:
    """The page with the refused part showing what was posted and the status it got."""
    # Safe: part_saving rendered it from our own template, with autoescaping.
    status_html = mark_safe(response.content.decode())
    parts = load_parts(scorecard)
    post = request.POST
    overall = None
    if kind == "note" and (view := parts.note(part_pk)) is not None:
        ticks = [int(t) for t in post.getlist("ticks") if t.isdigit()]
        view.values = {"text": post.get("text", ""), "state": post.get("state", ""), "ticks": ticks}
        view.status_html = status_html
    elif kind == "rating" and (view := parts.rating(part_pk)) is not None:
        view.values = {
            "score": _int_or_none(post.get("score")),
            "evidence": post.get("evidence", ""),
            "not_assessed": bool(post.get("not_assessed")),
            "not_assessed_reason": post.get("not_assessed_reason", ""),
        }
        view.status_html = status_html
    elif kind == "overall":
        overall = {
            "recommendation": post.get("recommendation", ""),
            "summary": post.get("summary", ""),
            "status_html": status_html,
        }
    return render_live(
        request, scorecard, status=response.status_code, parts=parts, overall=overall
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- The backup question ------------------------------------------------------------


def _backup_done(request: HttpRequest, scorecard: Scorecard, anchor: str) -> HttpResponse:
    if request.htmx:
        return render_live(request, scorecard, partial="questions")
    return redirect(reverse("scoring:scorecard", args=[scorecard.pk]) + f"#{anchor}")


def _locked(
    request: HttpRequest, scorecard: Scorecard, error: services.ScorecardLocked
) -> HttpResponse:
    messages.error(request, error.message)
    return back_to(request, scorecard)


@require_POST
def backup_use(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk, write=True)
    parts = load_parts(scorecard)
    backup = parts.note(request.POST.get("backup"))
    if backup is None or not backup.planned.is_backup:
        messages.error(request, "Nothing changed: that is not a backup question of this interview.")
        return back_to(request, scorecard)
    form = BackupForm(request.POST, parts=parts, backup=backup)
    if form.is_valid():
        try:
            services.use_backup(
                backup.note,
                instead_of=parts.note(form.cleaned_data["instead_of"]).note,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except services.ScorecardLocked as error:
            return _locked(request, scorecard, error)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return _backup_done(request, scorecard, f"note-{backup.pk}")
    backup.backup_form = form
    return render_live(
        request, scorecard, status=422, parts=parts, partial="questions" if request.htmx else ""
    )


@require_POST
def backup_undo(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk, write=True)
    note = (
        scorecard.notes.select_related("planned__question")
        .filter(pk=_int_or_none(request.POST.get("backup")), planned__is_backup=True)
        .first()
    )
    if note is None:
        messages.error(request, "Nothing changed: that is not a backup question of this interview.")
        return back_to(request, scorecard)
    try:
        services.undo_backup(note, by=request.user)
    except services.ScorecardLocked as error:
        return _locked(request, scorecard, error)
    return _backup_done(request, scorecard, f"note-{note.pk}")


# --- Submission ---------------------------------------------------------------------


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit if complete; otherwise the page again with each missing piece at its place."""
    scorecard = get_scorecard_for(request.user, pk, write=True)
    try:
        services.submit_scorecard(scorecard, by=request.user)
    except services.ScorecardErased as error:
        return _locked(request, scorecard, error)
    except services.ScorecardLocked:
        return back_to(request, scorecard)
    except ValidationError as error:
        missing = {key: messages_[0] for key, messages_ in error.message_dict.items()}
        return render_live(request, scorecard, status=422, missing=missing)
    messages.success(request, "Submitted. Thank you: it is now read-only; amend it if you must.")
    return back_to(request, scorecard)
