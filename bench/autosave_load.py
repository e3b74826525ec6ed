"""Load-test note autosave against gunicorn and PostgreSQL, beside a one-INSERT floor.

N logged-in interviewers (threads, each with its own session and connection) type
into their own scorecard's note: successive POSTs to scoring:note_save with growing
text, each sending the revision the previous answer returned, as the browser's
autosave does. The same N clients POST the same bodies to `bench/floor/`
(bench/urls.py), which inserts one row behind the same middleware, session and
authentication. Each endpoint gets T seconds, run as alternating slices (--rounds,
default 2: autosave, floor, autosave, floor) so that the machine's other load hits
both alike.

Prints per endpoint: requests, requests/s, p50/p95/p99, errors; lost saves counted in
the database (a note must hold its client's last acknowledged text, and its revision
must have grown by the number of acknowledged saves; floor rows must match floor
acknowledgements); queries per request (counted in-process); server CPU per request
(gunicorn workers + PostgreSQL backends, from /proc: steadier than requests/s on a
shared machine). Then one summary line with autosave's throughput as a share of the
floor's. Exits 1 on any error or lost save.

The database is emptied (flush) and filled through the real services: a recruiter, a
published loop, and one interviewer, application, interview and scorecard per client;
its name must contain "bench". Gunicorn runs with DEBUG off, a random SECRET_KEY,
collected static files and DJANGO_SETTINGS_MODULE=bench.settings.

Run from the repository root (PostgreSQL up; role and database made if missing):
    .venv/bin/python bench/autosave_load.py --interviewers 8 --seconds 20
DATABASE_URL defaults to .../loopwright_bench_autosave: its own database, because
other benches empty loopwright_bench.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(ROOT))

# Its own database: other benches (bench/packet_bench.py) flush loopwright_bench, and a
# flush in the middle of this run would lose every note it types.
DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench_autosave"
HOST = "127.0.0.1"
FLOOR_PATH = "/bench/floor/"
ENDPOINTS = ("autosave", "floor")
REVISION_INPUT = re.compile(rb'<input type="hidden" name="revision" value="(\d+)">')
# Words an interviewer types; each save appends one, as a debounced autosave would.
WORDS = ("the", "candidate", "walked", "through", "the", "outage", "timeline", "root", "cause")
TEXT_LIMIT = 15_000  # stay under NOTE_MAX_CHARS however long the run


# --- The database and the server ---------------------------------------------------


def production_environment(database_url: str) -> None:
    """What gunicorn and this process run with: production settings, plain http."""
    os.environ.pop("LOOPWRIGHT_LOCAL", None)
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=f"bench-{secrets.token_urlsafe(40)}",
        ALLOWED_HOSTS=HOST,
        SECURE_COOKIES="false",  # plain http on localhost: secure cookies would never return
        LOG_LEVEL="WARNING",
        # Set-up assigns interviewers, which emails them: keep those in memory, unprinted.
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    os.environ.pop("REDIS_URL", None)  # nothing on this path enqueues; keep the run self-contained


def ensure_database(database_url: str) -> None:
    """Create the role and database as the postgres superuser if they are missing."""
    import psycopg

    try:
        psycopg.connect(database_url, connect_timeout=5).close()
        return
    except psycopg.OperationalError:
        pass
    url = urlsplit(database_url)
    role, password, name = url.username, url.password or url.username, url.path.lstrip("/")
    print(f"Creating role {role} and database {name} (as postgres)")

    def psql(sql: str) -> str:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", "psql", "-X", "-q", "-tA", "-c", sql],
            cwd="/",
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    if psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{role}'") != "1":
        psql(f"CREATE ROLE {role} LOGIN CREATEDB PASSWORD '{password}'")
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") != "1":
        psql(f"CREATE DATABASE {name} OWNER {role}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int, log) -> subprocess.Popen:
    """Gunicorn on `port`, answering once the login page does.

    Default: 3 sync workers. On 2 cores shared with PostgreSQL and this load generator,
    a request spends a good share of its time waiting on PostgreSQL (commit and
    round trips); a third process keeps a core busy while another waits, and more
    would only contend for the two cores. Sync workers close the connection after each
    response (no keep-alive), which is what a production proxy in front of sync
    workers does too. `--threads N` switches to gthread for comparison.
    """
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "config.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--log-level=warning",
    ]
    if threads > 1:
        command += ["--worker-class=gthread", f"--threads={threads}"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
    return wait_until_serving(server, port, seconds=30)


def wait_until_serving(server: subprocess.Popen, port: int, *, seconds: int) -> subprocess.Popen:
    """The server once its sign-in page answers 200; stopped, and an error, if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop(server)
    raise RuntimeError(f"gunicorn did not answer within {seconds} s")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Set-up through the real services ----------------------------------------------


