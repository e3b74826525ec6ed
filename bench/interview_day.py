"""A company's interview day: interviewers autosaving, recruiters browsing, committees' packets.

On gunicorn (config/gunicorn.conf.py, --workers sync workers), PostgreSQL and a real
Celery worker on Redis, for --duration seconds:
- --interviewers people, each at their own draft scorecard on a held interview (two
  interviewers per interview), save one part every ~2 s (uniform 1.5-2.5 s, a random
  start): a note's text grows by a word, or a rating's score and evidence change. Each
  POST goes to the part's autosave endpoint as static/js/scorecard.js sends it: the
  part's form fields, the revision the previous answer returned, the CSRF token in
  X-CSRFToken and HX-Request (scoring/views/autosave.py).
- --recruiters people open a page every ~1 s: the pipelines list, the loop's pipeline, an
  application's committee page.
- --committee members (one request every ~20 s between them) request a debrief packet
  for an application whose scorecards are in, poll its status element every 2 s as the
  page does until it is ready, then open the committee page.
Clients are threads, each with its own session (logged in through the login page) and a
kept-alive connection (sync workers close it after each response; the client reopens).

Prints per endpoint: requests, requests/s, p50, p99, max, errors (any answer but
2xx/3xx, or no answer) and 409 conflicts apart (there should be none: each interviewer
writes only their own parts). Then, in the database: every part holds its client's last
acknowledged values and its revision grew by exactly the acknowledged saves (else those
saves count as lost); every packet requested was rendered. Exits 1 on any error,
conflict, lost save or unrendered packet; timing is reported against the target
(autosave p99 < 100 ms at 50 interviewers on 2 cores), never enforced.

The database is emptied (flush) and filled through the real services; its name must
contain "bench". Redis database 9 of REDIS_URL's server is flushed and used (broker and
cache). DEBUG off, a random SECRET_KEY, collectstatic into a temporary STATIC_ROOT.

Run from the repository root (PostgreSQL and Redis up; role and database made if missing):
    .venv/bin/python bench/interview_day.py                 # 50 interviewers, 300 s
    .venv/bin/python bench/interview_day.py --short         # 10 interviewers, 20 s
DATABASE_URL defaults to postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench_day.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(ROOT))

from bench.autosave_load import (  # noqa: E402
    HOST,
    REVISION_INPUT,
    Browser,
    ServerClock,
    ensure_database,
    free_port,
    percentile,
    stop,
    wait_until_serving,
)

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench_day"
BENCH_REDIS_DB = 9
QUEUE = "loopwright-interview-day"
GUNICORN_CONF = ROOT / "config" / "gunicorn.conf.py"
SAVE_GAP = (1.5, 2.5)  # seconds between one interviewer's saves
PAGE_GAP = (0.75, 1.25)  # seconds between one recruiter's pages
PACKET_GAP = 20.0  # seconds between packet requests, all committee members together
POLL_GAP = 2.0  # the packet status element polls itself every 2 s (templates/scoring/packets.html)
PACKET_WAIT = 120.0  # seconds a packet may take to be ready before it counts as an error
AUTOSAVE_ENDPOINTS = ("note autosave", "rating autosave")
P99_TARGET_MS = 100.0
WORDS = ("walked", "through", "the", "outage", "timeline", "root", "cause", "and", "follow-up")
TEXT_LIMIT = 4_000  # a long note, well under NOTE_MAX_CHARS
PACKET_BADGE = re.compile(rb'<span class="badge[^"]*">(Ready|Failed|Rendering|Queued)</span>')


# --- The environment, the server and the worker ------------------------------------


def environment(database_url: str, redis_url: str, static_root: str, media_root: str) -> None:
    """What gunicorn, the worker and this process run with: production settings, plain http."""
    os.environ.pop("LOOPWRIGHT_LOCAL", None)
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_QUEUE=QUEUE,
        STATIC_ROOT=static_root,
        MEDIA_ROOT=media_root,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=f"bench-{secrets.token_urlsafe(40)}",
        ALLOWED_HOSTS=HOST,
        HTTPS_ONLY="false",  # plain http on localhost: secure cookies would never return
        LOG_LEVEL="WARNING",
        # Set-up assigns interviewers, which emails them: keep those in memory, unprinted.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


def bench_redis_url() -> str:
    """Database 9 of REDIS_URL's server (default 127.0.0.1:6379): the benches' own."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    return urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_REDIS_DB}", "", ""))


