"""Celery tasks of the integrations app: thin shells around integrations.webhooks."""

from celery import shared_task
from django.conf import settings

from . import webhooks


@shared_task(
    acks_late=True,
    ignore_result=True,
    soft_time_limit=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 5,
    time_limit=settings.WEBHOOK_TIMEOUT_SECONDS * 2 + 15,
)
def deliver_webhook_task(delivery_id: int) -> str:
    """One attempt at a webhook delivery, if it is due; returns its status afterwards."""
    return webhooks.attempt(delivery_id)


@shared_task(ignore_result=True)
def send_due_webhooks_task() -> int:
    """Send deliveries due whose message was lost or never sent (beat, every 15 s)."""
    return webhooks.send_due()
