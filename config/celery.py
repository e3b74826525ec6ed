"""Celery application: tasks are discovered in every app's tasks.py."""

import os

from celery import Celery
from celery.signals import worker_init

from . import checks  # importing it registers the start-up checks with Django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("loopwright")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_start_without_static_files(sender=None, **kwargs) -> None:
    """A worker without collectstatic's manifest would fail every packet: stop now, saying why.

    Celery logs and swallows an Exception raised by a signal handler, so the worker
    would start anyway; SystemExit stops it, with the message on stderr and exit code 1.
    """
    import django

    django.setup()
    errors = checks.static_manifest_errors()
    if errors:
        raise SystemExit(
            "The worker cannot start: " + " ".join(f"{error.msg} {error.hint}" for error in errors)
        )
