"""Use cases of webhook subscriptions (admins): create, edit, rotate the secret, switch off.

Every change is audited; the secret never is (nor the URL, which for Slack and Teams is
itself a credential).
"""

from django.db import transaction

from accounts.audit import record

from .models import WebhookDelivery, WebhookSubscription


@transaction.atomic
def create_subscription(*, by, name: str, url: str, kind: str, events: list[str]):
    subscription = WebhookSubscription.objects.create(
        name=name,
        url=url,
        kind=kind,
        events=events,
        secret=WebhookSubscription.new_secret(),
        created_by=by,
    )
    record(by, "webhook.created", subscription, kind=kind, events=events)
    return subscription


@transaction.atomic
def update_subscription(subscription: WebhookSubscription, *, by, **fields) -> WebhookSubscription:
    # Compared with the stored row: a model form has already set the new values on it.
    before = WebhookSubscription.objects.filter(pk=subscription.pk).values(*fields).get()
    changed = sorted(name for name, value in fields.items() if before[name] != value)
    for name, value in fields.items():
        setattr(subscription, name, value)
    subscription.save()
    if changed:
        record(by, "webhook.updated", subscription, fields=changed)
    return subscription


@transaction.atomic
def rotate_secret(subscription: WebhookSubscription, *, by) -> str:
    """A new secret, in force for every attempt from now on (pending retries included)."""
    subscription.secret = WebhookSubscription.new_secret()
    subscription.save(update_fields=["secret", "updated_at"])
    record(by, "webhook.secret_rotated", subscription)
    return subscription.secret


@transaction.atomic
def set_active(subscription: WebhookSubscription, active: bool, *, by) -> int:
    """Switch a subscription on or off; off, its pending deliveries fail. Returns how many."""
    subscription.active = active
    subscription.save(update_fields=["active", "updated_at"])
    stopped = 0
    if not active:
        stopped = subscription.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
            status=WebhookDelivery.Status.FAILED, error="The subscription was deactivated."
        )
    record(by, "webhook.activated" if active else "webhook.deactivated", subscription)
    return stopped
