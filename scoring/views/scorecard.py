"""The scorecard screen: live while its author writes it, read-only once submitted.

The live page is a set of small forms, one per part (a question's note, a competency's
rating, the overall part). With JavaScript each autosaves through scoring/views/autosave.py
and swaps only its status element; without it each posts here (`save_part`), which runs
the same autosave view and redirects back, or shows the page again with what was typed
and why it was not saved. The backup swap, submission and amendments are plain forms.
Every request goes through access.get_scorecard_for; the page loads in a fixed number of
queries whatever the number of questions and competencies.
"""

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.validators import SafeForm
from interviews.bars import bar_for, meets_bar
from rubrics.views.browse import scale_rows

from .. import services
from ..access import get_scorecard_for
from ..models import QuestionNote, Rating, Recommendation, Scorecard
from . import autosave

TEMPLATE = "scoring/scorecard.html"
READ_TEMPLATE = "scoring/scorecard_read.html"
AMEND_TEMPLATE = "scoring/scorecard_amend.html"
REASON_MAX_CHARS = 2000


# --- What the page shows ------------------------------------------------------------


@dataclass
class NoteView:
    """A planned question with its note, as the page shows it."""

    note: QuestionNote
    number: int | None  # None for a backup: it stands in for another
    values: dict[str, Any]
    error: str = ""
    replaced_by: "NoteView | None" = None
    replaces: "NoteView | None" = None
    backup_form: "BackupForm | None" = None
    status_html: str = ""

    @property
    def pk(self) -> int:
        return self.note.pk

    @property
    def planned(self):
        return self.note.planned

    @property
    def question(self):
        return self.note.planned.question

    @property
    def status_id(self) -> str:
        return f"note-{self.pk}-status"

    @property
    def part_state(self) -> str:
        return "saved" if self.note.revision else "idle"

    @property
    def checklist(self) -> list[dict]:
        ticks = set(self.values["ticks"])
        return [
            {"index": i, "text": text, "ticked": i in ticks}
            for i, text in enumerate(self.question.checklist)
        ]


@dataclass
class RatingView:
    """A competency's rating with the scale laid out against its anchors."""

    rating: Rating
    bar: int | None
    bar_label: str
    critical: bool
    rows: list[dict]
    values: dict[str, Any]
    error: str = ""
    evidence_error: str = ""
    status_html: str = ""

    @property
    def pk(self) -> int:
        return self.rating.pk

    @property
    def meets(self) -> bool | None:
        """Whether the rating's score meets its bar (None: no score or no bar)."""
        return meets_bar(self.rating.score, self.bar)

    @property
    def competency(self):
        return self.rating.competency

    @property
    def status_id(self) -> str:
        return f"rating-{self.pk}-status"

    @property
    def part_state(self) -> str:
        return "saved" if self.rating.revision else "idle"

    @property
    def score_label(self) -> str:
        return next((r["label"] for r in self.rows if r["value"] == self.rating.score), "")


@dataclass
class Parts:
    notes: list[NoteView]
    ratings: list[RatingView]
    bar: int | None
    bar_label: str
    points: list = field(default_factory=list)

    @property
    def planned(self) -> list[NoteView]:
        return [n for n in self.notes if not n.planned.is_backup]

    @property
    def backups(self) -> list[NoteView]:
        return [n for n in self.notes if n.planned.is_backup]

    def note(self, pk) -> NoteView | None:
        return next((n for n in self.notes if str(n.pk) == str(pk)), None)


def load_parts(scorecard: Scorecard) -> Parts:
    """Notes, ratings, the scale and the bars: six queries, whatever their number."""
    loop = scorecard.assignment.interview.application.loop
    notes = list(
        scorecard.notes.select_related("planned__question__primary_competency").prefetch_related(
            "planned__question__anchors", "planned__question__secondary_competencies"
        )
    )
    ratings = list(
        scorecard.ratings.select_related("competency").prefetch_related("competency__anchors")
    )
    points = list(loop.scale.points.order_by("-value"))
    loop_bar = bar_for(points, loop_bar=loop.bar)
    items = {item.competency_id: item for item in loop.loop_competencies.all()}
    views = numbered_notes(notes)
    by_planned = {v.planned.pk: v for v in views}
    for view in views:
        if view.note.backup_for_id and view.note.backup_for_id in by_planned:
            view.replaces = by_planned[view.note.backup_for_id]
            view.replaces.replaced_by = view
    rating_views = []
    for rating in ratings:
        item = items.get(rating.competency_id)
        bar = bar_for(points, loop_bar=loop.bar, own=item.bar if item is not None else None)
        rating_views.append(
            RatingView(
                rating=rating,
                bar=bar.value,
                bar_label=bar.label,
                critical=bool(item and item.critical),
                rows=scale_rows(rating.competency, points, bar.value),
                values=rating.form_values(),
            )
        )
    return Parts(views, rating_views, loop_bar.value, loop_bar.label, points)


