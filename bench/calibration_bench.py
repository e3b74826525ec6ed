"""Calibration's leniency intervals: how fast at a loop's whole history, and how right.

Three parts, each printing its figures (the README quotes them):

1. Timing. `interviewer_calibration` (rest-of-panel means, distributions, leniency and
   its 95 % interval per interviewer) over 10,000 applications × 5 scorecards × 5
   competencies = 250,000 ratings from a pool of 60 (a shadow on one application in
   ten), as the calibration page's two queries return them; the person page's
   per-competency intervals; and, for comparison, what a percentile bootstrap over
   each interviewer's candidates (numpy, vectorised, 2,000 resamples) would cost.
2. Null simulation (no true leniency): the share of interviewers labelled lenient or
   severe at 5–50 comparisons, for the old rule (|mean| > 0.25), the page's rule
   (the whole 95 % interval beyond ±0.25, at least 5 candidates) and the same rule on
   a percentile cluster bootstrap interval; and how often each interval holds 0.
3. Power: the share of planted offsets of +0.8 labelled lenient, by noise and
   comparisons.

The simulated world (as tests/scoring/test_calibration.py's): each candidate has a
true score per competency (normal, mean 3, sd 0.8) and a panel of 4 — the interviewer
studied and 3 from a pool of 30. Every rater has a noise sd (drawn from 0.8–1.3 unless
fixed) of which 30 % is their impression of the candidate, shared by all competencies
(so one candidate's comparisons are correlated), the rest independent; scores are
rounded onto 1–5. A candidate is rated on 1–3 competencies.

Run from the repository root: .venv/bin/python bench/calibration_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from scoring.calibration import (
    BAND,
    MIN_CANDIDATES,
    CalibrationRating,
    CalibrationScorecard,
    Reading,
    deviations,
    interviewer_calibration,
    leniency_by,
    leniency_table,
)

SEED = 20261202
NOW = datetime(2027, 1, 1, tzinfo=UTC)
SCALE = [1, 2, 3, 4, 5]
RESAMPLES = 2000


# --- 1. Timing ---------------------------------------------------------------------------


def history(rng: np.random.Generator, applications: int = 10_000, pool: int = 60):
    """A loop's history: 5 interviewers per application, 5 competencies, 1 in 10 shadowed."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    cards: list[CalibrationScorecard] = []
    ratings: list[CalibrationRating] = []
    for app in range(applications):
        panel = rng.choice(pool, 5, replace=False).tolist()
        truth = rng.normal(3, 0.8, 5)
        deadline = start + timedelta(hours=app)
        for seat, person in enumerate(panel):
            shadow = seat == 4 and app % 10 == 0
            card = CalibrationScorecard(
                len(cards) + 1, person, f"Interviewer {person}", app, shadow, deadline, deadline
            )
            cards.append(card)
            scores = np.clip(np.rint(truth + rng.normal(0, 0.9, 5)), 1, 5).astype(int)
            ratings += [
                CalibrationRating(card.scorecard_id, c, int(s)) for c, s in enumerate(scores)
            ]
    return cards, ratings


