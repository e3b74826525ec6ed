#!/usr/bin/env python3
"""Loopwright integration example: from a candidate in "the ATS" to a debrief packet.

A script an integrator can copy: Python 3.11+, standard library only. It does what an
applicant-tracking system's sync does, through Loopwright's REST API (/api/v1/) and its
signed webhooks:

1. starts a small webhook receiver (http.server in a thread) that checks every
   delivery's `Loopwright-Signature` (HMAC-SHA256, constant-time compare, timestamp
   within 5 minutes) and refuses the rest with 401;
2. upserts the candidate by the ATS's id (PUT /candidates/external/{external_id});
3. finds the published loop of a key (GET /loops/, GET /loops/{id});
4. starts an application on it (POST /applications/);
5. schedules an interview for the first stage (or every stage, --every-stage) and
   assigns the interviewers, found by email (GET /people/?email=...);
6. waits for `decision.recorded` for that application (the panel scores, the
   committee decides, in Loopwright), unless GET /decisions/ has one already;
7. requests a debrief packet (POST /applications/{id}/packets), waits for
   `packet.ready` (polling GET /packets/{id} meanwhile), downloads the PDF and checks
   it is one.

Each object it makes carries an id derived from the ATS's, and is looked up by it
(?external_id=) before it is made: a second run for the same candidate carries on
where the first stopped and doubles nothing. It exits 0 with a summary, or 1 with what
went wrong (an API error's problem details are printed). Run it against a local
`make run`: docs/integrations.md.

Every option also reads from the environment (shown in --help), e.g.:

    LOOPWRIGHT_URL=http://127.0.0.1:8000 LOOPWRIGHT_TOKEN=lw_... \\
    LOOPWRIGHT_WEBHOOK_SECRET=whsec_... python docs/integration_example.py \\
        --loop-key devops-engineer-senior \\
        --interviewer interviewer1@demo.loopwright.test \\
        --interviewer interviewer2@demo.loopwright.test \\
        --committee committee@demo.loopwright.test
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import Request, urlopen

SIGNATURE_HEADER = "Loopwright-Signature"
# A delivery older than this is refused, so a captured request cannot be replayed later.
SIGNATURE_TOLERANCE_SECONDS = 5 * 60
PROGRESS_EVERY_SECONDS = 10
# How often a request answered 429 (too many requests) is tried again after Retry-After.
RATE_LIMIT_RETRIES = 3


class IntegrationError(Exception):
    """A step failed: the message says which and why; the script exits 1 with it."""


# --- The API -------------------------------------------------------------------------


class ApiError(IntegrationError):
    """A non-2xx answer: its problem details (RFC 9457) make the message."""

    def __init__(self, method: str, path: str, status: int, problem: dict[str, Any]):
        self.status = status
        self.problem = problem
        lines = [f"{method} {path} answered {status}: {problem.get('title', '')}".rstrip()]
        if problem.get("detail"):
            lines.append(f"  detail: {problem['detail']}")
        for error in problem.get("errors") or []:
            lines.append(f"  {error.get('field', '?')}: {error.get('message', '')}")
        super().__init__("\n".join(lines))


class Api:
    """Loopwright's REST API with a bearer token: JSON in, JSON (or bytes) out."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 30):
        self.root = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        """The decoded JSON of a 2xx answer; ApiError otherwise."""
        raw = self.fetch(method, path, body, params)
        try:
            return json.loads(raw or b"null")
        except ValueError:
            # A sign-in page or a proxy's page, most likely: the base URL is not Loopwright's.
            raise IntegrationError(
                f"{method} {self.root}{path} answered with something other than JSON "
                f"({raw[:60]!r}…): is --base-url Loopwright's address?"
            ) from None

    def fetch(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        params: dict[str, Any] | None = None,
    ) -> bytes:
        url = self.root + path + (f"?{urlencode(params)}" if params else "")
        data = None if body is None else json.dumps(body).encode()
        request = Request(url, data=data, method=method)
        # Unredirected: a download may redirect to file storage, which must not see it.
        request.add_unredirected_header("Authorization", f"Bearer {self.token}")
        request.add_header("Accept", "application/json, application/problem+json, */*")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        for attempt in range(1, RATE_LIMIT_RETRIES + 2):
            try:
                with urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            except HTTPError as error:
                if error.code == 429 and attempt <= RATE_LIMIT_RETRIES:
                    # Over the token's rate limit: wait as long as Loopwright says.
                    wait = min(int(error.headers.get("Retry-After") or 1), 60)
                    say(f"  rate limited: retrying {method} {path} in {wait} s")
                    time.sleep(wait)
                    continue
                raise ApiError(method, path, error.code, problem_of(error)) from None
            except OSError as error:  # refused, reset, timed out, name not found…
                reason = getattr(error, "reason", error)
                message = f"{method} {url}: cannot reach Loopwright ({reason})"
                raise IntegrationError(message) from None
        raise AssertionError("unreachable")

    def every(self, path: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """All items of a paginated list, following the pages."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            answer = self.call("GET", path, params={**(params or {}), "page": page})
            items.extend(answer["items"])
            if not answer.get("next"):
                return items
            page += 1


def problem_of(error: HTTPError) -> dict[str, Any]:
    """The problem details of an error answer, or what there is of it."""
    raw = error.read()
    try:
        problem = json.loads(raw)
    except ValueError:
        problem = None
    if isinstance(problem, dict):
        return problem
    kind = error.headers.get("Content-Type", "no content type")
    if kind.startswith("text/html"):
        # A page, not the API: a wrong base URL, or a proxy in front of Loopwright.
        detail = f"a web page ({kind}), not an API answer: is --base-url Loopwright's address?"
        return {"title": error.reason, "detail": detail}
    return {"title": error.reason, "detail": raw.decode(errors="replace")[:300]}


# --- Webhooks ------------------------------------------------------------------------


def verify_signature(
    secrets: list[str], header: str | None, body: bytes, *, now: float | None = None
) -> str:
    """Why a delivery must be refused, or "" when it is genuine.

    `Loopwright-Signature: t=<unix time>,v1=<hex>`, where v1 is the HMAC-SHA256, keyed
    with the subscription's secret, of "<t>.<raw body>". `secrets` holds the current
    secret, and the previous one for a moment while it is rotated (Loopwright signs with
    the new one at once): a match with either is enough.
    """
    if not header:
        return f"no {SIGNATURE_HEADER} header"
    timestamp, signatures = "", []
    for part in header.split(","):
        name, _, value = part.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1":
            signatures.append(value)
    if not timestamp.isdigit() or not signatures:
        return f"malformed {SIGNATURE_HEADER} header"
    age = (time.time() if now is None else now) - int(timestamp)
    if abs(age) > SIGNATURE_TOLERANCE_SECONDS:
        return f"timestamp {int(age)} s away from now (more than {SIGNATURE_TOLERANCE_SECONDS})"
    signed = f"{timestamp}.".encode() + body
    for secret in secrets:
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        # Constant time: how long a comparison takes must not tell how much matched.
        if any(hmac.compare_digest(expected, signature) for signature in signatures):
            return ""
    return "signature does not match"


@dataclass
class Inbox:
    """Verified events, in arrival order, each once (by event id: a resend is not new)."""

    events: list[dict[str, Any]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    refused: int = 0
    changed: threading.Condition = field(default_factory=threading.Condition)

    def add(self, event: dict[str, Any]) -> bool:
        with self.changed:
            key = str(event.get("id"))
            if key in self.seen:
                return False
            self.seen.add(key)
            self.events.append(event)
            self.changed.notify_all()
            return True

    def find(self, matches: Callable[[dict[str, Any]], bool]) -> dict[str, Any] | None:
        with self.changed:
            return next((e for e in self.events if matches(e)), None)

    def wait(self, matches: Callable[[dict[str, Any]], bool], seconds: float) -> dict | None:
        """The first event that matches, waiting up to `seconds` for it."""
        deadline = time.monotonic() + seconds
        with self.changed:
            while True:
                found = next((e for e in self.events if matches(e)), None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self.changed.wait(left)


def webhook_handler(secrets: list[str], inbox: Inbox, path: str) -> type[BaseHTTPRequestHandler]:
    class WebhookHandler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path.split("?")[0] != path:
                return self.answer(404, "no such endpoint")
            length = int(self.headers.get("Content-Length") or 0)
            if length > 1_000_000:
                return self.answer(413, "too large")
            body = self.rfile.read(length)
            refusal = verify_signature(secrets, self.headers.get(SIGNATURE_HEADER), body)
            if refusal:
                inbox.refused += 1
                say(f"  webhook refused: {refusal}")
                return self.answer(401, refusal)
            try:
                event = json.loads(body)
            except ValueError:
                return self.answer(400, "not JSON")
            if inbox.add(event):
                say(f"  webhook received: {event.get('event')} ({about(event)})")
            # Answer fast (2xx): slow work belongs in a queue, or the sender retries.
            self.answer(204, "")

        def answer(self, status: int, text: str) -> None:
            payload = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the handler reports what matters itself

    return WebhookHandler


def start_receiver(host: str, port: int, path: str, secrets: list[str], inbox: Inbox):
    server = ThreadingHTTPServer((host, port), webhook_handler(secrets, inbox, path))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="webhooks", daemon=True).start()
    return server


def event_for(name: str, **ids: int) -> Callable[[dict[str, Any]], bool]:
    """Matches an event called `name` about these objects: event_for("packet.ready",
    packet=12) matches {"event": "packet.ready", "data": {"packet": {"id": 12, ...}}}."""

    def matches(event: dict[str, Any]) -> bool:
        data = event.get("data") or {}
        return event.get("event") == name and all(
            (data.get(kind) or {}).get("id") == pk for kind, pk in ids.items()
        )

    return matches


# --- The steps -----------------------------------------------------------------------


def upsert_candidate(api: Api, external_id: str, name: str, email: str) -> dict[str, Any]:
    """The ATS's candidate, created or updated by its id there: running twice is safe."""
    return api.call(
        "PUT", f"/candidates/external/{quote(external_id, safe='')}", {"name": name, "email": email}
    )


def published_loop(api: Api, key: str) -> dict[str, Any]:
    """The published version of the loop `key`, with its stages."""
    loops = [
        loop
        for loop in api.every("/loops/", {"key": key, "status": "published"})
        if loop.get("key") == key and loop.get("status") == "published"
    ]
    if not loops:
        raise IntegrationError(f"No published loop has the key {key!r} (GET /loops/).")
    return api.call("GET", f"/loops/{loops[0]['id']}")


def person_id(api: Api, email: str) -> int:
    people = api.call("GET", "/people/", params={"email": email})["items"]
    if not people:
        raise IntegrationError(f"Nobody in Loopwright has the email {email!r} (GET /people/).")
    return people[0]["id"]


def find_one(api: Api, path: str, external_id: str) -> dict[str, Any] | None:
    """The object of this list with the ATS's id, if an earlier run made it."""
    items = api.call("GET", path, params={"external_id": external_id})["items"]
    return items[0] if items else None


def start_application(
    api: Api, config: Config, candidate: dict[str, Any], loop: dict[str, Any]
) -> dict[str, Any]:
    """The application of this ATS candidate, started now or found from an earlier run."""
    external_id = f"{config.candidate_id}-application"
    found = find_one(api, "/applications/", external_id)
    if found is not None:
        say(f"Application {found['id']} found (started by an earlier run)")
        return found
    application = api.call(
        "POST",
        "/applications/",
        {
            "candidate_id": candidate["id"],
            "loop_id": loop["id"],
            "external_id": external_id,
            "committee_emails": config.committee,
        },
    )
    say(f"Application {application['id']} started")
    return application


def staff_interview(
    api: Api, config: Config, application: dict[str, Any], stage: dict[str, Any], people: dict
) -> dict[str, Any]:
    """The stage's interview, scheduled tomorrow, with every interviewer assigned once."""
    external_id = f"{config.candidate_id}-stage-{stage['id']}"
    interview = find_one(api, "/interviews/", external_id)
    starts_at = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    if interview is None:
        body = {
            "application_id": application["id"],
            "stage_id": stage["id"],
            "starts_at": starts_at.isoformat(),
            "external_id": external_id,
        }
        interview = api.call("POST", "/interviews/", body)
    seated = {seat["person_id"] for seat in interview.get("assignments", [])}
    for person in people.values():
        if person not in seated:
            api.call(
                "POST",
                f"/interviews/{interview['id']}/assignments",
                {"person_id": person, "role": "interviewer"},
            )
    say(
        f"Interview {interview['id']} ({stage['name']}, {interview['starts_at']}) "
        f"with {', '.join(people)}"
    )
    return interview


def await_decision(api: Api, inbox: Inbox, application: dict[str, Any], timeout: float) -> str:
    """The committee's outcome: already recorded (an earlier run), or by webhook."""
    decisions = api.call("GET", "/decisions/", params={"application": application["id"]})
    standing = [d for d in decisions["items"] if d.get("standing")]
    if standing:
        say(f"Decision already recorded: {standing[-1]['outcome']}")
        return standing[-1]["outcome"]
    say("Waiting for decision.recorded: the panel scores, the committee decides in Loopwright")
    event = wait_for(
        inbox,
        event_for("decision.recorded", application=application["id"]),
        "decision.recorded",
        timeout,
    )
    outcome = event["data"]["decision"]["outcome"]
    say(f"Decision recorded: {outcome}")
    return outcome


def fetch_packet(
    api: Api, inbox: Inbox, application: dict[str, Any], timeout: float, out: Path
) -> tuple[dict[str, Any], bytes]:
    """Request a packet, wait until it is rendered, download it; (its status, the PDF)."""
    packet = api.call("POST", f"/applications/{application['id']}/packets")
    say(f"Packet {packet['id']} requested ({packet['status']})")

    def rendered() -> bool:
        """Polled between webhooks: a failed render ends the wait at once."""
        status = api.call("GET", f"/packets/{packet['id']}")
        if status["status"] == "failed":
            raise IntegrationError(f"Packet {packet['id']} failed: {status.get('error') or '?'}")
        return status["status"] == "ready"

    is_ours = event_for("packet.ready", packet=packet["id"])
    ready = wait_for(inbox, is_ours, "packet.ready", timeout, check=rendered)
    packet = api.call("GET", f"/packets/{packet['id']}")
    pdf = api.fetch("GET", f"/packets/{packet['id']}/download")
    if not pdf.startswith(b"%PDF"):
        raise IntegrationError(f"The download of packet {packet['id']} is not a PDF: {pdf[:40]!r}")
    out.write_bytes(pdf)
    say(f"Packet {packet['id']} downloaded: {packet.get('pages')} pages, {len(pdf)} bytes")
    if ready is None:
        # Ready by polling first: give its webhook a moment, so its sender sees a 2xx.
        say("  packet ready by polling GET /packets/{id}; waiting briefly for its webhook")
        inbox.wait(is_ours, PROGRESS_EVERY_SECONDS)
    return packet, pdf


def wait_for(
    inbox: Inbox,
    matches: Callable[[dict[str, Any]], bool],
    what: str,
    timeout: float,
    check: Callable[[], bool] | None = None,
) -> dict[str, Any] | None:
    """The matching event, printing progress; `check()` (a poll) may end the wait early.

    Returns None when `check` said done before the event came; raises on timeout.
    """
    started = time.monotonic()
    while True:
        waited = time.monotonic() - started
        if waited >= timeout:
            raise IntegrationError(f"No {what} within {timeout:.0f} s.")
        found = inbox.wait(matches, min(PROGRESS_EVERY_SECONDS, timeout - waited))
        if found is not None:
            return found
        if check is not None and check():
            return None
        say(f"  still waiting for {what} ({time.monotonic() - started:.0f} s)")


@dataclass
class Config:
    base_url: str
    token: str
    webhook_secrets: list[str]
    listen_host: str
    listen_port: int
    webhook_path: str
    loop_key: str
    interviewers: list[str]
    committee: list[str]
    candidate_id: str
    candidate_name: str
    candidate_email: str
    every_stage: bool
    timeout: float
    out: Path


def run(config: Config) -> dict[str, Any]:
    """Every step, in order; returns what the summary prints."""
    inbox = Inbox()
    server = start_receiver(
        config.listen_host, config.listen_port, config.webhook_path, config.webhook_secrets, inbox
    )
    host, port = server.server_address[:2]
    say(f"Listening for webhooks on http://{host}:{port}{config.webhook_path}")
    try:
        return steps(config, Api(config.base_url, config.token), inbox)
    finally:
        server.shutdown()
        server.server_close()


def steps(config: Config, api: Api, inbox: Inbox) -> dict[str, Any]:
    candidate = upsert_candidate(
        api, config.candidate_id, config.candidate_name, config.candidate_email
    )
    say(f"Candidate {candidate['id']} ({config.candidate_id} in the ATS): {candidate['name']}")

    loop = published_loop(api, config.loop_key)
    stages = sorted(loop["stages"], key=lambda s: s.get("order", 0))
    if not stages:
        raise IntegrationError(f"The loop {config.loop_key!r} has no stages.")
    say(f"Loop {loop['id']} ({config.loop_key}): {len(stages)} stage(s)")

    # Everyone is found before anything is started, so a mistyped email leaves nothing.
    people = {email: person_id(api, email) for email in config.interviewers}
    application = start_application(api, config, candidate, loop)
    interviews = [
        staff_interview(api, config, application, stage, people)
        for stage in (stages if config.every_stage else stages[:1])
    ]
    outcome = await_decision(api, inbox, application, config.timeout)
    packet, pdf = fetch_packet(api, inbox, application, config.timeout, config.out)
    return {
        "candidate": candidate["id"],
        "application": application["id"],
        "interviews": [i["id"] for i in interviews],
        "outcome": outcome,
        "packet": packet["id"],
        "pages": packet.get("pages"),
        "bytes": len(pdf),
        "file": str(config.out),
        "webhooks": len(inbox.events),
        "refused": inbox.refused,
    }


# --- Running it ----------------------------------------------------------------------


def say(text: str) -> None:
    print(text, flush=True)


def about(event: dict[str, Any]) -> str:
    """The objects an event is about, by their ids: "scorecard 8, application 3"."""
    data = event.get("data") or {}
    return ", ".join(
        f"{kind} {value['id']}"
        for kind, value in data.items()
        if isinstance(value, dict) and "id" in value
    )


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name) or default


