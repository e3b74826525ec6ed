"""Time `manage.py import_bank` on a generated bank of 10,000 questions.

Writes a deterministic bank file (fixed seed: 12 competencies, one 5-point
scale with anchors, a 4-level ladder, 60 tags; each question with 2-4 great
signals, 1-2 warning signs, a checklist, technologies, tags, levels and
anchors), then into an emptied database: imports it (every row created),
imports the identical file again (which must change nothing), and prints the
time and query count of each. `--profile` prints where the first import's time
goes (cProfile, top functions by cumulative time).

The database is emptied first, so its name must contain "bench". Run from the
repository root (PostgreSQL up):

    .venv/bin/python bench/import_bench.py
    DATABASE_URL=postgres://loopwright:loopwright@127.0.0.1:5432/lw_hostile_bench \\
        .venv/bin/python bench/import_bench.py --questions 10000 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import platform
import pstats
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

# Runnable as a plain script from the repository root, without installing the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.autosave_load import ensure_database
from bench.common import empty_bench_database

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/lw_hostile_bench"
SEED = 20261202
TARGET_SECONDS = 60
WORDS = (
    "latency",
    "budget",
    "rollback",
    "canary",
    "alert",
    "page",
    "incident",
    "owner",
    "queue",
    "retry",
    "backoff",
    "shard",
    "replica",
    "failover",
    "runbook",
    "deploy",
    "pipeline",
    "review",
    "capacity",
    "quota",
    "cache",
    "eviction",
    "lock",
    "schema",
    "migration",
    "index",
    "vacuum",
    "trace",
    "metric",
    "log",
    "sample",
    "error",
    "budget",
    "postmortem",
)


def environment(database_url: str) -> None:
    """DEBUG off (no query log growing in memory), a throwaway secret, quiet logs."""
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        LOOPWRIGHT_LOCAL="true",
        SECRET_KEY=f"bench-{secrets.token_urlsafe(40)}",
        LOG_LEVEL="WARNING",
    )


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def bank_document(questions: int, rng: random.Random) -> dict:
    """A valid bank file of `questions` questions, as the value yaml.dump writes."""
    competencies = [f"bench-competency-{i:02d}" for i in range(12)]
    tags = [f"bench-tag-{i:02d}" for i in range(60)]
    levels = [
        "bench-ladder/junior",
        "bench-ladder/mid",
        "bench-ladder/senior",
        "bench-ladder/staff",
    ]
    return {
        "format": 1,
        "bank": {"key": "bench-bank", "name": "Bench bank", "version": "1", "description": ""},
        "scales": [
            {
                "key": "bench-scale",
                "name": "Five points",
                "points": [
                    {"value": v, "label": f"Point {v}", "meets_bar": v == 3}
                    for v in range(5, 0, -1)
                ],
            }
        ],
        "competencies": [
            {
                "key": key,
                "name": key.replace("-", " ").title(),
                "anchors": {5: sentence(rng, 10), 3: sentence(rng, 10), 1: sentence(rng, 10)},
            }
            for key in competencies
        ],
        "ladders": [
            {
                "key": "bench-ladder",
                "name": "Bench ladder",
                "dimensions": [{"key": "scope", "name": "Scope"}],
                "levels": [
                    {"key": ref.split("/")[1], "name": ref.split("/")[1].title()} for ref in levels
                ],
            }
        ],
        "questions": [bench_question(i, rng, competencies, tags, levels) for i in range(questions)],
    }


def bench_question(i: int, rng: random.Random, competencies, tags, levels) -> dict:
    primary, *secondary = rng.sample(competencies, rng.randint(1, 3))
    return {
        "key": f"bench-q-{i:05d}",
        "title": sentence(rng, 5)[:200],
        "prompt": sentence(rng, 30),
        "follow_ups": [sentence(rng, 8) for _ in range(rng.randint(0, 2))],
        "goal": sentence(rng, 12),
        "kind": rng.choice(["behavioural", "situational", "technical"]),
        "minutes": rng.randint(5, 20),
        "competencies": {"primary": primary, "secondary": sorted(secondary)},
        "levels": sorted(rng.sample(levels, rng.randint(1, 3)), key=levels.index),
        "tags": sorted(rng.sample(tags, rng.randint(1, 3))),
        "great_signals": [sentence(rng, 6) for _ in range(rng.randint(2, 4))],
        "negative_signals": [sentence(rng, 6) for _ in range(rng.randint(1, 2))],
        "checklist": [sentence(rng, 4) for _ in range(rng.randint(0, 3))],
        "technologies": rng.sample(["Kubernetes", "Terraform", "PostgreSQL", "Kafka"], 2),
        "interviewer_notes": "",
        "anchors": {5: sentence(rng, 8), 1: sentence(rng, 8)} if i % 3 == 0 else {},
    }


def timed_import(path: Path, profile: bool) -> tuple[float, int, str]:
    """Seconds, queries and the summary line of one `import_bank` run."""
    from django.core.management import call_command
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    out = io.StringIO()
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(count):
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        call_command("import_bank", str(path), stdout=out)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - start
    if profiler:
        stats = io.StringIO()
        pstats.Stats(profiler, stream=stats).sort_stats("cumulative").print_stats(25)
        print(stats.getvalue())
    return seconds, queries, out.getvalue().strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(database_url)
    environment(database_url)
    import django
    import yaml

    django.setup()
    from rubrics.models import Question

    empty_bench_database()
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {database_url}")
    document = bank_document(args.questions, random.Random(SEED))
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench-bank.yaml"
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        size = path.stat().st_size
        print(f"Bank file: {args.questions:,} questions, {size / 1e6:.1f} MB")
        first = timed_import(path, args.profile)
        again = timed_import(path, False)
    assert Question.objects.count() == args.questions, "every question imported once"
    assert " 0 created, 0 updated, 0 new versions," in again[2], again[2]
    for label, (seconds, queries, summary) in (("first import", first), ("re-import", again)):
        verdict = "ok" if seconds < TARGET_SECONDS else f"OVER the {TARGET_SECONDS} s target"
        print(f"{label:>13}: {seconds:6.1f} s, {queries:,} queries ({verdict})")
        print(f"{'':>13}  {summary.split(': ', 1)[1][:110]}")


if __name__ == "__main__":
    main()
