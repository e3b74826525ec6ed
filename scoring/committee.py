"""The queries behind the committee page, calibration, reliability and the ratings export.

Each function loads plain rows in a fixed number of queries, whatever the number of
applications, scorecards or ratings, and hands them to the pure modules
(`scoring.aggregate`, `scoring.calibration`, `scoring.reliability`). Callers decide who
may see what (scoring.access, the role checks); these functions only load — except
that every cross-application loader takes `viewer` and leaves out the applications
that person still owes their own scorecard on (DESIGN: independence holds in
aggregates and exports too, whatever the viewer's groups).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.models import Application, Assignment, observed_seat
from interviews.bars import bar_for
from interviews.models import Loop, LoopCompetency
from rubrics.models import Level, LevelExpectation, ScalePoint

from . import aggregate
from .calibration import CalibrationRating, CalibrationScorecard, scorecard_deadline
from .charts import CompetencyDotsChart, competency_dots_chart
from .models import Decision, Rating, Scorecard, counted_scorecard

AUDIT_SHOWN = 50
PERSON_NAME = (
    "assignment__person__first_name",
    "assignment__person__last_name",
    "assignment__person__username",
)


def person_label(first: str, last: str, username: str) -> str:
    """What str(User) gives, from three loaded columns (no User instance needed)."""
    return f"{first} {last}".strip() or username


# --- One application: the committee page ----------------------------------------------


def scale_points(loop: Loop) -> list[ScalePoint]:
    """The loop's scale, best first (one query)."""
    return list(ScalePoint.objects.filter(scale_id=loop.scale_id).order_by("-value"))


def competency_specs(loop: Loop, points: list[ScalePoint]) -> list[aggregate.CompetencySpec]:
    """The loop's competencies in loop order, each with its effective bar (one query).

    Weights follow the loop builder's rule "empty: 1" — but only once the loop weights
    anything at all; a loop without weights has no weighted score.
    """
    rows = list(
        LoopCompetency.objects.filter(loop=loop).select_related("competency").order_by("order")
    )
    return specs_for(rows, loop.default_bar(points))


def specs_for(rows: list[LoopCompetency], default: int | None) -> list[aggregate.CompetencySpec]:
    """competency_specs from loop competencies already loaded (the packet has them)."""
    weighted = any(lc.weight is not None for lc in rows)
    return [
        aggregate.CompetencySpec(
            competency_id=lc.competency_id,
            name=lc.competency.name,
            bar=bar_for((), loop_bar=default, own=lc.bar).value,
            critical=lc.critical,
            weight=(1 if lc.weight is None else lc.weight) if weighted else None,
        )
        for lc in rows
    ]


@dataclass(frozen=True)
class CardFacts:
    """A scorecard as the committee's list shows it (beside its aggregate row)."""

    row: aggregate.ScorecardRow
    submitted_at: datetime | None
    summary: str
    starts_at: datetime


def application_scorecards(application: Application) -> list[CardFacts]:
    """Every active seat's scorecard on the application, shadows included (one query).

    Drafts of interviews that were cancelled or not attended are left out: they owe
    nothing, so they must not hold the decision up.
    """
    rows = (
        Scorecard.objects.filter(
            observed_seat("assignment__"), assignment__interview__application=application
        )
        .order_by("assignment__interview__stage__order", "assignment__interview__starts_at", "pk")
        .values_list(
            "pk",
            "assignment__person_id",
            *PERSON_NAME,
            "assignment__interview__stage_id",
            "assignment__interview__stage__name",
            "assignment__role",
            "status",
            "recommendation",
            "submitted_at",
            "summary",
            "assignment__interview__starts_at",
        )
    )
    cards = []
    for (
        pk,
        person,
        first,
        last,
        username,
        stage_id,
        stage,
        role,
        status,
        rec,
        at,
        summary,
        starts,
    ) in rows:
        row = aggregate.ScorecardRow(
            scorecard_id=pk,
            person_id=person,
            interviewer=person_label(first, last, username),
            stage_id=stage_id,
            shadow=role == Assignment.Role.SHADOW,
            submitted=status == Scorecard.Status.SUBMITTED,
            recommendation=rec,
            stage=stage,
        )
        cards.append(CardFacts(row, at, summary, starts))
    return cards


