"""Celery against a real Redis for tests that need a worker (loaded with -p in pyproject).

Overrides celery.contrib.pytest's `celery_config`, so `celery_app` and `celery_worker`
talk to Redis. Isolation, because several test runs and xdist workers share one Redis:
each xdist worker gets its own Redis database (CELERY_TEST_REDIS_DB + worker number,
flushed at the start) and its own queue, so no worker eats another's tasks. Host, port
and password come from REDIS_URL (default redis://127.0.0.1:6379); its database number
is left to the app under test. Without a reachable Redis these tests skip, with why.
A test with `celery_worker` needs `@pytest.mark.django_db(transaction=True)`: the worker
runs Django's checks as it starts, and it sees only committed rows.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest
from celery import current_app

DEFAULT_REDIS = "redis://127.0.0.1:6379"
# Databases 10.. by default: clear of 0 (a developer's own data) and of CI's app database.
FIRST_TEST_DB = int(os.environ.get("CELERY_TEST_REDIS_DB", "10"))


def xdist_worker() -> str:
    """`gw0`, `gw1`, … under pytest-xdist; `main` in a plain run."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def redis_url_for_tests() -> str:
    """REDIS_URL's server with this pytest process's own database number."""
    parts = urlsplit(os.environ.get("REDIS_URL") or DEFAULT_REDIS)
    worker = xdist_worker()
    offset = int(worker.removeprefix("gw")) if worker.startswith("gw") else 0
    return urlunsplit((parts.scheme, parts.netloc, f"/{FIRST_TEST_DB + offset}", "", ""))


@pytest.fixture(scope="session")
def celery_redis_url() -> str:
    """The test Redis database, flushed once per session; skips when Redis is unreachable."""
    import redis

    url = redis_url_for_tests()
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(
            f"Redis is not reachable at {url} ({error}): start redis-server or set REDIS_URL"
        )
    client.flushdb()
    client.close()
    return url


@pytest.fixture(scope="session")
def celery_config(celery_redis_url: str) -> dict:
    queue = f"loopwright-test-{xdist_worker()}"
    return {
        "broker_url": celery_redis_url,
        "result_backend": celery_redis_url,
        "task_default_queue": queue,
        "task_always_eager": False,
        "accept_content": ["json"],
        "task_serializer": "json",
        "result_serializer": "json",
        "broker_connection_retry_on_startup": False,
        "broker_connection_max_retries": 1,
    }


def tasks_eager(value: bool):
    """Celery's task_always_eager set to `value` for the duration, then put back."""
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = value
    yield
    current_app.conf.task_always_eager = eager


@pytest.fixture
def with_worker():
    """Tasks go to a broker (as in production): analytics pages then use stored snapshots."""
    yield from tasks_eager(False)
