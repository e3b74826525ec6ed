"""Demo candidates from a data file (fixtures/demo/candidates.yaml), added as a recruiter would.

Every candidate goes through the recruiter's services: create (with a plain-text CV),
start an application on a demo loop with its committee, schedule interviews relative
to now, put people on them, mark the past ones held. A candidate whose email is on
file already is left alone: `make run` twice changes nothing. The file is checked
whole before anything is saved, and the load is one transaction.

The people on the demo's interviews are invented, so their invitation emails are
discarded rather than sent (a configured mail server would otherwise try them).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from interviews.demo import loop_key
from interviews.models import Loop

from . import scheduling, services
from .models import Application, Assignment, Candidate, Interview

CANDIDATE_FIELDS = (
    {"name", "email", "links", "notes", "cv", "applications"},
    {"name", "email", "applications"},
)
APPLICATION_FIELDS = ({"loop", "committee", "interviews"}, {"loop"})
INTERVIEW_FIELDS = (
    {"stage", "hours_from_now", "days_from_now", "time", "state", "interviewers", "shadows"},
    {"stage"},
)
DISCARD_EMAIL = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}


class DemoCandidateError(Exception):
    """The demo file is wrong: a bad field, an unknown loop, stage or person."""


@dataclass
class Loaded:
    added: list[Candidate]
    interviews: int
    skipped: int

    def summary(self) -> str:
        if not self.added:
            return f"Demo candidates: none new, {self.skipped} already there."
        return (
            f"Demo candidates: {len(self.added)} added with {self.interviews} "
            f"interview{'s' if self.interviews != 1 else ''} scheduled, "
            f"{self.skipped} already there."
        )


def load_demo_candidates(path: str | Path, *, by: User, now: datetime | None = None) -> Loaded:
    """Add the file's candidates whose email is not on file yet; what was done."""
    entries = _read_file(Path(path))
    now = now or timezone.now()
    added, interviews = [], 0
    with emails_discarded(), transaction.atomic():
        for index, entry in enumerate(entries):
            if services.duplicate_email(entry["email"]).exists():
                continue
            candidate, count = _add_candidate(entry, f"candidates[{index}]", by=by, now=now)
            added.append(candidate)
            interviews += count
    return Loaded(added=added, interviews=interviews, skipped=len(entries) - len(added))


@contextmanager
def emails_discarded() -> Iterator[None]:
    """Email sent inside (on commit included) goes nowhere."""
    saved = settings.MAILERS
    settings.MAILERS = DISCARD_EMAIL
    try:
        yield
    finally:
        settings.MAILERS = saved


def _read_file(path: Path) -> list[dict]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("candidates") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise DemoCandidateError(f"{path}: expected a top-level “candidates:” list.")
    for c, entry in enumerate(entries):
        where = f"{path.name}: candidates[{c}]"
        _check_fields(entry, CANDIDATE_FIELDS, where)
        for a, application in enumerate(entry["applications"]):
            _check_fields(application, APPLICATION_FIELDS, f"{where}.applications[{a}]")
            for i, interview in enumerate(application.get("interviews") or []):
                _check_interview(interview, f"{where}.applications[{a}].interviews[{i}]")
    return entries


def _check_fields(entry: Any, fields: tuple[set[str], set[str]], where: str) -> None:
    allowed, required = fields
    if not isinstance(entry, dict):
        raise DemoCandidateError(f"{where}: expected a mapping.")
    if unknown := sorted(set(entry) - allowed):
        raise DemoCandidateError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    if missing := sorted(required - set(entry)):
        raise DemoCandidateError(f"{where}: missing {', '.join(missing)}.")


def _check_interview(entry: Any, where: str) -> None:
    _check_fields(entry, INTERVIEW_FIELDS, where)
    relative = "hours_from_now" in entry
    by_day = "days_from_now" in entry and "time" in entry
    if relative == by_day:
        raise DemoCandidateError(
            f"{where}: give either hours_from_now, or days_from_now with time."
        )
    if by_day and not isinstance(entry["time"], str):
        raise DemoCandidateError(f'{where}: write the time in quotes, e.g. time: "14:30".')
    if entry.get("state", "scheduled") not in ("scheduled", "held"):
        raise DemoCandidateError(f"{where}: state is “scheduled” or “held”.")


def _add_candidate(entry: dict, where: str, *, by: User, now: datetime) -> tuple[Candidate, int]:
    cv = None
    if entry.get("cv"):
        cv = ContentFile(entry["cv"].encode(), name=f"{slugify(entry['name'])}-cv.txt")
    candidate = services.create_candidate(
        by=by,
        cv=cv,
        name=entry["name"],
        email=entry["email"],
        links=entry.get("links") or [],
        recruiter_notes=entry.get("notes", ""),
    )
    count = 0
    for a, item in enumerate(entry["applications"]):
        place = f"{where}.applications[{a}]"
        application = services.start_application(
            candidate,
            _loop(item["loop"], place),
            by=by,
            committee=[_person(name, place) for name in item.get("committee") or []],
        )
        for i, interview in enumerate(item.get("interviews") or []):
            _schedule(application, interview, f"{place}.interviews[{i}]", by=by, now=now)
            count += 1
    return candidate, count


def _schedule(application: Application, entry: dict, where: str, *, by, now) -> Interview:
    stage = application.loop.stages.filter(name=entry["stage"]).first()
    if stage is None:
        raise DemoCandidateError(
            f"{where}: {application.loop.name} has no stage “{entry['stage']}”."
        )
    interview = scheduling.schedule_interview(application, stage, starts_at(entry, now), by=by)
    for name in entry.get("interviewers") or []:
        scheduling.assign(interview, _person(name, where), Assignment.Role.INTERVIEWER, by=by)
    for name in entry.get("shadows") or []:
        scheduling.assign(interview, _person(name, where), Assignment.Role.SHADOW, by=by)
    if entry.get("state") == "held":
        scheduling.set_interview_state(interview, Interview.State.HELD, by=by)
    return interview


def starts_at(entry: dict, now: datetime) -> datetime:
    """When an interview of the file starts, relative to `now` (UTC, on a quarter hour)."""
    if "hours_from_now" in entry:
        moment = now.astimezone(UTC) + timedelta(hours=entry["hours_from_now"])
        return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    day = now.astimezone(UTC).date() + timedelta(days=entry["days_from_now"])
    return datetime.combine(day, time.fromisoformat(entry["time"]), tzinfo=UTC)


def _loop(name: str, where: str) -> Loop:
    loop = (
        Loop.objects.filter(key=loop_key(name), status=Loop.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if loop is None:
        raise DemoCandidateError(
            f"{where}: no published loop “{name}” (load the demo loops first)."
        )
    return loop


def _person(username: str, where: str) -> User:
    person = User.objects.filter(username=username).first()
    if person is None:
        raise DemoCandidateError(f"{where}: no user “{username}” (create the demo users first).")
    return person