def numbered_notes(notes: list[QuestionNote]) -> list[NoteView]:
    """Each note's view, numbered in asking order; a backup has no number (it stands in)."""
    views, number = [], 0
    for note in notes:
        if not note.planned.is_backup:
            number += 1
        number_shown = None if note.planned.is_backup else number
        views.append(NoteView(note=note, number=number_shown, values=note.form_values()))
    return views


# --- Where each missing piece goes --------------------------------------------------


def place_missing(parts: Parts, missing: dict[str, str]) -> list[dict]:
    """Attach each message to its part; the summary list, in page order, linking to each."""
    summary = []
    for view in parts.notes:
        message = missing.get(f"note-{view.pk}")
        if message:
            view.error = message
            summary.append(
                {
                    "target": f"note-{view.pk}-state-open",
                    "what": view.question.title,
                    "message": message,
                }
            )
    for view in parts.ratings:
        message = missing.get(f"rating-{view.pk}")
        evidence = missing.get(f"rating-{view.pk}-evidence")
        name = view.competency.name
        if message:
            view.error = message
            first = f"rating-{view.pk}-score-{view.rows[0]['value']}" if view.rows else ""
            summary.append({"target": first, "what": name, "message": message})
        if evidence:
            view.evidence_error = evidence
            summary.append(
                {
                    "target": f"rating-{view.pk}-evidence",
                    "what": f"{name}: evidence",
                    "message": evidence,
                }
            )
    for key, target, what in (
        ("recommendation", "overall-recommendation-0", "Recommendation"),
        ("summary", "overall-summary", "Summary"),
    ):
        if key in missing:
            summary.append({"target": target, "what": what, "message": missing[key]})
    return summary


# --- The pages ----------------------------------------------------------------------


def page_context(scorecard: Scorecard) -> dict:
    assignment = scorecard.assignment
    interview = assignment.interview
    application = interview.application
    return {
        "scorecard": scorecard,
        "assignment": assignment,
        "interview": interview,
        "stage": interview.stage,
        "application": application,
        "candidate": application.candidate,
        "loop": application.loop,
        "recommendations": Recommendation.choices,
        "states": QuestionNote.State.choices,
    }


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


def back_to(request: HttpRequest, scorecard: Scorecard, anchor: str = "") -> HttpResponse:
    url = reverse("scoring:scorecard", args=[scorecard.pk]) + (f"#{anchor}" if anchor else "")
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


# --- Saving one part without JavaScript ---------------------------------------------


class PartForm(SafeForm):
    part = forms.RegexField(regex=r"^(note-\d+|rating-\d+|overall)$")


