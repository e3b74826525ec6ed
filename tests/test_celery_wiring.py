"""How config.celery is wired: the broker comes from REDIS_URL, and without it tasks run inline.

Settings are read once per process, so each configuration is checked in a fresh
interpreter, as `manage.py` or `celery -A config worker` would start.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOW_CONF = (
    "import json; from config.celery import app; c = app.conf; "
    "print(json.dumps({'broker': c.broker_url, 'eager': c.task_always_eager, "
    "'queue': c.task_default_queue, 'serializer': c.task_serializer, "
    "'accept': list(c.accept_content)}))"
)


def celery_conf(**env: str | None) -> dict:
    """config.celery.app's configuration in a new process with `env` changed (None unsets)."""
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for name, value in env.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    done = subprocess.run(
        [sys.executable, "-c", SHOW_CONF],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_broker_comes_from_redis_url_and_tasks_go_to_it() -> None:
    conf = celery_conf(REDIS_URL="redis://redis.internal:6380/4", CELERY_QUEUE=None)

    assert conf["broker"] == "redis://redis.internal:6380/4"
    assert conf["eager"] is False
    assert conf["queue"] == "loopwright"
    # Only JSON crosses the broker: a worker never unpickles what a client sent.
    assert conf["serializer"] == "json"
    assert conf["accept"] == ["json"]


def test_without_redis_url_tasks_run_inline() -> None:
    conf = celery_conf(REDIS_URL=None)

    assert conf["eager"] is True
    assert conf["broker"] == "memory://"


def test_queue_name_comes_from_celery_queue() -> None:
    conf = celery_conf(REDIS_URL="redis://127.0.0.1:6379/4", CELERY_QUEUE="loopwright-eu")

    assert conf["queue"] == "loopwright-eu"


@pytest.mark.worker
# The worker's Django fixup runs the system checks at start-up, which touch the database.
@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_on_this_runs_own_queue(
    celery_app, celery_worker, celery_config
) -> None:
    @celery_app.task(bind=True)
    def multiply(self, x: int, y: int) -> list:
        return [x * y, self.request.delivery_info["routing_key"]]

    celery_worker.reload()

    product, queue = multiply.delay(6, 7).get(timeout=10)

    assert product == 42
    assert queue == celery_config["task_default_queue"]
    assert queue.startswith("loopwright-test-")
