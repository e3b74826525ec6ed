"""Use cases for candidates and applications. Every change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from accounts.permissions import COMMITTEE
from integrations import events
from interviews.models import Loop

from .models import Application, Candidate

CANDIDATE_FIELDS = ("name", "email", "links", "recruiter_notes")


def duplicate_email(email: str, *, exclude: Candidate | None = None):
    """Other candidates with this email (a warning for recruiters, not an error)."""
    found = Candidate.objects.filter(email__iexact=email, erased_at__isnull=True)
    return found.exclude(pk=exclude.pk) if exclude else found


@transaction.atomic
def create_candidate(*, by, cv=None, **fields) -> Candidate:
    candidate = Candidate(created_by=by, **{k: fields[k] for k in CANDIDATE_FIELDS if k in fields})
    if cv is not None:
        candidate.cv = cv
        candidate.cv_name = getattr(cv, "name", "")[:255]
    candidate.full_clean()
    candidate.save()
    record(by, "candidate.created", candidate)  # no personal data in the entry's data
    return candidate


@transaction.atomic
def update_candidate(candidate: Candidate, changes: dict, *, by, cv=None) -> Candidate:
    # An edit loaded before an erasure would otherwise save the personal data back.
    candidate.refuse_if_erased()
    for name, value in changes.items():
        if name in CANDIDATE_FIELDS:
            setattr(candidate, name, value)
    if cv is not None:
        if candidate.cv:
            candidate.cv.delete(save=False)
        candidate.cv = cv
        candidate.cv_name = getattr(cv, "name", "")[:255]
    candidate.full_clean()
    candidate.save()
    record(by, "candidate.updated", candidate, fields=sorted(changes) + (["cv"] if cv else []))
    return candidate


@transaction.atomic
def start_application(
    candidate: Candidate, loop: Loop, *, by, committee=(), external_id: str = ""
) -> Application:
    """Start a candidate on a published loop version.

    `external_id` (an ATS's id) belongs here rather than set afterwards: the
    application.created webhook's payload is written now and carries it.
    """
    if loop.status != Loop.Status.PUBLISHED:
        raise ValidationError({"loop": "Only a published loop can take candidates."})
    candidate.refuse_if_erased()
    application = Application.objects.create(
        candidate=candidate,
        loop=loop,
        created_by=by,
        status_changed_by=by,
        external_id=external_id,
    )
    if committee:
        set_committee(application, committee, by=by)
    record(by, "application.started", application, loop=loop.key, version=loop.version)
    events.application_created(application)
    return application


@transaction.atomic
def set_committee(application: Application, members, *, by) -> None:
    application.refuse_if_erased()
    members = list(members)
    outsiders = [m for m in members if not m.in_group(COMMITTEE)]
    if outsiders:
        raise ValidationError({"committee": f"{outsiders[0]} is not a committee member."})
    before = sorted(application.committee.values_list("username", flat=True))
    application.committee.set(members)
    after = sorted(m.username for m in members)
    if before != after:
        record(by, "application.committee_changed", application, before=before, after=after)


@transaction.atomic
def change_status(application: Application, status: str, *, by) -> Application:
    if status not in Application.Status.values:
        raise ValidationError({"status": f"“{status}” is not a status."})
    application.refuse_if_erased()
    if status == Application.Status.ERASED:
        raise ValidationError("Only erasing the candidate closes an application as erased.")
    if status == application.status:
        return application
    before = application.status
    application.status = status
    application.status_changed_at = timezone.now()
    application.status_changed_by = by
    application.save(
        update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"]
    )
    record(by, "application.status_changed", application, before=before, after=status)
    return application
