"""Guessing links: an address that asks for too many unknown, used or expired links is
refused for a while (the cache counts; SELF_ID_FAILURE_LIMIT per 15 minutes).

A token has 256 random bits, so guessing cannot succeed anyway; the limit keeps a
scanner from costing a query per guess and keeps such traffic visible.
"""

from django.conf import settings
from django.core.cache import cache

from accounts.axes_hooks import client_ip

WINDOW_SECONDS = 15 * 60


def _key(request) -> str:
    return f"self-id-failures:{client_ip(request)}"


def refused(request) -> bool:
    return cache.get(_key(request), 0) >= settings.SELF_ID_FAILURE_LIMIT


def note_failure(request) -> None:
    key = _key(request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
