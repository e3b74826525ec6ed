"""Applications: start one on a published loop, its page, status and committee."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.htmx import render_screen
from accounts.permissions import is_recruiter

from .. import access, services
from ..forms import ApplicationForm, CommitteeForm, StatusForm
from ..models import Application
from ..schedule_view import schedule_rows


@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access.get_candidate_for(request.user, pk, write=True)
    form = ApplicationForm(request.POST if request.method == "POST" else None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                candidate,
                form.cleaned_data["loop"],
                by=request.user,
                committee=form.cleaned_data["committee"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{candidate} started on “{application.loop.name}”.")
            url = application.get_absolute_url()
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return render_screen(
        request,
        "candidates/candidate_apply.html",
        "application-form",
        {"candidate": candidate, "form": form},
    )


def application_context(
    user,
    application: Application,
    *,
    status_form: StatusForm | None = None,
    committee_form: CommitteeForm | None = None,
) -> dict:
    """The application page, in a fixed number of queries; bound forms show their errors."""
    recruiter = is_recruiter(user)
    committee = list(application.committee.order_by("first_name", "last_name", "username"))
    return {
        "application": application,
        "candidate": application.candidate,
        "committee_members": committee,
        "is_recruiter": recruiter,
        "status_form": status_form or StatusForm(initial={"status": application.status}),
        "committee_form": committee_form or CommitteeForm(initial={"committee": committee}),
        "stage_rows": schedule_rows(application),
        "can_schedule": recruiter and not application.is_closed,
        # Independence: links to what the others said only for those who may read it
        # (the committee view and packets check the same rules on the server).
        "owes_own_review": access.awaiting_own_review(user, application),
        # A decision moves the status (Hire → offer, No hire → rejected): hidden with it.
        "status_hidden": access.awaiting_own_review(user, application),
        "may_review": access.may_review(user, application),
        "may_decide": access.may_decide(user, application),
    }


def _application(user, pk: int, *, write: bool = False) -> Application:
    application = access.get_application_for(user, pk, write=write)
    # Who set the status shows beside it; one join rather than one more query.
    return Application.objects.select_related(
        "candidate", "loop__role", "loop__level", "status_changed_by"
    ).get(pk=application.pk)


@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request.user, pk)
    return render(
        request,
        "candidates/application_detail.html",
        application_context(request.user, application),
    )


@require_POST
def application_status(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(application, form.cleaned_data["status"], by=request.user)
        except ValidationError as error:
            form.add_error("status", error)
        else:
            return _region(
                request,
                application,
                "application-status",
                saved=f"Status set to {application.get_status_display().lower()}.",
            )
    return _region(request, application, "application-status", status_form=form)


@require_POST
def application_committee(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request.user, pk, write=True)
    form = CommitteeForm(request.POST)
    if form.is_valid():
        try:
            services.set_committee(application, form.cleaned_data["committee"], by=request.user)
        except ValidationError as error:
            form.add_error("committee", error)
        else:
            return _region(request, application, "application-committee", saved="Committee saved.")
    return _region(request, application, "application-committee", committee_form=form)


def _region(
    request: HttpRequest, application: Application, region: str, *, saved: str = "", **forms
) -> HttpResponse:
    """htmx: the changed region; else the page with the errors, or back to it after a save."""
    if request.htmx:
        context = application_context(request.user, application, **forms)
        return render(
            request, f"candidates/application_detail.html#{region}", {**context, "saved": saved}
        )
    if saved:
        messages.success(request, saved)
    if forms:
        return render(
            request,
            "candidates/application_detail.html",
            application_context(request.user, application, **forms),
        )
    return redirect(application)
