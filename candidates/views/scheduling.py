"""Scheduling: an interview per stage, its time and state, and the people on it.

The recruiter's forms live in the application page's interviews section
(templates/candidates/_schedule.html): htmx swaps that region, a plain POST
returns to the page (or shows it with the refused form's errors at its fields).
The interview page shows one interview to the people it concerns.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import is_recruiter, require_recruiter

from .. import access, scheduling
from ..models import Application, Assignment, Interview
from ..schedule_forms import (
    AssignForm,
    ReplaceForm,
    RescheduleForm,
    ScheduleForm,
    StateForm,
    assignable_people,
    form_id,
)
from ..schedule_view import schedule_rows
from .applications import application_context


def get_assignment_for(user, pk: int, *, write: bool = False) -> Assignment:
    """An assignment on an application the user may see (404), changed by recruiters (403)."""
    assignment = get_object_or_404(
        Assignment.objects.filter(
            interview__application__in=access.visible_applications(user)
        ).select_related("person", "interview__application", "interview__stage"),
        pk=pk,
    )
    if write:
        require_recruiter(user)
    return assignment


def schedule_response(
    request: HttpRequest, application: Application, *, bound: dict | None = None
) -> HttpResponse:
    """After a change: the region for htmx, else back to the application page.

    A refused form (`bound`) shows at its fields: in the region, or in the whole page.
    A closed application's page has no forms: their errors go out as messages instead.
    """
    if bound and application.is_closed:
        for form in bound.values():
            for message in form.non_field_errors():
                messages.error(request, message)
        bound = None
    if request.htmx:
        context = {
            "application": application,
            "stage_rows": schedule_rows(application, bound=bound),
            "can_schedule": is_recruiter(request.user) and not application.is_closed,
            "show_messages": True,
        }
        return render(request, "candidates/_schedule.html", context)
    if bound:
        page = application_context(request.user, application)
        page["stage_rows"] = schedule_rows(application, bound=bound)
        return render(request, "candidates/application_detail.html", page)
    return redirect(f"{application.get_absolute_url()}#schedule")


def refuse(request: HttpRequest, application: Application, error: ValidationError):
    """A rule said no: tell why, change nothing."""
    for message in error.messages:
        messages.error(request, message)
    return schedule_response(request, application)


def _application(user, pk: int) -> Application:
    application = access.get_application_for(user, pk, write=True)
    return Application.objects.select_related(
        "candidate", "loop__role", "loop__level", "status_changed_by"
    ).get(pk=application.pk)


@require_POST
def interview_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request.user, pk)
    stages = list(application.loop.stages.all())
    form = ScheduleForm(request.POST, stages=stages)
    if form.is_valid():
        stage = form.cleaned_data["stage"]
        form.auto_id = form_id("schedule", stage.pk)
        try:
            interview = scheduling.schedule_interview(
                application, stage, form.cleaned_data["starts_at"], by=request.user
            )
        except ValidationError as error:
            return refuse(request, application, error)
        messages.success(request, f"{interview.stage.name} scheduled.")
        return schedule_response(request, application)
    stage = form.cleaned_data.get("stage")
    if stage is None:
        return refuse(request, application, ValidationError("Choose a stage to schedule."))
    form.auto_id = form_id("schedule", stage.pk)
    return schedule_response(request, application, bound={("schedule", stage.pk): form})


@require_POST
def interview_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    interview = access.get_interview_for(request.user, pk, write=True)
    application = _application(request.user, interview.application_id)
    form = RescheduleForm(request.POST, auto_id=form_id("reschedule", interview.pk))
    if form.is_valid():
        try:
            scheduling.reschedule_interview(
                interview, form.cleaned_data["starts_at"], by=request.user
            )
        except ValidationError as error:
            return refuse(request, application, error)
        messages.success(request, f"{interview.stage.name} moved; the people on it are told.")
        return schedule_response(request, application)
    return schedule_response(request, application, bound={("reschedule", interview.pk): form})


@require_POST
def interview_state(request: HttpRequest, pk: int) -> HttpResponse:
    interview = access.get_interview_for(request.user, pk, write=True)
    application = _application(request.user, interview.application_id)
    form = StateForm(request.POST, auto_id=form_id("state", interview.pk))
    if form.is_valid():
        try:
            scheduling.set_interview_state(interview, form.cleaned_data["state"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{interview.stage.name}: {interview.get_state_display().lower()}."
            )
            return schedule_response(request, application)
    return schedule_response(request, application, bound={("state", interview.pk): form})


@require_POST
def assignment_add(request: HttpRequest, pk: int) -> HttpResponse:
    interview = access.get_interview_for(request.user, pk, write=True)
    application = _application(request.user, interview.application_id)
    form = AssignForm(
        request.POST, people=list(assignable_people()), auto_id=form_id("add", interview.pk)
    )
    if form.is_valid():
        person, role = form.cleaned_data["person"], form.cleaned_data["role"]
        try:
            scheduling.assign(interview, person, role, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            label = Assignment.Role(role).label.lower()
            messages.success(request, f"{person} is on {interview.stage.name} as {label}.")
            return schedule_response(request, application)
    return schedule_response(request, application, bound={("add", interview.pk): form})


@require_POST
def assignment_replace(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for(request.user, pk, write=True)
    application = _application(request.user, assignment.interview.application_id)
    form = ReplaceForm(
        request.POST, people=list(assignable_people()), auto_id=form_id("replace", assignment.pk)
    )
    if form.is_valid():
        try:
            new = scheduling.replace_assignment(
                assignment, form.cleaned_data["person"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{new.person} replaces {assignment.person} on {assignment.interview.stage.name}.",
            )
            return schedule_response(request, application)
    return schedule_response(request, application, bound={("replace", assignment.pk): form})


@require_POST
def assignment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for(request.user, pk, write=True)
    application = _application(request.user, assignment.interview.application_id)
    try:
        scheduling.unassign(assignment, by=request.user)
    except ValidationError as error:
        return refuse(request, application, error)
    messages.success(request, f"{assignment.person} is off {assignment.interview.stage.name}.")
    return schedule_response(request, application)


@require_GET
def interview_detail(request: HttpRequest, pk: int) -> HttpResponse:
    interview = access.get_interview_for(request.user, pk)
    interview = (
        Interview.objects.select_related(
            "stage", "application__candidate", "application__loop__role", "application__loop__level"
        )
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.active().select_related("person", "scorecard"),
                to_attr="seats",
            )
        )
        .get(pk=interview.pk)
    )
    mine = next((a for a in interview.seats if a.person_id == request.user.pk), None)
    return render(
        request,
        "candidates/interview_detail.html",
        {
            "interview": interview,
            "application": interview.application,
            "candidate": interview.application.candidate,
            "seats": interview.seats,
            "my_seat": mine,
            "my_scorecard": scorecard_progress(mine),
            "is_recruiter": is_recruiter(request.user),
        },
    )


def scorecard_progress(assignment: Assignment | None) -> str:
    """How far the person's own scorecard is: not started, draft or submitted."""
    scorecard = getattr(assignment, "scorecard", None) if assignment else None
    if scorecard is None or scorecard.is_untouched:
        return "not started"
    return "submitted" if scorecard.is_submitted else "draft"
