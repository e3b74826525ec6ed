"""Webhook events: what happened, as the payload a subscriber receives (docs/webhooks.md).

`emit(event, data)` runs inside the caller's transaction and writes one WebhookDelivery
per active subscription to that event: the outbox, so a delivery exists if and only if
the event's transaction commits. Once it has, each row is handed to Celery
(integrations.webhooks.send_soon); a row whose message is lost is sent by the beat task.

Payloads carry ids and the few fields a subscriber needs to act, never scorecard text
(evidence, notes, summaries), a decision's rationale or a candidate's personal data
(name, email): a subscriber that needs more asks the API with a token, where the
person's permissions and the independence rules apply. Since no payload names a
candidate, erasing one leaves nothing to scrub in the outbox.
"""

import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record

from .models import WebhookDelivery, WebhookSubscription

EVENTS: dict[str, str] = {
    "application.created": "Application created",
    "scorecard.submitted": "Scorecard submitted",
    "decision.recorded": "Decision recorded",
    "packet.ready": "Debrief packet ready",
    "candidate.erased": "Candidate erased",
}
# Sent only by an admin's "Send test event" button, to the one subscription.
TEST_EVENT = "webhook.test"


def new_payload(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "occurred_at": timezone.now().isoformat(),
        "data": data,
    }


def emit(event: str, data: dict[str, Any] | Callable[[], dict[str, Any]]) -> list[WebhookDelivery]:
    """Queue `event` for every active subscription to it, sent once the transaction commits.

    `data` may be a function, called only when someone subscribes: without subscribers an
    event costs one query, whatever its payload would read.
    """
    return emit_many(event, [data])


def emit_many(
    event: str, datas: Iterable[dict[str, Any] | Callable[[], dict[str, Any]]]
) -> list[WebhookDelivery]:
    """`emit` for many events of one kind (a bulk import): one query, one insert, one send."""
    subscriptions = subscribers(event)
    if not subscriptions:
        return []
    payloads = [new_payload(event, data() if callable(data) else data) for data in datas]
    return queue(subscriptions, *payloads)


def subscribers(event: str) -> list[WebhookSubscription]:
    if event not in EVENTS:
        raise ValueError(f"Unknown webhook event {event!r}; known: {sorted(EVENTS)}")
    # Few subscriptions, all read: JSON containment lookups are not portable (SQLite).
    active = WebhookSubscription.objects.filter(active=True).only("events")
    return [s for s in active if event in s.events]


def queue(subscriptions, *payloads: dict[str, Any], **fields) -> list[WebhookDelivery]:
    """One delivery row per subscription and payload, handed to Celery on commit."""
    deliveries = WebhookDelivery.objects.bulk_create(
        (
            WebhookDelivery(
                subscription=subscription,
                event=payload["event"],
                event_id=payload["id"],
                payload=payload,
                **fields,
            )
            for payload in payloads
            for subscription in subscriptions
        ),
        batch_size=500,
    )
    from .webhooks import send_soon

    transaction.on_commit(partial(send_soon, [d.pk for d in deliveries]))
    return deliveries


# --- What each event says ------------------------------------------------------------


def link(view: str, pk: int) -> str:
    return settings.SITE_URL + reverse(view, args=[pk])


def application_ref(application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "external_id": application.external_id,
        "status": application.status,
        "url": link("candidates:application_detail", application.pk),
    }


def candidate_ref(candidate) -> dict[str, Any]:
    return {"id": candidate.pk, "external_id": candidate.external_id}


def application_created(application) -> list[WebhookDelivery]:
    return applications_created([application])


def applications_created(applications) -> list[WebhookDelivery]:
    """application.created for each of `applications` (an import's), in one go."""

    def data(application) -> dict[str, Any]:
        loop = application.loop
        return {
            "application": application_ref(application),
            "candidate": candidate_ref(application.candidate),
            "loop": {"id": loop.pk, "key": loop.key, "version": loop.version, "name": loop.name},
            "created_at": application.created_at.isoformat(),
        }

    return emit_many("application.created", [partial(data, a) for a in applications])


def scorecard_submitted(scorecard) -> list[WebhookDelivery]:
    """Who submitted for which interview; not the recommendation (see the module's note)."""

    def data() -> dict[str, Any]:
        assignment = scorecard.assignment
        interview = assignment.interview
        return {
            "scorecard": {"id": scorecard.pk, "submitted_at": scorecard.submitted_at.isoformat()},
            "interviewer": {"id": assignment.person_id, "name": str(assignment.person)},
            "interview": {
                "id": interview.pk,
                "external_id": interview.external_id,
                "stage": interview.stage.name,
            },
            "application": application_ref(interview.application),
        }

    return emit("scorecard.submitted", data)


def decision_recorded(decision) -> list[WebhookDelivery]:
    def data() -> dict[str, Any]:
        level = decision.level
        return {
            "decision": {
                "id": decision.pk,
                "outcome": decision.outcome,
                "outcome_label": decision.get_outcome_display(),
                "level": {"id": level.pk, "key": level.key, "name": level.name},
                "by": {"id": decision.by_id, "name": str(decision.by)},
                "at": decision.at.isoformat(),
            },
            "application": application_ref(decision.application),
            "candidate": candidate_ref(decision.application.candidate),
        }

    return emit("decision.recorded", data)


def packet_ready(packet) -> list[WebhookDelivery]:
    """`packet` as finished: its pages set."""
    path = f"/api/v1/packets/{packet.pk}/download"
    return emit(
        "packet.ready",
        lambda: {
            "packet": {
                "id": packet.pk,
                "pages": packet.pages,
                "download_path": path,
                "download_url": settings.SITE_URL + path,
            },
            "application": application_ref(packet.application),
        },
    )


def candidate_erased(candidate) -> list[WebhookDelivery]:
    return emit("candidate.erased", lambda: {"candidate": candidate_ref(candidate)})


def send_test(subscription: WebhookSubscription, *, by) -> WebhookDelivery:
    """A test delivery to this one subscription (active or not), sent as any other."""
    payload = new_payload(
        TEST_EVENT,
        {"subscription": {"id": subscription.pk, "name": subscription.name}, "by": str(by)},
    )
    (delivery,) = queue([subscription], payload)
    record(by, "webhook.test_sent", subscription, delivery=delivery.pk)
    return delivery
