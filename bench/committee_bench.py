"""Time the committee page, the calibration page and the reliability computation at scale.

Targets (issue 7): committee page < 100 ms; calibration and reliability < 2 s, for
10,000 applications × 5 scorecards × 5 competencies on one loop in PostgreSQL.

Set-up: the catalogue and the loop (5 competencies, 5 stages, one question per
competency in each stage) through the real services, then the history with
bulk_create for speed — candidates, applications (a committee member on each),
held interviews spread over two years, five interviewers per application drawn from
a pool of 60 (plus a shadow on one application in ten), submitted scorecards with a
recommendation and summary, five ratings each (3% "not assessed" with a reason, the
rest a score with evidence), and a dozen audit entries per application. Question notes
are not made: none of the timed pages reads them.

Timing: the Django test Client, logged in, DEBUG off, in this process (no network):
a few warm-up requests, then the median of --runs. Query counts are printed beside.

The database is emptied (flush) and filled unless --reuse finds it filled already; its
name must contain "bench". Run from the repository root (PostgreSQL up):
    .venv/bin/python bench/committee_bench.py [--applications 10000] [--runs 15] [--reuse]
DATABASE_URL defaults to postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench7.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(ROOT))

from bench.autosave_load import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench7"
SEED = 20260307
PANEL = 5
POOL = 60
COMPETENCIES = ("Ownership", "Systems design", "Collaboration", "Reliability", "Communication")
LOOP_KEY = "committee-bench-loop"  # create_loop slugs the name
BATCH = 5000
START = datetime(2024, 11, 1, 9, 0, tzinfo=UTC)
EVIDENCE = (
    "Walked through the incident from the first page to the post-mortem: who was paged, "
    "why the rollback beat a forward fix, and what the team changed afterwards."
)
TARGETS = {"committee": 0.100, "calibration": 2.0, "reliability": 2.0}


def environment(database_url: str) -> None:
    """DEBUG off, a throwaway secret; local static storage (no collectstatic needed)."""
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        LOOPWRIGHT_LOCAL="true",
        SECRET_KEY=f"bench-{secrets.token_urlsafe(40)}",
        LOG_LEVEL="WARNING",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )


# --- Set-up --------------------------------------------------------------------------


def build_loop(recruiter):
    """A published loop through the services: 5 competencies, 5 stages of 5 questions."""
    from interviews.services import (
        add_stage,
        create_loop,
        plan_question,
        publish_loop,
        update_loop_competency,
    )
    from tests.factories import (
        make_bank,
        make_competency,
        make_ladder,
        make_question,
        make_role,
        make_scale,
    )

    bank = make_bank("bench-bank")
    competencies = [make_competency(bank, name=name) for name in COMPETENCIES]
    ladder = make_ladder(bank, "bench-ladder", levels=("junior", "mid", "senior", "staff"))
    loop = create_loop(
        name="Committee bench loop",
        role=make_role(ladder, "bench-role", name="Platform engineer"),
        level=ladder.levels.get(key="senior"),
        scale=make_scale(bank),
        competencies=competencies,
        by=recruiter,
    )
    # Ownership counts double in the weighted score: the page shows its formula.
    update_loop_competency(
        loop.loop_competencies.get(competency=competencies[0]), {"weight": 2}, by=recruiter
    )
    for s in range(PANEL):
        stage = add_stage(
            loop, name=f"Stage {s + 1}", duration_minutes=60, buffer_minutes=5, by=recruiter
        )
        for competency in competencies:
            plan_question(
                stage,
                make_question(bank, primary=competency, title=f"{competency.name} {s + 1}"),
                by=recruiter,
            )
    publish_loop(loop, by=recruiter, confirmed=True)
    loop.refresh_from_db()
    return loop, competencies


def build(applications: int):
    from django.db import connection

    from bench.common import empty_bench_database
    from tests.factories import make_user

    empty_bench_database()
    recruiter = make_user("bench-recruiter", groups=("recruiter",), first_name="Rosa")
    committee = make_user("bench-committee", groups=("committee",), first_name="Kemal")
    pool = [
        make_user(
            f"bench-int-{i}", groups=("interviewer",), first_name="Interviewer", last_name=str(i)
        )
        for i in range(POOL)
    ]
    loop, competencies = build_loop(recruiter)
    history(loop, competencies, pool, committee, recruiter, applications)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def history(loop, competencies, pool, committee, recruiter, n: int) -> None:
    """Bulk rows: what n applications' worth of interviewing leaves behind."""
    from accounts.models import AuditEntry
    from candidates.models import Application, Assignment, Candidate, Interview
    from scoring.models import Rating, Recommendation, Scorecard

    rng = random.Random(SEED)
    stages = list(loop.stages.order_by("order"))
    leniency = {p.pk: rng.gauss(0, 0.4) for p in pool}
    t = time.monotonic()
    candidates = Candidate.objects.bulk_create(
        [Candidate(name=f"Candidate {i}", email=f"c{i}@example.org") for i in range(n)],
        batch_size=BATCH,
    )
    apps = Application.objects.bulk_create(
        [Application(candidate=c, loop=loop, created_by=recruiter) for c in candidates],
        batch_size=BATCH,
    )
    Application.committee.through.objects.bulk_create(
        [Application.committee.through(application_id=a.pk, user_id=committee.pk) for a in apps],
        batch_size=BATCH,
    )
    span = (730 * 24 * 60) // max(n, 1)
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                application=a,
                stage=stage,
                starts_at=START + timedelta(minutes=i * span + 90 * s),
                state=Interview.State.HELD,
            )
            for i, a in enumerate(apps)
            for s, stage in enumerate(stages)
        ],
        batch_size=BATCH,
    )
    seats = []
    for i in range(n):
        panel = rng.sample(pool, PANEL)
        for s in range(PANEL):
            seats.append(Assignment(interview=interviews[i * PANEL + s], person=panel[s]))
        if i % 10 == 0:
            shadow = next(p for p in pool if p not in panel)
            seats.append(
                Assignment(
                    interview=interviews[i * PANEL], person=shadow, role=Assignment.Role.SHADOW
                )
            )
    seats = Assignment.objects.bulk_create(seats, batch_size=BATCH)
    recommendations = Recommendation.values
    cards = Scorecard.objects.bulk_create(
        [
            Scorecard(
                assignment=seat,
                status=Scorecard.Status.SUBMITTED,
                submitted_at=seat.interview.starts_at + timedelta(hours=rng.choice([2, 6, 20, 30])),
                recommendation=rng.choice(recommendations),
                summary="A fair account of the interview for the committee.",
                revision=12,
            )
            for seat in seats
        ],
        batch_size=BATCH,
    )
    truth = [[rng.gauss(3, 0.9) for _ in competencies] for _ in range(n)]
    app_index = {a.pk: i for i, a in enumerate(apps)}
    ratings = []
    for card, seat in zip(cards, seats, strict=True):
        i = app_index[seat.interview.application_id]
        for c, competency in enumerate(competencies):
            if rng.random() < 0.03:
                ratings.append(
                    Rating(
                        scorecard=card,
                        competency=competency,
                        order=c,
                        not_assessed=True,
                        not_assessed_reason="Ran out of time",
                    )
                )
                continue
            raw = truth[i][c] + leniency[seat.person_id] + rng.gauss(0, 0.6)
            ratings.append(
                Rating(
                    scorecard=card,
                    competency=competency,
                    order=c,
                    score=max(1, min(5, round(raw))),
                    evidence=EVIDENCE,
                    revision=2,
                )
            )
    Rating.objects.bulk_create(ratings, batch_size=BATCH)
    verbs = (
        "application.started",
        "interview.scheduled",
        "interview.assigned",
        "scorecard.submitted",
    )
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                actor=recruiter,
                actor_name=str(recruiter),
                verb=verbs[k % len(verbs)],
                target_type="candidates.application",
                target_id=str(a.pk),
                target_repr=f"Candidate {a.pk}",
                scope=f"application:{a.pk}",
                data={"n": k},
            )
            for a in apps
            for k in range(12)
        ],
        batch_size=BATCH,
    )
    print(
        f"Bulk history: {n:,} applications, {len(seats):,} scorecards "
        f"({len(seats) - n * PANEL:,} shadows), {len(ratings):,} ratings "
        f"in {time.monotonic() - t:.0f}s"
    )


