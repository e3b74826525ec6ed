"""Time the reliability statistics (and calibration) on a loop's worth of history.

Target from issue 7: the reliability computation for 10,000 applications × 5
scorecards × 5 competencies well under 2 s. Builds deterministic rows (fixed seed) the
way one query would return them — (competency, application, interviewer, score) —
and times `reliability_by_competency` end to end: grouping, matrices, alpha (interval
and ordinal) and the ICC attempt. Two shapes: panels drawn from a pool of 60
interviewers with 5% of ratings "not assessed" (alpha only: the matrix is
incomplete), and the same 5 interviewers scoring everyone (alpha and all six ICCs).
Also times `interviewer_calibration` over the same ratings.

Run from the repository root: .venv/bin/python bench/reliability_bench.py
"""

from __future__ import annotations

import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
from scoring.calibration import CalibrationRating, CalibrationScorecard, interviewer_calibration

from scoring.reliability import reliability_by_competency

SEED = 20260301
APPLICATIONS = 10_000
PANEL = 5
COMPETENCIES = {c: f"Competency {c}" for c in range(1, 6)}
POOL = 60
RUNS = 5


def pooled_rows(rng: random.Random) -> list[tuple[int, int, int, int | None]]:
    """Each application meets 5 of 60 interviewers; 5% of ratings are "not assessed"."""
    rows = []
    for app in range(APPLICATIONS):
        panel = rng.sample(range(POOL), PANEL)
        for competency in COMPETENCIES:
            truth = rng.gauss(3, 0.9)
            for person in panel:
                score = None if rng.random() < 0.05 else _score(truth + rng.gauss(0, 0.7))
                rows.append((competency, app, person, score))
    return rows


def fixed_panel_rows(rng: random.Random) -> list[tuple[int, int, int, int | None]]:
    """The same 5 interviewers score every application on every competency."""
    rows = []
    for app in range(APPLICATIONS):
        for competency in COMPETENCIES:
            truth = rng.gauss(3, 0.9)
            rows.extend(
                (competency, app, person, _score(truth + rng.gauss(0, 0.7)))
                for person in range(PANEL)
            )
    return rows


def _score(x: float) -> int:
    return min(5, max(1, round(x)))


def calibration_input(rows):
    """Scorecards (one per application and interviewer) and ratings for calibration."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    cards: dict[tuple[int, int], CalibrationScorecard] = {}
    ratings = []
    for competency, app, person, score in rows:
        key = (app, person)
        if key not in cards:
            deadline = start + timedelta(hours=app)
            cards[key] = CalibrationScorecard(
                scorecard_id=len(cards) + 1,
                interviewer_id=person,
                interviewer=f"Interviewer {person}",
                application_id=app,
                shadow=person == 0,
                submitted_at=deadline + timedelta(hours=(app % 7) - 3),
                deadline=deadline,
            )
        if score is not None:
            ratings.append(CalibrationRating(cards[key].scorecard_id, competency, score))
    return list(cards.values()), ratings


def timed(label: str, work: Callable[[], object]) -> None:
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    print(
        f"  {label:<46} best {min(times) * 1000:7.1f} ms"
        f"  median {statistics.median(times) * 1000:7.1f} ms"
    )


def main() -> None:
    rng = random.Random(SEED)
    pooled, fixed = pooled_rows(rng), fixed_panel_rows(rng)
    domain = [1, 2, 3, 4, 5]
    print(
        f"reliability bench: {APPLICATIONS:,} applications × {PANEL} raters ×"
        f" {len(COMPETENCIES)} competencies = {len(pooled):,} ratings; {RUNS} runs"
        f" (Python {platform.python_version()}, numpy {np.__version__})"
    )
    timed(
        "reliability, pool of 60 (alpha only)",
        lambda: reliability_by_competency(pooled, COMPETENCIES, domain=domain),
    )
    timed(
        "reliability, fixed panel (alpha + ICC)",
        lambda: reliability_by_competency(fixed, COMPETENCIES, domain=domain),
    )
    cards, ratings = calibration_input(pooled)
    now = datetime(2027, 1, 1, tzinfo=UTC)
    timed(
        f"calibration, {len(cards):,} scorecards",
        lambda: interviewer_calibration(cards, ratings, scale=domain, now=now),
    )
    sample = reliability_by_competency(pooled, COMPETENCIES, domain=domain)[0]
    print(f"  e.g. {sample.reading}")


if __name__ == "__main__":
    main()
