"""Time debrief packets: pages and seconds for loops of 2, 4 and 8 stages, and throughput.

1. Render time, warm: for each loop size, one application whose every stage has two
   interviewers and a shadow, all scorecards filled in and submitted through the
   services (notes, checklist ticks, evidence, summaries). One render warms the process
   (fonts, templates); then --repeat renders are timed with `scoring.pdf.render_packet_pdf`
   directly. Prints pages, seconds per packet (median) and seconds per page.
2. Throughput: a real worker, `celery -A config worker --concurrency 2` (prefork) on
   Redis, renders --packets four-stage packets requested through
   `scoring.packets.request_packet` (one application each: one render in flight per
   application). One packet first warms both pool processes; then the clock runs from
   the first request to the last packet ready. Prints packets per minute.

Targets (issue 8): <= 0.15 s per page warm; >= 25 four-stage packets a minute on 2 cores.

The database it points at is emptied (flush) and filled; its name must contain "bench".
Redis database 9 of REDIS_URL's server is flushed and used. Run from the repository root
(PostgreSQL and Redis up): .venv/bin/python bench/packet_bench.py [--packets 30]
DATABASE_URL defaults to postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_packet_bench.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(ROOT))

from bench.autosave_load import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_packet_bench"
BENCH_REDIS_DB = 9
QUEUE = "loopwright-packet-bench"
SIZES = (2, 4, 8)
NOTE = (
    "Walked through the incident from the first page to the post-mortem: who was paged, "
    "how the blast radius was judged, why the rollback beat a forward fix, and what the "
    "team changed afterwards (alert thresholds, a runbook, a game day). Asked about the "
    "follow-ups, named the owner of each and the date it closed. "
)
EVIDENCE = (
    "Gave a concrete example with numbers (error budget, time to mitigate), weighed two "
    "options and said what they would do differently; one gap on capacity planning."
)


def environment(database_url: str, redis_url: str, media: str) -> None:
    """Production settings for this process and the worker: DEBUG off, real broker."""
    os.environ.pop("LOOPWRIGHT_LOCAL", None)
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CELERY_QUEUE=QUEUE,
        MEDIA_ROOT=media,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=f"bench-{secrets.token_urlsafe(40)}",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


# --- Set-up through the real services ----------------------------------------------


def build_loop(stages: int, by):
    """A published loop: `stages` stages, two competencies and three questions each."""
    from interviews.services import add_stage, create_loop, plan_question, publish_loop
    from tests.factories import (
        make_bank,
        make_competency,
        make_ladder,
        make_question,
        make_role,
        make_scale,
    )

    bank = make_bank()
    competencies = [make_competency(bank, name=f"Competency {i + 1}") for i in range(4)]
    ladder = make_ladder(bank)
    loop = create_loop(
        name=f"{stages}-stage loop",
        role=make_role(ladder),
        level=ladder.levels.first(),
        scale=make_scale(bank),
        competencies=competencies,
        by=by,
    )
    for s in range(stages):
        stage = add_stage(
            loop, name=f"Stage {s + 1}", duration_minutes=60, buffer_minutes=10, by=by
        )
        for q in range(3):
            primary = competencies[(s + q) % 4]
            question = make_question(
                bank,
                primary=primary,
                title=f"Stage {s + 1}, question {q + 1}",
                checklist=["Context", "Decision", "Outcome", "Follow-up"],
                minutes=15,
            )
            plan_question(stage, question, by=by)
    publish_loop(loop, by=by, confirmed=True)
    return loop


def fill_and_submit(scorecard, *, by, score: int) -> None:
    from tests.factories import submit_filled_scorecard

    submit_filled_scorecard(
        scorecard,
        by=by,
        scores=score,
        evidence=EVIDENCE,
        notes=NOTE * 2,
        ticks=(0, 1, 2),
        recommendation="yes" if score >= 3 else "no",
        summary=NOTE,
    )


def make_application_with_scorecards(loop, panel, shadow, recruiter, n: int):
    """Every stage held: two interviewers (scores 2 and 4: a disagreement) and a shadow."""
    from tests.factories import assign, make_application, make_candidate, make_interview

    application = make_application(make_candidate(f"Bench Candidate {n}"), loop, by=recruiter)
    for stage in loop.stages.order_by("order"):
        interview = make_interview(application, stage, by=recruiter)
        for person, score in zip(panel, (2, 4), strict=True):
            fill_and_submit(
                assign(interview, person, by=recruiter).scorecard, by=person, score=score
            )
        fill_and_submit(
            assign(interview, shadow, "shadow", by=recruiter).scorecard, by=shadow, score=3
        )
    return application


def prepare(packets: int):

    from bench.common import empty_bench_database
    from tests.factories import make_user

    empty_bench_database()
    recruiter = make_user("bench-recruiter", groups=("recruiter",))
    panel = [make_user(f"bench-interviewer-{i}", groups=("interviewer",)) for i in range(2)]
    shadow = make_user("bench-shadow", groups=("interviewer",))
    loops = {size: build_loop(size, recruiter) for size in SIZES}
    single = {
        size: make_application_with_scorecards(loop, panel, shadow, recruiter, size)
        for size, loop in loops.items()
    }
    many = [
        make_application_with_scorecards(loops[4], panel, shadow, recruiter, 100 + i)
        for i in range(packets + 1)
    ]
    return recruiter, single, many


# --- 1. Render time ----------------------------------------------------------------


def time_renders(single: dict, repeat: int) -> None:
    from scoring import pdf

    print(f"\nRender time, warm (median of {repeat}, this process):")
    print(f"  {'stages':>6} {'scorecards':>10} {'pages':>6} {'s/packet':>9} {'s/page':>7}")
    pdf.render_packet_pdf(single[SIZES[0]])  # fonts, templates
    for size, application in single.items():
        pdf.render_packet_pdf(application)
        seconds = []
        for _ in range(repeat):
            start = time.perf_counter()
            _, pages = pdf.render_packet_pdf(application)
            seconds.append(time.perf_counter() - start)
        median = statistics.median(seconds)
        cards = size * 2
        print(f"  {size:>6} {cards:>10} {pages:>6} {median:>9.2f} {median / pages:>7.3f}")


# --- 2. Throughput -----------------------------------------------------------------


def start_worker(log) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/celery"), "-A", "config", "worker", "--concurrency=2",
        "--pool=prefork", "-Q", QUEUE, "--loglevel=WARNING", "--without-heartbeat",
        "--without-mingle", "--without-gossip", "-n", f"bench-{secrets.token_hex(4)}@%h",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log, start_new_session=True)


def wait_ready(pks: list[int], timeout: float) -> float:
    from django.db.models import Count

    from scoring.models import Packet

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rows = Packet.objects.filter(pk__in=pks).values_list("status").annotate(n=Count("pk"))
        counts = dict(rows)
        if counts.get("failed"):
            failed = Packet.objects.filter(pk__in=pks, status="failed").first()
            raise SystemExit(f"Packet {failed.pk} failed: {failed.error}")
        if counts.get("ready", 0) == len(pks):
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"Not all {len(pks)} packets were ready within {timeout:.0f}s")


def time_throughput(recruiter, many: list, log) -> None:
    from scoring.packets import request_packet

    worker = start_worker(log)
    try:
        warm, rest = many[0], many[1:]
        # Warms the pool processes (the first render of each is slower); both start up.
        warm_pks = [request_packet(warm, by=recruiter)[0].pk]
        wait_ready(warm_pks, timeout=60)
        start = time.monotonic()
        pks = [request_packet(application, by=recruiter)[0].pk for application in rest]
        end = wait_ready(pks, timeout=600)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
    from scoring.models import Packet

    pages = statistics.median(Packet.objects.filter(pk__in=pks).values_list("pages", flat=True))
    minutes = (end - start) / 60
    print(
        f"\nThroughput, 2 worker processes: {len(pks)} four-stage packets ({pages:.0f} pages "
        f"each) in {end - start:.1f}s = {len(pks) / minutes:.0f} packets/minute"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--packets", type=int, default=30, help="four-stage packets to time")
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per loop size")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379")
    redis_url = urlunsplit((parts.scheme, parts.netloc, f"/{BENCH_REDIS_DB}", "", ""))
    ensure_database(database_url)
    media = tempfile.mkdtemp(prefix="packet-bench-")
    environment(database_url, redis_url, media)

    import django
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    django.setup()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {database_url}")
    start = time.monotonic()
    recruiter, single, many = prepare(args.packets)
    print(f"Set-up through the services: {time.monotonic() - start:.0f}s")

    time_renders(single, args.repeat)
    with open(Path(media) / "worker.log", "w") as log:
        time_throughput(recruiter, many, log)
    print(f"\n(worker log: {Path(media) / 'worker.log'})")


if __name__ == "__main__":
    main()
