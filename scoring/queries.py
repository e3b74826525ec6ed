"""The queries behind the pipeline and the home panels: a fixed number each.

Each function loads plain facts in a few queries, whatever the number of
applications, interviews or scorecards, and leaves the judging to
`scoring.pipeline`. Callers decide who may see what (candidates.access and the
role checks); these functions only load.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)

from candidates.models import Application, Assignment, Interview, counted_seat, observed_seat
from interviews.models import Loop, Stage

from .models import Scorecard
from .pipeline import (
    Cell,
    InterviewFacts,
    ReviewProgress,
    StageFacts,
    StageState,
    application_cells,
    day_bounds,
    describe_lateness,
    lateness,
    matches,
    review_progress,
    scorecard_deadline,
    stage_positions,
    stage_state,
    tally,
)

# Seats whose scorecards count, and those submitted (seen from an interview).
COUNTED = counted_seat("assignments__")
SUBMITTED = Q(assignments__scorecard__status=Scorecard.Status.SUBMITTED)


def due_hours() -> int:
    """Hours after an interview's end before its scorecards are overdue (and reminded)."""
    return settings.REMINDER_FIRST_HOURS


def interview_facts(interviews: QuerySet[Interview]) -> list[InterviewFacts]:
    """One query: each interview with its counted scorecards and how many are in."""
    rows = (
        interviews.order_by()
        .values("id", "application_id", "stage_id", "starts_at", "state")
        .annotate(
            counted=Count("assignments", filter=COUNTED),
            submitted=Count("assignments", filter=COUNTED & SUBMITTED),
        )
    )
    return [InterviewFacts(**row) for row in rows]


def loop_stages(keys) -> list[StageFacts]:
    """Every version's stages for these loop keys, numbered by position (one query)."""
    return stage_positions(
        Stage.objects.filter(loop__key__in=keys).values_list(
            "id", "loop_id", "order", "name", "duration_minutes"
        )
    )


def _by_application(facts: list[InterviewFacts]) -> dict[int, dict[int, InterviewFacts]]:
    grouped: dict[int, dict[int, InterviewFacts]] = {}
    for fact in facts:
        grouped.setdefault(fact.application_id, {})[fact.stage_id] = fact
    return grouped


def _by_loop(stages: list[StageFacts]) -> dict[int, list[StageFacts]]:
    grouped: dict[int, list[StageFacts]] = {}
    for stage in stages:
        grouped.setdefault(stage.loop_id, []).append(stage)
    return grouped


# --- The pipeline of one loop (every version with its key) ---------------------------


@dataclass
class PipelineRow:
    application: Application
    # (cell, column's stage name); cell None: this version has no stage at that position.
    cells: list[tuple[Cell | None, str]]
    progress: ReviewProgress
    # The viewer owes their own scorecard on it: its status (a decision moves it) hidden.
    status_hidden: bool = False


@dataclass
class Pipeline:
    columns: list[tuple[int, str]]  # (position, stage name)
    rows: list[PipelineRow]
    counts: dict[StageState, int] = field(default_factory=dict)
    total: int = 0  # applications before the stage-state filter


def stage_columns(loop: Loop, stages: list[StageFacts]) -> list[tuple[int, str]]:
    """Positions across versions, named after this version's stage (else the newest one's)."""
    names: dict[int, tuple[bool, int, str]] = {}
    for s in stages:
        rank = (s.loop_id == loop.pk, s.loop_id, s.name)
        if s.position not in names or rank > names[s.position]:
            names[s.position] = rank
    return [(position, names[position][2]) for position in sorted(names)]


