"""The interview-day bench's short form (bench/interview_day.py) runs clean in CI.

gunicorn, PostgreSQL and a real Celery worker on Redis; 8 interviewers autosaving, 2
recruiters browsing, 2 committee members requesting packets for 15 s. Asserts what must
hold on any machine: no error, no 409, no acknowledged save lost, every packet requested
rendered. Timing is printed by the bench, never asserted here.

It needs PostgreSQL: when DATABASE_URL is not PostgreSQL it uses the local server at
127.0.0.1 (CI has one), in the database loopwright_bench_day_ci either way (the bench
empties it). Redis database 9 of REDIS_URL's server (default 127.0.0.1:6379).
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCAL_POSTGRES = "postgres://loopwright:loopwright@127.0.0.1:5432/"
CI_DATABASE = "loopwright_bench_day_ci"


def bench_database_url() -> str:
    """DATABASE_URL's PostgreSQL server with the bench's own database name."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        url = LOCAL_POSTGRES
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{CI_DATABASE}", "", ""))


def reachable(database_url: str) -> str | None:
    """Why PostgreSQL or Redis cannot be used, or None (a skip fails under CI=true)."""
    import psycopg
    import redis

    from bench.interview_day import bench_redis_url

    server = urlunsplit(urlsplit(database_url)._replace(path="/postgres"))
    try:
        psycopg.connect(server, connect_timeout=5).close()
    except psycopg.OperationalError as error:
        # The role may not exist yet: the bench creates it as the postgres superuser.
        if "password authentication failed" not in str(error) and "does not exist" not in str(
            error
        ):
            return f"PostgreSQL unreachable: {error}"
    try:
        redis.Redis.from_url(bench_redis_url(), socket_connect_timeout=5).ping()
    except redis.RedisError as error:
        return f"Redis unreachable: {error}"
    return None


@pytest.mark.worker
def test_the_short_interview_day_has_no_error_and_loses_no_save(tmp_path):
    database_url = bench_database_url()
    why = reachable(database_url)
    if why:
        pytest.skip(why)
    figures_path = tmp_path / "figures.json"
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "bench/interview_day.py", "--duration", "15", "--interviewers", "8",
         "--json", str(figures_path)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    output = done.stdout[-4000:] + done.stderr[-4000:]
    assert figures_path.exists(), output
    figures = json.loads(figures_path.read_text())
    saves = sum(
        figures["endpoints"].get(e, {}).get("requests", 0)
        for e in ("note autosave", "rating autosave")
    )
    assert saves >= 8, output  # paced at ~2 s each: dozens, however slow the machine
    assert figures["acked"] > 0, output
    assert figures["lost"] == 0, output
    assert figures["errors"] == 0, output
    assert figures["conflicts"] == 0, output
    assert figures["packets_requested"] >= 1, output
    assert figures["packets_ready"] == figures["packets_requested"], output
    assert figures["packet_problems"] == [], output
    assert {"pipelines", "pipeline", "committee page", "packet status poll"} <= set(
        figures["endpoints"]
    ), output
    assert done.returncode == 0, output
