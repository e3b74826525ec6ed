"""Does an interview score go with later performance? Correlations and their intervals.

Pure computation over plain numbers (CONVENTIONS), so the validity page, the bench and
the tests share one implementation; every figure is checked against scipy in
tests/outcomes/test_validity_stats.py.

- Pearson's r, and Spearman's rho (Pearson's r of the average ranks: ties share a rank).
- 95 % intervals by Fisher's (1921) z = atanh(r): z ± 1.96·SE, back through tanh. For
  Pearson SE = 1/sqrt(n − 3), which is what scipy's `pearsonr(...).confidence_interval()`
  uses. For Spearman the Fisher SE is too narrow (ranks are not bivariate normal):
  Bonett & Wright (2000, Psychometrika 65(1), 23–28) give SE = sqrt((1 + rho²/2)/(n − 3)),
  which keeps its coverage better than Fieller, Hartley & Pearson's (1957) 1.06/(n − 3)
  for the moderate correlations interviews show.
- Thorndike's (1949) Case II correction for direct range restriction (Hunter & Schmidt
  2004, ch. 3): r_c = u·r / sqrt(1 + r²(u² − 1)), u = SD of the predictor among everyone
  interviewed / SD among the hires. Its assumption: hires were chosen on this very score
  (direct selection) and the relation is linear with equal spread at every score. It is
  a correction, an estimate of what r would be had everyone been hired, not a
  measurement; the interval is corrected end by end (Hunter & Schmidt: the transformation
  is monotone, u taken as known).

A reading is judged on Pearson's interval only: "predicts" only when the whole interval
lies above zero (and not wholly below .10); an interval that contains zero is never
called predictive.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from statistics import NormalDist

import numpy as np
from scipy.stats import t as student_t

from scoring.correlation import fisher_interval, pearson, pearson_se

LEVEL = 0.95
Z = NormalDist().inv_cdf(0.5 + LEVEL / 2)
# Below this many hires no figure at all: a Fisher interval needs n > 3, and with fewer
# than ten pairs one hire moves r by tenths. Per interviewer and per question, rows below
# it are hidden (their count is shown).
MIN_HIRES = 10
# Below this the page warns that the interval is wide: at n = 30 an r of .30 still has an
# interval from −.07 to .59.
SMALL_N = 30
# From this u on the page says selection was strong: the observed r is then well below
# what the whole pool would show (Case II adds over 40 % to an r of .30 at u = 1.5).
STRONG_RESTRICTION = 1.5
# An interval wholly within ±.10 is "too weak to matter", whichever side of zero: Cohen's
# (1988) "small" correlation is .10, and at thousands of hires an r of −.03 is significant
# without meaning anything (selecting on a sum of scores alone makes an irrelevant
# competency correlate slightly negatively among the hires: bench/validity_bench.py).
NEGLIGIBLE = 0.10


class Reading(StrEnum):
    """What Pearson's interval says, in the page's words."""

    PREDICTS = "predicts later performance"
    REVERSED = "higher scores go with lower performance"
    NEGLIGIBLE = "too weak to matter"
    UNCLEAR = "no clear relation yet"
    TOO_FEW = "too few hires"
    NO_SPREAD = "scores do not vary"


@dataclass(frozen=True)
class Estimate:
    """A correlation with its 95 % interval."""

    r: float
    low: float
    high: float

    @property
    def contains_zero(self) -> bool:
        return self.low <= 0 <= self.high


@dataclass(frozen=True)
class Validity:
    """One predictor against later performance among the hires.

    `pearson`, `spearman` are None below MIN_HIRES or without spread; `u` is None without a
    spread among everyone interviewed or among the hires, and `corrected` (Case II) also
    when u < 1.
    """

    n: int
    pearson: Estimate | None
    spearman: Estimate | None
    u: float | None
    corrected: Estimate | None
    reading: Reading
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def predicts(self) -> bool:
        return self.reading == Reading.PREDICTS


def average_ranks(values: Sequence[float]) -> np.ndarray:
    """Ranks from 1, ties sharing the mean of the ranks they span (scipy's "average")."""
    a = np.asarray(values, dtype=float)
    order = np.argsort(a, kind="mergesort")
    sorted_values = a[order]
    # Each run of equal values: its first and last position in sorted order.
    starts = np.r_[True, sorted_values[1:] != sorted_values[:-1]]
    run = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    last = np.r_[first[1:], a.size] - 1
    ranks = np.empty(a.size)
    ranks[order] = (first[run] + last[run]) / 2 + 1
    return ranks


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho: Pearson's r of the average ranks."""
    if len(x) < 2:
        return None
    return pearson(average_ranks(x), average_ranks(y))


def spearman_se(rho: float, n: int) -> float:
    """Bonett & Wright's (2000) standard error of atanh(rho): sqrt((1 + rho²/2)/(n − 3))."""
    return math.sqrt((1 + rho * rho / 2) / (n - 3))


def case_ii(r: float, u: float) -> float:
    """Thorndike's Case II: r_c = u·r / sqrt(1 + r²(u² − 1)); u = SD_all / SD_hired."""
    return u * r / math.sqrt(1 + r * r * (u * u - 1))


def sample_sd(values: Sequence[float]) -> float | None:
    """The sample standard deviation (n − 1); None with fewer than two values."""
    if len(values) < 2:
        return None
    return float(np.std(np.asarray(values, dtype=float), ddof=1))


def restriction_ratio(everyone: Sequence[float], hired: Sequence[float]) -> float | None:
    """u = SD among everyone interviewed / SD among the hires; None when either is 0."""
    sd_all, sd_hired = sample_sd(everyone), sample_sd(hired)
    if not sd_all or not sd_hired:
        return None
    return sd_all / sd_hired


def validity(
    scores: Sequence[float], performance: Sequence[float], everyone: Sequence[float]
) -> Validity:
    """Pearson and Spearman with intervals, u and Case II, and the reading.

    `scores` and `performance` are the hires' pairs; `everyone` the predictor for every
    application interviewed (hires included), for u.
    """
    n = len(scores)
    if n < MIN_HIRES:
        return Validity(n, None, None, None, None, Reading.TOO_FEW)
    r = pearson(scores, performance)
    rho = spearman(scores, performance)
    if r is None or rho is None:
        return Validity(n, None, None, None, None, Reading.NO_SPREAD)
    observed = Estimate(r, *fisher_interval(r, pearson_se(n)))
    ranked = Estimate(rho, *fisher_interval(rho, spearman_se(rho, n)))
    u = restriction_ratio(everyone, scores)
    corrected = None
    # Below 1 the hires vary more than the pool: not selected on this score, so Case II's
    # assumption fails and no corrected figure is given (the warning says why).
    if u is not None and u >= 1:
        corrected = Estimate(case_ii(r, u), case_ii(observed.low, u), case_ii(observed.high, u))
    return Validity(
        n, observed, ranked, u, corrected, reading_of(observed), validity_warnings(n, u)
    )


def reading_of(estimate: Estimate) -> Reading:
    """The interval's reading: too weak, predicts, reversed or unclear.

    Wholly within ±NEGLIGIBLE: too weak to matter; else wholly above zero: predicts;
    wholly below: reversed; straddling zero: unclear.
    """
    if estimate.low > -NEGLIGIBLE and estimate.high < NEGLIGIBLE:
        return Reading.NEGLIGIBLE
    if estimate.low > 0:
        return Reading.PREDICTS
    if estimate.high < 0:
        return Reading.REVERSED
    return Reading.UNCLEAR


def validity_warnings(n: int, u: float | None) -> tuple[str, ...]:
    """What to keep in mind before acting on the figure, in plain words."""
    warnings = []
    if n < SMALL_N:
        warnings.append(f"only {n} hires: a wide interval")
    if u is not None and u >= STRONG_RESTRICTION:
        warnings.append(
            f"hires were chosen on this score (u = {u:.1f}): r understates the whole pool's"
        )
    elif u is not None and u < 1:
        warnings.append("hires vary more than everyone interviewed: Case II does not apply")
    return tuple(warnings)


def carriers(results: Mapping[str, Validity]) -> list[str]:
    """The names whose whole interval lies above zero, most surely positive first.

    Ordered by the interval's lower end; overlapping intervals do not show that one
    predicts better than another, which the page says beside the list.
    """
    positive = [(v.pearson.low, name) for name, v in results.items() if v.predicts and v.pearson]
    return [name for _, name in sorted(positive, key=lambda item: -item[0])]


@dataclass(frozen=True)
class GroupMean:
    """A group's mean performance with its count and 95 % t interval (None below 2)."""

    n: int
    mean: float | None
    low: float | None
    high: float | None


def group_mean(
    values: Sequence[float], level: float = LEVEL, bounds: tuple[float, float] = (0.0, 1.0)
) -> GroupMean:
    """Mean with Student's t interval, mean ± t(n − 1)·sd/sqrt(n), clipped to `bounds`.

    Performance lies in 0..1, so an interval past either end (two or three hires) is cut
    at it rather than promising the impossible.
    """
    n = len(values)
    if n == 0:
        return GroupMean(0, None, None, None)
    mean = float(np.mean(values))
    sd = sample_sd(values)
    if sd is None:
        return GroupMean(n, mean, None, None)
    half = float(student_t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    low, high = bounds
    return GroupMean(n, mean, max(low, mean - half), min(high, mean + half))
