"""The candidate CSV import: upload, preview (with the manual mapping), confirm, discard.

Recruiters and admins only, checked on the server (403 for anyone else). An upload is
kept as a CandidateImport so the confirm reads the very bytes the preview showed; the
confirm checks the file again against the database as it is then, and imports it in one
transaction or not at all. Any recruiter may open and confirm the team's uploads, as
they manage every candidate; the preview shows no recruiter notes.
"""

from datetime import timedelta

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import require_recruiter

from ..importing import (
    CELL_MAX_CHARS,
    MANUAL,
    MAX_BYTES,
    MAX_ROWS,
    NATIVE,
    PRESETS,
    CandidateFileError,
    ImportRefused,
    header_of,
    preview,
    run_import,
)
from ..importing.forms import CandidateUploadForm, MappingForm
from ..importing.presets import FIELDS, LABELS, header_names
from ..models import CandidateImport

UPLOAD_TEMPLATE = "candidates/import_upload.html"
PREVIEW_TEMPLATE = "candidates/import_preview.html"
# An upload not confirmed within a day is dropped (it holds candidates' personal data).
KEEP_PENDING = timedelta(days=1)
ROWS_SHOWN = 500


def get_import_for(user, pk: int, *, lock: bool = False) -> CandidateImport:
    require_recruiter(user)
    imports = CandidateImport.objects.select_for_update() if lock else CandidateImport.objects
    return get_object_or_404(imports, pk=pk)


def drop_stale_uploads() -> None:
    CandidateImport.objects.filter(
        status=CandidateImport.Status.PENDING, created_at__lt=timezone.now() - KEEP_PENDING
    ).update(status=CandidateImport.Status.DISCARDED, content=b"")


@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = CandidateUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"]
        try:
            header_of(content)
        except CandidateFileError as error:
            problems = error.listed()
            form.add_error("file", "This file cannot be read: nothing was imported.")
        else:
            drop_stale_uploads()
            upload = CandidateImport.objects.create(
                content=content,
                filename=form.filename,
                preset=form.cleaned_data["preset"],
                default_loop=form.cleaned_data["default_loop"] or "",
                by=request.user,
            )
            return redirect(upload)
    return render(
        request,
        UPLOAD_TEMPLATE,
        {
            "form": form,
            "problems": problems,
            "max_bytes": MAX_BYTES,
            "max_rows": MAX_ROWS,
            "cell_max": CELL_MAX_CHARS,
            "presets": preset_table(),
        },
        status=422 if form.errors else 200,
    )


def preset_table() -> list[dict]:
    """Each ATS preset with the header names it reads each field from (the upload page)."""
    return [
        {
            "label": preset.label,
            "note": preset.note,
            "fields": [
                {"label": LABELS[name], "headers": ", ".join(header_names(preset, name))}
                for name in FIELDS
                if header_names(preset, name)
            ],
        }
        for key, preset in PRESETS.items()
        if key != NATIVE
    ]


@require_http_methods(["GET"])
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_import_for(request.user, pk)
    return preview_page(request, upload)


def preview_page(
    request, upload: CandidateImport, *, mapping_form=None, refused=None, status: int = 200
) -> HttpResponse:
    context = {"upload": upload, "preset": PRESETS.get(upload.preset), "manual": MANUAL}
    if not upload.is_pending:
        return render(request, PREVIEW_TEMPLATE, context, status=status)
    content = bytes(upload.content)
    try:
        result = refused or preview(
            content,
            preset=upload.preset,
            mapping=upload.mapping,
            default_loop=upload.default_loop,
        )
    except CandidateFileError as error:  # the checks changed since the upload
        context["file_problems"] = error.listed()
        return render(request, PREVIEW_TEMPLATE, context, status=422)
    if mapping_form is None and (upload.preset == MANUAL or result.mapping_problems):
        initial = upload.mapping or (result.columns.as_names() if result.columns else {})
        mapping_form = MappingForm(
            header=[h.strip() for h in result.header],
            initial={k: (v[0] if isinstance(v, list) else v) for k, v in initial.items() if v},
        )
    context.update(
        result=result,
        rows=result.rows[:ROWS_SHOWN],
        more_rows=max(0, len(result.rows) - ROWS_SHOWN),
        counts=result.counts(),
        mapping_form=mapping_form,
        mapped=result.columns.as_names() if result.columns else {},
        labels=LABELS,
    )
    return render(request, PREVIEW_TEMPLATE, context, status=status)


@require_POST
def import_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_import_for(request.user, pk)
    if not upload.is_pending:
        return preview_page(request, upload, status=409)
    form = MappingForm(request.POST, header=header_of(bytes(upload.content)))
    if not form.is_valid():
        return preview_page(request, upload, mapping_form=form, status=422)
    upload.preset = MANUAL
    upload.mapping = form.mapping()
    upload.save(update_fields=["preset", "mapping"])
    return redirect(upload)


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        upload = get_import_for(request.user, pk, lock=True)
        if not upload.is_pending:
            messages.info(request, "This file was already imported or discarded.")
            return preview_page(request, upload, status=409)
        try:
            result = run_import(
                bytes(upload.content),
                by=request.user,
                preset=upload.preset,
                mapping=upload.mapping,
                default_loop=upload.default_loop,
                source="page",
                upload=upload,
            )
        except ImportRefused as error:
            refused = error.preview
        except CandidateFileError:
            refused = None
        else:
            upload.status = CandidateImport.Status.IMPORTED
            upload.imported_at = timezone.now()
            upload.summary = {**result.counts(), "text": result.summary()}
            upload.content = b""
            upload.save(update_fields=["status", "imported_at", "summary", "content"])
            messages.success(request, result.summary())
            return redirect(upload)
    return preview_page(request, upload, refused=refused, status=422)


@require_POST
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    upload = get_import_for(request.user, pk)
    if upload.is_pending:
        upload.status = CandidateImport.Status.DISCARDED
        upload.content = b""
        upload.save(update_fields=["status", "content"])
        messages.info(request, "The file was discarded; nothing was imported.")
    return redirect("candidates:import_upload")
