"""The adverse-impact report from a cohort's plain data: tables per step, the
standardised score differences and the LL144 CSV rows, with every hidden count hidden.

Pure: no database. `outcomes.fairness.data` assembles the Cohort.
"""

from dataclasses import dataclass, field

from . import stats

SUPPRESSED = "suppressed"
INTERSECTION = "intersection"


@dataclass
class Category:
    key: str
    label: str
    options: list[tuple[str, str]]  # (key, label), "unknown" last


@dataclass
class Cohort:
    """One loop key and year: each application's answers, furthest step and scores."""

    categories: list[Category]
    steps: list[str]  # labels, in order
    answers: dict[int, tuple[str, ...]] = field(default_factory=dict)  # one per category
    furthest: dict[int, int] = field(default_factory=dict)  # steps passed
    scores: dict[int, dict[int, float]] = field(default_factory=dict)  # competency -> app
    competencies: dict[int, str] = field(default_factory=dict)
    excluded: int = 0  # left out: the viewer owes their own scorecard on them
    responded: int = 0

    @property
    def layout(self) -> stats.Layout:
        return stats.Layout(
            tuple((c.key, tuple(key for key, _ in c.options)) for c in self.categories),
            len(self.steps),
        )

    def counts(self) -> dict[stats.Cell, int]:
        return stats.counts_of((self.answers[pk], self.furthest[pk]) for pk in self.furthest)


@dataclass
class Row:
    label: str
    unknown: bool
    considered: int | None  # None: suppressed
    selected: int | None
    rate: float | None = None
    ratio: stats.Ratio | None = None
    reference: bool = False

    @property
    def hidden(self) -> bool:
        return self.considered is None or self.selected is None

    @property
    def reading(self) -> str:
        return stats.ratio_reading(self.ratio)


@dataclass
class Table:
    key: str  # a category key or INTERSECTION
    title: str
    rows: list[Row]
    reference: str | None  # the reference group's label


@dataclass
class Step:
    index: int
    label: str
    selected: int | None  # None: suppressed (it would give a hidden group's count away)
    rate: float | None
    tables: list[Table]


@dataclass
class Difference:
    label: str
    n: int
    result: stats.MeanDifference | None
    why: str = ""


@dataclass
class CompetencyDifferences:
    competency: str
    category: str
    reference: str | None
    reference_n: int
    rows: list[Difference]


@dataclass
class Report:
    total: int
    responded: int
    excluded: int
    minimum: int
    steps: list[Step]
    differences: list[CompetencyDifferences]
    hidden_count: int


