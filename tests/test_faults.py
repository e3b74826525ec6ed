"""Faults a deployment meets, each answered the way the README's fault table says.

- A database connection lost during a request (PostgreSQL restarted, a failover, the
  server cutting connections): a 503 with Retry-After that the scorecard's script
  retries, never a 500, and the retry saves. On PostgreSQL the connection is really
  terminated (pg_terminate_backend from a second connection); SQLite cannot lose a
  connection, so there the driver's error is raised at the cursor.
- A Celery worker without collectstatic's manifest refuses to start, saying so.
- gunicorn, as the image runs it, rotates its workers on HUP while requests keep
  coming: none fails, none waits for a worker to import the app.
"""

import http.client
import os
import re
import runpy
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from config import checks, db_faults
from scoring.models import QuestionNote
from tests.factories import make_scorecard

ROOT = Path(__file__).resolve().parent.parent
HTMX = {"HTTP_HX_REQUEST": "true"}


# --- A database connection lost mid-request ------------------------------------------


def terminate_own_backend() -> None:
    """End this test's PostgreSQL session from another connection, and wait until it is gone."""
    import psycopg

    pid = connection.connection.info.backend_pid
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        # With a timeout, pg_terminate_backend returns once the backend has exited.
        [(ended,)] = other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid]).fetchall()
    assert ended, f"backend {pid} did not end"


@contextmanager
def connection_lost_at(matches: Callable[[str], bool]):
    """Lose the database connection just before the first statement that `matches`.

    PostgreSQL: the backend is terminated, and the statement fails as a real one would.
    SQLite: the statement raises the OperationalError a lost connection gives.
    """
    fired = []

    def cut(execute, sql, params, many, context):
        if not fired and matches(sql):
            fired.append(sql)
            if connection.vendor == "postgresql":
                terminate_own_backend()
            else:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut):
        yield fired
    assert fired, "no statement matched: the fault was never injected"


def is_note_write(sql: str) -> bool:
    return "UPDATE" in sql and QuestionNote._meta.db_table in sql


def is_session_read(sql: str) -> bool:
    return "django_session" in sql


@pytest.fixture
def interviewer_client(interviewer) -> Client:
    """The interviewer signed in; a server error comes back as a response, as in production."""
    client = Client(raise_request_exception=False)
    client.force_login(interviewer)
    return client


@pytest.fixture
def note(interviewer, recruiter) -> QuestionNote:
    card = make_scorecard(interviewer, by=recruiter)
    return card.notes.order_by("pk").first()


def save(client: Client, note: QuestionNote, text: str, revision: int):
    url = reverse("scoring:note_save", kwargs={"scorecard": note.scorecard_id, "pk": note.pk})
    return client.post(url, {"text": text, "revision": str(revision)}, **HTMX)


