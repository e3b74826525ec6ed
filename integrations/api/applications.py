"""/api/v1/applications/: start a candidate on a published loop, read and change status.

Who sees what is the pages' rule (candidates.access.visible_applications): recruiters
every application, interviewers and committee members the ones they sit on; only
recruiters write. While a reader still owes their own scorecard on an application its
status is left out (`null`): a decision moves the status, so it would tell the decision.
"""

from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field, model_validator

from accounts.models import User
from accounts.permissions import require_recruiter
from candidates import access, services
from candidates.forms import ApplicationForm, CommitteeForm, StatusForm
from candidates.models import Application, Candidate, Interview
from integrations.api.common import api_write, check_form, refuse_taken_external_id
from integrations.api.common import set_external_id as store_external_id
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import (
    ApplicationOut,
    ExternalId,
    ExternalIdOrBlank,
    Id,
    PathId,
    QueryExternalId,
    QuerySince,
    Text,
)
from interviews.models import Loop

router = Router(tags=["applications"])

READ, WRITE = "candidates:read", "candidates:write"
StatusName = Literal["active", "offer", "hired", "rejected", "withdrawn"]
Emails = list[Annotated[Text, Field(max_length=254)]]


class ApplicationIn(Schema):
    candidate_id: Id | None = None
    candidate_external_id: ExternalId | None = None
    loop_id: Id | None = Field(None, description="A published loop version.")
    loop_key: Text | None = Field(
        None, max_length=80, description="The newest published version of this loop."
    )
    external_id: ExternalIdOrBlank = ""
    committee_emails: Emails = Field([], max_length=50)

    @model_validator(mode="after")
    def one_of_each(self):
        if (self.candidate_id is None) == (self.candidate_external_id is None):
            raise ValueError("Give exactly one of candidate_id and candidate_external_id.")
        if (self.loop_id is None) == (self.loop_key is None):
            raise ValueError("Give exactly one of loop_id and loop_key.")
        return self


class ApplicationPatch(Schema):
    status: StatusName | None = None
    external_id: ExternalIdOrBlank | None = None
    committee_emails: Emails | None = Field(None, max_length=50)


# Reading ---------------------------------------------------------------------------


def for_output(applications: QuerySet[Application]) -> QuerySet[Application]:
    """Everything the output names, in a fixed number of queries for a whole page."""
    return applications.select_related("loop").prefetch_related(
        Prefetch("committee", queryset=User.objects.only("pk").order_by("pk")),
        Prefetch("interviews", queryset=Interview.objects.only("pk", "application_id")),
    )


def application_out(application: Application, *, hidden: bool) -> dict:
    return {
        "id": application.pk,
        "external_id": application.external_id,
        "candidate_id": application.candidate_id,
        "loop_id": application.loop_id,
        "loop_key": application.loop.key,
        "loop_version": application.loop.version,
        "status": None if hidden else application.status,
        "status_changed_at": None if hidden else application.status_changed_at,
        "committee_ids": [m.pk for m in application.committee.all()],
        "interview_ids": sorted(i.pk for i in application.interviews.all()),
        "created_at": application.created_at,
        "updated_at": application.updated_at,
    }


def present(user, applications: list[Application]) -> list[dict]:
    hidden = access.status_hidden_ids(user, applications)
    return [application_out(a, hidden=a.pk in hidden) for a in applications]


def one(user, pk: int) -> dict:
    return present(user, [for_output(Application.objects.filter(pk=pk)).get()])[0]


class ListPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = present(params["request"].user, result["items"])
        return result


class ApplicationFilters(Schema):
    candidate_id: Id | None = None
    loop_id: Id | None = None
    loop_key: Text | None = Field(None, max_length=80)
    status: Literal[StatusName, "erased"] | None = None


