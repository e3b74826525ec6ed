"""Scheduling: interviews for an application's stages, and who sits on them.

Assigning someone announces it (candidates.signals); the scoring app gives every
assignment its scorecard, and hands an untouched one over on replacement.
The people on an interview are emailed a calendar invitation when they are put
on it, when it moves, and a cancellation when it is called off or they are taken
off it (candidates.emails, sent once the change commits).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.permissions import INTERVIEWER

from . import emails, signals
from .models import Application, Assignment, Interview


@transaction.atomic
def schedule_interview(application: Application, stage, starts_at, *, by) -> Interview:
    if stage.loop_id != application.loop_id:
        raise ValidationError({"stage": "That stage belongs to another loop."})
    application.refuse_if_erased()
    if application.is_closed:
        raise ValidationError(f"The application is {application.get_status_display().lower()}.")
    if Interview.objects.filter(application=application, stage=stage).exists():
        raise ValidationError({"stage": f"{stage.name} is already scheduled."})
    interview = Interview.objects.create(application=application, stage=stage, starts_at=starts_at)
    record(by, "interview.scheduled", interview, stage=stage.name, starts_at=starts_at.isoformat())
    return interview


@transaction.atomic
def reschedule_interview(interview: Interview, starts_at, *, by) -> Interview:
    interview.application.refuse_if_erased()
    if interview.state == Interview.State.CANCELLED:
        raise ValidationError("A cancelled interview cannot be moved; schedule it again.")
    before = interview.starts_at
    interview.starts_at = starts_at
    interview.state = Interview.State.SCHEDULED
    interview.save(update_fields=["starts_at", "state", "updated_at"])
    record(
        by,
        "interview.rescheduled",
        interview,
        before=before.isoformat(),
        after=starts_at.isoformat(),
    )
    emails.notify_panel(interview, emails.UPDATED)
    return interview


@transaction.atomic
def set_interview_state(interview: Interview, state: str, *, by) -> Interview:
    if state not in Interview.State.values:
        raise ValidationError({"state": f"“{state}” is not an interview state."})
    interview.application.refuse_if_erased()
    if (
        state in (Interview.State.HELD, Interview.State.NO_SHOW)
        and interview.starts_at > timezone.now()
    ):
        raise ValidationError(
            {"state": "An interview that has not started yet cannot be marked held or no-show."}
        )
    before = interview.state
    interview.state = state
    interview.save(update_fields=["state", "updated_at"])
    record(by, "interview.state_changed", interview, before=before, after=state)
    if state == Interview.State.CANCELLED and before != state:
        emails.notify_panel(interview, emails.CANCELLED)
    elif before == Interview.State.CANCELLED and state == Interview.State.SCHEDULED:
        # Back on: calendars that dropped the event get it again.
        emails.notify_panel(interview, emails.UPDATED)
    return interview


@transaction.atomic
def assign(
    interview: Interview, person, role: str = Assignment.Role.INTERVIEWER, *, by
) -> Assignment:
    """Put a person on an interview; scoring creates their empty scorecard."""
    interview.application.refuse_if_erased()
    if not person.in_group(INTERVIEWER):
        raise ValidationError({"person": f"{person} is not an interviewer."})
    if not person.is_active:
        raise ValidationError({"person": f"{person} is deactivated."})
    if interview.assignments.active().filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already on this interview."})
    assignment = Assignment.objects.create(interview=interview, person=person, role=role)
    signals.assignment_created.send(sender=Assignment, assignment=assignment)
    record(by, "interview.assigned", assignment, person=person.username, role=role)
    emails.notify_person(assignment, emails.ASSIGNED)
    return assignment


@transaction.atomic
def replace_assignment(assignment: Assignment, person, *, by) -> Assignment:
    """Someone else takes the seat: an untouched scorecard moves, a started one stays."""
    assignment.interview.application.refuse_if_erased()
    if assignment.replaced_at is not None:
        raise ValidationError("That assignment was already replaced.")
    if not person.in_group(INTERVIEWER) or not person.is_active:
        raise ValidationError({"person": f"{person} is not an active interviewer."})
    if assignment.interview.assignments.active().filter(person=person).exists():
        raise ValidationError({"person": f"{person} is already on this interview."})
    assignment.replaced_at = timezone.now()
    assignment.save(update_fields=["replaced_at", "updated_at"])
    new = Assignment.objects.create(
        interview=assignment.interview, person=person, role=assignment.role
    )
    assignment.replaced_by = new
    assignment.save(update_fields=["replaced_by"])
    signals.assignment_replaced.send(sender=Assignment, old=assignment, new=new)
    record(
        by,
        "interview.reassigned",
        new,
        before=assignment.person.username,
        after=person.username,
        role=assignment.role,
    )
    emails.notify_person(new, emails.ASSIGNED)
    emails.notify_person(assignment, emails.REMOVED)
    return new


@transaction.atomic
def unassign(assignment: Assignment, *, by) -> None:
    """Take someone off an interview before they have written anything.

    The scoring app refuses (ValidationError) when the scorecard is started or
    submitted: that work must not disappear; replace the person instead.
    """
    if assignment.replaced_at is not None:
        raise ValidationError("That assignment was already replaced.")
    assignment.interview.application.refuse_if_erased()
    signals.assignment_removed.send(sender=Assignment, assignment=assignment)
    record(
        by,
        "interview.unassigned",
        assignment,
        person=assignment.person.username,
        role=assignment.role,
    )
    # The email is built before the row goes: it names the seat the person had.
    emails.notify_person(assignment, emails.REMOVED)
    assignment.delete()
