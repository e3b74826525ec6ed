"""Autosave: each note, rating and the overall part saved on its own, as the interviewer types.

Each endpoint answers with the part's small status element only (never the field being
typed in): 200 saved, with the new revision; 409 the revision was stale, with the
version saved elsewhere so the interviewer can choose or merge; 422 bad input, with the
message at the field; 409 too when the scorecard was submitted meanwhile, or locked
because its candidate was erased (with that reason). A fixed,
small number of queries per save (tests/scoring/test_autosave.py).
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from .. import services
from ..access import get_own_note, get_own_rating, get_scorecard_for, known_part, remember_part
from ..forms import NoteForm, OverallForm, RatingForm
from ..models import QuestionNote, Rating
from . import part_saving

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
            if data["clock_only"]:
                # The clock's time alone: one UPDATE, no revision (services.record_seconds).
                if services.record_seconds(scorecard, pk, data["seconds"]):
                    return part_saving.unchanged("note", pk, data["revision"])
                return checked_note(request, scorecard, pk)
            fields = {
                "text": data["text"],
                "state": data["state"] or QuestionNote.State.OPEN,
                "ticks": data["ticks"],
            }
            if data["seconds"] is not None:
                fields["seconds_spent"] = data["seconds"]
            # The form has checked the text's length, the state, the ticks and the seconds.
            if services.write_part(QuestionNote, scorecard, pk, data["revision"], fields):
                return part_saving.saved("note", pk, data["revision"])
    return checked_note(request, scorecard, pk)


def checked_note(request: HttpRequest, scorecard: int, pk: int) -> HttpResponse:
    note = get_own_note(request.user, scorecard, pk)
    response, ok = part_saving.save_note(note, request.POST)
    if ok:
        remember_part("note", scorecard, pk, request.user.pk, note.planned.question.checklist)
    return response


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
                return part_saving.saved("rating", pk, data["revision"])
    rating = get_own_rating(request.user, scorecard, pk)
    scale_id = rating.scorecard.assignment.interview.application.loop.scale_id
    response, ok = part_saving.save_rating(rating, request.POST, scale_id=scale_id)
    if ok:
        remember_part("rating", scorecard, pk, request.user.pk, scale_id)
    return response


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
                return part_saving.saved("overall", pk, data["revision"])
    scorecard = get_scorecard_for(request.user, pk, write=True)
    response, ok = part_saving.save_overall(scorecard, request.POST)
    if ok:
        remember_part("overall", pk, pk, request.user.pk)
    return response
