"""Debrief packets through real Celery workers on Redis: end to end, a killed pool
process, and a broker outage at request time.

Skips, with the reason, when Redis is unreachable (tests/celery_fixtures.py), and the
killed-worker test also when the database is in-memory SQLite, which a worker in
another process cannot open (CI runs PostgreSQL; locally use DATABASE_URL or
SQLITE_TEST_DB). Under CI=true a skip fails the run.
"""

import io
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery, current_app
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from scoring import tasks  # noqa: F401  (registers the tasks with the test app)
from scoring.models import Packet
from scoring.packets import request_packet, requeue_stale_packets
from tests.factories import make_application, make_candidate, make_scoring_loop, make_user

pytest.importorskip("scoring.pdf", reason="scoring.pdf, the packet renderer, is missing")

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@contextmanager
def sending_through(app: Celery) -> Iterator[Celery]:
    """Make `app` the one shared tasks send through (the project's app is eager here)."""
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()


@pytest.fixture(autouse=True)
def redis_app(celery_app) -> Iterator[Celery]:
    """Tasks go to the test run's own Redis database and queue (tests/celery_fixtures.py)."""
    with sending_through(celery_app):
        yield celery_app


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def application():
    recruiter = make_user("packet-worker-recruiter", groups=("recruiter",))
    loop = make_scoring_loop(by=recruiter)
    return make_application(make_candidate("Noor Haddad"), loop, by=recruiter)


def wait_for_status(packet: Packet, status: str, timeout: float = 20) -> Packet:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        packet.refresh_from_db()
        if packet.status == status:
            return packet
        time.sleep(0.1)
    pytest.fail(f"Packet {packet.pk} is {packet.status!r} after {timeout}s, not {status!r}")


def assert_complete_pdf(packet: Packet, media: Path) -> None:
    reader = PdfReader(io.BytesIO((media / packet.file.name).read_bytes()))
    assert len(reader.pages) == packet.pages > 0


def test_a_packet_renders_end_to_end_on_a_real_worker(celery_worker, application, media):
    packet, created = request_packet(application, by=None)  # commits, then sends
    assert created

    packet = wait_for_status(packet, "ready")
    assert packet.attempts == 1 and len(packet.fingerprint) == 64
    assert_complete_pdf(packet, media)


# --- A pool process killed mid-render -------------------------------------------------


def database_url_for_subprocess() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            pytest.skip(
                "In-memory SQLite cannot be shared with a worker process: run with "
                "DATABASE_URL (PostgreSQL) or SQLITE_TEST_DB=/tmp/loopwright-test.sqlite3"
            )
        return f"sqlite:///{db['NAME']}"
    if connection.vendor == "postgresql":
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    pytest.skip(f"No worker subprocess recipe for {connection.vendor}")


@pytest.fixture
def slow_worker(celery_app, celery_config, media, tmp_path):
    """`celery worker --pool=prefork --concurrency=1` in a subprocess on the test's
    database, Redis database, queue and MEDIA_ROOT; its renders take 2 s longer."""
    marker = tmp_path / "rendering.pid"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": celery_config["broker_url"],
        "CELERY_QUEUE": celery_config["task_default_queue"],
        "MEDIA_ROOT": str(media),
        "PACKET_TEST_SLOW_SECONDS": "2",
        "PACKET_TEST_MARKER": str(marker),
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.scoring.slow_packet_worker", "worker",
         "--pool=prefork", "--concurrency=1", "--loglevel=INFO", "--without-heartbeat",
         "--without-mingle", "--without-gossip", "-n", f"packets-{uuid.uuid4().hex[:8]}@%h"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        yield marker
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        log.close()
        print((tmp_path / "worker.log").read_text()[-4000:])  # shown when the test fails


def wait_for_file(path: Path, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text():
            return path.read_text()
        time.sleep(0.05)
    pytest.fail(f"No render started within {timeout}s ({path} never written)")


def test_a_render_whose_pool_process_is_killed_is_finished_by_the_worker(
    slow_worker, application, media
):
    started = time.monotonic()
    packet, _ = request_packet(application, by=None)

    victim = int(wait_for_file(slow_worker))
    assert wait_for_status(packet, "rendering").attempts == 1
    slow_worker.unlink()
    os.kill(victim, signal.SIGKILL)  # mid-render: the PDF is not written yet

    # acks_late + reject_on_worker_lost: Redis hands the message back, marked
    # redelivered; a fresh pool process takes the row up again and finishes it.
    packet = wait_for_status(packet, "ready", timeout=25)
    assert int(slow_worker.read_text()) != victim
    assert packet.attempts == 2
    assert_complete_pdf(packet, media)
    assert [p.name for p in (media / "packets").iterdir()] == [Path(packet.file.name).name]
    print(f"killed and finished in {time.monotonic() - started:.1f}s")


# --- The broker unreachable at request time ---------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_packet_requested_while_the_broker_is_down_renders_once_it_is_back(
    client, celery_app, celery_worker, application, media
):
    committee = make_user("packet-worker-committee", groups=("committee",))
    application.committee.add(committee)
    client.force_login(committee)
    down = Celery(
        "broker-down", broker=f"redis://127.0.0.1:{closed_port()}/0", set_as_current=False
    )
    down.conf.broker_connection_retry = False

    with sending_through(down):
        response = client.post(reverse("scoring:packet_request", kwargs={"pk": application.pk}))
    assert response.status_code == 302  # the person is not shown the outage
    packet = Packet.objects.get()
    assert packet.status == "queued" and packet.attempts == 0

    # The broker is back (the real one); beat's requeue runs a minute later.
    Packet.objects.filter(pk=packet.pk).update(requested_at=timezone.now() - timedelta(minutes=2))
    assert requeue_stale_packets() == 1
    packet = wait_for_status(packet, "ready")
    assert packet.attempts == 1
    assert_complete_pdf(packet, media)
