"""Privacy: erasing a candidate, their subject-access export, and retention.

Erasure (DESIGN: candidates) removes the candidate's personal data — name, email,
links, CV file, recruiter notes — and the free text about them that other apps hold
(they receive `signals.candidate_erasing` inside the same transaction), and scrubs
the audit entries about them. Numbers (statuses, times, ratings) stay, anonymised,
for calibration. The candidate row itself stays as "Erased candidate #<pk>", so
applications and scorecards keep their shape.

Erasure is final: future interviews are cancelled (the panel's calendars drop them),
every application is closed as `erased` (the status it had stays in the audit trail),
and scoring locks the drafts. Every write about the candidate refuses afterwards
(`Application.refuse_if_erased`, `Candidate.refuse_if_erased`, a locked scorecard).
Nobody who still owes their own scorecard on one of the candidate's applications may
erase them, nor export their data (README: "Erasure and subject access").
"""

import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditEntry
from integrations import events

from . import scheduling, signals
from .access import awaiting_own_review
from .models import Application, Assignment, Candidate, Interview

OWES_REVIEW = (
    "You still owe your own scorecard on this candidate: submit it first, or ask another recruiter."
)

logger = logging.getLogger(__name__)


def erased_name(candidate: Candidate) -> str:
    return f"Erased candidate #{candidate.pk}"


def owes_own_review(user, candidate: Candidate) -> bool:
    """Does `user` still owe their own scorecard on any of the candidate's applications?

    The rule is scoring's (`awaiting_own_review`); only applications where the user holds
    or held a seat can await their review, so only those are asked: the check stays at
    a fixed number of queries however many applications the candidate has.
    """
    seats = Assignment.objects.filter(person=user).values("interview__application_id")
    return any(
        awaiting_own_review(user, application)
        for application in candidate.applications.filter(pk__in=seats)
    )


def check_owes_no_review(user, candidate: Candidate) -> None:
    """PermissionDenied (403, with why) for someone still owing their own scorecard."""
    if owes_own_review(user, candidate):
        raise PermissionDenied(OWES_REVIEW)


@transaction.atomic
def erase_candidate(candidate: Candidate, *, by) -> Candidate:
    """Remove the candidate's personal data everywhere and close everything about them.

    `by=None` is the retention task. Keeps the numbers, anonymised.
    """
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.erased_at is not None:
        return candidate
    if by is not None:
        check_owes_no_review(by, candidate)
    identifiers = [text for text in (candidate.name, candidate.email) if text]
    signals.candidate_erasing.send(sender=Candidate, candidate=candidate)
    delete_cv_on_commit(candidate)
    candidate.name = erased_name(candidate)
    candidate.email = ""
    candidate.links = []
    candidate.cv = ""
    candidate.cv_name = ""
    candidate.recruiter_notes = ""
    candidate.erased_at = timezone.now()
    candidate.save()
    # After the name is gone: the cancellations the panel is sent name nobody.
    cancel_future_interviews(candidate, by=by)
    close_applications(candidate, by=by)
    scrub_audit_entries(candidate, identifiers)
    scrub_admin_log(candidate)
    record(by, "candidate.erased", candidate, applications=candidate.applications.count())
    events.candidate_erased(candidate)
    return candidate


def cancel_future_interviews(candidate: Candidate, *, by) -> int:
    """Interviews still to come are cancelled, through scheduling (calendar cancellations)."""
    upcoming = Interview.objects.filter(
        application__candidate=candidate,
        state=Interview.State.SCHEDULED,
        starts_at__gt=timezone.now(),
    ).select_related("application__candidate", "stage")
    interviews = list(upcoming)
    for interview in interviews:
        scheduling.set_interview_state(interview, Interview.State.CANCELLED, by=by)
    return len(interviews)


def close_applications(candidate: Candidate, *, by) -> int:
    """Every application becomes `erased`; what it was stays in the audit trail."""
    now = timezone.now()
    applications = list(candidate.applications.exclude(status=Application.Status.ERASED))
    for application in applications:
        before = application.status
        application.status = Application.Status.ERASED
        application.status_changed_at = now
        application.status_changed_by = by
        application.save(
            update_fields=["status", "status_changed_at", "status_changed_by", "updated_at"]
        )
        record(by, "application.status_changed", application, before=before, after="erased")
    return len(applications)


