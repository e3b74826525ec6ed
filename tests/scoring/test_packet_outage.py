"""A packet requested while the task queue (Redis) is unreachable.

The page says so, with when it was last tried; the packet is sent again within seconds
of the broker's return: by the page's own poll while someone watches (once per
RESEND_GAP whoever polls), and by beat's `resend_unsent_packets` every 15 s.

"Unreachable" is real: tasks are sent through a Celery app whose broker is a closed
port on this machine (connection refused, as when Redis is down). "Back" is the
project's app with tasks inline (as without REDIS_URL), so the render happens in the
send; tests/scoring/test_packets_worker.py and the worker test below use real workers.
"""

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery import Celery, current_app
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from scoring import packets as packet_service
from scoring import tasks
from scoring.models import Packet
from tests.factories import make_scorecard

pytest.importorskip("scoring.pdf", reason="scoring.pdf, the packet renderer, is missing")

UNREACHABLE = "The task queue is unreachable: your packet is saved and will be rendered"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def sending_through(app: Celery) -> Iterator[Celery]:
    """Make `app` the one shared tasks send through."""
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()


@contextmanager
def broker_down() -> Iterator[Celery]:
    """The project's Celery settings, but Redis at a closed port: connection refused."""
    down = Celery("broker-down", set_as_current=False)
    down.config_from_object("django.conf:settings", namespace="CELERY")
    down.conf.update(
        broker_url=f"redis://127.0.0.1:{closed_port()}/14",
        task_always_eager=False,
        broker_connection_retry=False,
    )
    with sending_through(down):
        yield down


