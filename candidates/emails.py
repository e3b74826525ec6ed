"""Emails to the people on an interview, each with its calendar invitation attached.

Built inside the scheduling service's transaction (so they describe what was
saved) and sent only once it commits: a rolled-back change emails nobody, and a
mail server that is down loses the email, never the change (robust=True logs it).
"""

import email.message
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry

from . import ics
from .models import Assignment, Interview

# Why the person gets the email; the subject and opening line follow from it.
ASSIGNED = "assigned"
UPDATED = "updated"
CANCELLED = "cancelled"
REMOVED = "removed"
CANCELLING = (CANCELLED, REMOVED)


def interview_url(interview: Interview) -> str:
    return settings.SITE_URL + reverse("candidates:interview_detail", args=[interview.pk])


def sequence(interview: Interview) -> int:
    """The invitation's revision: it grows with every audited change to the interview.

    Each email follows a new audit entry about this interview (scheduling, a move,
    a state change, someone added or removed), so a calendar always receives a
    higher SEQUENCE than the one it holds for the same UID.
    """
    return AuditEntry.objects.filter(
        scope=interview.audit_scope(),
        verb__startswith="interview.",
    ).count()


def person_zone(person) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(person.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def build(
    interview: Interview, person, role: str, kind: str, *, revision: int | None = None
) -> EmailMessage:
    """The email for one person, with `invite.ics` (a request, or a cancellation)."""
    application = interview.application
    context = {
        "kind": kind,
        "person": person,
        "role": Assignment.Role(role).label.lower(),
        "interview": interview,
        "stage": interview.stage,
        "candidate": application.candidate,
        "loop": application.loop,
        "zone": person_zone(person),
        "link": interview_url(interview),
    }
    # The person's own zone for every time in the text, whoever made the change.
    with timezone.override(context["zone"]):
        subject = " ".join(
            render_to_string("candidates/email/interview_subject.txt", context).split()
        )
        body = render_to_string("candidates/email/interview.txt", context)
    calendar = ics.invitation(
        interview,
        person,
        role=role,
        sequence=sequence(interview) if revision is None else revision,
        summary=subject,
        description=body,
        url=context["link"],
        cancel=kind in CANCELLING,
    )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
    message.attach(calendar_part(calendar, cancel=kind in CANCELLING))
    return message


def calendar_part(calendar: bytes, *, cancel: bool) -> email.message.MIMEPart:
    # The method parameter on the part is what makes mail clients offer "add to calendar".
    part = email.message.MIMEPart()
    part.set_content(
        calendar.decode(),
        subtype="calendar",
        params={"method": "CANCEL" if cancel else "REQUEST"},
        disposition="attachment",
        filename="invite.ics",
    )
    return part


def send_on_commit(messages: list[EmailMessage]) -> None:
    for message in messages:
        transaction.on_commit(message.send, robust=True)


def notify_person(assignment: Assignment, kind: str) -> None:
    """Tell one assigned person (added, or taken off) about the interview."""
    if not assignment.person.email:
        return
    send_on_commit([build(assignment.interview, assignment.person, assignment.role, kind)])


def notify_panel(interview: Interview, kind: str) -> None:
    """Tell everyone currently on the interview that it moved, or was called off."""
    assignments = interview.assignments.active().select_related("person")
    revision = sequence(interview)
    send_on_commit(
        [
            build(interview, a.person, a.role, kind, revision=revision)
            for a in assignments
            if a.person.email
        ]
    )
