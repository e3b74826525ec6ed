"""/api/v1/scorecards/: submitted scorecards, by the pages' independence rules (read only).

A scorecard is listed and readable exactly when its page would show it
(`scoring.access.may_read`, in SQL `readable_scorecards`): one's own once submitted;
a colleague's submitted one only to those who may review the application
(`may_review`) — never while one's own scorecard on it is pending, whatever one's
groups. A draft is nobody's but its author's, and the API serves no drafts at all.
Anything else is 404, as on the pages: the API does not tell whether it exists.

`counted` says whether the scorecard counts (`Scorecard.objects.counted()`: submitted,
on an active interviewer's seat of a scheduled or held interview); shadows' and
replaced seats' scorecards are served but do not count.
"""

from datetime import datetime
from typing import Annotated

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import MAX_ID, PathId, QuerySince
from scoring.access import readable_scorecards
from scoring.models import QuestionNote, Rating, Scorecard

router = Router(tags=["scorecards"])

READ = "scorecards:read"
QueryApplication = Annotated[
    int | None, Query(None, ge=1, le=MAX_ID, description="Only this application's.")
]


class RatingOut(Schema):
    competency_id: int
    competency_key: str
    competency_name: str
    score: int | None
    not_assessed: bool
    not_assessed_reason: str
    evidence: str


class NoteOut(Schema):
    planned_question_id: int
    question_id: int
    question_title: str
    state: str
    ticks: list[int]
    text: str
    backup_for_id: int | None
    backup_reason: str


class ScorecardOut(Schema):
    id: int
    application_id: int
    interview_id: int
    assignment_id: int
    stage_id: int
    person_id: int
    person_name: str
    role: str
    status: str
    counted: bool
    submitted_at: datetime | None
    recommendation: str
    summary: str
    ratings: list[RatingOut]
    notes: list[NoteOut]
    updated_at: datetime


def scorecards_for(user) -> QuerySet[Scorecard]:
    """What `user` may read, with everything the payload needs in a fixed number of queries."""
    counted = Scorecard.objects.counted().filter(pk=OuterRef("pk"))
    return (
        readable_scorecards(user)
        .select_related("assignment__person", "assignment__interview")
        .annotate(is_counted=Exists(counted))
        .prefetch_related(
            Prefetch(
                "ratings",
                queryset=Rating.objects.select_related("competency").order_by("order", "pk"),
            ),
            Prefetch(
                "notes",
                queryset=QuestionNote.objects.select_related("planned__question").order_by(
                    "planned__order", "planned__pk"
                ),
            ),
        )
    )


def scorecard_out(card: Scorecard) -> dict:
    assignment = card.assignment
    interview = assignment.interview
    return {
        "id": card.pk,
        "application_id": interview.application_id,
        "interview_id": interview.pk,
        "assignment_id": assignment.pk,
        "stage_id": interview.stage_id,
        "person_id": assignment.person_id,
        "person_name": str(assignment.person),
        "role": assignment.role,
        "status": card.status,
        "counted": card.is_counted,
        "submitted_at": card.submitted_at,
        "recommendation": card.recommendation,
        "summary": card.summary,
        "ratings": [
            {
                "competency_id": rating.competency_id,
                "competency_key": rating.competency.key,
                "competency_name": rating.competency.name,
                "score": rating.score,
                "not_assessed": rating.not_assessed,
                "not_assessed_reason": rating.not_assessed_reason,
                "evidence": rating.evidence,
            }
            for rating in card.ratings.all()
        ],
        "notes": [
            {
                "planned_question_id": note.planned_id,
                "question_id": note.planned.question_id,
                "question_title": note.planned.question.title,
                "state": note.state,
                "ticks": list(note.ticks),
                "text": note.text,
                "backup_for_id": note.backup_for_id,
                "backup_reason": note.backup_reason,
            }
            for note in card.notes.all()
        ],
        "updated_at": card.updated_at,
    }


class ScorecardPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [scorecard_out(card) for card in result["items"]]
        return result


@router.get(
    "",
    response={200: list[ScorecardOut], **PROBLEMS},
    url_name="scorecard_list",
    summary="List submitted scorecards you may read",
)
@paginate(ScorecardPage)
def scorecard_list(
    request: HttpRequest,
    application: QueryApplication = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    cards = scorecards_for(request.user)
    if application is not None:
        cards = cards.filter(assignment__interview__application_id=application)
    return changed_since(cards, updated_since)


@router.get(
    "{id}",
    response={200: ScorecardOut, **PROBLEMS},
    url_name="scorecard_detail",
    summary="One submitted scorecard (404 if you may not read it)",
)
def scorecard_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    card = scorecards_for(request.user).filter(pk=id).first()
    if card is None:
        raise Http404("No such scorecard.")
    return scorecard_out(card)