@pytest.fixture
def broker_back():
    """The project's app with tasks inline: the broker is back, and sending renders."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with sending_through(app):
        yield app
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def application(interviewer, recruiter, committee):
    application = make_scorecard(interviewer, by=recruiter).assignment.interview.application
    application.committee.add(committee)
    return application


def page_url(application) -> str:
    return reverse("scoring:packets", kwargs={"pk": application.pk})


POLL = {"HX-Request": "true", "HX-Target": "packet-status"}


def request_while_down(client, application, capture) -> Packet:
    with broker_down(), capture(execute=True):
        response = client.post(reverse("scoring:packet_request", kwargs={"pk": application.pk}))
    assert response.status_code == 302  # the request itself is fine: the row is saved
    return Packet.objects.get(application=application)


def pretend_tried_ago(packet: Packet, seconds: int) -> None:
    Packet.objects.filter(pk=packet.pk).update(
        send_failed_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.django_db
def test_the_page_says_the_queue_is_unreachable_and_when_it_last_tried(
    client, committee, application, django_capture_on_commit_callbacks
):
    client.force_login(committee)
    packet = request_while_down(client, application, django_capture_on_commit_callbacks)
    assert packet.status == "queued" and packet.send_failed_at is not None

    body = client.get(page_url(application)).content.decode()

    assert UNREACHABLE in body
    tried = timezone.localtime(packet.send_failed_at).strftime("%H:%M:%S")
    assert f"Last tried {tried}" in body
    assert "Waiting for a worker" not in body
    assert 'hx-trigger="every 2s"' in body  # it keeps following the packet


@pytest.mark.django_db
def test_polls_while_the_broker_is_down_try_once_per_gap_and_say_so(
    client, committee, application, django_capture_on_commit_callbacks
):
    client.force_login(committee)
    packet = request_while_down(client, application, django_capture_on_commit_callbacks)
    first_try = packet.send_failed_at

    with broker_down():
        client.get(page_url(application), headers=POLL)  # within the gap: no new try
        packet.refresh_from_db()
        assert packet.send_failed_at == first_try

        pretend_tried_ago(packet, 11)
        started = time.monotonic()
        body = client.get(page_url(application), headers=POLL).content.decode()
        took = time.monotonic() - started

    packet.refresh_from_db()
    assert packet.status == "queued"
    assert packet.send_failed_at > first_try - timedelta(seconds=11)  # tried again just now
    assert UNREACHABLE in body
    assert took < 2.5, f"a poll waited {took:.1f}s on the unreachable broker"


@pytest.mark.django_db
def test_the_watching_page_sends_the_packet_once_the_broker_is_back(
    client, committee, application, django_capture_on_commit_callbacks, broker_back
):
    client.force_login(committee)
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scoring:packet_request", kwargs={"pk": application.pk}))
    packet = Packet.objects.get()
    pretend_tried_ago(packet, 11)

    body = client.get(page_url(application), headers=POLL).content.decode()

    packet.refresh_from_db()
    assert packet.status == "ready" and packet.send_failed_at is None
    assert "Download the packet" in body and UNREACHABLE not in body


@pytest.mark.django_db
def test_beat_resends_unsent_packets_within_the_gap_and_clears_the_mark(
    client, committee, application, django_capture_on_commit_callbacks, broker_back
):
    client.force_login(committee)
    packet = request_while_down(client, application, django_capture_on_commit_callbacks)
    failed_at = packet.send_failed_at

    assert packet_service.resend_unsent_packets(now=failed_at + timedelta(seconds=5)) == 0
    assert packet_service.resend_unsent_packets(now=failed_at + packet_service.RESEND_GAP) == 1

    packet.refresh_from_db()
    assert packet.status == "ready" and packet.send_failed_at is None
    assert packet_service.resend_unsent_packets(now=timezone.now() + timedelta(minutes=5)) == 0


@pytest.mark.django_db
def test_a_resend_that_fails_again_records_the_new_try(
    client, committee, application, django_capture_on_commit_callbacks
):
    client.force_login(committee)
    packet = request_while_down(client, application, django_capture_on_commit_callbacks)
    later = packet.send_failed_at + timedelta(seconds=30)

    with broker_down():
        assert packet_service.resend_unsent_packets(now=later) == 0

    first_try = packet.send_failed_at
    packet.refresh_from_db()
    assert packet.status == "queued" and packet.send_failed_at > first_try


@pytest.mark.django_db
def test_the_minute_requeue_also_sends_unsent_packets(
    client, committee, application, django_capture_on_commit_callbacks, broker_back
):
    client.force_login(committee)
    packet = request_while_down(client, application, django_capture_on_commit_callbacks)

    assert packet_service.requeue_stale_packets(now=timezone.now() + timedelta(minutes=2)) == 1
    packet.refresh_from_db()
    assert packet.status == "ready"


def test_beat_resends_unsent_packets_every_15_seconds():
    entry = django_settings.CELERY_BEAT_SCHEDULE["resend-unsent-packets"]

    assert entry == {"task": "scoring.tasks.resend_unsent_packets_task", "schedule": 15.0}
    assert tasks.resend_unsent_packets_task.name == entry["task"]
    # Within a minute of the broker's return, the worker's reconnection (kombu waits up
    # to 30 s between tries after a long outage) and one beat period included.
    assert entry["schedule"] + packet_service.RESEND_GAP.total_seconds() <= 30


# --- With a real worker on Redis (database 14, a queue of its own) ------------------------

OUTAGE_REDIS_DB = 14


@pytest.fixture(scope="session")
def celery_config() -> dict:
    """This module's own Redis database and queue; skips, with why, without Redis."""
    import os
    from urllib.parse import urlsplit, urlunsplit

    import redis

    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    url = urlunsplit((parts.scheme, parts.netloc, f"/{OUTAGE_REDIS_DB}", "", ""))
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis is not reachable at {url} ({error}): start redis-server")
    client.flushdb()
    client.close()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return {
        "broker_url": url,
        "result_backend": url,
        "task_default_queue": f"loopwright-outage-{worker}",
        "task_always_eager": False,
        "accept_content": ["json"],
        "task_serializer": "json",
        "result_serializer": "json",
        "broker_connection_retry_on_startup": False,
        "broker_connection_max_retries": 1,
    }


def wait_for_status(packet: Packet, status: str, timeout: float = 30) -> Packet:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        packet.refresh_from_db()
        if packet.status == status:
            return packet
        time.sleep(0.1)
    pytest.fail(f"Packet {packet.pk} is {packet.status!r} after {timeout}s, not {status!r}")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_on_a_real_worker_the_packet_renders_seconds_after_redis_is_back(
    client, committee, application, celery_app, celery_worker
):
    client.force_login(committee)
    with broker_down():  # transaction=True: the request's on_commit send really runs
        client.post(reverse("scoring:packet_request", kwargs={"pk": application.pk}))
    packet = Packet.objects.get()
    assert packet.status == "queued" and packet.send_failed_at is not None
    assert UNREACHABLE in client.get(page_url(application)).content.decode()

    # Redis is back, a worker listening; beat's next run, one gap after the failure.
    with sending_through(celery_app):
        started = time.monotonic()
        now = packet.send_failed_at + packet_service.RESEND_GAP
        assert packet_service.resend_unsent_packets(now=now) == 1
        packet = wait_for_status(packet, "ready")
    assert packet.attempts == 1 and packet.send_failed_at is None
    print(f"rendered {time.monotonic() - started:.1f}s after the resend")
