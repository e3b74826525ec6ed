"""Autosave: each note, rating and the overall part saved on its own, as the interviewer types.

Each endpoint answers with the part's small status element only (never the field being
typed in): 200 saved, with the new revision; 409 the revision was stale, with the
version saved elsewhere so the interviewer can choose or merge; 422 bad input, with the
message at the field; 409 too when the scorecard was submitted meanwhile, or locked
because its candidate was erased (with that reason). A fixed,
small number of queries per save (tests/scoring/test_autosave.py).
"""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from accounts.validators import SafeForm

from .. import services
from ..access import get_own_note, get_own_rating, get_scorecard_for, known_part, remember_part
from ..models import QuestionNote, Rating, Recommendation

STATUS_TEMPLATE = "scoring/_part_status.html"


class NoteForm(SafeForm):
    text = forms.CharField(required=False, strip=False, max_length=services.NOTE_MAX_CHARS)
    state = forms.ChoiceField(choices=QuestionNote.State.choices, required=False)
    ticks = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    revision = forms.IntegerField(min_value=0)

    def __init__(self, *args, checklist: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticks"].choices = [(i, item) for i, item in enumerate(checklist)]


class RatingForm(SafeForm):
    score = forms.CharField(required=False)
    evidence = forms.CharField(required=False, strip=False, max_length=services.EVIDENCE_MAX_CHARS)
    not_assessed = forms.BooleanField(required=False)
    not_assessed_reason = forms.CharField(required=False, strip=False, max_length=2000)
    revision = forms.IntegerField(min_value=0)


class OverallForm(SafeForm):
    recommendation = forms.ChoiceField(
        choices=[("", "Not yet"), *Recommendation.choices], required=False
    )
    summary = forms.CharField(required=False, strip=False, max_length=services.NOTE_MAX_CHARS)
    revision = forms.IntegerField(min_value=0)


def revision_of(kind: str, part) -> int:
    return part.overall_revision if kind == "overall" else part.revision


def values_of(kind: str, part) -> dict:
    """The part's saved values, as its form names them (a conflict shows them)."""
    return part.overall_values() if kind == "overall" else part.form_values()


def status(request, *, kind: str, part, state: str, code: int = 200, **extra) -> HttpResponse:
    """The part's status element: saved, conflict (with the other version) or invalid.

    Its hidden `revision` input is the one the part's form sends next: the new revision
    once saved; otherwise the revision the browser had, so that typing on after a
    conflict cannot overwrite the other version until the interviewer has chosen.
    """
    context = {
        "kind": kind,
        "part": part,
        "state": state,
        "status_id": f"{kind}-{part.pk}-status",
        "revision": revision_of(kind, part) if state == "saved" else request.POST.get("revision"),
    }
    theirs = extra.pop("theirs", None)
    if theirs is not None:
        context |= {
            "theirs": values_of(kind, theirs),
            "their_revision": revision_of(kind, theirs),
            "theirs_id": f"{kind}-{part.pk}-theirs",
        }
    # No request context: the element needs none, and an autosave skips the context
    # processors (user, messages, navigation) that a page needs.
    return HttpResponse(render_to_string(STATUS_TEMPLATE, {**context, **extra}), status=code)


def invalid(request, *, kind: str, part, errors: dict) -> HttpResponse:
    messages = [m for field in errors.values() for m in field]
    return status(request, kind=kind, part=part, state="invalid", code=422, messages=messages)


def refused(request, *, kind: str, part, error: Exception) -> HttpResponse:
    if isinstance(error, services.ScorecardErased):
        reason = error.message
        return status(request, kind=kind, part=part, state="locked", code=409, reason=reason)
    if isinstance(error, services.ScorecardLocked):
        return status(request, kind=kind, part=part, state="locked", code=409)
    return status(request, kind=kind, part=part, state="conflict", code=409, theirs=error.current)


@dataclass(frozen=True)
class SavedPart:
    """A part the fast path wrote without reading it: what its status element needs."""

    pk: int
    revision: int

    @property
    def overall_revision(self) -> int:
        return self.revision


def saved(request, kind: str, pk: int, base_revision: int) -> HttpResponse:
    return status(request, kind=kind, part=SavedPart(pk, base_revision + 1), state="saved")


# Each endpoint first tries the fast path: a part this process has seen its owner save
# before (access.known_part) is written with two UPDATEs and no read. Anything else —
# a first save, bad input, a stale revision, a submitted scorecard — takes the checked
# path, which reads the part, authorises, and explains a refusal.


@require_POST
def save_note(request: HttpRequest, scorecard: int, pk: int) -> HttpResponse:
    known, checklist = known_part("note", scorecard, pk, request.user)
    if known:
        form = NoteForm(request.POST, checklist=checklist)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "text": data["text"],
                "state": data["state"] or QuestionNote.State.OPEN,
                "ticks": data["ticks"],
            }
            # The form has checked the text's length, the state and the ticks.
            if services.write_part(QuestionNote, scorecard, pk, data["revision"], fields):
                return saved(request, "note", pk, data["revision"])
    return save_note_checked(request, scorecard, pk)