@dataclass
class Seat:
    """One interviewer at their scorecard: who they are and which note they type into."""

    username: str
    user_id: int
    note_id: int
    note_path: str
    revision: int


def prepare_database(interviewers: int) -> tuple[list[Seat], Seat, str]:
    """Migrate and empty the database; one scorecard per interviewer, plus a probe's.

    Returns the seats, the probe's seat (for counting queries in-process) and the password.
    """
    from django.core.management import call_command
    from django.urls import reverse

    from bench.common import empty_bench_database

    empty_bench_database()
    call_command("collectstatic", interactive=False, verbosity=0)

    from tests.factories import PASSWORD, make_scorecard, make_scoring_loop, make_user

    recruiter = make_user("bench-recruiter", groups=("recruiter",))
    loop = make_scoring_loop(by=recruiter)
    seats = []
    for i in range(interviewers + 1):
        user = make_user(f"bench-interviewer-{i}", groups=("interviewer",))
        scorecard = make_scorecard(user, loop=loop, by=recruiter)
        note = scorecard.notes.first()  # the must-ask question, with its checklist
        path = reverse("scoring:note_save", args=[scorecard.pk, note.pk])
        seats.append(Seat(user.username, user.pk, note.pk, path, note.revision))
    return seats[:-1], seats[-1], PASSWORD


def queries_per_request(probe: Seat) -> dict[str, list[str]]:
    """The SQL of one autosave and one floor POST (in-process, after a warm-up each)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    client = Client(HTTP_HOST=HOST, HTTP_HX_REQUEST="true")
    client.force_login(User.objects.get(pk=probe.user_id))
    queries = {}
    for name, path in (("autosave", probe.note_path), ("floor", FLOOR_PATH)):
        for revision in (0, 1):
            fields = {"text": f"probe {revision}", "state": "asked", "revision": revision}
            with CaptureQueriesContext(connection) as captured:
                response = client.post(path, fields)
            if response.status_code != 200:
                raise RuntimeError(f"probe POST {path} answered {response.status_code}")
        queries[name] = [q["sql"] for q in captured.captured_queries]
    return queries


# --- The clients --------------------------------------------------------------------


class Browser:
    """One interviewer's browser: cookies, CSRF token, one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection(HOST, port, timeout=10)
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict | None = None, *, htmx: bool = False
    ) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if fields is not None:
            body = urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:  # as htmx sends it: the token from hx-headers on <body>
            headers |= {"HX-Request": "true", "X-CSRFToken": self.cookies["csrftoken"]}
        try:
            response, data = self._send(method, path, body, headers)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # A kept-alive connection the server closed while idle (gthread's keep-alive
            # timeout, between phases): a browser resends on a fresh connection, and so do
            # we, once. Were the first attempt processed after all, the revision check
            # would refuse the resend and it would count as an error.
            self.conn.close()
            response, data = self._send(method, path, body, headers)
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()
        return response.status, data

    def _send(self, method: str, path: str, body, headers: dict):
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            return response, response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # reconnects on the next request
            raise

    def log_in(self, username: str, password: str) -> None:
        """Through the login page, as a person does: GET for the CSRF cookie, then POST."""
        self.request("GET", "/accounts/login/")
        fields = {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": self.cookies["csrftoken"],
        }
        status, _ = self.request("POST", "/accounts/login/", fields)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"{username} could not log in (HTTP {status})")