def delete_cv_on_commit(candidate: Candidate) -> None:
    """Delete the CV file once the erasure is committed (a rollback keeps it referenced)."""
    if not candidate.cv:
        return
    storage, name = candidate.cv.storage, candidate.cv.name

    def delete() -> None:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the CV of erased candidate %s", candidate.pk)

    transaction.on_commit(delete)


def entries_about(candidate: Candidate) -> QuerySet[AuditEntry]:
    """Audit entries about the candidate: by scope, or by target row."""
    application_ids = list(candidate.applications.values_list("pk", flat=True))
    interviews = Interview.objects.filter(application__candidate=candidate)
    assignments = Assignment.objects.filter(interview__application__candidate=candidate)
    targets = {
        Candidate._meta.label_lower: [candidate.pk],
        Application._meta.label_lower: application_ids,
        Interview._meta.label_lower: list(interviews.values_list("pk", flat=True)),
        Assignment._meta.label_lower: list(assignments.values_list("pk", flat=True)),
    }
    about = Q(scope=candidate.audit_scope()) | Q(
        scope__in=[f"application:{pk}" for pk in application_ids]
    )
    for label, ids in targets.items():
        if ids:
            about |= Q(target_type=label, target_id__in=[str(pk) for pk in ids])
    return AuditEntry.objects.filter(about)


def mentions(value: Any, identifiers: list[str]) -> bool:
    text = json.dumps(value, ensure_ascii=False).casefold()
    return any(identifier.casefold() in text for identifier in identifiers)


def scrub_audit_entries(candidate: Candidate, identifiers: list[str]) -> int:
    """Neutral target labels; data values naming the candidate dropped. Returns how many."""
    entries = list(entries_about(candidate))
    for entry in entries:
        entry.target_repr = neutral_label(entry)
        entry.data = {k: v for k, v in entry.data.items() if not mentions(v, identifiers)}
    AuditEntry.objects.bulk_update(entries, ["target_repr", "data"], batch_size=500)
    return len(entries)


def neutral_label(entry: AuditEntry) -> str:
    kind = entry.target_type.rpartition(".")[2] or "entry"
    return f"{kind} #{entry.target_id} of an erased candidate"


def scrub_admin_log(candidate: Candidate) -> None:
    """Django admin's change log names the objects it changed: relabel the candidate's."""
    if not apps.is_installed("django.contrib.admin"):
        return
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Candidate), object_id=str(candidate.pk)
    ).update(object_repr=erased_name(candidate), change_message="")


# Subject-access export ------------------------------------------------------------

# What apps above this one hold per assignment (scoring: the scorecard's content) and
# per application (scoring: the committee's decisions): (relations to prefetch, from the
# assignment or the application; row -> dict merged into its entry).
_assignment_exporters: list[tuple[tuple[str, ...], Callable[[Assignment], dict]]] = []
_application_exporters: list[tuple[tuple[str, ...], Callable[[Application], dict]]] = []


def register_assignment_export(prefetch: tuple[str, ...], to_data: Callable[[Assignment], dict]):
    """Add what an app holds about each assignment to the export, in a fixed number of queries.

    `prefetch`: relations from an assignment (e.g. "scorecard__notes"), loaded for all at once.
    """
    if all(existing is not to_data for _, existing in _assignment_exporters):
        _assignment_exporters.append((prefetch, to_data))


def register_application_export(
    prefetch: tuple[str, ...], to_data: Callable[[Application], dict]
) -> None:
    """Add what an app holds about each application (e.g. decisions) to the export."""
    if all(existing is not to_data for _, existing in _application_exporters):
        _application_exporters.append((prefetch, to_data))


@transaction.atomic
def export_candidate(candidate: Candidate, *, by) -> dict:
    """Everything held about the candidate, as JSON-ready data; audited."""
    applications = list(
        candidate.applications.select_related("loop__role", "loop__level", "created_by")
        .prefetch_related(
            "committee",
            "interviews__stage",
            "interviews__assignments__person",
            "interviews__assignments__scorecard",
            *(
                f"interviews__assignments__{path}"
                for prefetch, _ in _assignment_exporters
                for path in prefetch
            ),
            *(path for prefetch, _ in _application_exporters for path in prefetch),
        )
        .order_by("created_at", "pk")
    )
    audit = list(entries_about(candidate).order_by("created_at", "pk"))
    export = {
        "exported_at": timezone.now().isoformat(),
        "candidate": candidate_data(candidate),
        "applications": [application_data(a, audit) for a in applications],
        "audit_entries": [audit_data(entry) for entry in audit],
    }
    record(by, "candidate.exported", candidate)
    return export