def load_pipeline(
    loop: Loop,
    stages: list[StageFacts],
    *,
    now: datetime,
    status: str = "",
    state: str = "",
    position: int | None = None,
    viewer=None,
) -> Pipeline:
    """Every application on the loop's key, each stage's state; two queries.

    `stages`: `loop_stages([loop.key])`, loaded first so the filter form can offer them.
    `viewer`: applications they owe their own scorecard on show no status, and no status
    filter finds them (a decision moves the status, so either would tell it).
    """
    applications = Application.objects.filter(loop__key=loop.key)
    pending = Scorecard.objects.pending_application_ids(viewer) if viewer is not None else None
    if status:
        applications = applications.filter(status=status)
        if pending is not None:
            applications = applications.exclude(pk__in=pending)
    facts = interview_facts(Interview.objects.filter(application__in=applications))
    applications = applications.select_related("candidate", "loop").order_by("-created_at", "-pk")
    if pending is not None:
        applications = applications.annotate(status_hidden=Q(pk__in=pending))
    columns = stage_columns(loop, stages)
    stages_of, interviews_of = _by_loop(stages), _by_application(facts)
    rows, states, total = [], [], 0
    for application in applications:
        total += 1
        own = interviews_of.get(application.pk, {})
        cells = application_cells(
            stages_of.get(application.loop_id, []), own, now=now, due_hours=due_hours()
        )
        states += [c.state for c in cells]
        if matches(cells, state=state, position=position):
            at = {c.stage.position: c for c in cells}
            rows.append(
                PipelineRow(
                    application=application,
                    cells=[(at.get(p), name) for p, name in columns],
                    progress=review_progress(own.values()),
                    status_hidden=bool(getattr(application, "status_hidden", False)),
                )
            )
    return Pipeline(columns=columns, rows=rows, counts=tally(states), total=total)


# --- The recruiters' overview: published loops and their counts -----------------------


@dataclass
class LoopSummary:
    loop: Loop  # the newest published version
    active: int  # active applications, every version
    counts: dict[StageState, int]


def pipeline_summaries(*, now: datetime) -> list[LoopSummary]:
    """Published loops (newest version per key) with stage states of active applications.

    Four queries whatever the number of loops, applications and interviews.
    """
    newest: dict[str, Loop] = {}
    published = Loop.objects.filter(status=Loop.Status.PUBLISHED).select_related("role", "level")
    for loop in published.order_by("key", "-version"):
        newest.setdefault(loop.key, loop)
    if not newest:
        return []
    stages_of = _by_loop(loop_stages(list(newest)))
    active = Application.objects.filter(
        loop__key__in=list(newest), status=Application.Status.ACTIVE
    )
    interviews_of = _by_application(
        interview_facts(Interview.objects.filter(application__in=active))
    )
    states: dict[str, list[StageState]] = {key: [] for key in newest}
    applications: dict[str, int] = dict.fromkeys(newest, 0)
    for app_id, loop_id, key in active.values_list("id", "loop_id", "loop__key"):
        applications[key] += 1
        cells = application_cells(
            stages_of.get(loop_id, []),
            interviews_of.get(app_id, {}),
            now=now,
            due_hours=due_hours(),
        )
        states[key] += [c.state for c in cells]
    summaries = [
        LoopSummary(loop=loop, active=applications[key], counts=tally(states[key]))
        for key, loop in newest.items()
    ]
    return sorted(summaries, key=lambda s: (s.loop.name.lower(), s.loop.key))


# --- Scorecards still owed ---------------------------------------------------------------


@dataclass
class OwedScorecard:
    """A draft scorecard whose interview is over: due, or overdue."""

    scorecard: Scorecard
    state: StageState
    deadline: datetime
    late: timedelta

    @property
    def assignment(self) -> Assignment:
        return self.scorecard.assignment

    @property
    def interview(self) -> Interview:
        return self.scorecard.assignment.interview

    @property
    def lateness(self) -> str:
        return describe_lateness(self.late)


def owed_scorecards(*, now: datetime, person=None, overdue_only: bool = False):
    """Draft scorecards of active assignments whose interview is over; one query.

    Ordered most late first, then soonest due. Shadows' scorecards are included
    (they owe one too) and flagged by their assignment's role. One person's (`person`)
    are everything still pending of theirs (`Scorecard.objects.pending_of`): a seat
    they were replaced on after starting keeps its scorecard theirs to finish.
    """
    hours = due_hours()
    started_before = now - timedelta(hours=hours) if overdue_only else now
    if person is None:
        scorecards = Scorecard.objects.pending().filter(observed_seat("assignment__"))
    else:
        scorecards = Scorecard.objects.pending_of(person)
    # Coarse in SQL (the deadline adds the stage's duration), exact below.
    scorecards = scorecards.filter(assignment__interview__starts_at__lte=started_before)
    owed = []
    for scorecard in scorecards.select_related(
        "assignment__person",
        "assignment__interview__stage",
        "assignment__interview__application__candidate",
        "assignment__interview__application__loop",
    ):
        interview = scorecard.assignment.interview
        minutes = interview.stage.duration_minutes
        state = stage_state(
            interview_state=interview.state,
            starts_at=interview.starts_at,
            duration_minutes=minutes,
            counted=1,
            submitted=0,
            now=now,
            due_hours=hours,
        )
        if state == StageState.OVERDUE or (state == StageState.DUE and not overdue_only):
            deadline = scorecard_deadline(interview.starts_at, minutes, hours)
            owed.append(OwedScorecard(scorecard, state, deadline, lateness(deadline, now)))
    return sorted(owed, key=lambda o: (-o.late, o.deadline, o.scorecard.pk))


