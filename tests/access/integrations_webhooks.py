"""Access registry: webhook subscriptions and their delivery log (admins only)."""

from integrations.events import send_test
from integrations.subscriptions import create_subscription
from tests.factories import make_user

from .registry import Access, admins


def subscription(world):
    """A fresh subscription per request (a persona may deactivate it)."""
    return create_subscription(
        by=make_user(is_superuser=True),
        name="Registry ATS",
        url="https://hooks.example.com/loopwright",
        kind="json",
        events=[
            "application.created"
        ],  # not decision.recorded: the leak test reads that as the decision
    )


def a_subscription(world) -> dict:
    return {"pk": subscription(world).pk}


def a_delivery(world) -> dict:
    admin = make_user(is_superuser=True)
    return {"pk": send_test(subscription(world), by=admin).pk}


ENTRIES = {
    "integrations:webhooks": Access(expect=admins(200)),
    "integrations:webhook_create": Access(expect=admins(200)),
    "integrations:webhook_detail": Access(kwargs=a_subscription, expect=admins(200)),
    # Rotating answers with the page that shows the new secret once.
    "integrations:webhook_rotate": Access(method="post", kwargs=a_subscription, expect=admins(200)),
    "integrations:webhook_deactivate": Access(
        method="post", kwargs=a_subscription, expect=admins(302)
    ),
    "integrations:webhook_reactivate": Access(
        method="post", kwargs=a_subscription, expect=admins(302)
    ),
    "integrations:webhook_test": Access(method="post", kwargs=a_subscription, expect=admins(302)),
    "integrations:webhook_resend": Access(method="post", kwargs=a_delivery, expect=admins(302)),
}
