"""Celery tasks of the candidates app: thin shells around plain functions."""

from celery import shared_task

from .privacy import erase_expired_candidates


@shared_task
def erase_expired_candidates_task() -> list[int]:
    """Erase the candidates past the retention period (beat runs it daily); their ids."""
    return [candidate.pk for candidate in erase_expired_candidates()]