def application_ratings(application: Application) -> list[aggregate.RatingRow]:
    """The ratings of the application's submitted, non-shadow scorecards (one query)."""
    rows = (
        Rating.objects.counted()
        .filter(scorecard__assignment__interview__application=application)
        .values_list("scorecard_id", "competency_id", "score", "not_assessed", "evidence")
    )
    return [aggregate.RatingRow(*row) for row in rows]


@dataclass
class LevelColumn:
    level: Level
    current: bool


@dataclass
class LevelComparison:
    """The loop's level between its neighbours, one row per ladder dimension."""

    columns: list[LevelColumn]
    rows: list[tuple[str, list[str]]]  # (dimension, text per column)
    choices: list[Level]  # every level of the ladder, lowest first: the decision's choices


def ladder_levels(level: Level) -> LevelComparison:
    """The ladder's levels with the loop's level and its neighbours' expectations (2 queries)."""
    levels = list(
        Level.objects.filter(ladder_id=level.ladder_id)
        .order_by("order")
        .prefetch_related(
            Prefetch(
                "expectations",
                queryset=LevelExpectation.objects.select_related("dimension"),
            )
        )
    )
    at = next((i for i, lv in enumerate(levels) if lv.pk == level.pk), 0)
    shown = levels[max(0, at - 1) : at + 2]
    dimensions: dict[int, tuple[int, str, dict[int, str]]] = {}
    for lv in shown:
        for expectation in lv.expectations.all():
            dim = expectation.dimension
            entry = dimensions.setdefault(dim.pk, (dim.order, dim.name, {}))
            entry[2][lv.pk] = expectation.text
    rows = [
        (name, [texts.get(lv.pk, "") for lv in shown])
        for _, name, texts in sorted(dimensions.values(), key=lambda d: d[0])
    ]
    return LevelComparison(
        columns=[LevelColumn(lv, lv.pk == level.pk) for lv in shown], rows=rows, choices=levels
    )


def application_decisions(application: Application) -> list[Decision]:
    """Every decision on the application, newest (the one that stands) first; one query."""
    return list(application.decisions.select_related("level", "by").order_by("-at", "-pk"))


def application_audit(application: Application, limit: int = AUDIT_SHOWN) -> list[AuditEntry]:
    """The application's audit entries (scope "application:<pk>"), newest first; one query."""
    return list(AuditEntry.objects.for_scope(application.audit_scope()).for_listing()[:limit])


@dataclass
class CommitteeData:
    """What the committee page shows, in a fixed number of queries."""

    aggregate: aggregate.ApplicationAggregate
    points: list[ScalePoint]
    labels: dict[int, str]
    chart: CompetencyDotsChart | None
    cards: list[CardFacts]  # the submitted, non-shadow scorecards, in stage order
    levels: LevelComparison
    decisions: list[Decision]
    bar: int | None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flagged(self) -> list[aggregate.CompetencySummary]:
        return [c for c in self.aggregate.competencies if c.flagged]

    @property
    def unscored_competencies(self) -> bool:
        return not any(c.count for c in self.aggregate.competencies)


def committee_data(application: Application) -> CommitteeData:
    """Aggregate, chart, scorecards, levels and decisions of one application (7 queries)."""
    loop = application.loop
    points = scale_points(loop)
    specs = competency_specs(loop, points)
    cards = application_scorecards(application)
    summary = aggregate.aggregate_application(
        specs,
        [c.row for c in cards],
        application_ratings(application),
        another_stage=loop.second_opinion_from_another_stage,
    )
    chart = None
    if summary.competencies and points:
        scale = [(p.value, p.label) for p in sorted(points, key=lambda p: p.value)]
        chart = competency_dots_chart(summary.competencies, scale, chart_id="committee-chart")
    return CommitteeData(
        aggregate=summary,
        points=points,
        labels={p.value: p.label for p in points},
        chart=chart,
        cards=[c for c in cards if c.row.submitted and not c.row.shadow],
        levels=ladder_levels(loop.level),
        decisions=application_decisions(application),
        bar=loop.default_bar(points),
    )


