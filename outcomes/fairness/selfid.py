"""Voluntary self-identification: the link a recruiter sends, and the candidate's answers.

The link carries a random token (32 bytes); only its SHA-256 is stored, so the link is
shown once, to the recruiter who made it, and emailed to the candidate. It lasts
SELF_ID_INVITE_DAYS and takes one submission per application. The answers are stored
apart from the application (outcomes.models.SelfIdResponse) and leave this app only as
aggregates (outcomes.fairness.report). The audit trail records that a link was sent and
that it was used, never what was answered.
"""

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record
from candidates.models import Application

from ..models import SelfIdAnswer, SelfIdCategory, SelfIdInvite, SelfIdOption, SelfIdResponse

ALREADY_ANSWERED = "This candidate has already answered: a response cannot be asked for twice."


class LinkState(StrEnum):
    OPEN = "open"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_for(token: str) -> str:
    return settings.SITE_URL + reverse("outcomes:fairness_self_id", args=[token])


@transaction.atomic
def invite(application: Application, *, by) -> tuple[SelfIdInvite, str]:
    """A new link for the candidate (emailed if they have an address); returns the token."""
    application.refuse_if_erased()
    if SelfIdResponse.objects.filter(application=application).exists():
        raise ValidationError(ALREADY_ANSWERED)
    token = secrets.token_urlsafe(32)
    created = SelfIdInvite.objects.create(
        application=application,
        token_hash=token_hash(token),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=settings.SELF_ID_INVITE_DAYS),
    )
    candidate = application.candidate
    emailed = bool(candidate.email)
    if emailed:
        message = invitation_email(application, token, created.expires_at)
        transaction.on_commit(message.send, robust=True)
    record(by, "self_id.invited", application, emailed=emailed, expires_at=created.expires_at)
    return created, token


def invitation_email(application: Application, token: str, expires_at) -> EmailMessage:
    context = {
        "candidate": application.candidate,
        "loop": application.loop,
        "link": link_for(token),
        "expires_at": expires_at,
    }
    subject = " ".join(
        render_to_string("outcomes/fairness/email/self_id_subject.txt", context).split()
    )
    body = render_to_string("outcomes/fairness/email/self_id.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [application.candidate.email])


def find(token: str) -> tuple[SelfIdInvite | None, LinkState]:
    """The invite a token opens, and whether it is still open (one query)."""
    found = (
        SelfIdInvite.objects.select_related("application__loop__role")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if found is None:
        return None, LinkState.UNKNOWN
    if found.used_at is not None or found.application.status == Application.Status.ERASED:
        return found, LinkState.USED
    if found.expires_at <= timezone.now():
        return found, LinkState.EXPIRED
    return found, LinkState.OPEN


def questions() -> list[SelfIdCategory]:
    """The active categories with their options (two queries)."""
    return list(SelfIdCategory.objects.filter(active=True).prefetch_related("options"))


@transaction.atomic
def submit(token: str, answers: dict[SelfIdCategory, SelfIdOption | None]) -> None:
    """Store the answers (None: prefer not to say) and close every link of the application.

    Raises ValidationError when the link is no longer open: two tabs submitting at
    once are serialised by the row lock, and the second is refused.
    """
    locked = SelfIdInvite.objects.select_for_update().filter(token_hash=token_hash(token)).first()
    _, state = find(token)
    if locked is None or state is not LinkState.OPEN:
        raise ValidationError("This link has already been used or has expired.")
    application = locked.application
    if SelfIdResponse.objects.filter(application=application).exists():
        raise ValidationError("This link has already been used or has expired.")
    response = SelfIdResponse.objects.create(application=application)
    SelfIdAnswer.objects.bulk_create(
        SelfIdAnswer(response=response, category=category, option=option)
        for category, option in answers.items()
    )
    SelfIdInvite.objects.filter(application=application, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    record(None, "self_id.answered", application)


def erase_for(candidate) -> None:
    """Erasure: the candidate's answers and links go (candidates.privacy, by its signal)."""
    SelfIdResponse.objects.filter(application__candidate=candidate).delete()
    SelfIdInvite.objects.filter(application__candidate=candidate).delete()
