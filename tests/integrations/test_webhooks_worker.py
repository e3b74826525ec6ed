"""Webhooks through a real Celery worker on Redis, to a real HTTP server on 127.0.0.1.

The server checks every signature with the code docs/webhooks.md prints, answers the
first attempt 500 and the retry 200. Skips, with the reason, when Redis is unreachable
(tests/celery_fixtures.py); under CI=true a skip fails the run.
"""

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from celery import Celery, current_app

from integrations import tasks  # noqa: F401  (registers the tasks with the test app)
from integrations.models import WebhookDelivery
from integrations.subscriptions import create_subscription
from tests.factories import make_application, make_scoring_loop, make_user

from .webhook_receiver import Receiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def sending_through(app: Celery) -> Iterator[Celery]:
    """Make `app` the one shared tasks send through (the project's app may be eager)."""
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()


@pytest.fixture(autouse=True)
def redis_app(celery_app) -> Iterator[Celery]:
    with sending_through(celery_app):
        yield celery_app


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def wait_for(delivery: WebhookDelivery, status: str, timeout: float = 30) -> WebhookDelivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery.refresh_from_db()
        if delivery.status == status:
            return delivery
        time.sleep(0.1)
    pytest.fail(f"Delivery {delivery.pk} is {delivery.status!r} after {timeout}s, not {status!r}")


def test_a_worker_delivers_a_signed_event_retrying_after_a_500(celery_worker, receiver, settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 1  # the retry comes ~1 s later, not 30 s
    admin = make_user("webhook-worker-admin", is_superuser=True)
    subscription = create_subscription(
        by=admin, name="ATS", url=receiver.url, kind="json", events=["application.created"]
    )
    receiver.secret = subscription.secret
    receiver.statuses = [500]
    loop = make_scoring_loop()

    started = time.monotonic()
    application = make_application(loop=loop)  # commits, then hands the row to the worker

    delivery = wait_for(WebhookDelivery.objects.get(), "delivered")
    elapsed = time.monotonic() - started
    assert delivery.attempts == 2 and delivery.response_status == 200
    assert receiver.verdicts == [True, True]  # both attempts verified by the documented code
    first, second = (json.loads(r.body) for r in receiver.requests)
    assert first == second  # the same event, signed afresh for each attempt
    assert first["data"]["application"]["id"] == application.pk
    assert {r.headers["Loopwright-Delivery"] for r in receiver.requests} == {str(delivery.pk)}
    # The retry waited its backoff (1 s base, +/-20 %) and was sent by the worker's own
    # countdown message, not the beat task (which waits 30 s past due).
    assert 0.8 <= (delivery.delivered_at - delivery.created_at).total_seconds() < 15
    assert elapsed < 20
