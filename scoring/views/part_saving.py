"""Saving one part of a draft scorecard through its service, answered by its status element.

Both ways of saving a part use these: autosave (scoring/views/autosave.py, the checked
path after its fast path) and the no-JavaScript form (scoring/views/scorecard.py,
`save_part`). Each takes the part already fetched and authorised, checks the posted
data with the part's form, calls the service, and returns the part's small status
element (saved, invalid, conflict with the other version, locked) and whether it saved.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.template.loader import render_to_string

from .. import services
from ..forms import NoteForm, OverallForm, RatingForm
from ..models import QuestionNote, Rating, Scorecard

STATUS_TEMPLATE = "scoring/_part_status.html"


def revision_of(kind: str, part) -> int:
    return part.overall_revision if kind == "overall" else part.revision


def values_of(kind: str, part) -> dict:
    """The part's saved values, as its form names them (a conflict shows them)."""
    return part.overall_values() if kind == "overall" else part.form_values()


def status(
    posted_revision, *, kind: str, part, state: str, code: int = 200, **extra
) -> HttpResponse:
    """The part's status element: saved, conflict (with the other version) or invalid.

    Its hidden `revision` input is the one the part's form sends next: the new revision
    once saved; otherwise the revision the browser had (`posted_revision`), so that
    typing on after a conflict cannot overwrite the other version until the interviewer
    has chosen.
    """
    context = {
        "kind": kind,
        "part": part,
        "state": state,
        "status_id": f"{kind}-{part.pk}-status",
        "revision": revision_of(kind, part) if state == "saved" else posted_revision,
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


def invalid(posted_revision, *, kind: str, part, errors: dict) -> HttpResponse:
    messages = [m for field in errors.values() for m in field]
    return status(
        posted_revision, kind=kind, part=part, state="invalid", code=422, messages=messages
    )


def refused(posted_revision, *, kind: str, part, error: Exception) -> HttpResponse:
    if isinstance(error, services.ScorecardErased):
        return status(
            posted_revision, kind=kind, part=part, state="locked", code=409, reason=error.message
        )
    if isinstance(error, services.ScorecardLocked):
        return status(posted_revision, kind=kind, part=part, state="locked", code=409)
    return status(
        posted_revision, kind=kind, part=part, state="conflict", code=409, theirs=error.current
    )


@dataclass(frozen=True)
class SavedPart:
    """A part the fast path wrote without reading it: what its status element needs."""

    pk: int
    revision: int

    @property
    def overall_revision(self) -> int:
        return self.revision


def saved(kind: str, pk: int, base_revision: int) -> HttpResponse:
    """The status element of a part written on `base_revision`, now one revision on."""
    part = SavedPart(pk, base_revision + 1)
    return status(None, kind=kind, part=part, state="saved")


def unchanged(kind: str, pk: int, revision: int) -> HttpResponse:
    """The status element of a part whose words did not change (the clock's time kept)."""
    return status(None, kind=kind, part=SavedPart(pk, revision), state="saved")


def save_note(note: QuestionNote, data: QueryDict) -> tuple[HttpResponse, bool]:
    """Save a note from posted data: its status element, and whether it was saved."""
    posted = data.get("revision")
    form = NoteForm(data, checklist=note.planned.question.checklist)
    if not form.is_valid():
        return invalid(posted, kind="note", part=note, errors=form.errors), False
    cleaned = form.cleaned_data
    if cleaned["clock_only"]:
        return record_seconds(note, cleaned)
    try:
        services.save_note(
            note,
            text=cleaned["text"],
            state=cleaned["state"] or QuestionNote.State.OPEN,
            ticks=cleaned["ticks"],
            base_revision=cleaned["revision"],
            seconds_spent=cleaned["seconds"],
        )
    except ValidationError as error:
        return invalid(posted, kind="note", part=note, errors=error.message_dict), False
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(posted, kind="note", part=note, error=error), False
    return status(posted, kind="note", part=note, state="saved"), True


def record_seconds(note: QuestionNote, cleaned: dict) -> tuple[HttpResponse, bool]:
    """Keep the clock's time on the note's question; refused only once it is no draft."""
    posted = cleaned["revision"]
    if not services.record_seconds(note.scorecard_id, note.pk, cleaned["seconds"]):
        error = services.locked_error(note.scorecard.status)
        return refused(posted, kind="note", part=note, error=error), False
    return unchanged("note", note.pk, posted), True


def save_rating(rating: Rating, data: QueryDict, *, scale_id: int) -> tuple[HttpResponse, bool]:
    """Save a rating from posted data: its status element, and whether it was saved."""
    posted = data.get("revision")
    form = RatingForm(data)
    if not form.is_valid():
        return invalid(posted, kind="rating", part=rating, errors=form.errors), False
    cleaned = form.cleaned_data
    try:
        services.save_rating(
            rating,
            score=cleaned["score"],
            evidence=cleaned["evidence"],
            not_assessed=cleaned["not_assessed"],
            reason=cleaned["not_assessed_reason"],
            base_revision=cleaned["revision"],
            scale_id=scale_id,
        )
    except ValidationError as error:
        return invalid(posted, kind="rating", part=rating, errors=error.message_dict), False
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(posted, kind="rating", part=rating, error=error), False
    return status(posted, kind="rating", part=rating, state="saved"), True


def save_overall(scorecard: Scorecard, data: QueryDict) -> tuple[HttpResponse, bool]:
    """Save the overall part from posted data: its status element, and whether it was saved."""
    posted = data.get("revision")
    form = OverallForm(data)
    if not form.is_valid():
        return invalid(posted, kind="overall", part=scorecard, errors=form.errors), False
    cleaned = form.cleaned_data
    try:
        services.save_overall(
            scorecard,
            recommendation=cleaned["recommendation"],
            summary=cleaned["summary"],
            base_revision=cleaned["revision"],
        )
    except ValidationError as error:
        return invalid(posted, kind="overall", part=scorecard, errors=error.message_dict), False
    except (services.StaleRevision, services.ScorecardLocked) as error:
        return refused(posted, kind="overall", part=scorecard, error=error), False
    return status(posted, kind="overall", part=scorecard, state="saved"), True