# --- Across applications: whose own review is pending --------------------------------


def pending_application_ids(viewer) -> QuerySet:
    """Applications the viewer still owes their own scorecard on (a subquery, no query)."""
    return Scorecard.objects.pending_application_ids(viewer)


def loop_scorecards(key: str, viewer) -> QuerySet[Scorecard]:
    """Observed seats' scorecards (shadows included) on every version of the loop.

    Minus the applications the viewer still owes their own scorecard on (a viewer of
    None: everyone's, for the stored snapshot). Interviews cancelled or not attended are
    left out everywhere (`candidates.models.observed_seat`).
    """
    scorecards = Scorecard.objects.filter(
        observed_seat("assignment__"), assignment__interview__application__loop__key=key
    )
    if viewer is None:
        return scorecards
    return scorecards.exclude(
        assignment__interview__application_id__in=pending_application_ids(viewer)
    )


def newest_loop(key: str) -> Loop | None:
    """The newest non-draft version of a loop key, with its scale (one query)."""
    return (
        Loop.objects.filter(key=key)
        .exclude(status=Loop.Status.DRAFT)
        .select_related("scale", "role", "level")
        .order_by("-version")
        .first()
    )


def loop_choices() -> list[tuple[str, str]]:
    """(key, name) of every loop that has been published, newest version's name (one query)."""
    seen: dict[str, str] = {}
    rows = (
        Loop.objects.exclude(status=Loop.Status.DRAFT)
        .order_by("key", "-version")
        .values_list("key", "name")
    )
    for key, name in rows:
        seen.setdefault(key, name)
    return sorted(seen.items(), key=lambda item: (item[1].lower(), item[0]))


# --- Calibration ----------------------------------------------------------------------


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """[start 00:00, the day after end 00:00) in the current time zone; None stays open."""
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=tz) if start else None
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None
    return low, high


def calibration_rows(
    key: str,
    viewer,
    *,
    start: date | None = None,
    end: date | None = None,
    person: int | None = None,
) -> tuple[list[CalibrationScorecard], list]:
    """The loop's scorecards (shadows included) and their scores, by interview date (2 queries).

    `person`: only the applications that person sat on (enough for their own figures).
    The scores are named rows with CalibrationRating's fields (scorecard_id,
    competency_id, score), which is all `scoring.calibration` reads of them.

    Only interviews that owe a scorecard (scheduled or held); each scorecard's deadline is
    the interview's end plus REMINDER_FIRST_HOURS, as the reminders and pipeline use.
    """
    scorecards = loop_scorecards(key, viewer)
    if person is not None:
        # One interviewer's figures compare them only within their own applications:
        # the rest of the loop cannot change them, so it is not loaded.
        scorecards = scorecards.filter(
            assignment__interview__application_id__in=Assignment.objects.active()
            .filter(person_id=person)
            .values("interview__application_id")
        )
    low, high = day_range(start, end)
    if low:
        scorecards = scorecards.filter(assignment__interview__starts_at__gte=low)
    if high:
        scorecards = scorecards.filter(assignment__interview__starts_at__lt=high)
    hours = settings.REMINDER_FIRST_HOURS
    cards = [
        CalibrationScorecard(
            scorecard_id=pk,
            interviewer_id=person,
            interviewer=person_label(first, last, username),
            application_id=application,
            shadow=role == Assignment.Role.SHADOW,
            submitted_at=submitted_at,
            deadline=scorecard_deadline(starts + timedelta(minutes=minutes), hours),
        )
        for pk, person, first, last, username, application, role, submitted_at, starts, minutes in (
            scorecards.values_list(
                "pk",
                "assignment__person_id",
                *PERSON_NAME,
                "assignment__interview__application_id",
                "assignment__role",
                "submitted_at",
                "assignment__interview__starts_at",
                "assignment__interview__stage__duration_minutes",
            )
        )
    ]
    # Named rows carry CalibrationRating's three fields under its names: a loop's whole
    # history is ~250,000 of them, and a namedtuple is built several times faster than
    # the frozen dataclass (the bench's calibration target is 2 s).
    ratings = list(
        Rating.objects.filter(
            scorecard__in=scorecards.filter(status=Scorecard.Status.SUBMITTED),
            score__isnull=False,
        ).values_list(*CalibrationRating.__dataclass_fields__, named=True)
    )
    return cards, ratings


