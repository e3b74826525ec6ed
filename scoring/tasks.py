"""Celery tasks of the scoring app: thin shells around plain functions."""

from celery import shared_task

from .reminders import send_overdue_reminders


@shared_task
def send_reminders_task() -> int:
    """Send the overdue-scorecard reminders now due (beat runs it hourly)."""
    return send_overdue_reminders()