def start_gunicorn(port: int, workers: int, log) -> subprocess.Popen:
    """Gunicorn as production runs it (config/gunicorn.conf.py, preloaded) on `port`."""
    command = [
        str(ROOT / ".venv/bin/gunicorn"), "-c", str(GUNICORN_CONF),
        f"--bind={HOST}:{port}", f"--workers={workers}", "config.wsgi",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
    return wait_until_serving(server, port, seconds=60)


def start_worker(concurrency: int, log) -> subprocess.Popen:
    """A real worker on the bench's queue (it refuses to start without the static manifest)."""
    command = [
        str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", f"--concurrency={concurrency}",
        "--pool=prefork", "-Q", QUEUE, "--loglevel=WARNING", "--without-heartbeat",
        "--without-mingle", "--without-gossip", "-n", f"bench-day-{secrets.token_hex(4)}@%h",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


# --- Set-up through the real services ----------------------------------------------


@dataclass
class Part:
    """One note or rating of a scorecard, as its autosave form posts it."""

    kind: str  # "note" or "rating"
    pk: int
    path: str
    revision: int
    checklist: int = 0  # a note's checklist items


@dataclass
class Person:
    username: str
    parts: list[Part] = field(default_factory=list)


@dataclass
class Day:
    """What the clients need: who logs in, what they save and which pages they open."""

    interviewers: list[Person]
    recruiters: list[Person]
    committee: list[Person]
    loop_pk: int
    ready_applications: list[int]
    scale: list[int]


def make_people(prefix: str, n: int, group: str, password_hash: str) -> list:
    """Users sharing one password hash: hashing each (PBKDF2) would take most of the set-up."""
    from accounts.models import User
    from accounts.permissions import role_groups

    groups = role_groups((group,))
    people = []
    for i in range(n):
        user = User.objects.create(
            username=f"{prefix}-{i}", email=f"{prefix}-{i}@example.com", password=password_hash
        )
        user.groups.set(groups)
        people.append(user)
    return people


def held_interview(application, stage, *, by):
    """The stage's interview an hour ago, marked held: the interviewers write it up now."""
    from datetime import timedelta

    from django.utils import timezone

    from candidates.scheduling import set_interview_state
    from tests.factories import make_interview

    starts_at = timezone.now() - timedelta(hours=1)
    interview = make_interview(application, stage, starts_at=starts_at, by=by)
    return set_interview_state(interview, "held", by=by)


def scorecard_parts(scorecard) -> list[Part]:
    from django.urls import reverse

    parts = [
        Part(
            "note",
            note.pk,
            reverse("scoring:note_save", args=[scorecard.pk, note.pk]),
            note.revision,
            len(note.planned.question.checklist),
        )
        for note in scorecard.notes.select_related("planned__question").order_by("pk")
    ]
    parts += [
        Part(
            "rating",
            rating.pk,
            reverse("scoring:rating_save", args=[scorecard.pk, rating.pk]),
            rating.revision,
        )
        for rating in scorecard.ratings.order_by("pk")
    ]
    return parts


def prepare(args, password: str) -> Day:
    """Empty the database; a loop, the day's held interviews and the committee's applications."""
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from bench.common import empty_bench_database
    from tests.factories import (
        assign,
        make_application,
        make_candidate,
        make_scoring_loop,
        submit_filled_scorecard,
    )

    empty_bench_database()
    call_command("collectstatic", interactive=False, verbosity=0)
    hashed = make_password(password)
    recruiters = make_people("bench-recruiter", args.recruiters, "recruiter", hashed)
    committee = make_people("bench-committee", args.committee, "committee", hashed)
    interviewers = make_people("bench-interviewer", args.interviewers, "interviewer", hashed)
    panel = make_people("bench-panel", 2, "interviewer", hashed)
    by = recruiters[0]
    loop = make_scoring_loop(by=by)
    stage = loop.stages.order_by("order").first()

    people = []
    for i in range(0, len(interviewers), 2):  # two interviewers per held interview
        application = make_application(make_candidate(f"Day Candidate {i // 2}"), loop, by=by)
        interview = held_interview(application, stage, by=by)
        for user in interviewers[i : i + 2]:
            scorecard = assign(interview, user, by=by).scorecard
            people.append(Person(user.username, scorecard_parts(scorecard)))

    ready = []
    for i in range(args.ready):  # in for the committee: both scorecards submitted
        candidate = make_candidate(f"Committee Candidate {i}")
        application = make_application(candidate, loop, committee=committee, by=by)
        interview = held_interview(application, stage, by=by)
        for user, score in zip(panel, (2, 4), strict=True):
            card = assign(interview, user, by=by).scorecard
            submit_filled_scorecard(card, by=user, scores=score, ticks=(0, 1, 2))
        ready.append(application.pk)
    scale = sorted(loop.scale.points.values_list("value", flat=True))
    return Day(
        interviewers=people,
        recruiters=[Person(u.username) for u in recruiters],
        committee=[Person(u.username) for u in committee],
        loop_pk=loop.pk,
        ready_applications=ready,
        scale=scale,
    )


# --- The clients --------------------------------------------------------------------


class DayBrowser(Browser):
    """autosave_load's browser, plus the extra headers an htmx poll sends (HX-Target)."""

    extra: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        fields: dict | None = None,
        *,
        htmx: bool = False,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        self.extra = headers or {}
        try:
            return super().request(method, path, fields, htmx=htmx)
        finally:
            self.extra = {}

    def _send(self, method: str, path: str, body, headers: dict):
        return super()._send(method, path, body, {**headers, **self.extra})


@dataclass
class Tally:
    """Every client's timings and failures, per endpoint, shared under a lock."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, int] = field(default_factory=dict)
    conflict_bodies: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, endpoint: str, ms: float, status: int | str, body: bytes = b"") -> None:
        with self.lock:
            self.latencies.setdefault(endpoint, []).append(ms)
            self.errors.setdefault(endpoint, [])
            self.conflicts.setdefault(endpoint, 0)
            if status == 409:
                self.conflict_bodies.append(body[:600])
                self.conflicts[endpoint] += 1
            elif not isinstance(status, int) or not 200 <= status < 400:
                self.errors[endpoint].append(str(status))

    def error(self, endpoint: str, what: str) -> None:
        with self.lock:
            self.errors.setdefault(endpoint, []).append(what)


def timed(tally: Tally, endpoint: str, browser: DayBrowser, method: str, path: str, **kwargs):
    """One request, timed and tallied: (status or exception name, body)."""
    started = time.perf_counter()
    try:
        status, body = browser.request(method, path, **kwargs)
    except (OSError, http.client.HTTPException) as error:
        status, body = type(error).__name__, b""
    tally.add(endpoint, (time.perf_counter() - started) * 1000, status, body)
    return status, body


@dataclass
class Acked:
    """A part's last acknowledged values and how many saves were acknowledged."""

    fields: dict
    saves: int = 0


class Interviewer:
    """Writes up their scorecard: one part every ~2 s, on the revision last returned."""

    def __init__(self, person: Person, browser: DayBrowser, scale: list[int], seed: int):
        self.person, self.browser, self.scale = person, browser, scale
        self.random = random.Random(seed)
        self.revisions = {(part.kind, part.pk): part.revision for part in person.parts}
        self.texts = {(part.kind, part.pk): "" for part in person.parts}
        self.acked: dict[tuple[str, int], Acked] = {}
        self.words = 0

    def fields_for(self, part: Part) -> dict:
        """The part's form as the page serialises it (scorecard.js), with its base revision."""
        self.words += 1
        word = f"{WORDS[self.words % len(WORDS)]}{self.words}"
        text = f"{self.texts[part.kind, part.pk]} {word}".strip()[-TEXT_LIMIT:]
        self.texts[part.kind, part.pk] = text
        if part.kind == "note":
            ticks = [i for i in range(part.checklist) if self.random.random() < 0.5]
            return {"text": text, "state": "asked", "ticks": ticks}
        return {
            "score": str(self.random.choice(self.scale)),
            "evidence": text,
            "not_assessed_reason": "",
        }

    def save(self, tally: Tally) -> None:
        part = self.random.choice(self.person.parts)
        fields = self.fields_for(part)
        endpoint = f"{part.kind} autosave"
        posted = {**fields, "revision": self.revisions[part.kind, part.pk]}
        status, body = timed(
            tally, endpoint, self.browser, "POST", part.path, fields=posted, htmx=True
        )
        if status != 200:
            return
        revision = REVISION_INPUT.search(body)
        if revision is None:
            tally.error(endpoint, "200 without a revision")
            return
        self.revisions[part.kind, part.pk] = int(revision.group(1))
        acked = self.acked.setdefault((part.kind, part.pk), Acked(fields))
        acked.fields, acked.saves = fields, acked.saves + 1

    def run(self, tally: Tally, start: float, deadline: float) -> None:
        at = start + self.random.uniform(0, SAVE_GAP[1])
        while True:
            pause(min(at, deadline))
            if time.perf_counter() >= deadline:
                return
            self.save(tally)
            at += self.random.uniform(*SAVE_GAP)


def pause(until: float) -> None:
    delay = until - time.perf_counter()
    if delay > 0:
        time.sleep(delay)


def recruiter_pages(day: Day) -> list[tuple[str, str]]:
    from django.urls import reverse

    pages = [
        ("pipelines", reverse("scoring:pipelines")),
        ("pipeline", reverse("scoring:pipeline", args=[day.loop_pk])),
    ]
    pages += [
        ("committee page", reverse("scoring:committee", args=[pk])) for pk in day.ready_applications
    ]
    return pages


def run_recruiter(browser, pages, tally: Tally, start, deadline, seed: int) -> None:
    """A page every ~1 s, round the pipelines and the committee pages."""
    rng = random.Random(seed)
    at = start + rng.uniform(0, PAGE_GAP[1])
    i = rng.randrange(len(pages))
    while True:
        pause(min(at, deadline))
        if time.perf_counter() >= deadline:
            return
        endpoint, path = pages[i % len(pages)]
        timed(tally, endpoint, browser, "GET", path)
        i += 1
        at += rng.uniform(*PAGE_GAP)


@dataclass
class PacketAsk:
    application: int
    status: int | str
    created: bool
    seconds_to_ready: float | None = None
    outcome: str = ""


def ask_for_packet(browser: DayBrowser, application: int, tally: Tally) -> PacketAsk:
    """Request a packet as the page's button does, then poll its status element until ready."""
    from django.urls import reverse

    request_path = reverse("scoring:packet_request", args=[application])
    status_path = reverse("scoring:packets", args=[application])
    asked = time.perf_counter()
    status, body = timed(
        tally, "packet request", browser, "POST", request_path, fields={}, htmx=True
    )
    ask = PacketAsk(application, status, b"Packet requested" in body)
    if status != 200:
        return ask
    while time.perf_counter() - asked < PACKET_WAIT:
        time.sleep(POLL_GAP)
        status, body = timed(
            tally,
            "packet status poll",
            browser,
            "GET",
            status_path,
            headers={"HX-Request": "true", "HX-Target": "packet-status"},
        )
        badge = PACKET_BADGE.search(body) if status == 200 else None
        if badge and badge.group(1) in (b"Ready", b"Failed"):
            ask.outcome = badge.group(1).decode()
            ask.seconds_to_ready = time.perf_counter() - asked
            break
    if ask.outcome != "Ready":
        tally.error("packet request", f"packet not ready: {ask.outcome or 'timed out'}")
    else:
        timed(
            tally,
            "committee page",
            browser,
            "GET",
            reverse("scoring:committee", args=[application]),
        )
    return ask


def run_committee(browser, applications, offset, gap, tally, start, deadline, asks) -> None:
    """One packet request every `gap` seconds, each followed until ready (past the deadline)."""
    at, i = start + offset, 0
    while True:
        pause(min(at, deadline))
        if time.perf_counter() >= deadline:
            return
        asks.append(ask_for_packet(browser, applications[i % len(applications)], tally))
        i += 1
        at = max(at + gap, time.perf_counter())


def log_in_all(port: int, people: list[Person], password: str) -> list[DayBrowser]:
    """Everyone through the login page, a few at a time (each login is a PBKDF2 check)."""
    browsers: list[DayBrowser | None] = [None] * len(people)
    failures = []

    def log_in(i: int) -> None:
        try:
            browser = DayBrowser(port)
            browser.log_in(people[i].username, password)
            browsers[i] = browser
        except Exception as error:  # reported below, with whom
            failures.append(f"{people[i].username}: {error}")

    for first in range(0, len(people), 4):
        threads = [
            threading.Thread(target=log_in, args=(i,))
            for i in range(first, min(first + 4, len(people)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise RuntimeError(f"Could not log in: {failures[:3]}")
    return browsers  # type: ignore[return-value]


def run_day(
    browsers: list[DayBrowser], day: Day, args
) -> tuple[Tally, list[Interviewer], list[PacketAsk], float]:
    """The day, everyone logged in: returns the tally, interviewers, packets and its seconds."""
    tally = Tally()
    n, r = len(day.interviewers), len(day.recruiters)
    interviewers = [
        Interviewer(person, browser, day.scale, seed=i)
        for i, (person, browser) in enumerate(zip(day.interviewers, browsers[:n], strict=True))
    ]
    pages = recruiter_pages(day)
    asks: list[PacketAsk] = []
    start = time.perf_counter() + 0.5
    deadline = start + args.duration
    threads = [threading.Thread(target=i.run, args=(tally, start, deadline)) for i in interviewers]
    threads += [
        threading.Thread(target=run_recruiter, args=(b, pages, tally, start, deadline, 1000 + j))
        for j, b in enumerate(browsers[n : n + r])
    ]
    members = browsers[n + r :]
    gap = PACKET_GAP * len(members)  # one request every PACKET_GAP s between them
    spread = min(PACKET_GAP, args.duration / (len(members) + 1))
    threads += [
        threading.Thread(
            target=run_committee,
            args=(
                b,
                day.ready_applications[j:] + day.ready_applications[:j],
                1 + j * spread,
                gap,
                tally,
                start,
                deadline,
                asks,
            ),
        )
        for j, b in enumerate(members)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, interviewers, asks, deadline - start


# --- Checking in the database and reporting ----------------------------------------


def lost_saves(interviewers: list[Interviewer]) -> tuple[int, int]:
    """(acknowledged saves, saves the database does not hold).

    A part whose revision grew by less than its acknowledged saves lost the difference;
    one whose values are not the last acknowledged ones lost (at least) its last save.
    """
    from scoring.models import QuestionNote, Rating

    notes = QuestionNote.objects.in_bulk(
        [pk for i in interviewers for (k, pk) in i.acked if k == "note"]
    )
    ratings = Rating.objects.in_bulk(
        [pk for i in interviewers for (k, pk) in i.acked if k == "rating"]
    )
    acked = lost = 0
    for interviewer in interviewers:
        bases = {(part.kind, part.pk): part.revision for part in interviewer.person.parts}
        for (kind, pk), ack in interviewer.acked.items():
            row = notes[pk] if kind == "note" else ratings[pk]
            acked += ack.saves
            missing = max(ack.saves - (row.revision - bases[kind, pk]), 0)
            if kind == "note":
                stored = {"text": row.text, "state": row.state, "ticks": list(row.ticks)}
                wanted = {**ack.fields, "ticks": sorted(ack.fields["ticks"])}
                stored["ticks"] = sorted(stored["ticks"])
            else:
                stored = {"score": str(row.score), "evidence": row.evidence}
                wanted = {"score": ack.fields["score"], "evidence": ack.fields["evidence"]}
            lost += missing or int(stored != wanted)
    return acked, lost


def unrendered_packets(asks: list[PacketAsk], applications: list[int]) -> list[str]:
    """Every packet of the committee's applications must be ready with a file and pages."""
    from scoring.models import Packet

    problems = []
    packets = list(Packet.objects.filter(application_id__in=applications))
    created = sum(1 for ask in asks if ask.created)
    if len(packets) != created:
        problems.append(f"{created} requests created a packet, the database holds {len(packets)}")
    for packet in packets:
        if packet.status != Packet.Status.READY or not packet.file or not packet.pages:
            problems.append(f"packet {packet.pk}: {packet.status} {packet.error or ''}".strip())
    return problems


def summary(tally: Tally, seconds: float) -> dict[str, dict]:
    rows = {}
    for endpoint, latencies in sorted(tally.latencies.items()):
        rows[endpoint] = {
            "requests": len(latencies),
            "per_second": len(latencies) / seconds,
            "p50_ms": percentile(latencies, 0.5),
            "p99_ms": percentile(latencies, 0.99),
            "max_ms": max(latencies),
            "errors": len(tally.errors.get(endpoint, [])),
            "conflicts": tally.conflicts.get(endpoint, 0),
            "error_kinds": sorted(set(tally.errors.get(endpoint, []))),
        }
    for endpoint, errors in tally.errors.items():  # errors of requests never timed
        if endpoint not in rows and errors:
            rows[endpoint] = {"requests": 0, "per_second": 0.0, "p50_ms": float("nan"),
                              "p99_ms": float("nan"), "max_ms": float("nan"),
                              "errors": len(errors), "conflicts": 0,
                              "error_kinds": sorted(set(errors))}  # fmt: skip
    return rows


def report(rows: dict, result: dict, args) -> None:
    print(
        f"\n{args.interviewers} interviewers, {args.recruiters} recruiters, {args.committee} "
        f"committee members for {result['seconds']:.0f} s: gunicorn {args.workers} sync workers "
        f"(config/gunicorn.conf.py), Celery worker x{args.worker_concurrency}, PostgreSQL, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{result['load'][0]:.1f} -> {result['load'][1]:.1f}"
    )
    print(f"{'endpoint':<20}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}{'409s':>6}")  # fmt: skip
    for endpoint, row in rows.items():
        print(
            f"{endpoint:<20}{row['requests']:>9}{row['per_second']:>8.1f}{row['p50_ms']:>9.1f}"
            f"{row['p99_ms']:>9.1f}{row['max_ms']:>9.1f}{row['errors']:>8}{row['conflicts']:>6}"
        )
        if row["error_kinds"]:
            print(f"  {endpoint} errors: {row['error_kinds'][:5]}")
    ready = [a.seconds_to_ready for a in result["asks"] if a.seconds_to_ready is not None]
    if ready:
        print(f"packets: {len(result['asks'])} requested, request to ready (seen by the poll) "
              f"median {percentile(ready, 0.5):.1f} s, max {max(ready):.1f} s")  # fmt: skip
    for problem in result["packet_problems"]:
        print(f"  packet problem: {problem}")
    web, db = result["cpu"]["web"], result["cpu"]["db"]
    print(
        f"server CPU during the day (gunicorn workers + PostgreSQL backends, from /proc): "
        f"{web:.1f} + {db:.1f} s = {(web + db) / result['seconds']:.2f} cores on average"
    )
    autosave = [ms for e in AUTOSAVE_ENDPOINTS for ms in result["latencies"].get(e, [])]
    p99 = percentile(autosave, 0.99)
    verdict = "meets" if result["clean"] and p99 < P99_TARGET_MS else "misses"
    print(
        f"\n{result['acked']} acknowledged saves, {result['lost']} lost; "
        f"{result['errors']} errors, {result['conflicts']} conflicts; "
        f"{len(result['asks'])} packets requested, {len(result['packet_problems'])} problems; "
        f"autosave p99 {p99:.1f} ms (n={len(autosave)}): {verdict} the target "
        f"(0 errors, 0 lost, autosave p99 < {P99_TARGET_MS:.0f} ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300, help="seconds of the day")
    parser.add_argument("--interviewers", type=int, default=50)
    parser.add_argument("--recruiters", type=int, default=2)
    parser.add_argument("--committee", type=int, default=2, help="committee members")
    parser.add_argument("--ready", type=int, default=4, help="applications in for the committee")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--worker-concurrency", type=int, default=1, help="Celery processes")
    parser.add_argument("--short", action="store_true", help="20 s, 10 interviewers (CI)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.short:
        args.duration, args.interviewers = min(args.duration, 20), min(args.interviewers, 10)
    if args.interviewers < 1 or args.duration <= 0 or args.committee < 1 or args.ready < 1:
        parser.error("--interviewers, --committee and --ready need at least 1, --duration > 0")

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = bench_redis_url()
    ensure_database(database_url)
    scratch = Path(tempfile.mkdtemp(prefix="interview-day-"))
    environment(database_url, redis_url, str(scratch / "static"), str(scratch / "media"))
    import django
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    django.setup()
    started = time.monotonic()
    password = secrets.token_urlsafe(16)
    day = prepare(args, password)
    print(f"Set-up through the services: {time.monotonic() - started:.0f} s; {database_url}")
    from django.db import connections

    connections.close_all()  # the server's workers are the ones that should hold connections

    log_path = scratch / "server.log"
    with log_path.open("w+") as log:
        port = free_port()
        server = start_gunicorn(port, args.workers, log)
        worker = start_worker(args.worker_concurrency, log)
        try:
            everyone = day.interviewers + day.recruiters + day.committee
            browsers = log_in_all(port, everyone, password)
            clock = ServerClock(server, database_url)
            load_before, cpu_before = os.getloadavg()[0], clock.read()
            tally, interviewers, asks, seconds = run_day(browsers, day, args)
            load_after, cpu = os.getloadavg()[0], clock.spent(cpu_before, clock.read())
            clock.conn.close()
            if worker.poll() is not None:
                tally.error("worker", f"the Celery worker exited with {worker.returncode}")
        finally:
            stop(server)
            stop_worker(worker)
        log.seek(0)
        problems = [line for line in log if "Error" in line or "Traceback" in line]
    if problems:
        print("server and worker log (errors):\n" + "".join(problems[-20:]))
    for body in tally.conflict_bodies[:3]:
        print("a 409 answer:\n" + body.decode(errors="replace"))

    acked, lost = lost_saves(interviewers)
    packet_problems = unrendered_packets(asks, day.ready_applications)
    rows = summary(tally, seconds)
    errors = sum(row["errors"] for row in rows.values())
    conflicts = sum(row["conflicts"] for row in rows.values())
    clean = not (errors or conflicts or lost or packet_problems) and bool(asks)
    result = {
        "seconds": seconds, "load": (load_before, load_after), "asks": asks, "cpu": cpu,
        "packet_problems": packet_problems, "latencies": tally.latencies, "acked": acked,
        "lost": lost, "errors": errors, "conflicts": conflicts, "clean": clean,
    }  # fmt: skip
    report(rows, result, args)
    if args.json:
        figures = {key: result[key] for key in ("seconds", "acked", "lost", "errors", "conflicts")}
        figures |= {
            "endpoints": rows,
            "packets_requested": len(asks),
            "packets_ready": sum(1 for a in asks if a.outcome == "Ready"),
            "packet_problems": packet_problems,
            "load": result["load"],
            "server_cpu_seconds": result["cpu"],
        }
        args.json.write_text(json.dumps(figures, indent=2))
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
