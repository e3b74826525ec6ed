"""Time question analytics' computation (scoring/question_stats.py) at a large loop.

Synthetic rows, no database: --applications candidates, each interviewed in 4 stages by
one interviewer, 5 planned questions per stage (20 question keys, one a backup), every
scorecard rating 5 competencies; the live clock ran on every asked question. Prints the
time of the loop table (`loop_question_stats` + `attention`) and of one question's
figures (`question_stats`), the median of --runs. The queries that feed them are a fixed
two per page (tests/scoring/test_question_views.py); this is the Python side.
    .venv/bin/python bench/question_stats_bench.py [--applications 10000] [--runs 5]
"""

import argparse
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring.question_stats import (
    NoteRow,
    RatingRow,
    attention,
    loop_question_stats,
    question_stats,
)

SEED = 20261203
STAGES, QUESTIONS, COMPETENCIES = 4, 5, 5


def rows(applications: int) -> tuple[list[NoteRow], list[RatingRow]]:
    rng = random.Random(SEED)
    notes, ratings = [], []
    card = 0
    for app in range(applications):
        ability = rng.gauss(3, 0.8)
        for stage in range(STAGES):
            card += 1
            for q in range(QUESTIONS):
                key = f"q{stage}-{q}"
                state = rng.choices(["asked", "skipped", "open"], [0.85, 0.1, 0.05])[0]
                notes.append(
                    NoteRow(
                        app,
                        app,
                        card,
                        key,
                        key,
                        f"c{q}",
                        state,
                        int(rng.gauss(600, 150)) if state == "asked" else 0,
                        10,
                    )
                )
            for c in range(COMPETENCIES):
                score = min(5, max(1, round(ability + rng.gauss(0, 0.7))))
                ratings.append(RatingRow(app, card, f"c{c}", score))
    return notes, ratings


def timed(fn, runs: int) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    notes, ratings = rows(args.applications)
    table = timed(lambda: attention(loop_question_stats(notes, ratings)), args.runs)
    one = timed(lambda: question_stats("q0-0", notes, ratings), args.runs)
    print(
        f"question analytics, {args.applications} applications ({len(notes)} notes, "
        f"{len(ratings)} ratings), Python {platform.python_version()}: loop table "
        f"{table:.2f} s, one question {one:.2f} s (median of {args.runs})"
    )


if __name__ == "__main__":
    main()
