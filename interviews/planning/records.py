"""The planner's plain-data records: what goes in and what comes out."""

from __future__ import annotations

from dataclasses import dataclass

BALANCED = "balanced"
TECHNICAL = "technical"
LEADERSHIP = "leadership"
EMPHASES = (BALANCED, TECHNICAL, LEADERSHIP)


@dataclass(frozen=True)
class BankQuestion:
    """A bank question that could be planned into the stage.

    ``technical``: it probes technical ground (the builder sets it for a question of the
    technical kind or one that lists technologies); otherwise it is a leadership and
    people question. ``family``: its own title and the title of the question it was
    forked from; two questions sharing one (a fork and its original, or two forks of
    one question) probe the same ground.
    """

    id: int
    title: str
    minutes: int
    primary: str
    secondary: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    technologies: frozenset[str] = frozenset()
    technical: bool = False
    family: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Wanted:
    """A competency the stage should assess; critical doubles its importance."""

    key: str
    name: str
    critical: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class PlannedItem:
    """One question of a suggestion; ``must_ask=False`` means "if time allows".

    A backup replaces another question when its condition holds, so it is neither
    must-ask nor counted in the minutes.
    """

    question_id: int
    must_ask: bool
    minutes: int = 0
    is_backup: bool = False
    backup_condition: str = ""


@dataclass(frozen=True)
class SharedGround:
    """Ground two or more questions of a set probe: a topic, a technology or a family.

    ``kind`` is "topic" (a tag), "family" (forks of one question) or "technology".
    """

    label: str
    question_ids: tuple[int, ...]
    kind: str = "topic"


@dataclass(frozen=True)
class Suggestion:
    """One alternative question set for the stage, in asking order, described.

    ``summary`` is one sentence about this set alone; ``twice``, ``left_out``,
    ``secondary_only`` and ``shared`` are what a recruiter compares sets by, by
    competency name; ``distinct`` says what sets it apart from the other options.
    """

    items: tuple[PlannedItem, ...]
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    must_ask_minutes: int
    total_minutes: int
    overlaps: tuple[str, ...]
    score: float
    summary: str
    budget: int = 0
    twice: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    secondary_only: tuple[str, ...] = ()
    shared: tuple[SharedGround, ...] = ()
    distinct: str = ""

    @property
    def extra_minutes(self) -> int:
        """Minutes of the if-time-allows questions (beyond the must-ask plan)."""
        return self.total_minutes - self.must_ask_minutes
