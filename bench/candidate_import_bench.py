"""Time the candidate CSV import at its limit: 5,000 rows, each starting an application.

Into an emptied database: a published loop and one committee member; a Loopwright-format
file of 5,000 candidates (external id, links, the loop, an application id, the committee
member). Times the preview (check only), the import, and the identical file again
(which must be all unchanged), each with its query count. Run from the repository root:

    .venv/bin/python bench/candidate_import_bench.py [--rows 5000]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.autosave_load import ensure_database
from bench.common import empty_bench_database
from bench.import_bench import environment

DEFAULT_DATABASE_URL = "postgres://loopwright:loopwright@127.0.0.1:5432/lw_candidate_import_bench"


def timed(fn):
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
    return seconds, queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=5_000)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    ensure_database(database_url)
    environment(database_url)
    import django

    django.setup()
    empty_bench_database()
    from candidates.importing import preview, run_import
    from candidates.models import Application
    from tests.candidates.import_setup import native_file
    from tests.factories import make_published_loop, make_user

    loop = make_published_loop()
    recruiter = make_user("bench-recruiter", groups=("recruiter",))
    make_user("robin", groups=("committee",), email="robin@example.com")
    content = native_file(loop.key, n=args.rows, committee_emails="robin@example.com")
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; {database_url}")
    print(f"File: {args.rows:,} rows, {len(content) / 1e6:.2f} MB")
    for label, fn in (
        ("preview", lambda: preview(content)),
        ("import", lambda: run_import(content, by=recruiter)),
        ("re-import", lambda: run_import(content, by=recruiter)),
    ):
        seconds, queries, result = timed(fn)
        print(f"{label:>10}: {seconds:6.2f} s, {queries:,} queries — {result.summary()}")
    assert Application.objects.count() == args.rows


if __name__ == "__main__":
    main()