@router.get(
    "",
    response={200: list[ApplicationOut], **PROBLEMS},
    url_name="application_list",
    summary="List the applications you may see",
)
@paginate(ListPage)
def application_list(
    request: HttpRequest,
    filters: Query[ApplicationFilters],
    external_id: QueryExternalId = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    applications = access.visible_applications(request.user)
    for name, value in filters.model_dump(exclude_none=True).items():
        field = "loop__key" if name == "loop_key" else name
        applications = applications.filter(**{field: value})
    if external_id:
        applications = applications.filter(external_id=external_id)
    return for_output(changed_since(applications, updated_since))


@router.get(
    "{id}",
    response={200: ApplicationOut, **PROBLEMS},
    url_name="application_detail",
    summary="One application",
)
def application_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    application = access.get_application_for(request.user, id)
    return one(request.user, application.pk)


# Writing ---------------------------------------------------------------------------


def committee_ids(emails: list[str], field: str = "committee_emails") -> list[int]:
    """The active people with these emails (422 at the field for one not found)."""
    wanted = [email.strip().lower() for email in emails]
    if not wanted:
        return []
    people: dict[str, int] = {}
    found = (
        User.objects.filter(is_active=True)
        .annotate(address=Lower("email"))
        .filter(address__in=wanted)
        .order_by("pk")
    )
    for person in found:
        people.setdefault(person.address, person.pk)
    missing = [f"Nobody active has the email “{e}”." for e in wanted if e not in people]
    if missing:
        raise ValidationError({field: missing})
    return [people[email] for email in wanted]


def find_candidate(payload: ApplicationIn) -> Candidate:
    if payload.candidate_id is not None:
        found, field = Candidate.objects.filter(pk=payload.candidate_id), "candidate_id"
    else:
        found = Candidate.objects.filter(external_id=payload.candidate_external_id)
        field = "candidate_external_id"
    candidate = found.first()
    if candidate is None:
        raise ValidationError({field: "No such candidate."})
    return candidate


def find_loop(payload: ApplicationIn) -> Loop:
    if payload.loop_id is not None:
        loop, field = Loop.objects.filter(pk=payload.loop_id).first(), "loop_id"
    else:
        loop = (
            Loop.objects.filter(key=payload.loop_key, status=Loop.Status.PUBLISHED)
            .order_by("-version")
            .first()
        )
        field = "loop_key"
    if loop is None:
        raise ValidationError({field: "No such published loop."})
    if loop.status != Loop.Status.PUBLISHED:
        raise ValidationError({field: "Only a published loop can take candidates."})
    return loop


@router.post(
    "",
    response={201: ApplicationOut, **PROBLEMS},
    url_name="application_create",
    summary="Start a candidate on a published loop (recruiters)",
)
def application_create(request: HttpRequest, payload: ApplicationIn):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        refuse_taken_external_id(Application, payload.external_id)
        candidate, loop = find_candidate(payload), find_loop(payload)
        form = ApplicationForm(
            {"loop": loop.pk, "committee": committee_ids(payload.committee_emails)},
            candidate=candidate,
        )
        cleaned = check_form(form, {"loop": "loop_id", "committee": "committee_emails"})
        try:
            with transaction.atomic():
                # With its external_id from the start: the application.created webhook,
                # written in this transaction, carries it.
                application = services.start_application(
                    candidate,
                    cleaned["loop"],
                    by=request.user,
                    committee=cleaned["committee"],
                    external_id=payload.external_id,
                )
        except IntegrityError:
            # The external_id was taken by a concurrent request since the check above.
            raise HttpError(
                409, f"Another application has the external_id “{payload.external_id}”."
            ) from None
        return Status(201, one(request.user, application.pk))


@router.patch(
    "{id}",
    response={200: ApplicationOut, **PROBLEMS},
    url_name="application_update",
    summary="Change an application's status, committee or external id (recruiters)",
)
def application_update(request: HttpRequest, id: PathId, payload: ApplicationPatch):
    with api_write(request, WRITE):
        application = access.get_application_for(request.user, id, write=True)
        changes = payload.model_dump(exclude_none=True)
        if "status" in changes:
            status = check_form(StatusForm({"status": changes["status"]}))["status"]
            services.change_status(application, status, by=request.user)
        if "committee_emails" in changes:
            ids = committee_ids(changes["committee_emails"])
            members = check_form(
                CommitteeForm({"committee": ids}), {"committee": "committee_emails"}
            )
            services.set_committee(application, members["committee"], by=request.user)
        if "external_id" in changes:
            application.refuse_if_erased("external_id")
            store_external_id(application, changes["external_id"], by=request.user)
        return one(request.user, application.pk)