@dataclass
class Typist:
    """One client's run: what it sent, what the server acknowledged, how long each took."""

    seat: Seat
    browser: Browser
    words: int = 0
    text: str = ""
    revision: int = 0
    acked: dict[str, int] = field(default_factory=lambda: {"autosave": 0, "floor": 0})
    last_acked_text: str | None = None
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"autosave": [], "floor": []})
    errors: dict[str, list[str]] = field(default_factory=lambda: {"autosave": [], "floor": []})

    def next_fields(self) -> dict:
        self.text = f"{self.text} {WORDS[self.words % len(WORDS)]}{self.words}"[-TEXT_LIMIT:]
        self.words += 1
        ticks = list(range(self.words % 4))  # the checklist has three items
        return {"text": self.text, "state": "asked", "ticks": ticks, "revision": self.revision}

    def post(self, endpoint: str, record: bool) -> None:
        path = self.seat.note_path if endpoint == "autosave" else FLOOR_PATH
        fields = self.next_fields()
        started = time.perf_counter()
        try:
            status, body = self.browser.request("POST", path, fields, htmx=True)
        except (OSError, http.client.HTTPException) as error:
            status, body = type(error).__name__, b""
        if record:
            self.latencies[endpoint].append((time.perf_counter() - started) * 1000)
        if status != 200:
            self.errors[endpoint].append(f"HTTP {status}" if isinstance(status, int) else status)
            return
        if endpoint == "autosave":
            revision = REVISION_INPUT.search(body)
            if revision is None:
                self.errors[endpoint].append("200 without a revision")
                return
            self.last_acked_text, self.revision = fields["text"], int(revision.group(1))
        self.acked[endpoint] += 1


def run_phase(typists: list[Typist], endpoint: str, seconds: float, record: bool) -> float:
    """Every typist POSTs to `endpoint` back to back for `seconds`; the wall time taken."""
    start = threading.Barrier(len(typists) + 1)
    times: dict[str, float] = {}

    def type_on(typist: Typist) -> None:
        start.wait()
        deadline = times["start"] + seconds
        while time.perf_counter() < deadline:
            typist.post(endpoint, record)

    threads = [threading.Thread(target=type_on, args=(t,)) for t in typists]
    for thread in threads:
        thread.start()
    times["start"] = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    return time.perf_counter() - times["start"]