# --- Reliability ----------------------------------------------------------------------


def loop_competency_names(key: str) -> dict[int, str]:
    """Competencies of every version of the loop, the newest version's order first (1 query)."""
    names: dict[int, str] = {}
    rows = (
        LoopCompetency.objects.filter(loop__key=key)
        .exclude(loop__status=Loop.Status.DRAFT)
        .order_by("-loop__version", "order")
        .values_list("competency_id", "competency__name")
    )
    for pk, name in rows:
        names.setdefault(pk, name)
    return names


def reliability_rows(key: str, viewer) -> list[tuple[int, int, int, int]]:
    """(competency, application, interviewer, score) of submitted non-shadow scores (1 query)."""
    scorecards = loop_scorecards(key, viewer).filter(counted_scorecard())
    return list(
        Rating.objects.filter(scorecard__in=scorecards, score__isnull=False).values_list(
            "competency_id",
            "scorecard__assignment__interview__application_id",
            "scorecard__assignment__person_id",
            "score",
        )
    )


# --- The ratings export -----------------------------------------------------------------

EXPORT_HEADER = (
    "application",
    "loop version",
    "stage",
    "interviewer",
    "shadow",
    "competency",
    "score",
    "not assessed",
    "evidence",
)


def export_rows(key: str, viewer, *, chunk_size: int = 2000) -> Iterator[tuple]:
    """Every rating of the loop's submitted scorecards, one tuple per rating (streamed).

    One query read in chunks (a server-side cursor on PostgreSQL), so a large loop never
    sits in memory whole.
    """
    scorecards = loop_scorecards(key, viewer).filter(status=Scorecard.Status.SUBMITTED)
    rows = (
        Rating.objects.filter(scorecard__in=scorecards)
        .order_by(
            "scorecard__assignment__interview__application_id",
            "scorecard__assignment__interview__stage__order",
            "scorecard_id",
            "order",
            "pk",
        )
        .values_list(
            "scorecard__assignment__interview__application_id",
            "scorecard__assignment__interview__application__loop__version",
            "scorecard__assignment__interview__stage__name",
            "scorecard__assignment__person__first_name",
            "scorecard__assignment__person__last_name",
            "scorecard__assignment__person__username",
            "scorecard__assignment__role",
            "competency__name",
            "score",
            "not_assessed",
            "evidence",
        )
    )
    for (
        app,
        version,
        stage,
        first,
        last,
        username,
        role,
        competency,
        score,
        na,
        evidence,
    ) in rows.iterator(chunk_size=chunk_size):
        yield (
            app,
            version,
            stage,
            person_label(first, last, username),
            "yes" if role == Assignment.Role.SHADOW else "no",
            competency,
            "" if score is None else score,
            "yes" if na else "no",
            evidence,
        )


def excluded_applications(key: str, viewer) -> int:
    """How many of the loop's applications the viewer's own pending reviews hide (one query)."""
    return (
        Application.objects.filter(loop__key=key, pk__in=pending_application_ids(viewer))
        .distinct()
        .count()
    )