def assert_retryable(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(db_faults.RETRY_AFTER_SECONDS)
    # static/js/scorecard.js keeps the text and retries every 5xx; 503 says "try again".
    assert "lost its database connection" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_at_the_autosave_write_answers_503_and_the_retry_lands(
    interviewer_client, note
):
    assert (
        save(interviewer_client, note, "Led the incident", 0).status_code == 200
    )  # the fast path now

    with connection_lost_at(is_note_write):
        response = save(interviewer_client, note, "Led the incident review", 1)

    assert_retryable(response)
    note.refresh_from_db()
    assert (note.text, note.revision) == ("Led the incident", 1)  # nothing half-written

    retry = save(
        interviewer_client, note, "Led the incident review", 1
    )  # what the page sends again
    assert retry.status_code == 200
    note.refresh_from_db()
    assert (note.text, note.revision) == ("Led the incident review", 2)


@pytest.mark.django_db(transaction=True)
def test_a_connection_lost_before_the_session_is_read_answers_503_too(interviewer_client, note):
    # The failure happens in a middleware (the sign-in check reads the session), before
    # any view code runs: a decorator on the autosave views would not see it.
    with connection_lost_at(is_session_read):
        response = save(interviewer_client, note, "First words", 0)

    assert_retryable(response)
    assert save(interviewer_client, note, "First words", 0).status_code == 200
    assert QuestionNote.objects.get(pk=note.pk).text == "First words"


@pytest.mark.django_db(transaction=True)
def test_a_page_whose_connection_is_lost_answers_503_and_then_works(interviewer_client, note):
    with connection_lost_at(is_session_read):
        response = interviewer_client.get(reverse("home"))

    assert_retryable(response)
    assert interviewer_client.get(reverse("home")).status_code == 200


def test_any_other_error_is_still_a_500():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = db_faults.server_error(request)
    assert response.status_code == 500
    assert not response.has_header("Retry-After")


def test_the_project_routes_uncaught_errors_through_the_fault_handler():
    from config import urls

    assert urls.handler500 == "config.db_faults.server_error"


# --- A worker without collected static files -------------------------------------------


MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"


@pytest.fixture
def manifest_storage(settings, tmp_path) -> Path:
    """Production's kind of static storage (hashed names from a manifest), in an empty root."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    return settings.STATIC_ROOT


def test_without_collectstatic_the_check_names_it(manifest_storage):
    [error] = checks.static_manifest_errors()

    assert error.id == "loopwright.E001"
    assert "Missing staticfiles manifest entry" in error.msg
    assert "collectstatic" in error.hint


def test_after_collectstatic_the_check_passes(manifest_storage):
    call_command("collectstatic", interactive=False, verbosity=0)

    assert checks.static_manifest_errors() == []


def test_a_manifest_older_than_the_code_is_reported_with_what_it_lacks(manifest_storage):
    import json

    call_command("collectstatic", interactive=False, verbosity=0)
    manifest_file = manifest_storage / "staticfiles.json"
    manifest = json.loads(manifest_file.read_text())
    del manifest["paths"]["js/scorecard.js"]  # as if the file were added after collectstatic
    manifest_file.write_text(json.dumps(manifest))

    [error] = checks.static_manifest_errors()
    assert "older than the code" in error.msg and "js/scorecard.js" in error.msg


def test_local_runs_need_no_manifest():
    # Tests run as a local run: plain static storage, files found where they are.
    assert checks.static_manifest_errors() == []


def test_the_deploy_check_reports_a_missing_manifest(manifest_storage):
    from django.core import checks as django_checks

    errors = django_checks.run_checks(include_deployment_checks=True, tags=["staticfiles"])
    assert "loopwright.E001" in [error.id for error in errors]


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"LOOPWRIGHT_LOCAL", "REDIS_URL", "DATABASE_URL"}
    }
    return {
        **env,
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-key-for-this-test-0123456789-abcdefghijklmnop",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **extra,
    }


def test_a_worker_without_collected_static_files_refuses_to_start(tmp_path):
    env = production_env(
        STATIC_ROOT=str(tmp_path / "never-collected"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    # No broker is needed: the worker stops before it connects (REDIS_URL unset: memory).
    done = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )  # fmt: skip

    assert done.returncode != 0
    assert "The worker cannot start" in done.stderr
    assert "collectstatic" in done.stderr


# --- gunicorn reloads (HUP) without a stall ---------------------------------------------


GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
WORKERS = 2
STALL_LIMIT_SECONDS = 2.0  # measured: ~0.4 s preloaded, 4.5-7 s without


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shared_database_url() -> str | None:
    """The test database as another process reaches it; None for in-memory SQLite."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        return f"sqlite:///{db['NAME']}"
    return None


def get(port: int, path: str, cookie: str = "") -> tuple[int, float]:
    """One request on a new connection: (status, seconds); status 0 when it failed."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.monotonic() - started


@contextmanager
def gunicorn(port: int, database_url: str, log: Path):
    """The web process as the image runs it (config/gunicorn.conf.py), on `port`."""
    env = {**os.environ, "DATABASE_URL": database_url}
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "--bind",
             f"127.0.0.1:{port}", "--workers", str(WORKERS), "config.wsgi"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=output,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while get(port, "/accounts/login/")[0] != 200:
                assert server.poll() is None, log.read_text()[-3000:]
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.2)
            yield server
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.mark.django_db(transaction=True)
def test_a_hup_rotates_gunicorns_workers_without_a_stall(client, nobody, tmp_path):
    database_url = shared_database_url()
    if database_url:  # a signed-in page, read from the test database
        client.force_login(nobody)
        path, cookie = reverse("home"), f"sessionid={client.cookies['sessionid'].value}"
    else:  # in-memory SQLite is this process's only: a page that reads no database
        database_url, path, cookie = (
            f"sqlite:///{tmp_path / 'unused.sqlite3'}",
            "/accounts/login/",
            "",
        )
    port, log = free_port(), tmp_path / "gunicorn.log"

    with gunicorn(port, database_url, log) as server:
        assert get(port, path, cookie)[0] == 200
        results, hup_sent, stop = [], None, time.monotonic() + 60
        while time.monotonic() < stop:
            if hup_sent is None and len(results) >= 20:
                server.send_signal(signal.SIGHUP)
                # Long enough for the rotation and the new workers' first requests.
                hup_sent, stop = len(results), time.monotonic() + 6
            results.append(get(port, path, cookie))
        assert server.poll() is None, "gunicorn's master died"

    failed = [status for status, _ in results if status != 200]
    slowest = max(seconds for _, seconds in results)
    assert failed == [], f"{len(failed)} of {len(results)} requests failed: {set(failed)}"
    assert slowest < STALL_LIMIT_SECONDS, f"a request took {slowest:.2f}s across the HUP"
    booted = log.read_text().count("Booting worker")
    assert booted >= 2 * WORKERS, f"HUP did not rotate the workers ({booted} booted)"
    assert len(results) - hup_sent > 20, "too few requests after the HUP to tell"


def test_the_image_and_compose_run_gunicorn_with_the_tested_settings():
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["preload_app"] is True
    # Logs carry ids: no query string (searches carry names), no referrer.
    assert "%(U)s" in conf["access_log_format"]
    assert not {"%(r)s", "%(q)s", "%(f)s"} & set(re.findall(r"%\(\w\)s", conf["access_log_format"]))

    command = '"gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"'
    assert command in (ROOT / "Dockerfile").read_text()
    assert command in (ROOT / "docker-compose.yml").read_text()