# --- Timing ---------------------------------------------------------------------------


class QueryCounter:
    """Counts the queries run through the connection (the request cycle resets its log)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, fn: Callable[[], object], runs: int, warm: int = 2) -> float:
    from django.db import connection

    for _ in range(warm):
        fn()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        fn()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds)
    target = TARGETS.get(label.split()[0])
    verdict = "" if target is None else ("  ok" if median < target else f"  MISSED (< {target} s)")
    print(
        f"  {label:<38} median {median * 1000:8.1f} ms  (min {min(seconds) * 1000:.1f},"
        f" max {max(seconds) * 1000:.1f}; {counter.count} queries){verdict}"
    )
    return median


def get(client, url: str, query: dict | None = None) -> Callable[[], object]:
    def fetch():
        response = client.get(url, query or {})
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    return fetch


def measure(runs: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from candidates.models import Application
    from scoring.committee import loop_competency_names, newest_loop, reliability_rows, scale_points
    from scoring.reliability import reliability_by_competency

    recruiter = User.objects.get(username="bench-recruiter")
    member = User.objects.get(username="bench-committee")
    apps = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    middle = apps[len(apps) // 2]
    person = User.objects.get(username="bench-int-7")
    loop = newest_loop(LOOP_KEY)
    domain = sorted(p.value for p in scale_points(loop))
    committee_client, recruiter_client = Client(), Client()
    committee_client.force_login(member)
    recruiter_client.force_login(recruiter)
    query = {"loop": LOOP_KEY}

    print(f"\nTimings (median of {runs}; Django test Client, logged in, DEBUG off):")
    timed(
        "committee page (committee member)",
        get(committee_client, reverse("scoring:committee", args=[middle])),
        runs,
    )
    timed(
        "committee page (recruiter)",
        get(recruiter_client, reverse("scoring:committee", args=[middle])),
        runs,
    )
    slow_runs = max(3, runs // 3)
    timed(
        "calibration page", get(recruiter_client, reverse("scoring:calibration"), query), slow_runs
    )
    timed(
        "calibration person page",
        get(recruiter_client, reverse("scoring:calibration_person", args=[person.pk]), query),
        slow_runs,
    )
    timed(
        "reliability computation (query+stats)",
        lambda: reliability_by_competency(
            reliability_rows(LOOP_KEY, recruiter), loop_competency_names(LOOP_KEY), domain=domain
        ),
        slow_runs,
    )
    timed(
        "reliability page", get(recruiter_client, reverse("scoring:reliability"), query), slow_runs
    )
    timed(
        "ratings export (whole CSV streamed)",
        get(recruiter_client, reverse("scoring:ratings_csv"), query),
        slow_runs,
        warm=1,
    )


def filled(applications: int) -> bool:
    from django.db.utils import DatabaseError

    from candidates.models import Application

    try:
        return Application.objects.filter(loop__key=LOOP_KEY).count() == applications
    except DatabaseError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the data if it is already there")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(database_url)
    environment(database_url)
    import django

    django.setup()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {database_url}")
    if args.reuse and filled(args.applications):
        print(f"Reusing the {args.applications:,} applications already there.")
    else:
        start = time.monotonic()
        build(args.applications)
        print(f"Set-up: {time.monotonic() - start:.0f}s")
    measure(args.runs)


if __name__ == "__main__":
    main()