def labels(cohort: Cohort, table: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    by_key = {c.key: dict(c.options) for c in cohort.categories}
    layout = cohort.layout
    return {
        group: " × ".join(by_key[dim][value] for dim, value in zip(table, group, strict=True))
        for group in layout.values(table)
    }


def step_table(cohort, table, step, values, hidden) -> Table:
    """One table (a category or the intersection) at one step."""
    names = labels(cohort, table)
    rows: dict[tuple[str, ...], Row] = {}
    for group, label in names.items():
        n_fig = stats.Figure(table, group, None)
        k_fig = stats.Figure(table, group, step)
        n = None if n_fig in hidden else values[n_fig]
        k = None if k_fig in hidden or n is None else values[k_fig]
        row = Row(label, stats.UNKNOWN in group, n, k)
        if n is not None and k is not None:
            row.rate = stats.selection_rate(k, n)
        rows[group] = row
    known = {
        g: (r.selected, r.considered) for g, r in rows.items() if not r.unknown and not r.hidden
    }
    reference = stats.reference_group({"|".join(g): v for g, v in known.items()})
    ref_group = tuple(reference.split("|")) if reference else None
    if ref_group:
        c, n0 = known[ref_group]
        rows[ref_group].reference = True
        for group, (a, n1) in known.items():
            rows[group].ratio = stats.impact_ratio(a, n1, c, n0)
    title = (
        " × ".join(c.label for c in cohort.categories)
        if len(table) > 1
        else next(c.label for c in cohort.categories if c.key == table[0])
    )
    return Table(
        key=INTERSECTION if len(table) > 1 else table[0],
        title=title,
        rows=list(rows.values()),
        reference=names[ref_group] if ref_group else None,
    )


def differences(cohort: Cohort, values, hidden, minimum: int) -> list[CompetencyDifferences]:
    """Per competency and category: Cohen's d of each shown group against the reference.

    The reference is the shown, known group with the most scored applications. A group
    needs at least `minimum` scored, and its unscored either none or at least `minimum`
    (so neither count names fewer people than the rule allows).
    """
    found = []
    for index, category in enumerate(cohort.categories):
        shown = [
            key
            for key, _ in category.options
            if key != stats.UNKNOWN and stats.Figure((category.key,), (key,), None) not in hidden
        ]
        names = dict(category.options)
        for competency, name in cohort.competencies.items():
            scores = cohort.scores.get(competency, {})
            by_group: dict[str, list[float]] = {key: [] for key in shown}
            for app, score in scores.items():
                group = cohort.answers.get(app, ())[index : index + 1]
                if group and group[0] in by_group:
                    by_group[group[0]].append(score)
            usable = [
                key
                for key in shown
                if comparable(
                    len(by_group[key]),
                    values[stats.Figure((category.key,), (key,), None)],
                    minimum,
                )
            ]
            if not usable:
                continue
            reference = max(usable, key=lambda key: (len(by_group[key]), key))
            rows = []
            for key in usable:
                if key == reference:
                    continue
                result = stats.cohens_d(by_group[key], by_group[reference])
                why = "" if result else "no spread in the scores"
                rows.append(Difference(names[key], len(by_group[key]), result, why))
            found.append(
                CompetencyDifferences(
                    name, category.label, names[reference], len(by_group[reference]), rows
                )
            )
    return found


def comparable(scored: int, applicants: int, minimum: int) -> bool:
    """At least `minimum` scored, and the unscored either none or at least `minimum`."""
    unscored = applicants - scored
    return scored >= minimum and (unscored == 0 or unscored >= minimum)


def build(cohort: Cohort, minimum: int, suppress=stats.suppress) -> Report:
    """`suppress(layout, counts, minimum)`: stats.suppress, or a cached one (same answer)."""
    layout = cohort.layout
    counts = cohort.counts()
    values = stats.figure_values(layout, counts)
    hidden = suppress(layout, counts, minimum) if cohort.furthest else set()
    total = values[stats.Figure((), (), None)]
    steps = []
    for index, label in enumerate(cohort.steps):
        total_figure = stats.Figure((), (), index)
        selected = None if total_figure in hidden else values[total_figure]
        steps.append(
            Step(
                index=index,
                label=label,
                selected=selected,
                rate=None if selected is None else stats.selection_rate(selected, total),
                tables=[step_table(cohort, t, index, values, hidden) for t in layout.tables],
            )
        )
    return Report(
        total=total,
        responded=cohort.responded,
        excluded=cohort.excluded,
        minimum=minimum,
        steps=steps,
        differences=differences(cohort, values, hidden, minimum),
        hidden_count=len(hidden),
    )


# --- The LL144 bias-audit table -----------------------------------------------------

CSV_HEADER = [
    "Step",
    "Table",
    "Category",
    "Number of applicants",
    "Number selected",
    "Selection rate",
    "Impact ratio",
    "Impact ratio 95% low (Katz log)",
    "Impact ratio 95% high (Katz log)",
    "Fisher exact p (two-sided)",
    "Below four-fifths",
]


def _number(value, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def csv_rows(report: Report) -> list[list[str]]:
    """One row per step, table and category, as NYC LL144 bias audits lay them out
    (category, number of applicants, number selected, selection rate, impact ratio),
    the unknown category on its own row without a ratio, and a total per step."""
    rows = []
    for step in report.steps:
        for table in step.tables:
            for row in table.rows:
                if row.hidden:
                    considered = SUPPRESSED if row.considered is None else str(row.considered)
                    rows.append(
                        [step.label, table.title, row.label, considered]
                        + [SUPPRESSED] * 3
                        + [""] * 4
                    )
                    continue
                ratio = row.ratio
                rows.append(
                    [
                        step.label,
                        table.title,
                        row.label,
                        str(row.considered),
                        str(row.selected),
                        _number(row.rate),
                        _number(ratio.value if ratio else None),
                        _number(ratio.low if ratio else None),
                        _number(ratio.high if ratio else None),
                        _number(ratio.p_value if ratio else None, 4),
                        ("yes" if ratio.flagged else "no") if ratio else "",
                    ]
                )
        selected = SUPPRESSED if step.selected is None else str(step.selected)
        rate = SUPPRESSED if step.selected is None else _number(step.rate)
        rows.append([step.label, "All", "Total", str(report.total), selected, rate] + [""] * 5)
    return rows
