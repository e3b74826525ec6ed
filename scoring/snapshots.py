"""Calibration, reliability and validity in the background: stored snapshots pages read.

A loop's whole history (100,000 applications in the bench) takes seconds to compute,
so `refresh(key)` computes every page's figures for everyone's applications and stores
them (`AnalyticsSnapshot`); the pages read the snapshot and say when it was computed.

- What asks for a new one: a scorecard submitted or amended, an interview's state
  changed (a no-show or a cancellation stops its scorecards counting), a performance
  review saved, edited, imported or deleted (the validity figures). `request_refresh`
  records the time and sends the task with a countdown (ANALYTICS_DEBOUNCE_SECONDS):
  a burst of submissions sends several tasks, and every task after the first finds the
  snapshot already current and does nothing.
- A page never writes and never waits for a worker: it reads the snapshot when there
  is one (saying when it was computed, and that newer scorecards are on their way when
  a refresh is pending); without one — a loop never computed, or tasks running inline
  with no worker (`make run`) — it computes the figures in the request, as before.
- A snapshot is for everyone: a recruiter who still owes a scorecard on some of the
  loop's applications gets figures computed for them without those (live), and so does
  anyone asking for a date range.
- A beat task sends a refresh for every outdated snapshot and every published loop
  that has none, so a lost send (broker down) or a new loop is caught up.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from interviews.models import Loop

from .calibration import InterviewerCalibration, interviewer_calibration
from .committee import (
    calibration_rows,
    loop_competency_names,
    newest_loop,
    reliability_rows,
    scale_points,
)
from .models import AnalyticsSnapshot
from .reliability import CompetencyReliability, reliability_by_competency

logger = logging.getLogger(__name__)
# What deciding whether a snapshot is current reads: not its (large) figures.
TIMES = ("loop_key", "computed_at", "requested_at")


def inline() -> bool:
    """Tasks run in the request (no broker): there is no worker to compute snapshots."""
    return bool(current_app.conf.task_always_eager)


# --- Computing ------------------------------------------------------------------------


def compute(key: str) -> dict[str, Any]:
    """The three pages' figures for a loop key over everyone's applications, JSON-ready.

    Validity under its default performance choice only (`outcomes.validity.stored`).
    """
    loop = newest_loop(key)
    points = scale_points(loop) if loop else []
    scale = sorted(p.value for p in points)
    cards, ratings = calibration_rows(key, None)
    rows = interviewer_calibration(cards, ratings, scale=scale, now=timezone.now())
    results = reliability_by_competency(
        reliability_rows(key, None), loop_competency_names(key), domain=scale or None
    )
    from outcomes.validity import stored as validity  # outcomes builds on scoring

    return {
        "calibration": {"rows": [r.to_dict() for r in rows], "scorecards": len(cards)},
        "reliability": {"results": [r.to_dict() for r in results]},
        "validity": validity.compute(key),
    }


def refresh(key: str, *, force: bool = False) -> str:
    """Compute and store the loop's snapshot unless it is current; returns what it did."""
    snapshot = AnalyticsSnapshot.objects.filter(loop_key=key).only(*TIMES).first()
    if snapshot is not None and snapshot.is_current and not force:
        return "current"
    read_at = timezone.now()
    started = time.monotonic()
    data = compute(key)
    seconds = time.monotonic() - started
    AnalyticsSnapshot.objects.update_or_create(
        loop_key=key,
        defaults={**data, "computed_at": read_at, "seconds": seconds},
    )
    logger.info("analytics snapshot for loop %s computed in %.2f s", key, seconds)
    return "computed"


# --- Asking for a new one ---------------------------------------------------------------


def request_refresh(key: str) -> None:
    """Something the figures count changed: mark the snapshot outdated, send the task."""
    now = timezone.now()
    updated = AnalyticsSnapshot.objects.filter(loop_key=key).update(requested_at=now)
    if not updated:
        AnalyticsSnapshot.objects.get_or_create(loop_key=key, defaults={"requested_at": now})
    if not inline():
        transaction.on_commit(lambda: send(key))


def send(key: str) -> bool:
    """Send the refresh after the debounce; a broker outage is logged, beat retries."""
    from .packets import RESEND_RETRY_POLICY
    from .tasks import refresh_analytics_task

    try:
        refresh_analytics_task.apply_async(
            (key,),
            countdown=settings.ANALYTICS_DEBOUNCE_SECONDS,
            retry_policy=RESEND_RETRY_POLICY,
        )
    except Exception:  # any broker error: the beat task sends it again
        logger.warning("analytics refresh for loop %s not sent: broker unreachable", key)
        return False
    return True


def resend_outdated() -> int:
    """Refresh outdated snapshots and loops without one (beat: nothing stays behind)."""
    stored = {s.loop_key: s for s in AnalyticsSnapshot.objects.only(*TIMES)}
    keys = {key for key, s in stored.items() if not s.is_current}
    published = Loop.objects.filter(status=Loop.Status.PUBLISHED).values_list("key", flat=True)
    keys |= set(published) - set(stored)
    return sum(send(key) for key in sorted(keys))


# --- Reading -----------------------------------------------------------------------------


def stored_snapshot(key: str) -> AnalyticsSnapshot | None:
    """The loop's computed snapshot for a page, or None: compute live then.

    Inline (no worker), an outdated snapshot is never refreshed, so it is not used.
    """
    snapshot = AnalyticsSnapshot.objects.filter(loop_key=key, computed_at__isnull=False).first()
    if snapshot is None or (inline() and not snapshot.is_current):
        return None
    return snapshot


def calibration_of(snapshot: AnalyticsSnapshot) -> tuple[list[InterviewerCalibration], int]:
    data = snapshot.calibration
    rows = [InterviewerCalibration.from_dict(r) for r in data.get("rows", [])]
    return rows, data.get("scorecards", 0)


def reliability_of(snapshot: AnalyticsSnapshot) -> list[CompetencyReliability]:
    return [CompetencyReliability.from_dict(r) for r in snapshot.reliability.get("results", [])]
