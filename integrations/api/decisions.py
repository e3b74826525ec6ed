"""/api/v1/decisions/ and POST /api/v1/applications/{id}/decisions: the committee's decisions.

Reading follows the committee page: its decisions are shown to whoever may review the
application (`scoring.access.may_review`: recruiters and admins, its committee, and
peers whose own scorecard is in when the loop allows) — never to someone whose own
scorecard on it is pending. Recording follows the page's form: `may_decide`
(recruiters and the committee, same independence rule), the level on the loop's
ladder (default: the loop's level), a rationale; the service (`record_decision`) moves
the status and audits it, the API marks the entry `via: "api"` with the token's name.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from integrations.api.common import api_write
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import Id, PathId, QuerySince, Text
from integrations.api.scorecards import QueryApplication
from rubrics.models import Level
from scoring import services
from scoring.access import get_application_for_review, reviewable_application_ids
from scoring.models import Decision

router = Router(tags=["decisions"])

READ, WRITE = "decisions:read", "decisions:write"


class DecisionOut(Schema):
    id: int
    application_id: int
    outcome: str = Field(..., description="hire, no_hire or hold.")
    level_id: int
    level_key: str
    level_name: str
    rationale: str
    by_id: int
    by_name: str
    at: datetime
    standing: bool = Field(..., description="The application's latest decision: it stands.")


class DecisionIn(Schema):
    outcome: Decision.Outcome
    level_id: Id | None = Field(None, description="A level of the loop's ladder; default its own.")
    rationale: Text = Field(..., min_length=1, max_length=20_000)


def at_api_fields(error: ValidationError) -> ValidationError:
    """The service's errors at the body's names (its "level" is the body's "level_id")."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {("level_id" if f == "level" else f): m for f, m in error.error_dict.items()}
    )


def decisions_for(user):
    return Decision.objects.filter(
        application_id__in=reviewable_application_ids(user)
    ).select_related("level", "by")


def standing_ids(decisions: list[Decision]) -> set[int]:
    """Of `decisions`, the latest of each application (one query for the whole page)."""
    applications = {d.application_id for d in decisions}
    latest = {}
    for pk, application_id in (
        Decision.objects.filter(application_id__in=applications)
        .order_by("application_id", "-at", "-pk")
        .values_list("pk", "application_id")
    ):
        latest.setdefault(application_id, pk)
    return set(latest.values())


def decision_out(decision: Decision, standing: set[int]) -> dict:
    return {
        "id": decision.pk,
        "application_id": decision.application_id,
        "outcome": decision.outcome,
        "level_id": decision.level_id,
        "level_key": decision.level.key,
        "level_name": decision.level.name,
        "rationale": decision.rationale,
        "by_id": decision.by_id,
        "by_name": str(decision.by),
        "at": decision.at,
        "standing": decision.pk in standing,
    }


def present(decisions: list[Decision]) -> list[dict]:
    standing = standing_ids(decisions)
    return [decision_out(d, standing) for d in decisions]


class DecisionPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = present(result["items"])
        return result


@router.get(
    "decisions/",
    response={200: list[DecisionOut], **PROBLEMS},
    url_name="decision_list",
    summary="List decisions you may read (oldest first)",
)
@paginate(DecisionPage)
def decision_list(
    request: HttpRequest,
    application: QueryApplication = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    decisions = decisions_for(request.user)
    if application is not None:
        decisions = decisions.filter(application_id=application)
    return changed_since(decisions, updated_since, field="at")


@router.get(
    "decisions/{id}",
    response={200: DecisionOut, **PROBLEMS},
    url_name="decision_detail",
    summary="One decision (404 if you may not read it)",
)
def decision_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    decision = decisions_for(request.user).filter(pk=id).first()
    if decision is None:
        raise Http404("No such decision.")
    return present([decision])[0]


@router.post(
    "applications/{id}/decisions",
    response={201: DecisionOut, **PROBLEMS},
    url_name="decision_record",
    summary="Record the committee's decision (moves the application's status)",
)
def decision_record(request: HttpRequest, id: PathId, payload: DecisionIn):
    with api_write(request, WRITE):
        # 404 if the application is not visible; 403 if visible but not yours to decide
        # (a recruiter or committee member still owing their own scorecard included).
        application = get_application_for_review(request.user, id, decide=True)
        ladder = application.loop.level.ladder_id
        level_id = payload.level_id or application.loop.level_id
        level = Level.objects.filter(pk=level_id, ladder_id=ladder).first()
        try:
            decision = services.record_decision(
                application,
                outcome=payload.outcome.value,
                level=level,
                rationale=payload.rationale,
                by=request.user,
            )
        except ValidationError as error:
            raise at_api_fields(error) from None
    return Status(
        201, present([Decision.objects.select_related("level", "by").get(pk=decision.pk)])[0]
    )
