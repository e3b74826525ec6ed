"""/api/v1/candidates/: find, create, change and upsert candidates (recruiters).

Who sees what is the pages' rule (candidates.access): recruiters list and manage every
candidate; people on a candidate's interview or committee may read that candidate
(name, links; never the email address or recruiter notes); others get 404. Recruiter
notes are left out for a recruiter who still owes their own scorecard on the candidate.
An erased candidate stays listed for recruiters as "Erased candidate #<id>" with
`erased: true` and no personal data (candidates.privacy), so a sync learns of it.
"""

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from accounts.permissions import is_recruiter, require_recruiter
from candidates import access, services
from candidates.forms import CandidateForm
from candidates.models import Application, Candidate
from integrations.api.common import api_write, check_form, refuse_taken_external_id
from integrations.api.common import set_external_id as store_external_id
from integrations.api.core import PROBLEMS, Page, problem, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import (
    CandidateOut,
    ExternalIdOrBlank,
    PathExternalId,
    PathId,
    QueryEmail,
    QueryExternalId,
    QuerySince,
    Text,
)

router = Router(tags=["candidates"])

READ, WRITE = "candidates:read", "candidates:write"
FIELDS = ("name", "email", "links", "recruiter_notes")


class CandidateFields(Schema):
    name: Text = Field(..., max_length=200)
    email: Text = Field(..., max_length=254)
    links: list[Text] = Field([], max_length=100, description="Profile or portfolio URLs.")
    recruiter_notes: Text = Field("", max_length=20_000)
    confirm_duplicate: bool = Field(
        False, description="Create anyway when another candidate has this email (else 409)."
    )


class CandidateIn(CandidateFields):
    external_id: ExternalIdOrBlank = ""


class CandidatePatch(Schema):
    name: Text | None = Field(None, max_length=200)
    email: Text | None = Field(None, max_length=254)
    links: list[Text] | None = Field(None, max_length=100)
    recruiter_notes: Text | None = Field(None, max_length=20_000)
    external_id: ExternalIdOrBlank | None = None
    confirm_duplicate: bool = False


# Reading ---------------------------------------------------------------------------


def with_application_ids(candidates: QuerySet[Candidate], user) -> QuerySet[Candidate]:
    """The applications the reader may see, ids only, in one query for the whole page."""
    return candidates.prefetch_related(
        Prefetch(
            "applications",
            queryset=access.visible_applications(user).only("pk", "candidate_id").order_by("pk"),
            to_attr="visible_apps",
        )
    )


def notes_hidden_ids(user, candidates: list[Candidate]) -> set[int]:
    """Of `candidates`, those whose recruiter notes `user` may not read.

    Only applications the user has a seat on can await their own review: those are
    asked, so the cost does not grow with the number of candidates listed.
    """
    ids = {c.pk for c in candidates}
    if not is_recruiter(user):
        return ids
    seated = Application.objects.filter(
        candidate__in=ids, pk__in=access.seated_application_ids(user)
    )
    return {a.candidate_id for a in seated if access.awaiting_own_review(user, a)}


def candidate_out(candidate: Candidate, *, recruiter: bool, notes: bool) -> dict:
    return {
        "id": candidate.pk,
        "external_id": candidate.external_id,
        "name": candidate.name,
        "email": candidate.email if recruiter else None,
        "links": candidate.links,
        "recruiter_notes": candidate.recruiter_notes if notes else None,
        "erased": candidate.erased_at is not None,
        "erased_at": candidate.erased_at,
        "application_ids": [a.pk for a in candidate.visible_apps],
        "created_at": candidate.created_at,
        "updated_at": candidate.updated_at,
    }


def present(user, candidates: list[Candidate]) -> list[dict]:
    hidden = notes_hidden_ids(user, candidates)
    recruiter = is_recruiter(user)
    return [
        candidate_out(c, recruiter=recruiter, notes=recruiter and c.pk not in hidden)
        for c in candidates
    ]


def get_candidate_for(user, pk: int, *, write: bool = False) -> Candidate:
    """As the pages' (404 unseen, 403 not a recruiter), erased ones included for recruiters."""
    if is_recruiter(user):
        return get_object_or_404(Candidate, pk=pk)
    return access.get_candidate_for(user, pk, write=write)


def one(user, pk: int) -> dict:
    candidate = with_application_ids(Candidate.objects.filter(pk=pk), user).get()
    return present(user, [candidate])[0]


class ListPage(Page):
    """Candidates of the page, presented in one pass (notes checked once for the page)."""

    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = present(params["request"].user, result["items"])
        return result