def save_note_checked(request: HttpRequest, scorecard: int, pk: int) -> HttpResponse:
    note = get_own_note(request.user, scorecard, pk)
    checklist = note.planned.question.checklist
    form = NoteForm(request.POST, checklist=checklist)
    if not form.is_valid():
        return invalid(request, kind="note", part=note, errors=form.errors)
    data = form.cleaned_data
    try:
        services.save_note(
            note,
            text=data["text"],
            state=data["state"] or QuestionNote.State.OPEN,
            ticks=data["ticks"],
            base_revision=data["revision"],
        )
    except ValidationError as error:
        return invalid(request, kind="note", part=note, errors=error.message_dict)
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(request, kind="note", part=note, error=error)
    remember_part("note", scorecard, pk, request.user.pk, checklist)
    return status(request, kind="note", part=note, state="saved")


@require_POST
def save_rating(request: HttpRequest, scorecard: int, pk: int) -> HttpResponse:
    known, scale_id = known_part("rating", scorecard, pk, request.user)
    if known:
        form = RatingForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                fields = services.clean_rating(
                    score=data["score"],
                    evidence=data["evidence"],
                    not_assessed=data["not_assessed"],
                    reason=data["not_assessed_reason"],
                    scale_id=scale_id,
                )
            except ValidationError:
                fields = None
            if fields is not None and services.write_part(
                Rating, scorecard, pk, data["revision"], fields
            ):
                return saved(request, "rating", pk, data["revision"])
    return save_rating_checked(request, scorecard, pk)


def save_rating_checked(request: HttpRequest, scorecard: int, pk: int) -> HttpResponse:
    rating = get_own_rating(request.user, scorecard, pk)
    scale_id = rating.scorecard.assignment.interview.application.loop.scale_id
    form = RatingForm(request.POST)
    if not form.is_valid():
        return invalid(request, kind="rating", part=rating, errors=form.errors)
    data = form.cleaned_data
    try:
        services.save_rating(
            rating,
            score=data["score"],
            evidence=data["evidence"],
            not_assessed=data["not_assessed"],
            reason=data["not_assessed_reason"],
            base_revision=data["revision"],
            scale_id=scale_id,
        )
    except ValidationError as error:
        return invalid(request, kind="rating", part=rating, errors=error.message_dict)
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(request, kind="rating", part=rating, error=error)
    remember_part("rating", scorecard, pk, request.user.pk, scale_id)
    return status(request, kind="rating", part=rating, state="saved")


@require_POST
def save_overall(request: HttpRequest, pk: int) -> HttpResponse:
    known, _ = known_part("overall", pk, pk, request.user)
    if known:
        form = OverallForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if services.write_overall(
                pk, data["revision"], data["recommendation"], data["summary"]
            ):
                return saved(request, "overall", pk, data["revision"])
    return save_overall_checked(request, pk)


def save_overall_checked(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk, write=True)
    form = OverallForm(request.POST)
    if not form.is_valid():
        return invalid(request, kind="overall", part=scorecard, errors=form.errors)
    data = form.cleaned_data
    try:
        services.save_overall(
            scorecard,
            recommendation=data["recommendation"],
            summary=data["summary"],
            base_revision=data["revision"],
        )
    except ValidationError as error:
        return invalid(request, kind="overall", part=scorecard, errors=error.message_dict)
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(request, kind="overall", part=scorecard, error=error)
    remember_part("overall", pk, pk, request.user.pk)
    return status(request, kind="overall", part=scorecard, state="saved")
