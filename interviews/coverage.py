"""Coverage of a loop: which stage assesses which competency, and what is wrong with it.

Plain data in, plain data out (no database): the builder feeds it what it has
loaded, the tests feed it hand-made loops.
"""

from dataclasses import dataclass, field
from itertools import combinations


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


def coverage_warnings(competencies, stages) -> list[Warning]:
    """Every problem of DESIGN's coverage rules, strong ones first."""
    matrix = coverage_matrix(competencies, stages)
    found = [
        *_thin_coverage(competencies, stages, matrix),
        *_overruns(stages),
        *_overlaps_in_stage(stages),
        *_overlaps_across_stages(stages),
    ]
    return sorted(found, key=lambda w: w.severity != "strong")


def _thin_coverage(competencies, stages, matrix) -> list[Warning]:
    warnings = []
    names = {s.id: s.name for s in stages}
    for competency in competencies:
        covering = [sid for sid, cell in matrix[competency.key].items() if cell.covered]
        if not covering and competency.critical:
            warnings.append(
                Warning(
                    "critical-uncovered",
                    "strong",
                    f"{competency.name} is critical but no stage assesses it.",
                    competencies=(competency.key,),
                )
            )
        elif len(covering) < 2:
            where = f"only {names[covering[0]]}" if covering else "no stage"
            warnings.append(
                Warning(
                    "thin-coverage",
                    "strong" if competency.critical else "mild",
                    f"{competency.name} is assessed by {where}: no independent second opinion.",
                    competencies=(competency.key,),
                    stages=tuple(covering),
                )
            )
    return warnings


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
