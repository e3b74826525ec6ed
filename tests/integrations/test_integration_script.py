"""The integration example (docs/integration_example.py) against a real server and worker.

The script runs as an integrator would run it: a subprocess talking HTTP to
pytest-django's live_server (a real threaded server) and receiving the webhooks a real
Celery worker (on Redis) delivers to its receiver. Meanwhile the test plays the panel
and the committee through the services, once the script's interview is in the database.
Its signature check is also tested on its own, without the database.

Skips, with the reason, when Redis is unreachable (tests/celery_fixtures.py); under
CI=true a skip fails the run.
"""

import hashlib
import hmac
import importlib.util
import json
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from celery import Celery, _state, current_app
from django.conf import settings as django_settings

from candidates.models import Application, Assignment
from integrations import tasks as webhook_tasks  # noqa: F401  (registers them with the test app)
from integrations.models import WebhookDelivery, WebhookSubscription
from scoring import tasks as scoring_tasks  # noqa: F401  (the packet's render, likewise)
from scoring.services import record_decision
from tests.api.conftest import make_token
from tests.factories import make_scoring_loop, make_user, submit_filled_scorecard

SCRIPT = Path(django_settings.BASE_DIR) / "docs" / "integration_example.py"
SECRET = "whsec_integration-script-test"
# Each step of the script has this long; the whole test stays well under a minute.
STEP_TIMEOUT = 40


