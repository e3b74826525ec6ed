"""Adverse-impact statistics over plain counts and scores; no database.

- Selection rate and impact ratio against the highest-rate group (29 CFR 1607.4(D):
  a ratio under four-fifths is the Uniform Guidelines' rule-of-thumb flag).
- Fisher's exact test (Fisher 1922), two-sided, summing every table at least as
  improbable as the one observed, as scipy.stats.fisher_exact does.
- A 95 % interval on the impact ratio by the Katz log method (Katz et al. 1978): the
  ratio's logarithm is taken as normal with variance 1/a − 1/n₁ + 1/c − 1/n₀.
- Cohen's d with the Hedges & Olkin (1985) large-sample standard error.
- Small-cell suppression with complementary suppression, checked by linear
  programming so that no hidden count can be worked out from what is shown.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import product

import numpy as np
from scipy.optimize import linprog
from scipy.special import gammaln

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal
FOUR_FIFTHS = 0.8
UNKNOWN = "unknown"  # the group of everyone who did not say (prefer not to, or no answer)


# --- Fisher's exact test -----------------------------------------------------------


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_exact(a: int, b: int, c: int, d: int) -> float:
    """Two-sided p of the 2×2 table [[a, b], [c, d]] (rows: groups; columns: selected, not).

    Conditional on both margins, `a` is hypergeometric; the p-value sums the
    probabilities of every table no more probable than the observed one (with a
    relative tolerance of 1e-7 for ties, as scipy does).
    """
    if min(a, b, c, d) < 0:
        raise ValueError("counts must be non-negative")
    row1, row2, col1 = a + b, c + d, a + c
    n = row1 + row2
    if row1 == 0 or row2 == 0 or col1 == 0 or col1 == n:
        return 1.0
    base = _log_choose(n, col1)
    x = np.arange(max(0, col1 - row2), min(row1, col1) + 1, dtype=float)
    # log P(x) for every table with these margins at once (bench-sized groups: thousands).
    log_p = (
        gammaln(row1 + 1)
        - gammaln(x + 1)
        - gammaln(row1 - x + 1)
        + gammaln(row2 + 1)
        - gammaln(col1 - x + 1)
        - gammaln(row2 - col1 + x + 1)
        - base
    )
    observed = _log_choose(row1, a) + _log_choose(row2, col1 - a) - base
    cutoff = observed + math.log1p(1e-7)
    total = math.fsum(np.exp(log_p[log_p <= cutoff]))
    return min(1.0, total)


# --- Impact ratios -----------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    value: float
    low: float | None  # None: no interval (a group with nobody selected; see katz_interval)
    high: float | None
    p_value: float
    flagged: bool  # under four-fifths


def ratio_reading(ratio: Ratio | None) -> str:
    """Plain words judged on the interval, not on the ratio alone."""
    if ratio is None:
        return ""
    if ratio.flagged:
        if ratio.high is not None and ratio.high < FOUR_FIFTHS:
            return "Below four-fifths, and so is the whole interval."
        return "Below four-fifths, but the interval reaches 0.8: not clear at this size."
    if ratio.low is None or ratio.low < FOUR_FIFTHS:
        return "At or above four-fifths, but the interval reaches below 0.8."
    return "At or above four-fifths, and so is the whole interval."


def selection_rate(selected: int, considered: int) -> float | None:
    return selected / considered if considered else None


def katz_interval(a: int, n1: int, c: int, n0: int, z: float = Z95) -> tuple[float, float] | None:
    """The Katz log interval on (a/n1)/(c/n0); None when a or c is 0 (the log is undefined)."""
    if a == 0 or c == 0 or n1 == 0 or n0 == 0:
        return None
    ratio = (a / n1) / (c / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n0)
    return ratio * math.exp(-z * se), ratio * math.exp(z * se)


def impact_ratio(a: int, n1: int, c: int, n0: int) -> Ratio | None:
    """Group (a selected of n1) against the reference group (c of n0); None if undefined."""
    if n1 == 0 or n0 == 0 or c == 0:
        return None
    value = (a / n1) / (c / n0)
    interval = katz_interval(a, n1, c, n0)
    return Ratio(
        value=value,
        low=interval[0] if interval else None,
        high=interval[1] if interval else None,
        p_value=fisher_exact(a, n1 - a, c, n0 - c),
        flagged=value < FOUR_FIFTHS,
    )


def reference_group(rates: dict[str, tuple[int, int]]) -> str | None:
    """The group with the highest selection rate (ties: the larger group, then by key).

    `rates`: group -> (selected, considered), only the groups that may be shown.
    """
    candidates = [(k / n, n, g) for g, (k, n) in rates.items() if n > 0]
    if not candidates:
        return None
    best = max(candidates, key=lambda item: (item[0], item[1], [-ord(ch) for ch in item[2]]))
    return best[2] if best[0] > 0 else None


# --- Standardised mean difference --------------------------------------------------


@dataclass(frozen=True)
class MeanDifference:
    d: float
    low: float
    high: float
    n1: int
    n0: int


def cohens_d(group: Sequence[float], reference: Sequence[float]) -> MeanDifference | None:
    """(mean group − mean reference) / pooled SD, with its 95 % interval.

    SE (Hedges & Olkin 1985, large-sample): sqrt((n1 + n0) / (n1·n0) + d² / (2(n1 + n0))).
    None when either group has fewer than two scores or the pooled SD is 0.
    """
    n1, n0 = len(group), len(reference)
    if n1 < 2 or n0 < 2:
        return None
    m1, m0 = math.fsum(group) / n1, math.fsum(reference) / n0
    ss1 = math.fsum((x - m1) ** 2 for x in group)
    ss0 = math.fsum((x - m0) ** 2 for x in reference)
    pooled = math.sqrt((ss1 + ss0) / (n1 + n0 - 2))
    if pooled == 0:
        return None
    d = (m1 - m0) / pooled
    se = math.sqrt((n1 + n0) / (n1 * n0) + d * d / (2 * (n1 + n0)))
    return MeanDifference(d=d, low=d - Z95 * se, high=d + Z95 * se, n1=n1, n0=n0)


# --- Suppression -------------------------------------------------------------------
#
# The micro table: how many applications have each combination of answers (one value
# per dimension, UNKNOWN included) and each furthest step (0 = not past the first
# step, s = past the first s steps). Every count a page or CSV shows is a sum of its
# cells: a group's applicants (`step=None`) or those it had selected past step s.


@dataclass(frozen=True)
class Figure:
    table: tuple[str, ...]  # the dimensions of the table: (), ("sex",), ("sex", "race")
    group: tuple[str, ...]  # one value per dimension of the table; () for the total
    step: int | None  # None: applicants; s: selected past step s (0-based)


Cell = tuple[tuple[str, ...], int]  # (a value per dimension, the furthest step)


@dataclass(frozen=True)
class Layout:
    """The dimensions (in order) with their values, and how many steps there are."""

    dimensions: tuple[tuple[str, tuple[str, ...]], ...]
    steps: int

    @property
    def tables(self) -> list[tuple[str, ...]]:
        names = tuple(name for name, _ in self.dimensions)
        singles = [(name,) for name in names]
        return singles + ([names] if len(names) > 1 else [])

    def values(self, table: tuple[str, ...]) -> list[tuple[str, ...]]:
        by_name = dict(self.dimensions)
        return list(product(*(by_name[name] for name in table)))

    def cells(self) -> list[Cell]:
        combos = product(*(values for _, values in self.dimensions))
        return [(combo, s) for combo in combos for s in range(self.steps + 1)]

    def figures(self) -> list[Figure]:
        found = [Figure((), (), None), *(Figure((), (), s) for s in range(self.steps))]
        for table in self.tables:
            for group in self.values(table):
                found.append(Figure(table, group, None))
                found += [Figure(table, group, s) for s in range(self.steps)]
        return found


def membership(layout: Layout) -> tuple[list[Figure], list[Cell], np.ndarray]:
    """Every figure, every cell, and which cells each figure adds up (a 0/1 matrix)."""
    figures, cells = layout.figures(), layout.cells()
    names = [name for name, _ in layout.dimensions]
    combos = np.array([combo for combo, _ in cells], dtype=object).reshape(len(cells), -1)
    furthest = np.array([s for _, s in cells])
    matrix = np.ones((len(figures), len(cells)), dtype=bool)
    for i, figure in enumerate(figures):
        for dimension, value in zip(figure.table, figure.group, strict=True):
            matrix[i] &= combos[:, names.index(dimension)] == value
        if figure.step is not None:
            matrix[i] &= furthest > figure.step
    return figures, cells, matrix


def figure_values(layout: Layout, counts: dict[Cell, int]) -> dict[Figure, int]:
    figures, cells, matrix = membership(layout)
    totals = matrix.astype(np.int64) @ np.array([counts.get(c, 0) for c in cells], dtype=np.int64)
    return dict(zip(figures, (int(t) for t in totals), strict=True))


def primary_hidden(layout: Layout, values: dict[Figure, int], minimum: int) -> set[Figure]:
    """Counts of 1 to minimum − 1 people: a group's applicants (then its whole row), its
    selected, or its not selected (applicants − selected, which the row would give)."""
    hidden: set[Figure] = set()
    for figure, value in values.items():
        if not figure.table:
            continue
        if figure.step is None:
            if 0 < value < minimum:
                hidden |= row(layout, figure)
            continue
        rest = values[Figure(figure.table, figure.group, None)] - value
        if 0 < value < minimum or 0 < rest < minimum:
            hidden.add(figure)
    return hidden


def row(layout: Layout, figure: Figure) -> set[Figure]:
    """A group's applicants and every step's selected: hidden together."""
    return {Figure(figure.table, figure.group, s) for s in (None, *range(layout.steps))}


def lines(layout: Layout) -> list[tuple[Figure, list[Figure]]]:
    """(total, parts) that add up: a table's groups to the overall total; in a table of
    two dimensions, one value's groups to that value's count in its own table."""
    found = []
    for table in layout.tables:
        groups = layout.values(table)
        for step in (None, *range(layout.steps)):
            found.append((Figure((), (), step), [Figure(table, g, step) for g in groups]))
            if len(table) < 2:
                continue
            for position, dimension in enumerate(table):
                for value in dict(layout.dimensions)[dimension]:
                    parts = [Figure(table, g, step) for g in groups if g[position] == value]
                    found.append((Figure((dimension,), (value,), step), parts))
    return found


def cost(layout: Layout, figure: Figure) -> int:
    """What hiding a figure costs the reader: an intersection's least, then a step's
    total, then a category's own figures; the number of applicants never hides."""
    if not figure.table:
        return 1 if figure.step is not None else 99
    return 0 if len(figure.table) > 1 else 2


