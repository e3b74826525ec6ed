"""/api/v1/interviews/: schedule an application's stage, move it, change its state, seat people.

Who sees what is the pages' rule (candidates.access.get_interview_for): the interviews
of applications the reader may see (recruiters all; interviewers and committee members
those of the applications they sit on); only recruiters write. Every change goes through
candidates.scheduling (its checks, audit entries, calendar emails).
"""

from datetime import UTC
from typing import Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field, model_validator

from accounts.models import User
from accounts.permissions import require_recruiter
from candidates import access, scheduling
from candidates.models import Application, Assignment, Interview
from candidates.schedule_forms import AssignForm, StateForm, assignable_people
from integrations.api.common import (
    api_write,
    check_form,
    fields_named,
    refuse_taken_external_id,
)
from integrations.api.common import set_external_id as store_external_id
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import (
    AssignmentOut,
    ExternalIdOrBlank,
    Id,
    InterviewOut,
    PathId,
    QueryExternalId,
    QuerySince,
    Text,
    Time,
)
from interviews.models import Stage

router = Router(tags=["interviews"])

READ, WRITE = "interviews:read", "interviews:write"
State = Literal["scheduled", "held", "cancelled", "no_show"]
Role = Literal["interviewer", "shadow"]


class InterviewIn(Schema):
    application_id: Id
    stage_id: Id
    starts_at: Time = Field(..., description="ISO 8601 with offset; without one, UTC.")
    external_id: ExternalIdOrBlank = ""


class InterviewPatch(Schema):
    starts_at: Time | None = Field(None, description="Moves it (the panel is told).")
    state: State | None = None
    external_id: ExternalIdOrBlank | None = None


class AssignmentIn(Schema):
    person_id: Id | None = None
    person_email: Text | None = Field(None, max_length=254)
    role: Role = "interviewer"
    external_id: ExternalIdOrBlank = ""

    @model_validator(mode="after")
    def one_person(self):
        if (self.person_id is None) == (self.person_email is None):
            raise ValueError("Give exactly one of person_id and person_email.")
        return self


class InterviewFilters(Schema):
    application_id: Id | None = None
    stage_id: Id | None = None
    state: State | None = None


def aware(moment):
    return timezone.make_aware(moment, UTC) if timezone.is_naive(moment) else moment


# Reading ---------------------------------------------------------------------------


def assignment_out(seat: Assignment) -> dict:
    return {
        "id": seat.pk,
        "external_id": seat.external_id,
        "interview_id": seat.interview_id,
        "person_id": seat.person_id,
        "role": seat.role,
        "replaced_at": seat.replaced_at,
        "replaced_by_id": seat.replaced_by_id,
        "created_at": seat.created_at,
        "updated_at": seat.updated_at,
    }


def for_output(interviews: QuerySet[Interview]) -> QuerySet[Interview]:
    return interviews.select_related("stage").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.active(), to_attr="seats")
    )


def interview_out(interview: Interview) -> dict:
    return {
        "id": interview.pk,
        "external_id": interview.external_id,
        "application_id": interview.application_id,
        "stage_id": interview.stage_id,
        "stage_name": interview.stage.name,
        "starts_at": interview.starts_at,
        "ends_at": interview.ends_at,
        "state": interview.state,
        "assignments": [assignment_out(a) for a in interview.seats],
        "created_at": interview.created_at,
        "updated_at": interview.updated_at,
    }


def one(pk: int) -> dict:
    return interview_out(for_output(Interview.objects.filter(pk=pk)).get())


class ListPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [interview_out(i) for i in result["items"]]
        return result