@router.get(
    "",
    response={200: list[CandidateOut], **PROBLEMS},
    url_name="candidate_list",
    summary="List candidates (recruiters)",
)
@paginate(ListPage)
def candidate_list(
    request: HttpRequest,
    email: QueryEmail = None,
    external_id: QueryExternalId = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    require_recruiter(request.user)
    candidates = Candidate.objects.all()
    if email:
        candidates = candidates.filter(email__iexact=email.strip())
    if external_id:
        candidates = candidates.filter(external_id=external_id)
    return with_application_ids(changed_since(candidates, updated_since), request.user)


@router.get(
    "{id}",
    response={200: CandidateOut, **PROBLEMS},
    url_name="candidate_detail",
    summary="One candidate",
)
def candidate_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    candidate = get_candidate_for(request.user, id)
    return one(request.user, candidate.pk)


# Writing ---------------------------------------------------------------------------


def form_data(values: dict) -> dict:
    return {
        "name": values.get("name", ""),
        "email": values.get("email", ""),
        "links": list(values.get("links") or []),
        "recruiter_notes": values.get("recruiter_notes", ""),
        "confirm_duplicate": "on" if values.get("confirm_duplicate") else "",
    }


def duplicate_problem(request: HttpRequest, form: CandidateForm) -> HttpResponse | None:
    """409 when the only thing wrong is another candidate with this email (as the page asks)."""
    if set(form.errors) != {"confirm_duplicate"}:
        return None
    return problem(
        request,
        409,
        "Conflict.",
        "Another candidate has this email address. Send confirm_duplicate: true if this "
        "is a different person, or update that candidate.",
        kind="duplicate-email",
        errors=[
            {
                "field": "email",
                "message": "Another candidate has this email address (candidate "
                + ", ".join(f"#{c.pk}" for c in form.duplicates)
                + ").",
            }
        ],
    )


def create(request: HttpRequest, values: dict, external_id: str):
    """(201, candidate) or a problem response; inside the caller's api_write."""
    refuse_taken_external_id(Candidate, external_id)
    form = CandidateForm(form_data(values), {})
    if not form.is_valid() and (conflict := duplicate_problem(request, form)):
        return conflict
    check_form(form)
    candidate = services.create_candidate(by=request.user, **form.changes())
    store_external_id(candidate, external_id, by=request.user)
    return Status(201, one(request.user, candidate.pk))


def update(request: HttpRequest, candidate: Candidate, values: dict):
    """(200, candidate) or a problem response; only what differs is written."""
    if candidate.erased_at is not None:
        # Nothing more is written about an erased candidate, however small.
        candidate.refuse_if_erased()
    notes = may_write_notes(request.user, candidate)
    if "recruiter_notes" in values and not notes:
        return problem(
            request,
            403,
            "Not allowed.",
            "You still owe your own scorecard on this candidate: their recruiter notes "
            "are not yours to read or change yet.",
        )
    current = {name: getattr(candidate, name) for name in FIELDS}
    form = CandidateForm(
        form_data({**current, **values}),
        {},
        instance=Candidate.objects.get(pk=candidate.pk),
        notes=notes,
    )
    if not form.is_valid() and (conflict := duplicate_problem(request, form)):
        return conflict
    check_form(form)
    changes = {k: v for k, v in form.changes().items() if v != current[k]}
    if changes:
        services.update_candidate(candidate, changes, by=request.user)
    if "external_id" in values:
        store_external_id(candidate, values["external_id"], by=request.user)
    return Status(200, one(request.user, candidate.pk))


def may_write_notes(user, candidate: Candidate) -> bool:
    assigned = candidate.applications.filter(pk__in=access.seated_application_ids(user))
    return access.may_read_recruiter_notes(user, candidate, assigned)


@router.post(
    "",
    response={201: CandidateOut, **PROBLEMS},
    url_name="candidate_create",
    summary="Create a candidate (recruiters)",
    description="A candidate with the same email is refused (409) unless confirm_duplicate; "
    "an external_id another candidate carries is refused (409).",
)
def candidate_create(request: HttpRequest, payload: CandidateIn):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        values = payload.model_dump(exclude={"external_id"})
        return create(request, values, payload.external_id)


@router.patch(
    "{id}",
    response={200: CandidateOut, **PROBLEMS},
    url_name="candidate_update",
    summary="Change a candidate (recruiters)",
)
def candidate_update(request: HttpRequest, id: PathId, payload: CandidatePatch):
    with api_write(request, WRITE):
        candidate = get_candidate_for(request.user, id, write=True)
        require_recruiter(request.user)
        values = payload.model_dump(exclude_unset=True)
        values = {k: v for k, v in values.items() if v is not None or k == "confirm_duplicate"}
        return update(request, candidate, values)


@router.put(
    "external/{external_id}",
    response={200: CandidateOut, 201: CandidateOut, **PROBLEMS},
    url_name="candidate_upsert",
    summary="Create or update the candidate with this external id (recruiters)",
    description="Idempotent: 201 when created, 200 when it existed (changed or not). "
    "On update, fields left out keep their value.",
)
def candidate_upsert(request: HttpRequest, external_id: PathExternalId, payload: CandidateFields):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        existing = Candidate.objects.select_for_update().filter(external_id=external_id).first()
        if existing is None:
            return create(request, payload.model_dump(), external_id)
        # Fields the ATS does not send keep their value: a sync that knows nothing of
        # recruiter notes or links must not blank them.
        return update(request, existing, payload.model_dump(exclude_unset=True))
