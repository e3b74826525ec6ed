"""/api/v1/imports/candidates: the candidate CSV import (docs/candidate-csv.md), recruiters.

The page's rules: the whole file is checked first; if anything is wrong, nothing is
imported and the answer is a 422 problem with every problem in `errors`, each at its
place (`field`: "row 3, column email"). `dry_run` only checks and reports what would
happen. A row matching an existing candidate (by external id, then email) updates it;
importing the same file again changes nothing.
"""

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from accounts.permissions import require_recruiter
from candidates.importing import (
    MAX_BYTES,
    MAX_PROBLEMS,
    NATIVE,
    PRESET_CHOICES,
    CandidateFileError,
    ImportRefused,
    Preview,
    Problem,
    run_import,
)
from candidates.importing.presets import FIELDS
from integrations.api.common import api_write
from integrations.api.core import PROBLEMS, ProblemSchema, problem

router = Router(tags=["imports"])

WRITE = "candidates:write"
PRESETS = [key for key, _ in PRESET_CHOICES]


class CandidateImportIn(Schema):
    text: str = Field(..., description="The CSV file's text (UTF-8, a header row).")
    preset: str = Field(
        NATIVE, description="Whose column names the file uses: " + ", ".join(PRESETS) + "."
    )
    mapping: dict[str, str] = Field(
        {},
        description="With preset `manual`: field → the file's column name. Fields: "
        + ", ".join(FIELDS)
        + ".",
    )
    default_loop: str = Field(
        "", max_length=80, description="A published loop's key for rows without a loop."
    )
    dry_run: bool = Field(False, description="Only check the file and report what would happen.")


class ImportRowOut(Schema):
    row: int
    action: str = Field(..., description="new, update or unchanged")
    candidate_id: int | None
    application_id: int | None
    new_application: bool
    changes: list[str]


class CandidateImportOut(Schema):
    dry_run: bool
    summary: str
    counts: dict[str, int]
    ignored_columns: list[str]
    rows: list[ImportRowOut]


def refused(request: HttpRequest, problems: list[Problem], summary: str) -> HttpResponse:
    errors = [{"field": p.where, "message": p.message} for p in problems[:MAX_PROBLEMS]]
    detail = f"{len(problems)} problem(s); nothing was imported."
    return problem(
        request,
        422,
        "The file was refused.",
        f"{detail} {summary}".strip(),
        kind="invalid-candidate-file",
        errors=errors,
    )


def submitted(request: HttpRequest) -> CandidateImportIn:
    try:
        payload = CandidateImportIn.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        ) from None
    if payload.preset not in PRESETS:
        raise NinjaValidationError(
            [{"loc": ("body", "preset"), "msg": "One of: " + ", ".join(PRESETS) + "."}]
        )
    return payload


def answer(result: Preview) -> dict:
    return {
        "dry_run": result.dry_run,
        "summary": result.summary(),
        "counts": result.counts(),
        "ignored_columns": result.columns.ignored if result.columns else [],
        "rows": [
            {
                "row": row.number,
                "action": row.action,
                "candidate_id": row.candidate.pk if row.candidate else None,
                "application_id": row.application.pk if row.application else None,
                "new_application": row.new_application,
                "changes": row.changes + [f"application {c}" for c in row.application_changes],
            }
            for row in result.rows
        ],
    }


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": CandidateImportIn.model_json_schema()}},
    }
}


@router.post(
    "candidates",
    response={200: CandidateImportOut, 413: ProblemSchema, **PROBLEMS},
    url_name="import_candidates",
    summary="Import candidates and applications from CSV (recruiters); dry_run to preview",
    openapi_extra=IMPORT_BODY,
)
def import_candidates(request: HttpRequest):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        try:
            payload = submitted(request)
        except RequestDataTooBig:
            return problem(
                request, 413, "Too large.", f"A candidate file may be at most {MAX_BYTES:,} bytes."
            )
        content = payload.text.encode("utf-8", "surrogatepass")
        try:
            result = run_import(
                content,
                by=request.user,
                preset=payload.preset,
                mapping=payload.mapping,
                default_loop=payload.default_loop.strip(),
                dry_run=payload.dry_run,
                source="api",
            )
        except CandidateFileError as error:
            return refused(request, error.problems, "")
        except ImportRefused as error:
            return refused(request, error.preview.problems, error.preview.summary())
        return answer(result)