def parse_args(argv: list[str]) -> Config:
    run_id = uuid.uuid4().hex[:8]
    parser = argparse.ArgumentParser(
        description="From a candidate in the ATS to a debrief packet, through Loopwright's API.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--base-url",
        default=env("LOOPWRIGHT_URL", "http://127.0.0.1:8000"),
        help="Loopwright's address (env LOOPWRIGHT_URL)",
    )
    add(
        "--token",
        default=env("LOOPWRIGHT_TOKEN"),
        help="an API token (env LOOPWRIGHT_TOKEN); scopes: candidates:write, "
        "interviews:write, loops:read, decisions:read, packets:write",
    )
    add(
        "--webhook-secret",
        action="append",
        dest="webhook_secrets",
        help="the webhook subscription's secret; give the old one too while rotating it "
        "(env LOOPWRIGHT_WEBHOOK_SECRET, comma-separated)",
    )
    add(
        "--listen-host",
        default=env("LISTEN_HOST", "127.0.0.1"),
        help="where the webhook receiver listens (env LISTEN_HOST)",
    )
    add(
        "--listen-port",
        type=int,
        default=int(env("LISTEN_PORT", "8765")),
        help="its port; 0 picks a free one (env LISTEN_PORT)",
    )
    add(
        "--webhook-path",
        default=env("WEBHOOK_PATH", "/loopwright/webhooks"),
        help="its path: the subscription's URL ends with it (env WEBHOOK_PATH)",
    )
    add(
        "--loop-key",
        default=env("LOOP_KEY", "devops-engineer-senior"),
        help="the key of the published loop to apply on (env LOOP_KEY)",
    )
    add(
        "--interviewer",
        action="append",
        dest="interviewers",
        help="an interviewer's email, repeatable (env INTERVIEWER_EMAILS, comma-separated)",
    )
    add(
        "--committee",
        action="append",
        help="a committee member's email, repeatable (env COMMITTEE_EMAILS, comma-separated)",
    )
    add(
        "--candidate-id",
        default=env("ATS_CANDIDATE_ID", f"ats-{run_id}"),
        help="the candidate's id in the ATS (env ATS_CANDIDATE_ID); a new one each run",
    )
    add("--candidate-name", default=env("CANDIDATE_NAME", "Avery Quinn"))
    add(
        "--candidate-email",
        default=env("CANDIDATE_EMAIL"),
        help="default: avery.quinn+<candidate id>@example.org",
    )
    add(
        "--every-stage",
        action="store_true",
        help="schedule an interview for every stage, not only the first",
    )
    add(
        "--timeout",
        type=float,
        default=float(env("TIMEOUT_SECONDS", "600")),
        help="seconds to wait for each webhook (env TIMEOUT_SECONDS)",
    )
    add("--out", type=Path, help="where to save the packet (default: packet-<id>.pdf here)")
    args = parser.parse_args(argv)

    interviewers = args.interviewers or split(env("INTERVIEWER_EMAILS", ""))
    committee = args.committee or split(env("COMMITTEE_EMAILS", ""))
    secrets = args.webhook_secrets or split(env("LOOPWRIGHT_WEBHOOK_SECRET", ""))
    missing = [
        name
        for name, value in (
            ("--token", args.token),
            ("--webhook-secret", secrets),
            ("--interviewer", interviewers),
        )
        if not value
    ]
    if missing:
        parser.error(f"missing {', '.join(missing)} (or their environment variables)")
    return Config(
        base_url=args.base_url,
        token=args.token,
        webhook_secrets=secrets,
        listen_host=args.listen_host,
        listen_port=args.listen_port,
        webhook_path=args.webhook_path,
        loop_key=args.loop_key,
        interviewers=interviewers,
        committee=committee,
        candidate_id=args.candidate_id,
        candidate_name=args.candidate_name,
        candidate_email=args.candidate_email or f"avery.quinn+{args.candidate_id}@example.org",
        every_stage=args.every_stage,
        timeout=args.timeout,
        out=args.out or Path(f"packet-{args.candidate_id}.pdf"),
    )


def split(text: str) -> list[str]:
    return [item.strip() for item in text.split(",") if item.strip()]


def main(argv: list[str] | None = None) -> int:
    config = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    try:
        summary = run(config)
    except IntegrationError as error:
        print(f"FAILED: {error}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    say(
        f"Done in {time.monotonic() - started:.1f} s: candidate {summary['candidate']}, "
        f"application {summary['application']}, decision {summary['outcome']}, "
        f"packet {summary['packet']} ({summary['pages']} pages, {summary['bytes']} bytes) "
        f"saved to {summary['file']}; {summary['webhooks']} webhook(s) received, "
        f"{summary['refused']} refused."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