class ServerClock:
    """CPU seconds spent by gunicorn's workers and the database's backends.

    On a shared machine requests/s moves with everything else that runs; the server's
    CPU time per request barely does, so it is reported beside it (Linux: /proc).
    """

    def __init__(self, server: subprocess.Popen, database_url: str):
        import psycopg

        self.server = server
        self.conn = psycopg.connect(database_url, autocommit=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def pids(self) -> list[tuple[str, int]]:
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        return [("db", pid) for (pid,) in rows] + [
            ("web", int(pid)) for pid in children.read_text().split()
        ]

    def read(self) -> dict[tuple[str, int], float]:
        """CPU seconds (user + system) per ("web" or "db", process id)."""
        seconds = {}
        for kind, pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue  # ended meanwhile
            seconds[kind, pid] = (int(fields[11]) + int(fields[12])) / self.tick
        return seconds

    @staticmethod
    def spent(before: dict, after: dict) -> dict[str, float]:
        spent = {"web": 0.0, "db": 0.0}
        for (kind, pid), cpu in after.items():
            spent[kind] += cpu - before.get((kind, pid), 0.0)
        return spent


# --- Counting in the database and reporting ----------------------------------------


def lost_saves(typists: list[Typist]) -> dict[str, int]:
    """Acknowledged saves the database does not hold, per endpoint.

    Autosave: a note's revision below its client's acknowledged saves loses the
    difference; a note whose text is not the last acknowledged text loses one save.
    Floor: acknowledged POSTs without their row.
    """
    from django.db.models import Count

    from accounts.models import AuditEntry
    from bench.urls import FLOOR_VERB
    from scoring.models import QuestionNote

    notes = QuestionNote.objects.in_bulk([t.seat.note_id for t in typists])
    rows = dict(
        AuditEntry.objects.filter(verb=FLOOR_VERB)
        .values_list("actor_id")
        .annotate(n=Count("pk"))
        .values_list("actor_id", "n")
    )
    lost = {"autosave": 0, "floor": 0}
    for typist in typists:
        note = notes[typist.seat.note_id]
        missing = max(typist.acked["autosave"] - (note.revision - typist.seat.revision), 0)
        if not missing and typist.last_acked_text not in (None, note.text):
            missing = 1
        lost["autosave"] += missing
        lost["floor"] += max(typist.acked["floor"] - rows.get(typist.seat.user_id, 0), 0)
    return lost


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def report(typists, elapsed: dict, cpu: dict, lost: dict, queries: dict, args) -> bool:
    """Print the table and the summary line; True when the run is clean."""
    print(
        f"\n{args.interviewers} interviewers x {args.seconds:g} s per endpoint, gunicorn "
        f"{args.workers} {'gthread x' + str(args.threads) if args.threads > 1 else 'sync'} "
        f"workers, PostgreSQL, Python {platform.python_version()}, {os.cpu_count()} cores, "
        f"{args.rounds} alternating round(s), load average {args.load[0]:.1f} -> {args.load[1]:.1f}"
    )
    header = f"{'endpoint':<10}{'requests':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
    print(header + f"{'p99 ms':>9}{'errors':>8}{'lost':>6}{'queries':>9}  cpu ms/req web+db")
    figures = {}
    for endpoint in ENDPOINTS:
        latencies = [ms for t in typists for ms in t.latencies[endpoint]]
        errors = [e for t in typists for e in t.errors[endpoint]]
        rate = len(latencies) / elapsed[endpoint]
        p99 = percentile(latencies, 0.99)
        figures[endpoint] = (rate, p99, len(errors), max(len(latencies), 1))
        web, db = (cpu[endpoint][kind] * 1000 / max(len(latencies), 1) for kind in ("web", "db"))
        print(
            f"{endpoint:<10}{len(latencies):>10}{rate:>9.0f}{percentile(latencies, 0.5):>9.1f}"
            f"{percentile(latencies, 0.95):>9.1f}{p99:>9.1f}{len(errors):>8}"
            f"{lost[endpoint]:>6}{len(queries[endpoint]):>9}"
            f"  {web + db:5.2f} = {web:.2f} + {db:.2f}"
        )
        if errors:
            print(f"  {endpoint} errors: {sorted(set(errors))}")
    if args.show_queries:
        for endpoint, sql in queries.items():
            print(f"\n{endpoint} queries:")
            for query in sql:
                print(f"  {query}")
    (rate, p99, errors, _), (floor_rate, _, floor_errors, _) = figures["autosave"], figures["floor"]
    ratio = rate / floor_rate if floor_rate else 0.0
    per_request = {e: sum(cpu[e].values()) / figures[e][3] for e in ENDPOINTS}
    cpu_ratio = per_request["floor"] / per_request["autosave"]
    total_errors, total_lost = errors + floor_errors, lost["autosave"] + lost["floor"]
    verdict = "meets" if ratio >= 0.7 and p99 < 50 and not total_errors + total_lost else "misses"
    print(
        f"\nautosave {rate:.0f} req/s = {ratio:.0%} of the floor's {floor_rate:.0f} req/s, "
        f"p99 {p99:.1f} ms (server CPU per request: floor/autosave {cpu_ratio:.0%}), "
        f"{total_errors} errors, {total_lost} lost saves, "
        f"{len(queries['autosave'])} queries per autosave: {verdict} the target "
        "(>= 70% of the floor, p99 < 50 ms, zero errors, zero lost)"
    )
    return not total_errors and not total_lost


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interviewers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=2, help="seconds per endpoint, unrecorded")
    parser.add_argument(
        "--rounds", type=int, default=2, help="alternate the endpoints in this many slices of T"
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--show-queries", action="store_true")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(database_url)
    production_environment(database_url)
    import django

    django.setup()
    seats, probe, password = prepare_database(args.interviewers)
    queries = queries_per_request(probe)
    from django.db import connections

    connections.close_all()  # the server's workers are the ones that should hold connections

    with tempfile.TemporaryFile() as log:
        port = free_port()
        server = start_gunicorn(port, args.workers, args.threads, log)
        try:
            typists = []
            for seat in seats:
                browser = Browser(port)
                browser.log_in(seat.username, password)
                typists.append(Typist(seat, browser, revision=seat.revision))
            for endpoint in ENDPOINTS:
                run_phase(typists, endpoint, args.warmup, record=False)
            # Alternating slices: a change in the machine's other load hits both endpoints.
            elapsed = dict.fromkeys(ENDPOINTS, 0.0)
            cpu = {endpoint: {"web": 0.0, "db": 0.0} for endpoint in ENDPOINTS}
            clock = ServerClock(server, database_url)
            load_before = os.getloadavg()[0]
            for _ in range(args.rounds):
                for endpoint in ENDPOINTS:
                    before = clock.read()
                    seconds = args.seconds / args.rounds
                    elapsed[endpoint] += run_phase(typists, endpoint, seconds, record=True)
                    for kind, seconds in clock.spent(before, clock.read()).items():
                        cpu[endpoint][kind] += seconds
            args.load = (load_before, os.getloadavg()[0])
            clock.conn.close()
        finally:
            stop(server)
            log.seek(0)
            server_log = log.read().decode(errors="replace").strip()
    if server_log:
        print("gunicorn said:\n" + server_log[-3000:])
    clean = report(typists, elapsed, cpu, lost_saves(typists), queries, args)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
