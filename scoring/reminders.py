"""Reminders for overdue scorecards: never twice for the same scorecard and step.

A scorecard is overdue `REMINDER_FIRST_HOURS` after its interview ended: its
author gets a reminder (step 1). After `REMINDER_SECOND_HOURS` the reminder is
repeated to the author with the recruiter who started the application in copy
(step 2) — or every active recruiter when nobody did. Shadows are reminded too.

Once-only under concurrency: the `ReminderSent` row (unique per scorecard and
step) is inserted first, in its own transaction, and the email is sent once that
transaction commits. A second worker racing for the same step hits the unique
constraint and sends nothing. A send that fails deletes its row again, so the
next run retries it instead of losing it.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.permissions import RECRUITER
from candidates.models import Application, Interview, observed_seat

from .models import ReminderSent, Scorecard

logger = logging.getLogger(__name__)

FIRST, SECOND = 1, 2


@dataclass(frozen=True)
class Reminder:
    """One email to send: which scorecard, which step, how late."""

    scorecard: Scorecard
    step: int
    late: timedelta


def reminder_hours() -> tuple[int, int]:
    return settings.REMINDER_FIRST_HOURS, settings.REMINDER_SECOND_HOURS


def step_due(late: timedelta) -> int | None:
    """The step a scorecard this late is due for (None while it is not overdue)."""
    first, second = reminder_hours()
    if late >= timedelta(hours=second):
        return SECOND
    if late >= timedelta(hours=first):
        return FIRST
    return None


def overdue_candidates(now: datetime):
    """Unsubmitted scorecards that may be overdue (the precise test is on the end time).

    Only active assignments, interviews held or still marked scheduled, applications
    still open and candidates not erased. An interview ends no earlier than it starts,
    so `starts_at` bounds the query before the end time is computed in Python.
    """
    first, _ = reminder_hours()
    return (
        Scorecard.objects.pending()
        .filter(
            observed_seat("assignment__"),
            assignment__interview__starts_at__lte=now - timedelta(hours=first),
            assignment__interview__application__candidate__erased_at__isnull=True,
        )
        .exclude(assignment__interview__application__status__in=Application.CLOSED)
        .select_related(
            "assignment__person",
            "assignment__interview__stage",
            "assignment__interview__application__candidate",
            "assignment__interview__application__loop",
            "assignment__interview__application__created_by",
        )
        .prefetch_related("reminders")
        .order_by("pk")
    )


def due_reminders(now: datetime | None = None) -> list[Reminder]:
    """The reminders a run at `now` would send: the step due, if not sent before."""
    now = now or timezone.now()
    due = []
    for scorecard in overdue_candidates(now):
        late = now - scorecard.assignment.interview.ends_at
        step = step_due(late)
        sent = {r.step for r in scorecard.reminders.all()}
        if step is not None and step not in sent:
            due.append(Reminder(scorecard, step, late))
    return due


def send_overdue_reminders(now: datetime | None = None) -> int:
    """Send every reminder due at `now`; the number of reminders this run claimed."""
    return sum(claim_and_send(reminder) for reminder in due_reminders(now))


def claim_and_send(reminder: Reminder) -> bool:
    """Insert the step's row; send once it is committed. False when another run has it."""
    try:
        with transaction.atomic():
            sent, created = ReminderSent.objects.get_or_create(
                scorecard=reminder.scorecard, step=reminder.step
            )
            if created:
                transaction.on_commit(lambda: deliver(reminder, sent.pk))
    except IntegrityError:
        # Another worker inserted the same step between our read and our insert.
        return False
    return created


def deliver(reminder: Reminder, sent_pk: int) -> None:
    try:
        reminder_email(reminder).send()
    except Exception:
        logger.exception(
            "Reminder %s for scorecard %s failed", reminder.step, reminder.scorecard.pk
        )
        # Give the step back: the next run tries again rather than never.
        ReminderSent.objects.filter(pk=sent_pk).delete()


def recruiters_to_copy(application: Application) -> list[User]:
    """The recruiter who started the application, else every active recruiter."""
    starter = application.created_by
    if starter is not None and starter.is_active:
        return [starter]
    return list(User.objects.filter(groups__name=RECRUITER, is_active=True).order_by("pk"))


def describe_lateness(late: timedelta) -> str:
    hours = int(late.total_seconds() // 3600)
    if hours < 48:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    days, rest = divmod(hours, 24)
    return f"{days} days" + (f" {rest} hour{'s' if rest != 1 else ''}" if rest else "")


def reminder_link(interview: Interview) -> str:
    """The interview's page, where its author finds their scorecard, as a full address."""
    site = getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/")
    return site + interview.get_absolute_url()


def reminder_email(reminder: Reminder) -> EmailMessage:
    assignment = reminder.scorecard.assignment
    interview = assignment.interview
    application = interview.application
    copied = []
    if reminder.step == SECOND:
        copied = [r for r in recruiters_to_copy(application) if r.pk != assignment.person_id]
    context = {
        "person": assignment.person,
        "candidate": application.candidate.name,
        "stage": interview.stage.name,
        "loop": application.loop.name,
        "shadow": assignment.is_shadow,
        "ended_at": interview.ends_at,
        "late": describe_lateness(reminder.late),
        "step": reminder.step,
        "copied": copied,
        "link": reminder_link(interview),
    }
    return EmailMessage(
        subject=render_to_string("scoring/email/reminder_subject.txt", context).strip(),
        body=render_to_string("scoring/email/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[assignment.person.email],
        cc=[r.email for r in copied if r.email],
    )
