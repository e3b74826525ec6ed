"""Coverage of a loop: which stage assesses which competency, and what is wrong with it.

Plain data in, plain data out (no database): the builder feeds it what it has
loaded, the tests feed it hand-made loops.

A competency's coverage counts independent opinions, not stages (DESIGN.md, coverage
matrix): a stage sat by a panel of three interviewers, each on their own scorecard,
gives three (seed 002's design: one 30-minute stage, three interviewers). At design
time nobody is assigned yet, so different stages are counted as different people;
the committee page counts the people who actually scored (scoring.aggregate). A loop
may demand that the second opinion come from another stage.
"""

from dataclasses import dataclass, field
from itertools import combinations

# An independent second opinion: DESIGN.md's coverage rule.
MIN_OPINIONS = 2


@dataclass(frozen=True)
class CompetencyInfo:
    key: str
    name: str
    critical: bool = False


@dataclass(frozen=True)
class ItemInfo:
    """A planned question as coverage sees it."""

    planned_id: int
    title: str
    minutes: int
    primary: str
    secondary: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    technologies: frozenset[str] = frozenset()
    must_ask: bool = True
    is_backup: bool = False

    def covers(self) -> dict[str, str]:
        """competency key -> "primary" | "secondary"."""
        return {**{key: "secondary" for key in self.secondary}, self.primary: "primary"}

    def ground(self) -> frozenset[str]:
        """What it probes: its topic tags, or its technologies when it has no tags.

        Tags state the ground precisely. "Technologies that may be mentioned" are
        broad: seed 002's final set shares Terraform across three questions the
        hiring manager chose because they do not overlap. So technologies speak
        only for a question without tags.
        """
        if self.tags:
            return frozenset(f"#{t}" for t in self.tags)
        return frozenset(t.casefold() for t in self.technologies)


@dataclass(frozen=True)
class StageInfo:
    id: int
    name: str
    minutes_available: int
    items: tuple[ItemInfo, ...] = ()
    panel_size: int = 1  # interviewers scoring the stage independently

    def counted(self) -> tuple[ItemInfo, ...]:
        """The questions that count: a backup replaces another, so it adds nothing."""
        return tuple(i for i in self.items if not i.is_backup)

    def must_ask_minutes(self) -> int:
        return sum(i.minutes for i in self.counted() if i.must_ask)


@dataclass(frozen=True)
class Cell:
    """Who covers one competency in one stage."""

    primary: tuple[str, ...] = ()
    secondary: tuple[str, ...] = ()

    @property
    def covered(self) -> bool:
        return bool(self.primary or self.secondary)


@dataclass(frozen=True)
class Opinions:
    """How many independent opinions a competency gets, and from which stages."""

    stages: tuple[int, ...] = ()  # the stages assessing it, in loop order
    interviewers: int = 0  # the sum of their panel sizes

    def enough(self, *, another_stage: bool = False) -> bool:
        """Two opinions at least; from two stages too when the loop demands it."""
        if self.interviewers < MIN_OPINIONS:
            return False
        return not another_stage or len(self.stages) >= MIN_OPINIONS


@dataclass(frozen=True)
class Warning:
    kind: str  # thin-coverage | critical-uncovered | overrun | overlap-stage | overlap-loop
    severity: str  # "strong" | "mild"
    message: str
    competencies: tuple[str, ...] = ()
    stages: tuple[int, ...] = ()
    planned: tuple[int, ...] = field(default=())


def coverage_matrix(competencies, stages) -> dict[str, dict[int, Cell]]:
    """competency key -> stage id -> the titles covering it there (primary, secondary)."""
    matrix: dict[str, dict[int, Cell]] = {}
    for competency in competencies:
        row = {}
        for stage in stages:
            primary, secondary = [], []
            for item in stage.counted():
                how = item.covers().get(competency.key)
                if how == "primary":
                    primary.append(item.title)
                elif how == "secondary":
                    secondary.append(item.title)
            row[stage.id] = Cell(tuple(primary), tuple(secondary))
        matrix[competency.key] = row
    return matrix


def opinions(competencies, stages, matrix=None) -> dict[str, Opinions]:
    """competency key -> the stages assessing it and the interviewers they plan."""
    matrix = coverage_matrix(competencies, stages) if matrix is None else matrix
    found = {}
    for competency in competencies:
        covering = [s for s in stages if matrix[competency.key][s.id].covered]
        found[competency.key] = Opinions(
            stages=tuple(s.id for s in covering),
            interviewers=sum(s.panel_size for s in covering),
        )
    return found


