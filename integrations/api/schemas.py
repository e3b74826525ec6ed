"""The API's shared input types and output schemas (other resources import these: keep stable).

Every object carries its `id`, its `external_id` where the model has one, its
`updated_at` where it has one, and the ids of related objects.
Input types refuse, as a 422 problem at their field, what the database could not take:
ids past PostgreSQL's integer range, NUL characters and lone surrogates in text, times
too far out to convert between zones.
"""

from datetime import datetime
from typing import Annotated

from ninja import Path, Query, Schema
from pydantic import AfterValidator, Field

from accounts.validators import text_problem
from integrations.fields import EXTERNAL_ID_MAX_LENGTH

# PostgreSQL's `integer` (Django's AutoField): a larger id names nothing and must not
# reach a query (it would fail there, not answer "not found").
MAX_ID = 2_147_483_647
EARLIEST_YEAR, LATEST_YEAR = 1970, 2200


def safe_text(value: str | None) -> str | None:
    if value is None:
        return None
    problem = text_problem(value, None)
    if problem:
        raise ValueError(f"This text {problem}.")
    return value


def reasonable_time(value: datetime) -> datetime:
    """Refuse years outside 1970–2200: they cannot be converted between zones safely."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"Give a time between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    return value


Text = Annotated[str, AfterValidator(safe_text)]
ExternalId = Annotated[
    str, Field(min_length=1, max_length=EXTERNAL_ID_MAX_LENGTH), AfterValidator(safe_text)
]
# An optional external id in a body: "" clears it.
ExternalIdOrBlank = Annotated[
    str, Field(max_length=EXTERNAL_ID_MAX_LENGTH), AfterValidator(safe_text)
]
Time = Annotated[datetime, AfterValidator(reasonable_time)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Path parameters.
PathId = Annotated[int, Path(ge=1, le=MAX_ID, description="The object's id.")]
PathExternalId = Annotated[
    str,
    Path(min_length=1, max_length=EXTERNAL_ID_MAX_LENGTH, description="The ATS's id."),
    AfterValidator(safe_text),
]
PathKey = Annotated[str, Path(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_-]+$")]
# Query filters.
QueryEmail = Annotated[
    str | None,
    Query(None, max_length=254, description="Exact, case-insensitive."),
    AfterValidator(safe_text),
]
QueryExternalId = Annotated[
    str | None,
    Query(None, max_length=EXTERNAL_ID_MAX_LENGTH, description="The ATS's id."),
    AfterValidator(safe_text),
]
QuerySince = Annotated[
    Time | None,
    Query(
        None,
        description="Only objects changed at or after this ISO 8601 time (with its offset); "
        "lists are ordered by (updated_at, id) for sync.",
    ),
]


class CandidateOut(Schema):
    id: int
    external_id: str
    name: str
    # Only for recruiters (the pages show the address to them only); erased: "".
    email: str | None = None
    links: list[str]
    # Only for recruiters who do not owe their own scorecard on the candidate.
    recruiter_notes: str | None = None
    erased: bool
    erased_at: datetime | None = None
    application_ids: list[int]
    created_at: datetime
    updated_at: datetime


class PersonOut(Schema):
    id: int
    username: str
    name: str
    email: str
    roles: list[str]
    is_active: bool
    time_zone: str


class ApplicationOut(Schema):
    id: int
    external_id: str
    candidate_id: int
    loop_id: int
    loop_key: str
    loop_version: int
    # None while the reader still owes their own scorecard here: a decision moves the
    # status, so the status tells the decision (independence).
    status: str | None
    status_changed_at: datetime | None
    committee_ids: list[int]
    interview_ids: list[int]
    created_at: datetime
    updated_at: datetime


class AssignmentOut(Schema):
    id: int
    external_id: str
    interview_id: int
    person_id: int
    role: str
    replaced_at: datetime | None
    replaced_by_id: int | None
    created_at: datetime
    updated_at: datetime


class InterviewOut(Schema):
    id: int
    external_id: str
    application_id: int
    stage_id: int
    stage_name: str
    starts_at: datetime
    ends_at: datetime
    state: str
    # The seats not replaced (shadows included).
    assignments: list[AssignmentOut]
    created_at: datetime
    updated_at: datetime


class NamedRef(Schema):
    id: int
    key: str
    name: str


class StageOut(Schema):
    id: int
    order: int
    name: str
    duration_minutes: int
    buffer_minutes: int
    panel_size: int
    focus: str


class LoopCompetencyOut(Schema):
    id: int
    key: str
    name: str
    critical: bool
    weight: float | None
    bar: int | None


class LoopOut(Schema):
    id: int
    key: str
    version: int
    name: str
    status: str
    role: NamedRef
    level: NamedRef
    scale: NamedRef
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime


class LoopDetailOut(LoopOut):
    stages: list[StageOut]
    competencies: list[LoopCompetencyOut]


class BankOut(Schema):
    key: str
    name: str
    description: str
    version: str
    question_count: int
    competency_count: int
    created_at: datetime
    updated_at: datetime


class BankImportOut(Schema):
    bank_key: str
    dry_run: bool
    changed: bool
    summary: str
    # Per kind (bank, scales, competencies, …): created, updated, new_version, unchanged.
    counts: dict[str, dict[str, int]]
