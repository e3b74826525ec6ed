"""The Banks screen: list banks, download one as a YAML bank file, upload one to import.

Recruiters and admins only. Import is all or nothing (rubrics.bankfile): a bad
file is refused with every problem listed at the upload field.
"""

from django import forms
from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import require_recruiter
from accounts.validators import SafeForm

from .bankfile import BankFileError, ImportReport, export_bank, import_bank
from .models import Bank, Competency, Question

TEMPLATE = "rubrics/bank_list.html"


class BankUploadForm(SafeForm):
    file = forms.FileField(
        label="Bank file",
        help_text="A YAML bank file saved as UTF-8, as written by Export.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Only check the file and report what would change"
    )

    def clean_file(self) -> str:
        """The uploaded file's text; refuses files over the size limit or not UTF-8."""
        upload = self.cleaned_data["file"]
        limit = settings.BANK_UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"This file is {filesizeformat(upload.size)}; a bank file may be at most "
                f"{filesizeformat(limit)}.",
                code="too_large",
            )
        try:
            # utf-8-sig: editors on Windows often start UTF-8 files with a BOM.
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "This file is not UTF-8 text. A bank file is YAML saved as UTF-8.",
                code="not_utf8",
            ) from None


def get_bank_for(user, key: str) -> Bank:
    """The bank with `key`, for a user who may manage banks (403 otherwise, 404 if none)."""
    require_recruiter(user)
    return get_object_or_404(Bank, key=key)


def _active_count(model) -> Coalesce:
    rows = (
        model.objects.active()
        .filter(bank=OuterRef("pk"))
        .order_by()
        .values("bank")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def banks_for_list() -> QuerySet[Bank]:
    """Banks with their counts of current questions and competencies, in one query."""
    return Bank.objects.annotate(
        question_count=_active_count(Question),
        competency_count=_active_count(Competency),
    ).order_by("name", "key")


def _render(
    request: HttpRequest, form: BankUploadForm, report: ImportReport | None = None
) -> HttpResponse:
    context = {
        "banks": banks_for_list(),
        "form": form,
        "report": report,
        "max_bytes": settings.BANK_UPLOAD_MAX_BYTES,
        # After an htmx import that changed something, the table is swapped too.
        "refresh_table": bool(request.htmx and report and report.changed and not report.dry_run),
    }
    template = f"{TEMPLATE}#bank-import" if request.htmx else TEMPLATE
    return render(request, template, context)


@require_GET
def bank_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    return _render(request, BankUploadForm())


@require_POST
def bank_import(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = BankUploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        try:
            report = import_bank(
                form.cleaned_data["file"],
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                max_bytes=settings.BANK_UPLOAD_MAX_BYTES,
            )
        except BankFileError as exc:
            form.add_error("file", exc.problems)
        else:
            form = BankUploadForm()
    return _render(request, form, report)


@require_GET
def bank_export(request: HttpRequest, key: str) -> HttpResponse:
    bank = get_bank_for(request.user, key)
    return HttpResponse(
        export_bank(bank),
        content_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, f"{bank.key}.yaml")},
    )