def candidate_data(candidate: Candidate) -> dict:
    return {
        "id": candidate.pk,
        "name": candidate.name,
        "email": candidate.email,
        "links": candidate.links,
        "cv": cv_data(candidate),
        "recruiter_notes": candidate.recruiter_notes,
        "created_at": candidate.created_at.isoformat(),
        "updated_at": candidate.updated_at.isoformat(),
        "created_by": candidate.created_by.username if candidate.created_by else None,
    }


def cv_data(candidate: Candidate) -> dict | None:
    """The CV's original name and size, not its content (the file is its own download)."""
    if not candidate.cv:
        return None
    try:
        size = candidate.cv.size
    except OSError:
        size = None
    return {"name": candidate.cv_name, "size_bytes": size}


def application_data(application: Application, audit: list[AuditEntry]) -> dict:
    scope = application.audit_scope()
    return {
        "id": application.pk,
        "loop": application.loop.name,
        "loop_version": application.loop.version,
        "role": application.loop.role.name,
        "level": application.loop.level.name,
        "status": application.status,
        "status_changed_at": application.status_changed_at.isoformat(),
        "created_at": application.created_at.isoformat(),
        "created_by": application.created_by.username if application.created_by else None,
        "committee": sorted(m.username for m in application.committee.all()),
        "status_history": [
            {
                "at": e.created_at.isoformat(),
                "by": e.actor_name,
                "before": e.data.get("before"),
                "after": e.data.get("after"),
            }
            for e in audit
            if e.scope == scope and e.verb == "application.status_changed"
        ],
        "interviews": [interview_data(i) for i in application.interviews.all()],
    } | application_extras(application)


def application_extras(application: Application) -> dict:
    extras: dict = {}
    for _, to_data in _application_exporters:
        extras |= to_data(application)
    return extras


def interview_data(interview: Interview) -> dict:
    return {
        "id": interview.pk,
        "stage": interview.stage.name,
        "starts_at": interview.starts_at.isoformat(),
        "state": interview.state,
        "assignments": [
            {
                "interviewer": a.person.username,
                "role": a.role,
                "assigned_at": a.created_at.isoformat(),
                "replaced_at": a.replaced_at.isoformat() if a.replaced_at else None,
                "scorecard_status": scorecard_status(a),
            }
            | assignment_extras(a)
            for a in interview.assignments.all()
        ],
    }


def assignment_extras(assignment: Assignment) -> dict:
    extras: dict = {}
    for _, to_data in _assignment_exporters:
        extras |= to_data(assignment)
    return extras


def scorecard_status(assignment: Assignment) -> str | None:
    # The scoring app sits above this one: read its row through the relation only.
    scorecard = getattr(assignment, "scorecard", None)
    return getattr(scorecard, "status", None)


def audit_data(entry: AuditEntry) -> dict:
    return {
        "at": entry.created_at.isoformat(),
        "actor": entry.actor_name,
        "verb": entry.verb,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target": entry.target_repr,
        "data": entry.data,
    }


# Retention -------------------------------------------------------------------------


def expired_candidates(now: datetime | None = None) -> QuerySet[Candidate]:
    """Not erased, and every application closed more than RETENTION_DAYS ago.

    A candidate never started on a loop expires RETENTION_DAYS after their record
    last changed.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.RETENTION_DAYS)
    applications = Application.objects.filter(candidate=OuterRef("pk"))
    still_needed = applications.filter(
        ~Q(status__in=Application.CLOSED) | Q(status_changed_at__gt=cutoff)
    )
    return (
        Candidate.objects.filter(erased_at__isnull=True)
        .exclude(Exists(still_needed))
        .filter(Exists(applications) | Q(updated_at__lt=cutoff))
        .order_by("pk")
    )


def erase_expired_candidates(now: datetime | None = None, dry_run: bool = False) -> list:
    """Erase (or, dry, only list) the candidates past the retention period."""
    expired = list(expired_candidates(now))
    if dry_run:
        return expired
    # One transaction per candidate: a failure leaves the others erased.
    return [erase_candidate(candidate, by=None) for candidate in expired]