def coverage_warnings(competencies, stages, *, another_stage: bool = False) -> list[Warning]:
    """Every problem of DESIGN's coverage rules, strong ones first.

    `another_stage`: the loop demands the second opinion come from another stage
    (Loop.second_opinion_from_another_stage).
    """
    matrix = coverage_matrix(competencies, stages)
    found = [
        *_thin_coverage(competencies, stages, matrix, another_stage=another_stage),
        *_overruns(stages),
        *_overlaps_in_stage(stages),
        *_overlaps_across_stages(stages),
    ]
    return sorted(found, key=lambda w: w.severity != "strong")


def _thin_coverage(competencies, stages, matrix, *, another_stage: bool) -> list[Warning]:
    warnings = []
    names = {s.id: s.name for s in stages}
    counted = opinions(competencies, stages, matrix)
    for competency in competencies:
        seen = counted[competency.key]
        if not seen.stages and competency.critical:
            warnings.append(
                Warning(
                    "critical-uncovered",
                    "strong",
                    f"{competency.name} is critical but no stage assesses it.",
                    competencies=(competency.key,),
                )
            )
        elif not seen.enough(another_stage=another_stage):
            warnings.append(
                Warning(
                    "thin-coverage",
                    "strong" if competency.critical else "mild",
                    thin_message(competency.name, seen, names, another_stage=another_stage),
                    competencies=(competency.key,),
                    stages=seen.stages,
                )
            )
    return warnings


def thin_message(name: str, seen: Opinions, names: dict[int, str], *, another_stage: bool) -> str:
    """Why one competency lacks a second opinion, and what would give it one, in plain words."""
    if not seen.stages:
        return f"{name} is assessed by no stage: no opinion on it at all."
    where = ", ".join(names[sid] for sid in seen.stages)
    who = f"{seen.interviewers} interviewer{'s' if seen.interviewers != 1 else ''}"
    if seen.interviewers < MIN_OPINIONS:
        return (
            f"{name} is assessed by {who} ({where}): no independent second opinion. "
            f"Plan it in another stage too (each stage is counted as different people) "
            f"or plan a panel of two for {where}."
        )
    return (
        f"{name} is assessed by {who}, all in {where}: this loop asks for the second "
        f"opinion from another stage. Plan it in another stage too."
    )


def _overruns(stages) -> list[Warning]:
    return [
        Warning(
            "overrun",
            "strong",
            f"{s.name}: must-ask questions take {s.must_ask_minutes()} min but only "
            f"{s.minutes_available} are available after the buffer.",
            stages=(s.id,),
            planned=tuple(i.planned_id for i in s.counted() if i.must_ask),
        )
        for s in stages
        if s.must_ask_minutes() > s.minutes_available
    ]


def _shared_ground(a: ItemInfo, b: ItemInfo) -> list[str]:
    return sorted(a.ground() & b.ground())


def _overlaps_in_stage(stages) -> list[Warning]:
    warnings = []
    for stage in stages:
        for a, b in combinations(stage.counted(), 2):
            if shared := _shared_ground(a, b):
                warnings.append(
                    Warning(
                        "overlap-stage",
                        "strong",
                        f"{stage.name}: “{a.title}” and “{b.title}” probe the same ground "
                        f"({', '.join(shared)}).",
                        stages=(stage.id,),
                        planned=(a.planned_id, b.planned_id),
                    )
                )
    return warnings


def _overlaps_across_stages(stages) -> list[Warning]:
    placed = [(stage, item) for stage in stages for item in stage.counted()]
    warnings = []
    for (stage_a, a), (stage_b, b) in combinations(placed, 2):
        if stage_a.id != stage_b.id and (shared := _shared_ground(a, b)):
            warnings.append(
                Warning(
                    "overlap-loop",
                    "mild",
                    f"“{a.title}” ({stage_a.name}) and “{b.title}” ({stage_b.name}) "
                    f"probe the same ground ({', '.join(shared)}).",
                    stages=(stage_a.id, stage_b.id),
                    planned=(a.planned_id, b.planned_id),
                )
            )
    return warnings