def load_script():
    spec = importlib.util.spec_from_file_location("integration_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


example = load_script()


# --- The receiver's signature check, on its own --------------------------------------


def signed(body: bytes, *, secret: str = SECRET, at: int | None = None) -> str:
    t = str(int(time.time()) if at is None else at)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


BODY = b'{"id":"1","event":"decision.recorded","data":{"application":{"id":7}}}'


def test_a_genuine_delivery_is_accepted():
    assert example.verify_signature([SECRET], signed(BODY), BODY) == ""


def test_either_secret_is_accepted_while_the_secret_is_rotated():
    assert example.verify_signature(["whsec_new", SECRET], signed(BODY), BODY) == ""
    assert "does not match" in example.verify_signature(["whsec_new"], signed(BODY), BODY)


@pytest.mark.parametrize(
    ("header", "body", "reason"),
    [
        (None, BODY, "no Loopwright-Signature header"),
        ("v1=abc", BODY, "malformed"),
        ("t=soon,v1=abc", BODY, "malformed"),
        # Signed when the test runs, not when it is collected (the timestamp must be fresh).
        (lambda: signed(BODY), BODY.replace(b"7", b"8"), "does not match"),
        (lambda: signed(BODY, secret="whsec_someone-else"), BODY, "does not match"),
    ],
    ids=["missing", "no-timestamp", "bad-timestamp", "tampered-body", "other-secret"],
)
def test_a_forged_or_malformed_delivery_is_refused(header, body, reason):
    header = header() if callable(header) else header
    assert reason in example.verify_signature([SECRET], header, body)


def test_a_replayed_delivery_older_than_five_minutes_is_refused():
    now = time.time()
    assert example.verify_signature([SECRET], signed(BODY, at=int(now) - 299), BODY, now=now) == ""
    stale = example.verify_signature([SECRET], signed(BODY, at=int(now) - 301), BODY, now=now)
    assert "timestamp" in stale


def test_a_request_over_the_rate_limit_is_tried_again_after_retry_after():
    """The API's 429 says when to come back (Retry-After); the script waits, then retries."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[str] = []

    class Throttling(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers["Authorization"])
            limited = len(seen) == 1
            body = b'{"title": "Too many requests.", "status": 429}' if limited else b'{"ok": 1}'
            self.send_response(429 if limited else 200)
            if limited:
                self.send_header("Retry-After", "0")
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Throttling)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = example.Api(f"http://127.0.0.1:{server.server_address[1]}", "lw_token")
        assert api.call("GET", "/loops/") == {"ok": 1}
    finally:
        server.shutdown()
        server.server_close()
    assert seen == ["Bearer lw_token", "Bearer lw_token"]


# --- End to end: the script, a real server and a real worker --------------------------


@contextmanager
def sending_through(app: Celery) -> Iterator[Celery]:
    """Every thread's tasks go through `app`: this one's, live_server's and the worker's.

    Celery's current app is per thread; live_server's request threads fall back to the
    default app, so both are set (and put back).
    """
    previous, previous_default = current_app._get_current_object(), _state.default_app
    app.set_current()
    _state.set_default_app(app)
    try:
        yield app
    finally:
        _state.set_default_app(previous_default)
        previous.set_current()


class Script:
    """docs/integration_example.py in a subprocess; its output collected as it comes."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_line(self, pattern: str, timeout: float = STEP_TIMEOUT) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            self.refuse_if_exited(f"printing {pattern!r}")
            time.sleep(0.05)
        pytest.fail(f"The script did not print {pattern!r} in {timeout}s:\n{self.output}")

    def refuse_if_exited(self, while_waiting_for: str) -> None:
        if self.process.poll() is not None:
            self.reader.join(timeout=5)
            pytest.fail(
                f"The script exited ({self.process.returncode}) before {while_waiting_for}:\n"
                f"{self.output}"
            )

    def finish(self, timeout: float = STEP_TIMEOUT) -> int:
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail(f"The script did not finish within {timeout}s:\n{self.output}")
        self.reader.join(timeout=5)
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def script_run():
    """Start the script with `script_run(*args)`; killed at the end if still running."""
    started: list[Script] = []

    def start(*args: str) -> Script:
        started.append(Script(*args))
        return started[-1]

    yield start
    for script in started:
        script.stop()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def hiring_team():
    """A recruiter (whose token the script uses), two interviewers, a committee member,
    and a published loop of two stages ("Technical" first)."""
    recruiter = make_user("ats-recruiter", groups=("recruiter",))
    return {
        "recruiter": recruiter,
        "interviewers": [
            make_user("ats-ines", groups=("interviewer",), email="ines@example.com"),
            make_user("ats-jonas", groups=("interviewer",), email="jonas@example.com"),
        ],
        "committee": make_user("ats-carmen", groups=("committee",), email="carmen@example.com"),
        "loop": make_scoring_loop(by=recruiter),
    }


SCRIPT_SCOPES = [
    "candidates:write",
    "interviews:write",
    "loops:read",
    "decisions:read",
    "packets:write",
]


def script_args(
    live_server, team, *, port: int, candidate: str, out: Path, loop_key: str = "", path: str = ""
) -> list[str]:
    args = [
        "--base-url", live_server.url + path,
        "--token", make_token(team["recruiter"], SCRIPT_SCOPES, name="ATS sync"),
        "--webhook-secret", SECRET,
        "--listen-port", str(port),
        "--loop-key", loop_key or team["loop"].key,
        "--candidate-id", candidate,
        "--timeout", str(STEP_TIMEOUT),
        "--out", str(out),
    ]  # fmt: skip
    for person in team["interviewers"]:
        args += ["--interviewer", person.email]
    return [*args, "--committee", team["committee"].email]


def wait_for_panel(candidate: str, seats: int, script: Script) -> list[Assignment]:
    """The script's interview with all its interviewers assigned, once it exists."""
    deadline = time.monotonic() + STEP_TIMEOUT
    while time.monotonic() < deadline:
        assignments = list(
            Assignment.objects.filter(
                interview__application__candidate__external_id=candidate
            ).select_related("person", "scorecard", "interview__application__loop__level")
        )
        if len(assignments) == seats:
            return assignments
        script.refuse_if_exited("its interview was staffed")
        time.sleep(0.1)
    pytest.fail(f"No interview with {seats} interviewers in {STEP_TIMEOUT}s:\n{script.output}")


def settled_deliveries(application_id: int, timeout: float = 10) -> list[WebhookDelivery]:
    """The webhook deliveries about an application, once none is pending.

    The worker logs a delivery's answer just after the receiver has it, so the last one
    may still be pending for a moment after the script exits.
    """
    deadline = time.monotonic() + timeout
    while True:
        deliveries = list(
            WebhookDelivery.objects.filter(payload__data__application__id=application_id)
        )
        settled = all(d.status != WebhookDelivery.Status.PENDING for d in deliveries)
        if (deliveries and settled) or time.monotonic() > deadline:
            return deliveries
        time.sleep(0.1)


def forge_delivery(port: int) -> int:
    """A delivery signed with the wrong secret, as an attacker would send it."""
    body = json.dumps({"id": "forged", "event": "decision.recorded", "data": {}}).encode()
    request = Request(
        f"http://127.0.0.1:{port}/loopwright/webhooks",
        data=body,
        headers={"Loopwright-Signature": signed(body, secret="whsec_guess")},
    )
    try:
        with urlopen(request, timeout=5) as response:
            return response.status
    except HTTPError as error:
        return error.code


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_integration_script_goes_from_an_ats_candidate_to_the_packet(
    live_server, celery_app, celery_worker, settings, tmp_path, hiring_team, script_run
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    port = free_port()
    WebhookSubscription.objects.create(
        name="The ATS",
        url=f"http://127.0.0.1:{port}/loopwright/webhooks",
        events=["application.created", "scorecard.submitted", "decision.recorded", "packet.ready"],
        secret=SECRET,
    )
    started = time.monotonic()
    packet_file = tmp_path / "packet.pdf"
    with sending_through(celery_app):
        script = script_run(
            *script_args(live_server, hiring_team, port=port, candidate="gh-4711", out=packet_file)
        )
        script.wait_for_line(r"Listening for webhooks")
        assert forge_delivery(port) == 401

        # The panel scores and the committee decides, in Loopwright, as people would.
        assignments = wait_for_panel("gh-4711", len(hiring_team["interviewers"]), script)
        assert {a.person for a in assignments} == set(hiring_team["interviewers"])
        for assignment in assignments:
            submit_filled_scorecard(assignment.scorecard, by=assignment.person)
        application = assignments[0].interview.application
        assert set(application.committee.all()) == {hiring_team["committee"]}
        record_decision(
            application,
            outcome="hire",
            level=application.loop.level,
            rationale="Strong evidence on ownership and design.",
            by=hiring_team["committee"],
        )

        code = script.finish()
    seconds = time.monotonic() - started
    assert code == 0, script.output
    pages = int(re.search(r"\((\d+) pages, \d+ bytes\)", script.output).group(1))
    assert pages >= 1
    assert packet_file.read_bytes().startswith(b"%PDF")
    assert "1 refused" in script.output
    assert application.packets.get().pages == pages

    deliveries = settled_deliveries(application.pk)
    assert {d.event for d in deliveries} == {
        "application.created",
        "scorecard.submitted",
        "decision.recorded",
        "packet.ready",
    }
    assert {(d.status, d.response_status, d.attempts) for d in deliveries} == {
        ("delivered", 204, 1)
    }
    print(f"integration script: {seconds:.1f}s end to end, packet of {pages} pages")
    assert seconds < 60

    # Again for the same ATS candidate, now on every stage: what exists is found (not
    # doubled), the second stage's interview is added, the decision found, not awaited.
    args = script_args(live_server, hiring_team, port=port, candidate="gh-4711", out=packet_file)
    with sending_through(celery_app):
        again = script_run(*args, "--every-stage")
        assert again.finish() == 0, again.output
    assert f"Application {application.pk} found" in again.output
    assert "Decision already recorded: hire" in again.output
    assert Application.objects.filter(candidate__external_id="gh-4711").count() == 1
    seats = Assignment.objects.filter(interview__application=application)
    assert sorted(seats.values_list("interview__stage__name", flat=True)) == [
        "Technical",
        "Technical",
        "Values",
        "Values",
    ]
    assert application.packets.filter(status="ready").count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_script_says_what_the_api_refused_and_exits_non_zero(
    live_server, tmp_path, hiring_team, script_run
):
    script = script_run(
        *script_args(
            live_server, hiring_team, port=0, candidate="gh-4712", out=tmp_path / "packet.pdf",
            loop_key="no-such-loop",
        )
    )  # fmt: skip
    assert script.finish() == 1, script.output
    assert "FAILED: No published loop has the key 'no-such-loop'" in script.output
    assert not Application.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_script_prints_the_problem_details_of_a_refused_token(
    live_server, tmp_path, hiring_team, script_run
):
    args = script_args(live_server, hiring_team, port=0, candidate="gh-4713", out=tmp_path / "p")
    args[args.index("--token") + 1] = "lw_nottoken_nope"
    script = script_run(*args)
    assert script.finish() == 1, script.output
    assert "answered 401: Authentication required." in script.output
    assert "detail: Send a valid, unexpired token" in script.output


@pytest.mark.django_db(transaction=True)
def test_the_script_says_when_its_base_url_is_not_loopwrights(
    live_server, tmp_path, hiring_team, script_run
):
    args = script_args(
        live_server, hiring_team, port=0, candidate="gh-4714", out=tmp_path / "p", path="/elsewhere"
    )
    script = script_run(*args)
    assert script.finish() == 1, script.output
    assert "a web page (text/html" in script.output
    assert "is --base-url Loopwright's address?" in script.output
    assert "Traceback" not in script.output
    # A page that answers 200, with HTML: the sign-in page.
    sign_in = example.Api(live_server.url + "/accounts/login/?next=", "lw_x")
    with pytest.raises(example.IntegrationError, match="other than JSON"):
        sign_in.call("GET", "/loops/")
