"""/api/v1/banks/: list question banks, export one as a bank file, import a bank file.

The Banks screen's rule: recruiters and admins only. The file is the catalogue's own
YAML bank format (docs/bank-format.md, rubrics.bankfile): what export writes, import
reads back. Import is all or nothing; a refused file answers 422 with every problem in
`errors`, each at its place (`field`: the path in the file, with its line and column).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate
from pydantic import Field
from pydantic import ValidationError as PydanticValidationError

from accounts.permissions import require_recruiter
from integrations.api.common import api_write, check_form
from integrations.api.core import PROBLEMS, Page, ProblemSchema, problem, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import BankImportOut, BankOut, PathKey, QuerySince
from rubrics.bank_views import BankUploadForm, banks_for_list, get_bank_for
from rubrics.bankfile import BankFileError, export_bank, import_bank

router = Router(tags=["banks"])

READ, WRITE = "banks:read", "banks:write"


class BankImportIn(Schema):
    text: str = Field(..., description="The bank file's YAML text.")
    dry_run: bool = Field(False, description="Only check the file and report what would change.")


def bank_out(bank) -> dict:
    return {
        "key": bank.key,
        "name": bank.name,
        "description": bank.description,
        "version": bank.version,
        "question_count": bank.question_count,
        "competency_count": bank.competency_count,
        "created_at": bank.created_at,
        "updated_at": bank.updated_at,
    }


class ListPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [bank_out(b) for b in result["items"]]
        return result


@router.get(
    "",
    response={200: list[BankOut], **PROBLEMS},
    url_name="bank_list",
    summary="List question banks (recruiters)",
)
@paginate(ListPage)
def bank_list(request: HttpRequest, updated_since: QuerySince = None):
    require_scope(request, READ)
    require_recruiter(request.user)
    return changed_since(banks_for_list(), updated_since)


@router.get(
    "{key}/export",
    response={**PROBLEMS},
    url_name="bank_export",
    summary="Export a bank as a YAML bank file (recruiters)",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The bank file (docs/bank-format.md).",
                # A YAML mapping (bank, scales, competencies, …): clients parse it as such.
                "content": {"application/yaml": {"schema": {"type": "object"}}},
            }
        }
    },
)
def bank_export(request: HttpRequest, key: PathKey):
    require_scope(request, READ)
    bank = get_bank_for(request.user, key)
    return HttpResponse(
        export_bank(bank),
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, f"{bank.key}.yaml")},
    )


def file_problems(request: HttpRequest, error: BankFileError) -> HttpResponse:
    """Every problem of the file at its place: "questions.q-x (line 4, column 7): …"."""
    errors = []
    for text in error.problems:
        where, sep, message = text.partition(": ")
        errors.append(
            {"field": where, "message": message} if sep else {"field": "text", "message": text}
        )
    return problem(
        request,
        422,
        "The bank file is not valid.",
        f"{len(error.problems)} problem(s); nothing was imported.",
        kind="invalid-bank-file",
        errors=errors,
    )


def submitted_file(request: HttpRequest) -> tuple[str, bool]:
    """(text, dry_run) from a JSON body or a multipart upload (field `file`)."""
    if request.content_type == "multipart/form-data":
        form = BankUploadForm(request.POST, request.FILES)
        cleaned = check_form(form)
        return cleaned["file"], cleaned["dry_run"]
    try:
        payload = BankImportIn.model_validate_json(request.body or b"{}")
    except PydanticValidationError as exc:
        raise NinjaValidationError(
            [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]
        ) from None
    if len(payload.text.encode("utf-8", "surrogatepass")) > settings.BANK_UPLOAD_MAX_BYTES:
        raise NinjaValidationError(
            [{"loc": ("body", "text"), "msg": "The bank file is larger than the limit."}]
        )
    return payload.text, payload.dry_run


IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": BankImportIn.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "dry_run": {"type": "boolean"},
                    },
                }
            },
        },
    }
}


@router.post(
    "import",
    response={200: BankImportOut, 413: ProblemSchema, **PROBLEMS},
    url_name="bank_import",
    summary="Import a bank file (recruiters): JSON {text, dry_run} or a multipart file",
    openapi_extra=IMPORT_BODY,
)
def bank_import(request: HttpRequest):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        try:
            text, dry_run = submitted_file(request)
        except RequestDataTooBig:
            return problem(request, 413, "Too large.", "The request body is over the limit.")
        try:
            report = import_bank(
                text,
                actor=request.user,
                dry_run=dry_run,
                max_bytes=settings.BANK_UPLOAD_MAX_BYTES,
            )
        except BankFileError as error:
            return file_problems(request, error)
        return {
            "bank_key": report.bank_key,
            "dry_run": report.dry_run,
            "changed": report.changed,
            "summary": report.summary(),
            "counts": report.as_data(),
        }
