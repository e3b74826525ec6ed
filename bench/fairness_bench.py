"""Time the adverse-impact computation at 10,000 hires, and say where the time goes.

Data: a synthetic year of one loop, plain data (no database): --applications decided
applications of whom --hires are hired, through four stages (three "advanced past"
steps, offer, hired), with the default categories (sex: 2 options; race/ethnicity: 7;
each plus "unknown"), answers drawn so that a few groups are small (the suppression
has work to do), and five competencies' mean scores per application. Seeded.

Timing: outcomes.fairness.report.build as the page calls it (stats.suppress uncached),
split into the micro table, the suppression's linear programs, and the rest (rates,
Fisher's exact tests, Katz intervals, Cohen's d), median of --runs; then the same at a
tenth of the size, to show how it grows. Run from the repository root:
    .venv/bin/python bench/fairness_bench.py [--applications 25000] [--hires 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from outcomes.fairness import report, stats  # noqa: E402

SEED = 20261203
SEX = [("female", "Female", 0.38), ("male", "Male", 0.52)]
RACE = [
    ("hispanic-latino", "Hispanic or Latino", 0.16),
    ("white", "White", 0.45),
    ("black", "Black", 0.12),
    ("native-hawaiian-pacific-islander", "Native Hawaiian or Pacific Islander", 0.0004),
    ("asian", "Asian", 0.14),
    ("american-indian-alaska-native", "American Indian or Alaska Native", 0.0006),
    ("two-or-more", "Two or more", 0.03),
]
STEPS = ["Advanced past Screen", "Advanced past Systems", "Advanced past People", "Offer", "Hired"]


def draw(rng: random.Random, options) -> str:
    x, acc = rng.random(), 0.0
    for key, _, p in options:
        acc += p
        if x < acc:
            return key
    return stats.UNKNOWN


def cohort(applications: int, hires: int) -> report.Cohort:
    rng = random.Random(SEED)
    categories = [
        report.Category(
            "sex", "Sex", [(k, label) for k, label, _ in SEX] + [(stats.UNKNOWN, "Unknown")]
        ),
        report.Category(
            "race-ethnicity",
            "Race / ethnicity",
            [(k, label) for k, label, _ in RACE] + [(stats.UNKNOWN, "Unknown")],
        ),
    ]
    result = report.Cohort(categories=categories, steps=STEPS)
    result.competencies = {c: f"Competency {c}" for c in range(1, 6)}
    result.scores = {c: {} for c in result.competencies}
    # Hired: the `hires` best by a noisy score; the rest stop at a random earlier step.
    merit = [rng.gauss(0, 1) for _ in range(applications)]
    cut = sorted(merit, reverse=True)[hires - 1]
    for pk in range(applications):
        result.answers[pk] = (draw(rng, SEX), draw(rng, RACE))
        result.furthest[pk] = len(STEPS) if merit[pk] >= cut else rng.randint(0, len(STEPS) - 2)
        for c in result.competencies:
            result.scores[c][pk] = max(1.0, min(5.0, 3 + merit[pk] + rng.gauss(0, 1)))
    result.responded = applications
    return result


def timed(fn, runs: int) -> tuple[float, object]:
    times, value = [], None
    for _ in range(runs):
        start = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), value


def measure(applications: int, hires: int, runs: int, minimum: int) -> None:
    data = cohort(applications, hires)
    layout, counts = data.layout, data.counts()
    t_counts, _ = timed(data.counts, runs)
    t_suppress, hidden = timed(lambda: stats.suppress(layout, counts, minimum), runs)
    t_build, built = timed(lambda: report.build(data, minimum, suppress=lambda *a: hidden), runs)
    fisher_runs = [
        r.ratio for s in built.steps for t in s.tables for r in t.rows if r.ratio is not None
    ]
    print(
        f"{applications:>7,} applications, {hires:>6,} hired: "
        f"micro table {t_counts * 1000:7.1f} ms, suppression {t_suppress * 1000:7.1f} ms "
        f"({len(hidden)} of {len(layout.figures())} figures hidden), "
        f"rates + {len(fisher_runs)} Fisher tests + Katz + d {t_build * 1000:7.1f} ms; "
        f"total {(t_counts + t_suppress + t_build) * 1000:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=25_000)
    parser.add_argument("--hires", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--minimum", type=int, default=5)
    args = parser.parse_args()
    print(f"Python {platform.python_version()} on {platform.machine()}, median of {args.runs}")
    measure(args.applications // 10, args.hires // 10, args.runs, args.minimum)
    measure(args.applications, args.hires, args.runs, args.minimum)


if __name__ == "__main__":
    main()
