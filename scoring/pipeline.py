"""Where each application stands, stage by stage: pure functions over plain values.

Nothing here touches the database. `scoring.queries` loads the facts (an
interview's state, times and how many counted scorecards are in) in a fixed
number of queries; these functions turn them into what the pipeline and the home
pages show. "Counted" scorecards are those of active, non-shadow assignments
(DESIGN: shadows never enter decisions).
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import TextChoices

from candidates.models import Interview


class StageState(TextChoices):
    """One stage of one application, in the order the pipeline reads them."""

    NOT_SCHEDULED = "not_scheduled", "Not scheduled"
    SCHEDULED = "scheduled", "Scheduled"
    DUE = "due", "Scorecard due"
    OVERDUE = "overdue", "Overdue"
    SUBMITTED = "submitted", "Submitted"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"

    @property
    def css(self) -> str:
        return "state-" + self.value.replace("_", "-")


# Interviews for which no scorecard is expected: they never make anyone late.
NO_SCORECARD_EXPECTED = (Interview.State.CANCELLED, Interview.State.NO_SHOW)


@dataclass(frozen=True)
class InterviewFacts:
    """What the pipeline needs to know about one interview."""

    id: int
    application_id: int
    stage_id: int
    starts_at: datetime
    state: str
    counted: int
    submitted: int


@dataclass(frozen=True)
class StageFacts:
    """One stage of one loop version, at its position in that version (1-based)."""

    id: int
    loop_id: int
    position: int
    name: str
    duration_minutes: int


@dataclass(frozen=True)
class Cell:
    """One application × one stage, as the pipeline shows it."""

    stage: StageFacts
    state: StageState
    interview_id: int | None = None
    starts_at: datetime | None = None
    deadline: datetime | None = None
    counted: int = 0
    submitted: int = 0


@dataclass(frozen=True)
class ReviewProgress:
    """Counted scorecards in, out of those expected (DESIGN: ready for decision)."""

    submitted: int
    counted: int

    @property
    def ready(self) -> bool:
        # Nobody assigned yet is not "every scorecard in": there is nothing to decide on.
        return self.counted > 0 and self.submitted >= self.counted


def scorecard_deadline(starts_at: datetime, duration_minutes: int, due_hours: int) -> datetime:
    """A scorecard is overdue `due_hours` after its interview's end."""
    return starts_at + timedelta(minutes=duration_minutes, hours=due_hours)


def is_over(state: str, starts_at: datetime, duration_minutes: int, now: datetime) -> bool:
    """Held, or still "scheduled" but its time is past."""
    if state == Interview.State.HELD:
        return True
    return state == Interview.State.SCHEDULED and now >= starts_at + timedelta(
        minutes=duration_minutes
    )


def stage_state(
    *,
    interview_state: str | None,
    starts_at: datetime | None = None,
    duration_minutes: int = 0,
    counted: int = 0,
    submitted: int = 0,
    now: datetime,
    due_hours: int,
) -> StageState:
    """The state of one stage of one application.

    `interview_state` is None when the stage has no interview. `counted` is the
    number of active non-shadow scorecards, `submitted` how many of them are in.
    An interview that is over with nobody counted on it is still owed a
    scorecard (due, then overdue): calling it "submitted" would hide the gap.
    """
    if interview_state is None:
        return StageState.NOT_SCHEDULED
    if interview_state == Interview.State.CANCELLED:
        return StageState.CANCELLED
    if interview_state == Interview.State.NO_SHOW:
        return StageState.NO_SHOW
    if counted and submitted >= counted:
        return StageState.SUBMITTED
    if not is_over(interview_state, starts_at, duration_minutes, now):
        return StageState.SCHEDULED
    if now > scorecard_deadline(starts_at, duration_minutes, due_hours):
        return StageState.OVERDUE
    return StageState.DUE


def stage_positions(stages: Iterable[tuple[int, int, int, str, int]]) -> list[StageFacts]:
    """Number each loop version's stages 1, 2, … in order.

    `stages`: (id, loop_id, order, name, duration_minutes) in any order. Versions
    of a loop may differ, so the pipeline lines stages up by position.
    """
    by_loop: dict[int, list] = {}
    for row in sorted(stages, key=lambda s: (s[1], s[2], s[0])):
        by_loop.setdefault(row[1], []).append(row)
    return [
        StageFacts(id=id_, loop_id=loop_id, position=i, name=name, duration_minutes=minutes)
        for rows in by_loop.values()
        for i, (id_, loop_id, _order, name, minutes) in enumerate(rows, start=1)
    ]


def application_cells(
    stages: list[StageFacts],
    interviews: dict[int, InterviewFacts],
    *,
    now: datetime,
    due_hours: int,
) -> list[Cell]:
    """The cells of one application: its version's stages, in order.

    `interviews` maps stage id → that application's interview of the stage.
    """
    cells = []
    for stage in sorted(stages, key=lambda s: s.position):
        interview = interviews.get(stage.id)
        if interview is None:
            cells.append(Cell(stage=stage, state=StageState.NOT_SCHEDULED))
            continue
        cells.append(
            Cell(
                stage=stage,
                state=stage_state(
                    interview_state=interview.state,
                    starts_at=interview.starts_at,
                    duration_minutes=stage.duration_minutes,
                    counted=interview.counted,
                    submitted=interview.submitted,
                    now=now,
                    due_hours=due_hours,
                ),
                interview_id=interview.id,
                starts_at=interview.starts_at,
                deadline=scorecard_deadline(interview.starts_at, stage.duration_minutes, due_hours),
                counted=interview.counted,
                submitted=interview.submitted,
            )
        )
    return cells


def review_progress(interviews: Iterable[InterviewFacts]) -> ReviewProgress:
    """Counted scorecards in across an application's interviews.

    Cancelled and no-show interviews expect no scorecard, so they do not count.
    """
    live = [i for i in interviews if i.state not in NO_SCORECARD_EXPECTED]
    return ReviewProgress(
        submitted=sum(i.submitted for i in live), counted=sum(i.counted for i in live)
    )


def tally(states: Iterable[StageState]) -> dict[StageState, int]:
    """How many cells are in each state, every state present, in pipeline order."""
    counts = Counter(states)
    return {state: counts.get(state, 0) for state in StageState}


def matches(cells: list[Cell], *, state: str = "", position: int | None = None) -> bool:
    """One of the application's stages (or the stage at `position`) is in `state`.

    Without a state every application matches: a stage alone filters nothing.
    """
    if not state:
        return True
    return any(c.state == state for c in cells if position is None or c.stage.position == position)


def lateness(deadline: datetime, now: datetime) -> timedelta:
    """How far past its deadline a scorecard is (zero when not yet late)."""
    return max(now - deadline, timedelta(0))


def describe_lateness(late: timedelta) -> str:
    """'3 days late', '5 hours late', 'under an hour late': for people, not machines."""
    hours = int(late.total_seconds() // 3600)
    if hours >= 48:
        return f"{hours // 24} days late"
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''} late"
    return "under an hour late"


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """A calendar day in a time zone, as [start, end) instants in UTC.

    In UTC, so that arithmetic on them is real time: 23 or 25 hours on clock-change days.
    """
    start = datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz).astimezone(UTC)
    return start, end
