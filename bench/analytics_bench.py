"""Calibration and reliability at company scale: the snapshot's computation and the pages.

Targets (issue 11): pages < 100 ms reading the stored snapshot; the snapshot itself
< 60 s on 2 cores, at 100,000 applications × 5 scorecards × 5 competencies; and how
both grow from 10,000 to 100,000.

Data: bench/committee_bench.py's history (one loop, five interviewers per application
from a pool of 60, submitted scorecards, five ratings each), bulk-inserted into one
PostgreSQL database per size (`<DATABASE_URL's name>_<size>`), kept for --reuse.

Timing: `snapshots.refresh(key, force=True)` as the worker runs it (wall and CPU time of
this process; PostgreSQL's own CPU is outside it), then the two pages through the
Django test Client, logged in, DEBUG off, tasks sent to a broker (so pages read the
snapshot), median of --runs; and once each page computing live, as a recruiter who
still owes a scorecard would get it, for the ratio. Run from the repository root:
    .venv/bin/python bench/analytics_bench.py [--sizes 10000 100000] [--runs 15] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.autosave_load import ensure_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/loopwright_bench_analytics"


def median_of(fn, runs: int) -> tuple[float, float]:
    """(median, min) wall seconds of `fn` over `runs` calls, after one warm-up."""
    fn()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), min(seconds)


def measure(size: int, runs: int) -> dict[str, float]:
    from celery import current_app
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from bench.committee_bench import LOOP_KEY
    from scoring import snapshots

    current_app.conf.task_always_eager = False  # pages read the snapshot, as with a worker
    figures: dict[str, float] = {}
    walls, cpus = [], []
    for _ in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        snapshots.refresh(LOOP_KEY, force=True)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    figures["snapshot wall"], figures["snapshot cpu"] = min(walls), min(cpus)

    client = Client()
    client.force_login(User.objects.get(username="bench-recruiter"))
    query = {"loop": LOOP_KEY}
    for name in ("calibration", "reliability"):
        url = reverse(f"scoring:{name}")

        def fetch(url=url):
            response = client.get(url, query)
            assert response.status_code == 200 and b"over every application" in response.content

        figures[f"{name} page"], _ = median_of(fetch, runs)

    # The same pages computed in the request (no snapshot): what a snapshot saves.
    from scoring.models import AnalyticsSnapshot

    AnalyticsSnapshot.objects.filter(loop_key=LOOP_KEY).delete()
    for name in ("calibration", "reliability"):
        start = time.perf_counter()
        assert client.get(reverse(f"scoring:{name}"), query).status_code == 200
        figures[f"{name} live"] = time.perf_counter() - start
    snapshots.refresh(LOOP_KEY, force=True)
    return figures


def run_size(size: int, runs: int, reuse: bool, base_url: str) -> dict[str, float]:
    """Each size in its own process: Django is set up once per database."""
    import subprocess

    url = f"{base_url}_{size // 1000}k"
    args = [sys.executable, __file__, "--one", str(size), "--runs", str(runs), "--url", url]
    if reuse:
        args.append("--reuse")
    out = subprocess.run(args, check=False, capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(out.stderr)
    if out.returncode:
        sys.stdout.write(out.stdout)
        raise SystemExit(f"size {size:,} failed (exit {out.returncode})")
    figures = {}
    for line in out.stdout.splitlines():
        if line.startswith("FIGURE "):
            _, name, value = line.split("\t")
            figures[name] = float(value)
        else:
            print(line)
    return figures


def one(size: int, runs: int, reuse: bool, url: str) -> None:
    from bench import committee_bench

    ensure_database(url)
    committee_bench.environment(url)
    import django

    django.setup()
    if reuse and committee_bench.filled(size):
        print(f"  {size:,}: reusing the data already there")
    else:
        start = time.monotonic()
        committee_bench.build(size)
        print(f"  {size:,}: set-up {time.monotonic() - start:.0f} s")
    for name, value in measure(size, runs).items():
        print(f"FIGURE \t{name}\t{value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one, args.runs, args.reuse, args.url)
        return
    base = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {base}_<size>")
    results = {size: run_size(size, args.runs, args.reuse, base) for size in args.sizes}
    names = list(next(iter(results.values())))
    print(f"\n{'figure (s)':<22}" + "".join(f"{size:>12,}" for size in args.sizes))
    for name in names:
        print(f"{name:<22}" + "".join(f"{results[s][name]:>12.3f}" for s in args.sizes))
    if len(args.sizes) > 1:
        low, high = args.sizes[0], args.sizes[-1]
        print(f"\ngrowth {low:,} → {high:,} ({high / low:.0f}× the data):")
        for name in names:
            print(f"  {name:<20} {results[high][name] / results[low][name]:6.1f}×")
    checks = {"calibration page": 0.100, "reliability page": 0.100, "snapshot wall": 60.0}
    for name, target in checks.items():
        value = results[args.sizes[-1]][name]
        print(f"  {name}: {value:.3f} s {'ok' if value < target else 'MISSED'} (< {target} s)")


if __name__ == "__main__":
    main()