def timed(label: str, work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    median = statistics.median(times)
    print(f"  {label:<58} median {median * 1000:7.1f} ms  best {min(times) * 1000:7.1f} ms")
    return median


def cluster_bootstrap(
    sums: np.ndarray, sizes: np.ndarray, rng: np.random.Generator, resamples: int = RESAMPLES
) -> tuple[float, float]:
    """Percentile interval of Σ sums / Σ sizes, resampling candidates (the comparison)."""
    picks = rng.integers(0, sums.size, (resamples, sums.size))
    means = sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def per_candidate(devs) -> dict:
    """Per interviewer, per candidate: (sum of deviations, comparisons)."""
    table: dict = defaultdict(lambda: defaultdict(lambda: [0.0, 0]))
    for d in devs:
        entry = table[d.interviewer_id, d.shadow][d.application_id]
        entry[0] += d.value
        entry[1] += 1
    return {
        key: (np.array([v[0] for v in apps.values()]), np.array([v[1] for v in apps.values()]))
        for key, apps in table.items()
    }


def timing(runs: int, applications: int) -> None:
    rng = np.random.default_rng(SEED)
    cards, ratings = history(rng, applications)
    print(
        f"1. timing: {applications:,} applications, {len(cards):,} scorecards,"
        f" {len(ratings):,} ratings; {runs} runs"
    )
    timed(
        "interviewer_calibration (all rows, with intervals)",
        lambda: interviewer_calibration(cards, ratings, scale=SCALE, now=NOW),
        runs,
    )
    devs = deviations(cards, ratings)
    roles = np.array([d.interviewer_id * 2 + d.shadow for d in devs])
    apps = np.array([d.application_id for d in devs])
    values = np.array([d.value for d in devs])
    timed(
        f"of which the intervals alone ({values.size:,} comparisons)",
        lambda: leniency_table(roles, apps, values, count=int(roles.max()) + 1),
        runs,
    )
    one = [c for c in cards if c.interviewer_id == 7]
    mine = {c.application_id for c in one}
    theirs = [c for c in cards if c.application_id in mine]
    ids = {c.scorecard_id for c in theirs}
    their_ratings = [r for r in ratings if r.scorecard_id in ids]

    def person_page():
        devs = deviations(theirs, their_ratings, interviewer_id=7)
        leniency_by(devs, key=lambda d: d.competency_id)
        interviewer_calibration(theirs, their_ratings, scale=SCALE, now=NOW)

    timed(f"one person's page ({len(mine)} candidates)", person_page, runs)
    groups = per_candidate(devs)
    boot_rng = np.random.default_rng(SEED)
    timed(
        f"for comparison: percentile cluster bootstrap, {RESAMPLES} resamples",
        lambda: [cluster_bootstrap(s, n, boot_rng) for s, n in groups.values()],
        max(1, runs // 2),
    )


# --- 2 and 3. Simulations -----------------------------------------------------------------


def simulate(rng, comparisons: int, *, focal: int, offset=0.0, noise=(0.8, 1.3), halo=0.3):
    """`focal` interviewers with exactly `comparisons` each; their rows and deviations."""
    pool = 30
    pool_sd = rng.uniform(*noise, pool)
    cards: list[CalibrationScorecard] = []
    ratings: list[CalibrationRating] = []
    app = 0
    for f in range(focal):
        own_sd, left = rng.uniform(*noise), comparisons
        while left:
            k = min(int(rng.integers(1, 4)), left)
            left -= k
            truth = rng.normal(3, 0.8, k)
            panel = [(f"f{f}", own_sd, offset)]
            panel += [(f"p{p}", pool_sd[p], 0.0) for p in rng.choice(pool, 3, replace=False)]
            for who, sd, shift in panel:
                card = CalibrationScorecard(len(cards) + 1, who, who, app, False, NOW, NOW)
                cards.append(card)
                raw = truth + shift + rng.normal(0, sd * math.sqrt(halo))
                raw = raw + rng.normal(0, sd * math.sqrt(1 - halo), k)
                ratings += [
                    CalibrationRating(card.scorecard_id, c, int(v))
                    for c, v in enumerate(np.clip(np.rint(raw), 1, 5))
                ]
            app += 1
    rows = interviewer_calibration(cards, ratings, scale=SCALE, now=NOW)
    focal_rows = [r for r in rows if r.interviewer_id.startswith("f")]
    devs = [d for d in deviations(cards, ratings) if d.interviewer_id.startswith("f")]
    return focal_rows, per_candidate(devs)


def band_reading(low: float, high: float, candidates: int) -> str:
    if candidates < MIN_CANDIDATES:
        return "not enough"
    if low > BAND or high < -BAND:
        return "labelled"
    return "not labelled"


def null_simulation(focal: int) -> None:
    print(f"\n2. no true leniency, {focal} interviewers per row: share labelled lenient/severe")
    print(
        "   comparisons  old ±0.25 rule  page (t interval)  bootstrap interval  covers 0: t / boot"
    )
    rng = np.random.default_rng(SEED + 1)
    for n in (5, 10, 20, 30, 50):
        rows, groups = simulate(rng, n, focal=focal)
        old = np.mean([abs(r.leniency.mean) > BAND for r in rows])
        page = np.mean([r.leniency.reading in (Reading.LENIENT, Reading.SEVERE) for r in rows])
        with_interval = [r.leniency for r in rows if r.leniency.low is not None]
        covers = np.mean([le.low <= 0 <= le.high for le in with_interval])
        boot, boot_covers = [], []
        for sums, sizes in groups.values():
            low, high = cluster_bootstrap(sums, sizes, rng)
            boot.append(band_reading(low, high, sums.size) == "labelled")
            if sums.size >= 2:
                boot_covers.append(low <= 0 <= high)
        print(
            f"   {n:>11}  {old:14.1%}  {page:17.1%}  {np.mean(boot):18.1%}"
            f"  {covers:8.1%} / {np.mean(boot_covers):.1%}"
        )


def power(focal: int) -> None:
    print(f"\n3. a planted +0.8, {focal} interviewers per cell: share labelled lenient")
    rng = np.random.default_rng(SEED + 2)
    print("   noise sd    30 comparisons  50 comparisons  100 comparisons  (wrong way)")
    for noise in ((0.8, 0.8), (1.0, 1.0), (1.3, 1.3), (0.8, 1.3)):
        shares, wrong = [], 0
        for n in (30, 50, 100):
            rows, _ = simulate(rng, n, focal=focal, offset=0.8, noise=noise)
            readings = [r.leniency.reading for r in rows]
            shares.append(readings.count(Reading.LENIENT) / len(readings))
            wrong += readings.count(Reading.SEVERE)
        name = f"{noise[0]}" if noise[0] == noise[1] else f"{noise[0]}–{noise[1]}"
        print(f"   {name:<10}" + "".join(f"  {s:14.1%}" for s in shares) + f"   {wrong}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and simulations")
    parser.add_argument("--applications", type=int, default=10_000)
    args = parser.parse_args()
    print(f"calibration bench (Python {platform.python_version()}, numpy {np.__version__})")
    timing(3 if args.quick else 7, args.applications)
    null_simulation(200 if args.quick else 1000)
    power(100 if args.quick else 400)


if __name__ == "__main__":
    main()
