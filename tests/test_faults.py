"""Faults a deployment meets, each answered the way the README's fault table says.

- A database connection lost during a request (PostgreSQL restarted, a failover, the
  server cutting connections): a 503 with Retry-After that the scorecard's script
  retries, never a 500, and the retry saves. On PostgreSQL the connection is really
  terminated (pg_terminate_backend from a second connection); SQLite cannot lose a
  connection, so there the driver's error is raised at the cursor.
- A Celery worker without collectstatic's manifest refuses to start, saying so.
"""

import os
import subprocess
import sys
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