# --- An interviewer's interviews ------------------------------------------------------


def _my_assignments(user):
    return (
        Assignment.objects.active()
        .filter(person=user)
        .select_related(
            "scorecard",  # the home page links each seat to its scorecard
            "interview__stage",
            "interview__application__candidate",
            "interview__application__loop__role",
            "interview__application__loop__level",
        )
        .order_by("interview__starts_at", "interview__pk")
    )


def interviews_between(user, start: datetime, end: datetime) -> list[Assignment]:
    """The user's seats on interviews starting in [start, end), cancelled ones included."""
    return list(
        _my_assignments(user).filter(interview__starts_at__gte=start, interview__starts_at__lt=end)
    )


def upcoming_interviews(user, after: datetime, *, limit: int) -> tuple[list[Assignment], int]:
    """The next `limit` scheduled interviews from `after` on, and how many there are."""
    upcoming = _my_assignments(user).filter(
        interview__starts_at__gte=after, interview__state=Interview.State.SCHEDULED
    )
    return list(upcoming[:limit]), upcoming.count()


@dataclass
class InterviewerPanel:
    day: date  # today, in the person's time zone
    today: list[Assignment]
    upcoming: list[Assignment]
    upcoming_total: int
    due: list[OwedScorecard]
    overdue: list[OwedScorecard]


def interviewer_panel(user, *, now: datetime, tz: tzinfo, upcoming_limit: int):
    """Today's interviews by the user's own day boundaries, the next ones, what they owe.

    Four queries, whatever the number of interviews and scorecards.
    """
    day = now.astimezone(tz).date()
    start, end = day_bounds(day, tz)
    upcoming, upcoming_total = upcoming_interviews(user, end, limit=upcoming_limit)
    owed = owed_scorecards(now=now, person=user)
    return InterviewerPanel(
        day=day,
        today=interviews_between(user, start, end),
        upcoming=upcoming,
        upcoming_total=upcoming_total,
        due=[o for o in owed if o.state == StageState.DUE],
        overdue=[o for o in owed if o.state == StageState.OVERDUE],
    )


# --- A committee member's applications ------------------------------------------------

_COUNTED_APP = counted_seat("interviews__assignments__")
_SUBMITTED_APP = _COUNTED_APP & Q(
    interviews__assignments__scorecard__status=Scorecard.Status.SUBMITTED
)


@dataclass
class Review:
    application: Application
    progress: ReviewProgress
    # The reviewer's own scorecard on it is pending: no link to the others' views yet.
    own_pending: bool = False


def committee_reviews(user, *, limit: int) -> tuple[list[Review], int]:
    """Open applications the user reviews, ready ones first; two queries.

    Counted scorecards are those of live (scheduled or held) interviews'
    non-shadow seats: a cancelled interview or a no-show owes none.
    """
    applications = (
        Application.objects.filter(committee=user)
        .exclude(status__in=Application.CLOSED)
        .annotate(
            counted=Count("interviews__assignments", filter=_COUNTED_APP),
            submitted=Count("interviews__assignments", filter=_SUBMITTED_APP),
        )
        .annotate(
            own_pending=Exists(
                Scorecard.objects.pending_of(user).filter(
                    assignment__interview__application=OuterRef("pk")
                )
            ),
            ready=Case(
                When(Q(counted__gt=0) & Q(submitted__gte=F("counted")), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .select_related("candidate", "loop__role", "loop__level")
        .order_by("-ready", "-created_at", "-pk")
    )
    reviews = [
        Review(a, ReviewProgress(submitted=a.submitted, counted=a.counted), a.own_pending)
        for a in applications[:limit]
    ]
    total = (
        Application.objects.filter(committee=user).exclude(status__in=Application.CLOSED).count()
    )
    return reviews, total