def hide(layout: Layout, figure: Figure) -> set[Figure]:
    """A group's applicants hide with its whole row; any other figure alone."""
    return row(layout, figure) if figure.table and figure.step is None else {figure}


def complete_lines(layout: Layout, values: dict[Figure, int], hidden: set[Figure]) -> set[Figure]:
    """No line (total and parts) with exactly one hidden figure: the rest would give it.

    The one hidden next is the cheapest to lose (`cost`), then one that is not merely
    between two equal shown counts (`sandwiched`), then the smallest.
    """
    hidden = set(hidden)
    changed = True
    while changed:
        changed = False
        for total, parts in lines(layout):
            members = [total, *parts]
            if sum(f in hidden for f in members) != 1:
                continue
            shown = [f for f in members if f not in hidden and cost(layout, f) < 99]
            if not shown:
                continue
            extra = min(
                shown,
                key=lambda f: (
                    cost(layout, f),
                    sandwiched(layout, values, f),
                    values[f],
                    f.group,
                ),
            )
            hidden |= hide(layout, extra)
            changed = True
    return hidden


def sandwiched(layout: Layout, values: dict[Figure, int], figure: Figure) -> bool:
    """A step's count equal to the step before's (or the applicants) or the step after's:
    hiding it alone hides nothing, since it lies between two shown equal counts."""
    if figure.step is None or not figure.table:
        return False
    before = Figure(figure.table, figure.group, figure.step - 1 if figure.step else None)
    after = Figure(figure.table, figure.group, figure.step + 1)
    value = values[figure]
    return values[before] == value or values.get(after, -1) == value


