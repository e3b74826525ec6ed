"""Saving the checked rows: new candidates in bulk, changes through the services.

A file's new candidates (the bulk of a first import from an ATS) are inserted together,
with their applications and committees, instead of one service call each: the services
cost ~26 queries a row (savepoints, a full_clean that queries each constraint, row
locks), which made a 5,000-row file take minutes. The rows were checked already by the
same rules the services apply; each created candidate and application still gets its
own audit entries (`candidate.created`, `application.started`,
`application.committee_changed`) and the `application.created` webhook event, as the
services write them. Rows updating a candidate go through the services unchanged.
"""

from accounts.audit import record_many
from integrations import events
from integrations.models import WebhookSubscription

from .. import services
from ..models import Application, Candidate
from .checking import NEW, UNCHANGED, RowPlan

BATCH = 500


def create_new(rows: list[RowPlan], *, by) -> None:
    """Insert the new candidates of `rows`, their applications and committees."""
    for row in rows:
        row.outcome = NEW
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                created_by=by,
                name=row.name,
                email=row.email,
                links=row.links or [],
                recruiter_notes=row.notes or "",
                external_id=row.external_id,
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
    for row, candidate in zip(rows, candidates, strict=True):
        row.candidate = candidate
    record_many(by, [("candidate.created", row.candidate, {}) for row in rows])
    start_applications([row for row in rows if row.new_application], by=by)


def start_applications(rows: list[RowPlan], *, by) -> None:
    applications = Application.objects.bulk_create(
        [
            Application(
                candidate=row.candidate,
                loop=row.loop,
                created_by=by,
                status_changed_by=by,
                external_id=row.application_external_id,
            )
            for row in rows
        ],
        batch_size=BATCH,
    )
    seats = Application.committee.through
    seats.objects.bulk_create(
        [
            seats(application_id=application.pk, user_id=member.pk)
            for row, application in zip(rows, applications, strict=True)
            for member in row.committee
        ],
        batch_size=BATCH,
    )
    entries = []
    for row, application in zip(rows, applications, strict=True):
        row.application = application
        if row.committee:
            after = sorted(member.username for member in row.committee)
            entries.append(
                ("application.committee_changed", application, {"before": [], "after": after})
            )
        entries.append(
            (
                "application.started",
                application,
                {"loop": row.loop.key, "version": row.loop.version},
            )
        )
    record_many(by, entries)
    # events.emit's own rule, asked once for the file rather than once per application.
    if any(
        "application.created" in s.events
        for s in WebhookSubscription.objects.filter(active=True).only("events")
    ):
        for application in applications:
            events.application_created(application)


def apply_row(row: RowPlan, *, by) -> None:
    """An existing candidate's row: its changes through the services."""
    row.outcome = row.action
    if row.outcome == UNCHANGED:
        return
    fields = {"name": row.name, "email": row.email}
    if row.links is not None:
        fields["links"] = row.links
    if row.notes is not None:
        fields["recruiter_notes"] = row.notes
    candidate = row.candidate
    changed = {k: v for k, v in fields.items() if _changed(k, row.changes)}
    if changed:
        candidate = services.update_candidate(candidate, changed, by=by)
    if row.external_id and candidate.external_id != row.external_id:
        candidate.external_id = row.external_id
        candidate.save(update_fields=["external_id", "updated_at"])
    apply_application(row, candidate, by=by)


def _changed(field_name: str, changes: list[str]) -> bool:
    return {"recruiter_notes": "recruiter notes"}.get(field_name, field_name) in changes


def apply_application(row: RowPlan, candidate: Candidate, *, by) -> None:
    if row.new_application:
        # The external id goes in with it: the application.created event carries it.
        row.application = services.start_application(
            candidate,
            row.loop,
            by=by,
            committee=row.committee,
            external_id=row.application_external_id,
        )
        return
    application = row.application
    if application is None:
        return
    if "external id" in row.application_changes:
        application.external_id = row.application_external_id
        application.save(update_fields=["external_id", "updated_at"])
    if "committee" in row.application_changes:
        services.set_committee(application, row.committee, by=by)
