"""Time the validity page at 10,000 hires, and say where the time goes.

Data: the committee bench's loop (bench/committee_bench.py: 5 competencies, 5 stages, one
question per competency in each stage, Ownership weighted 2), built through the
services; then, bulk-inserted for speed, --applications interviewed candidates (held
interviews, one interviewer per stage from a pool of 60, submitted scorecards rating all
five competencies, every planned question marked asked) of whom the --hires with the
highest mean score are hired (direct selection: range restriction, as in life) and get
a 6- and a 12-month review on a five-point scale. Planted validities, on the latent
scores: Ownership .5, Reliability .3, the other three 0.

Timing: the page through the Django test Client, logged in as a recruiter, DEBUG off,
median of --runs after a warm-up, first live (no snapshot), then the snapshot refresh
the background task runs (scoring.snapshots.refresh: calibration, reliability and
validity) and the page reading it; then `validity_data` split into its loads (queries
and row building) and the computation, and the page's query counts. Tasks run inline
here (no REDIS_URL): the page reads a snapshot only while it is current, as it is here.
The database (name must contain "bench") is migrated, then emptied and filled unless
--reuse finds it filled. Run from the repository root, PostgreSQL up:
    .venv/bin/python bench/validity_bench.py [--applications 25000] [--hires 10000]
        [--runs 5] [--reuse]
DATABASE_URL defaults to postgres://loopwright:loopwright@127.0.0.1:5432/lw_validity_bench.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.autosave_load import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/lw_validity_bench"
SEED = 20261203
POOL = 60
BATCH = 5000
START = datetime(2023, 1, 2, 9, 0, tzinfo=UTC)
# True validity of each competency's latent score (committee_bench.COMPETENCIES order).
PLANTED = (0.5, 0.0, 0.0, 0.3, 0.0)
# The page's own target: what the recruiters' analytics pages promise when live.
TARGET = 2.0


def build(applications: int, hires: int) -> None:
    from django.db import connection

    from bench.committee_bench import build_loop
    from bench.common import empty_bench_database
    from tests.factories import make_user

    empty_bench_database()
    recruiter = make_user("bench-recruiter", groups=("recruiter",), first_name="Rosa")
    pool = [
        make_user(
            f"bench-int-{i}", groups=("interviewer",), first_name="Interviewer", last_name=str(i)
        )
        for i in range(POOL)
    ]
    loop, competencies = build_loop(recruiter)
    history(loop, competencies, pool, recruiter, applications, hires)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def latent(rng: random.Random, n: int) -> tuple[list[list[float]], list[float]]:
    """Per candidate: five latent competency levels, and later performance planted on them."""
    truths, performance = [], []
    for _ in range(n):
        t = [rng.gauss(0, 1) for _ in PLANTED]
        rest = 1 - sum(v * v for v in PLANTED)
        performance.append(
            sum(v * x for v, x in zip(PLANTED, t, strict=True)) + rest**0.5 * rng.gauss(0, 1)
        )
        truths.append(t)
    return truths, performance


def history(loop, competencies, pool, recruiter, n: int, hires: int) -> None:
    from candidates.models import Application, Assignment, Candidate, Interview
    from outcomes.models import PerformanceReview
    from scoring.models import QuestionNote, Rating, Scorecard

    rng = random.Random(SEED)
    stages = list(loop.stages.order_by("order").prefetch_related("planned"))
    truths, performance = latent(rng, n)
    # Hired: the top `hires` by their mean latent level plus interview noise.
    impression = [sum(t) / len(t) + rng.gauss(0, 0.5) for t in truths]
    hired = set(sorted(range(n), key=lambda i: -impression[i])[:hires])
    candidates = Candidate.objects.bulk_create(
        [Candidate(name=f"Candidate {i}", email=f"c{i}@example.org") for i in range(n)],
        batch_size=BATCH,
    )
    apps = Application.objects.bulk_create(
        [
            Application(
                candidate=c,
                loop=loop,
                created_by=recruiter,
                status=Application.Status.HIRED if i in hired else Application.Status.REJECTED,
            )
            for i, c in enumerate(candidates)
        ],
        batch_size=BATCH,
    )
    span = (900 * 24 * 60) // max(n, 1)
    interviews = Interview.objects.bulk_create(
        [
            Interview(
                application=a,
                stage=stage,
                state=Interview.State.HELD,
                starts_at=START + timedelta(minutes=i * span + 90 * s),
            )
            for i, a in enumerate(apps)
            for s, stage in enumerate(stages)
        ],
        batch_size=BATCH,
    )
    seats = Assignment.objects.bulk_create(
        [Assignment(interview=interview, person=rng.choice(pool)) for interview in interviews],
        batch_size=BATCH,
    )
    scores = [
        [
            max(1, min(5, round(3 + truths[k // len(stages)][c] + rng.gauss(0, 0.7))))
            for c in range(len(competencies))
        ]
        for k in range(len(seats))
    ]
    cards = Scorecard.objects.bulk_create(
        [
            Scorecard(
                assignment=seat,
                status=Scorecard.Status.SUBMITTED,
                submitted_at=seat.interview.starts_at + timedelta(hours=3),
                recommendation=recommend(sum(scores[k]) / len(scores[k])),
                revision=8,
            )
            for k, seat in enumerate(seats)
        ],
        batch_size=BATCH,
    )
    Rating.objects.bulk_create(
        (
            Rating(scorecard=card, competency=competency, order=c, score=scores[k][c])
            for k, card in enumerate(cards)
            for c, competency in enumerate(competencies)
        ),
        batch_size=BATCH,
    )
    QuestionNote.objects.bulk_create(
        (
            QuestionNote(scorecard=card, planned=planned, state=QuestionNote.State.ASKED)
            for k, card in enumerate(cards)
            for planned in stages[k % len(stages)].planned.all()
        ),
        batch_size=BATCH,
    )
    PerformanceReview.objects.bulk_create(
        (
            PerformanceReview(
                application=apps[i],
                reviewer_name="Bench Manager",
                scale_max=5,
                reviewed_on=(START + timedelta(minutes=i * span, days=days)).date(),
                overall=max(1, min(5, round(3 + performance[i] + rng.gauss(0, 0.3 * m)))),
            )
            for i in sorted(hired)
            for m, days in ((1, 183), (2, 365))
        ),
        batch_size=BATCH,
    )


def recommend(mean: float) -> str:
    if mean >= 4:
        return "strong_yes"
    if mean >= 3:
        return "yes"
    return "no" if mean >= 2 else "strong_no"


def filled(hires: int) -> bool:
    from outcomes.models import PerformanceReview

    return PerformanceReview.objects.values("application").distinct().count() == hires


def median_of(fn, runs: int) -> float:
    fn()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def measure(runs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from bench.committee_bench import LOOP_KEY
    from outcomes.validity import data as validity
    from outcomes.validity import stored as validity_stored
    from outcomes.validity.measures import PerformanceRule
    from scoring import snapshots
    from scoring.models import AnalyticsSnapshot

    recruiter = User.objects.get(username="bench-recruiter")
    client = Client()
    client.force_login(recruiter)
    url = reverse("outcomes:validity")

    def page() -> bytes:
        response = client.get(url, {"loop": LOOP_KEY})
        assert response.status_code == 200
        return response.content

    # Live first: without a snapshot the page computes everything in the request.
    AnalyticsSnapshot.objects.filter(loop_key=LOOP_KEY).delete()
    print(f"page, live (median of {runs}): {median_of(page, runs):.2f} s")
    with CaptureQueriesContext(connection) as queries:
        page()
    print(f"page queries, live: {len(queries)}; HTML {len(page()) / 1024:.0f} KiB")

    # What the background task does after a scorecard or a review (calibration,
    # reliability and validity together), then the page reading its result.
    start = time.perf_counter()
    snapshots.refresh(LOOP_KEY, force=True)
    wall = time.perf_counter() - start
    stored = AnalyticsSnapshot.objects.get(loop_key=LOOP_KEY)
    size = len(json.dumps(stored.validity)) / 1024
    print(f"snapshot refresh (all three pages): {wall:.2f} s; validity JSON {size:.0f} KiB")
    start = time.perf_counter()
    validity_stored.compute(LOOP_KEY)
    print(f"  of which validity alone: {time.perf_counter() - start:.2f} s")
    print(f"page, from the snapshot (median of {runs}): {median_of(page, runs):.2f} s")
    with CaptureQueriesContext(connection) as queries:
        html = page()
    assert b"over every application of the loop" in html, "the page read the snapshot"
    print(f"page queries, from the snapshot: {len(queries)}; HTML {len(html) / 1024:.0f} KiB")

    loads = {
        "scorecards": lambda: validity.card_rows(LOOP_KEY, recruiter),
        "scores": lambda: validity.score_rows(
            LOOP_KEY, recruiter, validity.loop_stages(LOOP_KEY)[0]
        ),
        "reviews": lambda: validity.review_rows(LOOP_KEY, recruiter),
        "questions asked": lambda: validity.asked_rows(LOOP_KEY, recruiter),
    }
    for name, load in loads.items():
        start = time.perf_counter()
        rows = load()
        size = len(rows)
        print(f"  load {name:<16} {time.perf_counter() - start:6.2f} s  ({size:,} rows)")
    start = time.perf_counter()
    data = validity.validity_data(LOOP_KEY, recruiter, PerformanceRule.TWELVE)
    print(f"  validity_data whole     {time.perf_counter() - start:6.2f} s")
    print(f"hires {data.hires:,} of {data.interviewed:,} interviewed")
    for row in data.competencies + data.overall:
        v = row.validity
        print(
            f"  {row.name:<22} r {v.pearson.r:+.3f} [{v.pearson.low:+.3f}, {v.pearson.high:+.3f}]"
            f"  u {v.u:.2f}  Case II {v.corrected.r:+.3f}  {v.reading}"
            if v.pearson and v.corrected
            else f"  {row.name:<22} {v.reading}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=25_000)
    parser.add_argument("--hires", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(url)
    from bench import committee_bench

    committee_bench.environment(url)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)  # a reused database may predate a migration
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {url}")
    if args.reuse and filled(args.hires):
        print("reusing the data already there")
    else:
        start = time.monotonic()
        build(args.applications, args.hires)
        print(f"set-up {time.monotonic() - start:.0f} s")
    measure(args.runs)


if __name__ == "__main__":
    main()
