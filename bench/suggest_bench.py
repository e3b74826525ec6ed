"""Time suggest_sets on a synthetic question bank.

Builds a deterministic bank (fixed seed: 12 competencies, 60 tags, 40
technologies, 5-20 minutes per question), then plans a 45-minute stage wanting
4-6 competencies (2 critical) with a different wanted set on each run, for a
balanced loop and a primarily technical one (half the questions technical).
Prints one line per bank size (1,000 candidates, and 5,000 for headroom) and emphasis.

Run from the repository root: .venv/bin/python bench/suggest_bench.py
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from interviews.planning import BankQuestion, Wanted, suggest_sets

SEED = 20241005
COMPETENCIES = tuple(f"competency-{i:02d}" for i in range(12))
TAGS = tuple(f"tag-{i:02d}" for i in range(60))
TECHNOLOGIES = tuple(f"tech-{i:02d}" for i in range(40))
MINUTES_AVAILABLE = 45
RUNS = 30
BANK_SIZES = (1_000, 5_000)
# Half the synthetic questions are technical; "technical" leads with them.
EMPHASES = ("balanced", "technical")


def make_bank(size: int, rng: random.Random) -> list[BankQuestion]:
    """A bank of ``size`` questions with 0-2 secondaries, 1-3 tags and 0-3 technologies."""
    bank = []
    for question_id in range(1, size + 1):
        primary = rng.choice(COMPETENCIES)
        others = [c for c in COMPETENCIES if c != primary]
        bank.append(
            BankQuestion(
                id=question_id,
                title=f"Question {question_id}",
                minutes=rng.randint(5, 20),
                primary=primary,
                secondary=frozenset(rng.sample(others, rng.randint(0, 2))),
                tags=frozenset(rng.sample(TAGS, rng.randint(1, 3))),
                technologies=frozenset(rng.sample(TECHNOLOGIES, rng.randint(0, 3))),
                technical=rng.random() < 0.5,
            )
        )
    return bank


def make_wanted(rng: random.Random) -> list[Wanted]:
    """4-6 competencies, the first two critical, some with a loop weight."""
    keys = rng.sample(COMPETENCIES, rng.randint(4, 6))
    return [
        Wanted(key, key.replace("-", " ").title(), critical=i < 2, weight=rng.choice((1.0, 1.5)))
        for i, key in enumerate(keys)
    ]


def time_runs(
    bank: list[BankQuestion], rng: random.Random, emphasis: str
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per suggest_sets call, one call per wanted set.

    CPU time (this process's) is what the planner costs; wall time is what a recruiter
    waits, which on a busy machine includes waiting for a core.
    """
    wall, cpu = [], []
    for _ in range(RUNS):
        wanted = make_wanted(rng)
        started, started_cpu = time.perf_counter(), time.process_time()
        suggestions = suggest_sets(bank, wanted, MINUTES_AVAILABLE, emphasis=emphasis)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert suggestions, "a synthetic bank always has something that fits"
    return wall, cpu


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    """Time both bank sizes and print the summary block."""
    print(
        f"suggest_sets benchmark - {os.cpu_count()} CPUs (load {os.getloadavg()[0]:.1f}), "
        f"Python {platform.python_version()}, {platform.machine()}\n"
        f"  {RUNS} runs of a {MINUTES_AVAILABLE}-minute stage, 4-6 wanted (2 critical), "
        "3 alternatives"
    )
    for size, emphasis in [(size, e) for size in BANK_SIZES for e in EMPHASES]:
        rng = random.Random(SEED)
        bank = make_bank(size, rng)
        timings, cpu = time_runs(bank, rng, emphasis)
        print(
            f"  {size:>5} candidates, {emphasis:>9}: min {min(timings):6.1f} ms   "
            f"median {statistics.median(timings):6.1f} ms   "
            f"p95 {percentile(timings, 0.95):6.1f} ms   max {max(timings):6.1f} ms   "
            f"(CPU median {statistics.median(cpu):6.1f} ms, p95 {percentile(cpu, 0.95):6.1f} ms)"
        )


if __name__ == "__main__":
    main()