@require_POST
def save_part(request: HttpRequest, pk: int) -> HttpResponse:
    """A part's form posted without JavaScript: the autosave view, then back to the page.

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
    if "keep_mine" in request.POST:
        # The no-JS "Save mine over it": based on the revision the other version has.
        request.POST = request.POST.copy()
        request.POST["revision"] = request.POST["keep_mine"]
    kind, _, part_pk = part.partition("-")
    if kind == "note":
        response = autosave.save_note(request, scorecard=scorecard.pk, pk=int(part_pk))
    elif kind == "rating":
        response = autosave.save_rating(request, scorecard=scorecard.pk, pk=int(part_pk))
    else:
        response = autosave.save_overall(request, pk=scorecard.pk)
    if request.htmx:
        return response
    if response.status_code == 200:
        messages.success(request, "Saved.")
        return redirect(reverse("scoring:scorecard", args=[scorecard.pk]) + f"#{part}")
    return render_with_echo(request, scorecard, kind, part_pk, response)


def render_with_echo(request, scorecard, kind: str, part_pk: str, response) -> HttpResponse:
    """The page with the refused part showing what was posted and the status it got."""
    # Safe: the autosave view rendered it from our own template, with autoescaping.
    status_html = mark_safe(response.content.decode())
    parts = load_parts(scorecard)
    post = request.POST
    if kind == "note":
        view = parts.note(part_pk)
        if view is not None:
            ticks = [int(t) for t in post.getlist("ticks") if t.isdigit()]
            view.values = {
                "text": post.get("text", ""),
                "state": post.get("state", ""),
                "ticks": ticks,
            }
            view.status_html = status_html
    elif kind == "rating":
        view = next((r for r in parts.ratings if str(r.pk) == part_pk), None)
        if view is not None:
            view.values = {
                "score": _int_or_none(post.get("score")),
                "evidence": post.get("evidence", ""),
                "not_assessed": bool(post.get("not_assessed")),
                "not_assessed_reason": post.get("not_assessed_reason", ""),
            }
            view.status_html = status_html
    overall = None
    if kind == "overall":
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


class BackupForm(SafeForm):
    """Ask a backup question instead of a planned one, and say why."""

    backup = forms.IntegerField(widget=forms.HiddenInput)
    instead_of = forms.TypedChoiceField(coerce=int, label="Instead of")
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label="Why",
        help_text="E.g. no on-call experience.",
        error_messages={"required": "Say why the backup is asked (e.g. no on-call experience)."},
    )

    def __init__(self, *args, parts: Parts, backup: NoteView, **kwargs):
        kwargs.setdefault("initial", {"backup": backup.pk})
        kwargs.setdefault("auto_id", f"backup-{backup.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["instead_of"].choices = [
            (v.pk, f"{v.number}. {v.question.title}") for v in parts.planned
        ]


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


# --- Amendments ---------------------------------------------------------------------


class AmendForm(SafeForm):
    """The ratings and the overall part of a submitted scorecard, and why they change."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, widget=forms.RadioSelect, label="Recommendation"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
        max_length=services.NOTE_MAX_CHARS,
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_CHARS,
        label="Why you amend it",
        help_text="Kept with the amendment and shown to everyone who reads this scorecard.",
        error_messages={"required": "Say why you amend a submitted scorecard."},
    )

    def __init__(self, *args, scorecard: Scorecard, parts: Parts, **kwargs):
        initial = {"recommendation": scorecard.recommendation, "summary": scorecard.summary}
        for view in parts.ratings:
            rating = view.rating
            initial |= {
                f"rating-{rating.pk}-score": rating.score if rating.score is not None else "",
                f"rating-{rating.pk}-evidence": rating.evidence,
                f"rating-{rating.pk}-not_assessed": rating.not_assessed,
                f"rating-{rating.pk}-not_assessed_reason": rating.not_assessed_reason,
            }
        super().__init__(*args, initial=initial, auto_id="amend-%s", **kwargs)
        self.parts = parts
        for view in parts.ratings:
            prefix = f"rating-{view.pk}"
            self.fields[f"{prefix}-score"] = forms.TypedChoiceField(
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                choices=[(row["value"], f"{row['value']} {row['label']}") for row in view.rows],
                label=f"{view.competency.name}: score",
            )
            self.fields[f"{prefix}-evidence"] = forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                strip=False,
                max_length=services.EVIDENCE_MAX_CHARS,
                label="Evidence",
            )
            self.fields[f"{prefix}-not_assessed"] = forms.BooleanField(
                required=False, label="Not assessed"
            )
            self.fields[f"{prefix}-not_assessed_reason"] = forms.CharField(
                required=False, max_length=REASON_MAX_CHARS, label="Why not assessed"
            )

    def rating_fields(self) -> list[dict]:
        return [
            {
                "view": view,
                **{
                    name: self[f"rating-{view.pk}-{name}"]
                    for name in ("score", "evidence", "not_assessed", "not_assessed_reason")
                },
            }
            for view in self.parts.ratings
        ]

    def changes(self) -> tuple[dict[int, dict], dict]:
        data = self.cleaned_data
        ratings = {
            view.pk: {
                name: data[f"rating-{view.pk}-{name}"]
                for name in ("score", "evidence", "not_assessed", "not_assessed_reason")
            }
            for view in self.parts.ratings
        }
        return ratings, {"recommendation": data["recommendation"], "summary": data["summary"]}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, messages_ in error.message_dict.items():
            name = key
            if key.startswith("rating-") and not key.endswith("-evidence"):
                name = f"{key}-score"
            for message in messages_:
                self.add_error(name if name in self.fields else None, message)


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk, write=True)
    if not scorecard.is_submitted:
        messages.info(request, "A draft is not amended: change it here, it saves as you type.")
        return back_to(request, scorecard)
    parts = load_parts(scorecard)
    form = AmendForm(request.POST or None, scorecard=scorecard, parts=parts)
    if request.method == "POST" and form.is_valid():
        ratings, overall = form.changes()
        try:
            amendment = services.amend_scorecard(
                scorecard,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ratings=ratings,
                overall=overall,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if amendment is None:
                form.add_error(None, "Nothing changed: change a rating or the overall part first.")
            else:
                messages.success(request, "Amended. The change and your reason are kept below.")
                return back_to(request, scorecard, "amendments")
    status = 422 if form.errors else 200
    context = page_context(scorecard) | {"form": form, "parts": parts}
    return render(request, AMEND_TEMPLATE, context, status=status)


def amendment_view(amendment, parts: Parts) -> dict:
    """An amendment as lines of "what: before → after" in words, not JSON."""
    labels = {p.value: p.label for p in parts.points}
    changes = []
    for part, after in amendment.after.items():
        before = amendment.before.get(part)
        if part == "recommendation":
            what = "Recommendation"
            before, after = _recommendation_label(before), _recommendation_label(after)
        elif part == "summary":
            what = "Summary"
        else:
            what = part
            before, after = _rating_words(before, labels), _rating_words(after, labels)
        changes.append({"what": what, "before": before, "after": after})
    return {"amendment": amendment, "changes": changes}


def _recommendation_label(value: str | None) -> str:
    return Recommendation(value).label if value in Recommendation.values else "—"


def _rating_words(snapshot: dict | None, labels: dict[int, str]) -> str:
    if not snapshot:
        return "—"
    if snapshot.get("not_assessed"):
        head = f"Not assessed ({snapshot.get('not_assessed_reason') or 'no reason'})"
    elif snapshot.get("score") is None:
        head = "No score"
    else:
        score = snapshot["score"]
        head = f"{score} {labels.get(score, '')}".strip()
    evidence = snapshot.get("evidence") or ""
    return f"{head} — {evidence}" if evidence else head
