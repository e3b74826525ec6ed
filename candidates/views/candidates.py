"""Candidates: the recruiters' list and search, create and edit, the detail page, the CV."""

from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.audit import record
from accounts.htmx import render_screen
from accounts.permissions import is_recruiter, require_recruiter

from .. import access, privacy, services
from ..forms import CANDIDATES_PER_PAGE, CandidateForm, CandidateSearchForm
from ..models import Application, Candidate


def may_read_notes(user, candidate: Candidate) -> bool:
    """access.may_read_recruiter_notes, asking only about applications the user sits on.

    A review of one's own can only be pending where one has a seat (a replaced seat with
    a started scorecard included), so the other applications need no question each: the
    check stays at a fixed number of queries.
    """
    if not is_recruiter(user):
        return False
    assigned = candidate.applications.filter(pk__in=access.seated_application_ids(user))
    return access.may_read_recruiter_notes(user, candidate, assigned)


@require_GET
def candidate_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = CandidateSearchForm(request.GET or None)
    candidates = access.visible_candidates(request.user).prefetch_related(
        Prefetch(
            "applications",
            queryset=Application.objects.select_related("loop").order_by("-created_at", "-pk"),
        )
    )
    if form.is_bound and form.is_valid():
        candidates = candidates.search(form.cleaned_data["q"].strip())
    page = Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    listed = [a for candidate in page.object_list for a in candidate.applications.all()]
    return render_screen(
        request,
        "candidates/candidate_list.html",
        "candidate-results",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            # Independence: a status a decision set tells the decision.
            "status_hidden": access.status_hidden_ids(request.user, listed),
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = CandidateForm(*_submitted(request))
    if request.method == "POST" and form.is_valid():
        try:
            candidate = services.create_candidate(
                by=request.user, cv=form.cleaned_data["cv"], **form.changes()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{candidate} added.")
            return _to(request, candidate)
    return _form_page(request, form, candidate=None)


@require_http_methods(["GET", "POST"])
def candidate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for(request.user, pk, write=True)
    # A recruiter awaiting their own review of this candidate edits without the notes.
    notes = may_read_notes(request.user, candidate)
    form = CandidateForm(
        *_submitted(request),
        instance=Candidate.objects.get(pk=candidate.pk),
        notes=notes,
    )
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.changes().items() if k in form.changed_data}
        cv = form.cleaned_data["cv"]
        if not changes and cv is None:
            messages.info(request, "Nothing changed.")
            return _to(request, candidate)
        try:
            services.update_candidate(candidate, changes, by=request.user, cv=cv)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{candidate} saved.")
            return _to(request, candidate)
    return _form_page(request, form, candidate=candidate)


def _submitted(request: HttpRequest) -> tuple:
    """A POST binds the form even when empty (so it shows what is missing)."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _form_page(request: HttpRequest, form: CandidateForm, *, candidate) -> HttpResponse:
    return render_screen(
        request,
        "candidates/candidate_form.html",
        "candidate-form",
        {"form": form, "candidate": candidate},
    )


def _to(request: HttpRequest, obj) -> HttpResponse:
    url = obj.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def candidate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for(request.user, pk)
    applications = list(
        access.visible_applications(request.user)
        .filter(candidate=candidate)
        .select_related("loop__role", "loop__level", "status_changed_by")
        .order_by("-created_at", "-pk")
    )
    hidden = access.status_hidden_ids(request.user, applications)
    return render(
        request,
        "candidates/candidate_detail.html",
        {
            "candidate": candidate,
            "applications": applications,
            # Independence: a status a decision set tells the decision.
            "status_hidden": hidden,
            # A recruiter sees all the candidate's applications: none of them pending for
            # them is may_read_notes, without asking again.
            "show_notes": is_recruiter(request.user) and not hidden,
            "can_manage": is_recruiter(request.user),
            # Export and erasure refuse someone still owing a scorecard on the candidate.
            "owes_review": is_recruiter(request.user)
            and privacy.owes_own_review(request.user, candidate),
        },
    )


@require_GET
def candidate_cv(request: HttpRequest, pk: int) -> FileResponse:
    """The CV as a download under its original name; never rendered inline."""
    candidate = access.get_candidate_for(request.user, pk)
    if not candidate.cv:
        raise Http404("No CV on file.")
    try:
        handle = candidate.cv.open("rb")
    except FileNotFoundError:
        raise Http404("The CV file is missing.") from None
    record(request.user, "candidate.cv_downloaded", candidate)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=candidate.cv_name or Path(candidate.cv.name).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Personal data: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
