"""Time the reliability statistics on a loop's worth of history: pure numpy, no database.

Target (issue 11): the reliability page's computation for 10,000 applications × 5
competencies well under 1 s, with the bootstrap interval for alpha (1,000 resamples,
interval and ordinal) and the ICC with its F intervals. Builds deterministic rows
(fixed seed) the way the page's one query returns them — (competency, application,
interviewer, score) — and times `reliability_by_competency` end to end: splitting the
rows, one opinion per person and candidate, alpha and its resamples, the ICC. Shapes:

- rotating: each application meets 5 of a pool of 60 interviewers; 5 % of ratings "not
  assessed"; on 3 % of applications one interviewer scores in two stages (a repeat,
  folded into their mean): alpha and ICC(1)/(1,k);
- fixed panel: the same 5 interviewers score everyone: alpha and ICC(2,1)/(2,k).

Run from the repository root:
    .venv/bin/python bench/reliability_bench.py [--applications 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from scoring.reliability import RESAMPLES, reliability_by_competency

SEED = 20261202
PANEL = 5
POOL = 60
COMPETENCIES = {c: f"Competency {c}" for c in range(1, 6)}
DOMAIN = [1, 2, 3, 4, 5]


def rotating_rows(rng: np.random.Generator, applications: int) -> list[tuple]:
    """Panels of 5 from 60; 5 % not assessed; 3 % of applications with a repeat."""
    panels = np.argsort(rng.random((applications, POOL)), axis=1)[:, :PANEL]
    rows = []
    for competency in COMPETENCIES:
        truth = rng.normal(3, 0.9, size=(applications, 1))
        scores = np.clip(np.rint(truth + rng.normal(0, 0.7, size=panels.shape)), 1, 5)
        missing = rng.random(panels.shape) < 0.05
        for app in range(applications):
            for seat in range(PANEL):
                score = None if missing[app, seat] else int(scores[app, seat])
                rows.append((competency, app, int(panels[app, seat]), score))
        repeats = rng.choice(applications, size=applications * 3 // 100, replace=False)
        for app in repeats:
            rows.append((competency, int(app), int(panels[app, 0]), int(scores[app, 1])))
    return rows


def fixed_panel_rows(rng: np.random.Generator, applications: int) -> list[tuple]:
    """The same 5 interviewers score every application on every competency."""
    rows = []
    for competency in COMPETENCIES:
        truth = rng.normal(3, 0.9, size=(applications, 1))
        scores = np.clip(np.rint(truth + rng.normal(0, 0.7, size=(applications, PANEL))), 1, 5)
        rows.extend(
            (competency, app, person, int(scores[app, person]))
            for app in range(applications)
            for person in range(PANEL)
        )
    return rows


def timed(label: str, work: Callable[[], object], runs: int) -> float:
    """Wall and CPU time: on a shared 2-core machine the CPU time is the honest figure."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median = statistics.median(walls)
    print(
        f"  {label:<40} wall best {min(walls) * 1000:6.0f} ms, median {median * 1000:6.0f} ms;"
        f" CPU median {statistics.median(cpus) * 1000:6.0f} ms"
    )
    return median


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    rotating = rotating_rows(rng, args.applications)
    fixed = fixed_panel_rows(rng, args.applications)
    print(
        f"reliability bench: {args.applications:,} applications × {len(COMPETENCIES)}"
        f" competencies, panels of {PANEL}; {len(rotating):,} and {len(fixed):,} ratings;"
        f" {RESAMPLES:,} resamples; {args.runs} runs"
        f" (Python {platform.python_version()}, numpy {np.__version__})"
    )
    reliability_by_competency(fixed[:100], COMPETENCIES)  # import scipy.special once
    for label, rows in (
        ("rotating panels (α + ICC(1))", rotating),
        ("fixed panel (α + ICC(2))", fixed),
    ):
        timed(
            label,
            lambda rows=rows: reliability_by_competency(rows, COMPETENCIES, domain=DOMAIN),
            args.runs,
        )
    timed(
        "rotating panels, without the bootstrap",
        lambda: reliability_by_competency(rotating, COMPETENCIES, domain=DOMAIN, resamples=0),
        args.runs,
    )
    sample = reliability_by_competency(rotating, COMPETENCIES, domain=DOMAIN)[0]
    print(f"  e.g. {sample.reading}")
    single, average = sample.icc.estimates
    print(
        f"       {single.form} = {single.value:.2f} ({single.low:.2f} to {single.high:.2f}),"
        f" {average.form} = {average.value:.2f} (k0 = {sample.icc.k:.2f});"
        f" {sample.repeats} repeats folded"
    )


if __name__ == "__main__":
    main()