@router.get(
    "",
    response={200: list[InterviewOut], **PROBLEMS},
    url_name="interview_list",
    summary="List the interviews you may see",
)
@paginate(ListPage)
def interview_list(
    request: HttpRequest,
    filters: Query[InterviewFilters],
    external_id: QueryExternalId = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    interviews = Interview.objects.filter(application__in=access.visible_applications(request.user))
    interviews = interviews.filter(**filters.model_dump(exclude_none=True))
    if external_id:
        interviews = interviews.filter(external_id=external_id)
    return for_output(changed_since(interviews, updated_since))


@router.get(
    "{id}",
    response={200: InterviewOut, **PROBLEMS},
    url_name="interview_detail",
    summary="One interview and the people on it",
)
def interview_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    return one(access.get_interview_for(request.user, id).pk)


class SeatPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [assignment_out(a) for a in result["items"]]
        return result


@router.get(
    "{id}/assignments",
    response={200: list[AssignmentOut], **PROBLEMS},
    url_name="assignment_list",
    summary="The people on an interview (seats not replaced)",
)
@paginate(SeatPage)
def assignment_list(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    interview = access.get_interview_for(request.user, id)
    return changed_since(Assignment.objects.active().filter(interview=interview), None)


# Writing ---------------------------------------------------------------------------


@router.post(
    "",
    response={201: InterviewOut, **PROBLEMS},
    url_name="interview_create",
    summary="Schedule a stage of an application (recruiters)",
)
def interview_create(request: HttpRequest, payload: InterviewIn):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        refuse_taken_external_id(Interview, payload.external_id)
        application = Application.objects.filter(pk=payload.application_id).first()
        if application is None:
            raise ValidationError({"application_id": "No such application."})
        stage = Stage.objects.filter(pk=payload.stage_id).first()
        if stage is None:
            raise ValidationError({"stage_id": "No such stage."})
        with fields_named({"stage": "stage_id"}):
            interview = scheduling.schedule_interview(
                application, stage, aware(payload.starts_at), by=request.user
            )
        store_external_id(interview, payload.external_id, by=request.user)
        return Status(201, one(interview.pk))


@router.patch(
    "{id}",
    response={200: InterviewOut, **PROBLEMS},
    url_name="interview_update",
    summary="Move an interview, change its state or external id (recruiters)",
)
def interview_update(request: HttpRequest, id: PathId, payload: InterviewPatch):
    with api_write(request, WRITE):
        interview = access.get_interview_for(request.user, id, write=True)
        changes = payload.model_dump(exclude_none=True)
        if "starts_at" in changes and aware(changes["starts_at"]) != interview.starts_at:
            with fields_named({}):
                scheduling.reschedule_interview(
                    interview, aware(changes["starts_at"]), by=request.user
                )
        if "state" in changes and changes["state"] != interview.state:
            state = check_form(StateForm({"state": changes["state"]}))["state"]
            scheduling.set_interview_state(interview, state, by=request.user)
        if "external_id" in changes:
            interview.application.refuse_if_erased("external_id")
            store_external_id(interview, changes["external_id"], by=request.user)
        return one(interview.pk)


def find_person(payload: AssignmentIn) -> User:
    if payload.person_id is not None:
        person, field = User.objects.filter(pk=payload.person_id).first(), "person_id"
    else:
        field = "person_email"
        person = User.objects.with_email(payload.person_email).order_by("-is_active", "pk").first()
    if person is None:
        raise ValidationError({field: "No such person."})
    return person, field


@router.post(
    "{id}/assignments",
    response={201: AssignmentOut, **PROBLEMS},
    url_name="assignment_create",
    summary="Put a person on an interview (recruiters)",
    description="An interviewer or a shadow; they are sent a calendar invitation.",
)
def assignment_create(request: HttpRequest, id: PathId, payload: AssignmentIn):
    with api_write(request, WRITE):
        interview = access.get_interview_for(request.user, id, write=True)
        refuse_taken_external_id(Assignment, payload.external_id)
        person, field = find_person(payload)
        form = AssignForm(
            {"person": person.pk, "role": payload.role},
            people=list(assignable_people().filter(pk=person.pk)),
        )
        if not form.is_valid() and "person" in form.errors:
            raise ValidationError({field: f"{person} is not an active interviewer."})
        cleaned = check_form(form)
        with fields_named({"person": field}):
            seat = scheduling.assign(interview, cleaned["person"], cleaned["role"], by=request.user)
        store_external_id(seat, payload.external_id, by=request.user)
        return Status(201, assignment_out(Assignment.objects.get(pk=seat.pk)))