def disclosed(layout: Layout, values: dict[Figure, int], hidden: set[Figure]) -> list[Figure]:
    """Hidden positive counts that the shown counts pin down exactly.

    The feasible micro tables given the shown counts form a polytope; a hidden count
    is safe when it can be at least one less or one more than it is somewhere in it
    (a linear program each way, stopping at the first that succeeds).
    """
    figures, _, matrix = membership(layout)
    shown = [i for i, f in enumerate(figures) if f not in hidden]
    a_eq = matrix[shown].astype(float)
    b_eq = np.array([float(values[figures[i]]) for i in shown])
    found = []
    for i, figure in enumerate(figures):
        value = values[figure]
        if figure not in hidden or value <= 0:
            continue
        target = matrix[i].astype(float)
        low = linprog(target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and low.fun <= value - 1 + 1e-9:
            continue
        high = linprog(-target, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if high.status == 0 and -high.fun >= value + 1 - 1e-9:
            continue
        found.append(figure)
    return found


def suppress(layout: Layout, counts: dict[Cell, int], minimum: int) -> set[Figure]:
    """The figures to hide: primary, then complementary until nothing hidden is disclosed.

    The number of applicants always shows; a step's total may hide (rather than a
    group). When the linear programs still find a hidden count pinned down, one more
    figure of its step is hidden (`widen`), until none is.
    """
    values = figure_values(layout, counts)
    hidden = complete_lines(layout, values, primary_hidden(layout, values, minimum))
    while found := disclosed(layout, values, hidden):
        # One more figure for each disclosed one at once: each round costs linear programs.
        more = set().union(*(widen(layout, values, hidden, figure) for figure in found))
        wider = complete_lines(layout, values, hidden | more)
        if wider == hidden:
            # The applicants' total alone never pins down a group: each may be 0 to it.
            return {f for f in values if cost(layout, f) < 99}
        hidden = wider
    return hidden


def widen(layout: Layout, values, hidden: set[Figure], figure: Figure) -> set[Figure]:
    """One more figure to hide for a disclosed `figure`: of the same step (applicants or
    selected past it) the cheapest to lose, then the smallest."""
    candidates = [f for f in values if f not in hidden and cost(layout, f) < 99]
    near = [f for f in candidates if f.step == figure.step] or candidates
    if not near:
        return set()
    extra = min(
        near,
        key=lambda f: (
            cost(layout, f),
            f.table != figure.table,
            sandwiched(layout, values, f),
            values[f],
            f.group,
        ),
    )
    return hide(layout, extra)


def counts_of(records: Iterable[tuple[tuple[str, ...], int]]) -> dict[Cell, int]:
    """The micro table of (answers, furthest step) records."""
    counts: dict[Cell, int] = {}
    for combo, furthest in records:
        counts[(combo, furthest)] = counts.get((combo, furthest), 0) + 1
    return counts
