"""Which interviewers run lenient or harsh, late or on time: calibration over plain rows.

Pure computation (CONVENTIONS), so the recruiters' calibration page, its chart and
the bench share it. A view feeds it with two queries over the chosen loop and date
range: scorecards (`CalibrationScorecard`, shadows included, with each scorecard's
deadline = interview end + settings.REMINDER_FIRST_HOURS, see `scorecard_deadline`)
and the scores of those scorecards (`CalibrationRating`, one per scored rating).

Leniency (DESIGN.md, scoring): the mean, over all of an interviewer's scores, of
(their score − the mean of the rest of the panel's scores on the same application and
competency). Positive is lenient, negative severe. "The rest of the panel" is the
other people's submitted, non-shadow scores: a shadow's scores are compared with it
but never enter anyone's comparison, and an interviewer who met the candidate twice
is never compared with themself.

How sure (issue 11): each leniency comes with the number of distinct candidates
(applications) it rests on, its comparisons, and a 95 % interval. The comparisons on one
candidate are not independent (a rater who warms to a candidate scores every competency
up), so the candidate is the unit: the interval is the cluster-robust one for a mean —
the closed form of resampling candidates — with the Bell & McCaffrey (2002) small-sample
(CR2) correction and a Student t with (candidates − 1) degrees of freedom. It is exact
arithmetic (no random draws, so the page is reproducible), O(ratings) with np.bincount,
and, unlike a percentile bootstrap, keeps its 95 % with a handful of candidates (the
README gives the simulation). `Leniency.reading` turns it into words: lenient or severe
only when the whole interval lies beyond ±BAND, in line when it lies wholly within,
otherwise not enough evidence yet.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np

# The practical band: a quarter of a scale point either way is too small to act on — on
# a five-point scale it is the difference one rating in four one point higher makes. It
# is the project's choice (the page said "within ±0.25 in line" before intervals came),
# not a published threshold; an interval that straddles it decides nothing.
BAND = 0.25
LEVEL = 0.95
# Below this many candidates no label at all: with two or three candidates identical
# deviations (common on a five-point scale) give an interval of zero width, which would
# accuse or clear someone on two interviews. Five keeps the t interval's degrees of
# freedom at four or more.
MIN_CANDIDATES = 5


class Reading(StrEnum):
    """What a leniency interval says, in the page's words."""

    LENIENT = "lenient"
    SEVERE = "severe"
    IN_LINE = "in line"
    NOT_ENOUGH = "not enough evidence yet"
    NO_COMPARISON = "no comparison yet"


@dataclass(frozen=True)
class Leniency:
    """A mean deviation with what it rests on: candidates, comparisons and a 95 % interval.

    `mean` is None without any comparison; `low`/`high` are None with fewer than two
    candidates (no spread between candidates to measure).
    """

    mean: float | None
    low: float | None
    high: float | None
    candidates: int
    comparisons: int

    @property
    def reading(self) -> Reading:
        return leniency_reading(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": self.mean,
            "low": self.low,
            "high": self.high,
            "candidates": self.candidates,
            "comparisons": self.comparisons,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Leniency:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


NO_LENIENCY = Leniency(mean=None, low=None, high=None, candidates=0, comparisons=0)


def leniency_reading(leniency: Leniency, *, band: float = BAND) -> Reading:
    """Lenient/severe when the whole interval lies beyond ±band, in line when inside it."""
    if leniency.mean is None:
        return Reading.NO_COMPARISON
    if leniency.low is None or leniency.high is None or leniency.candidates < MIN_CANDIDATES:
        return Reading.NOT_ENOUGH
    if leniency.low > band:
        return Reading.LENIENT
    if leniency.high < -band:
        return Reading.SEVERE
    if -band <= leniency.low and leniency.high <= band:
        return Reading.IN_LINE
    return Reading.NOT_ENOUGH


@dataclass(frozen=True)
class CalibrationScorecard:
    """One assigned scorecard: who, on which application, in which role, when due and done."""

    scorecard_id: int
    interviewer_id: Hashable
    interviewer: str
    application_id: Hashable
    shadow: bool
    submitted_at: datetime | None
    deadline: datetime | None  # None: the interview has no end time yet


@dataclass(frozen=True)
class CalibrationRating:
    """One score on one competency of a scorecard (not-assessed ratings are left out)."""

    scorecard_id: int
    competency_id: Hashable
    score: int


@dataclass(frozen=True)
class Deviation:
    """One comparison: a score minus the mean of the rest of the panel's."""

    interviewer_id: Hashable
    shadow: bool
    scorecard_id: int
    application_id: Hashable
    competency_id: Hashable
    score: int
    rest_mean: float
    when: datetime | None  # the scorecard's submission

    @property
    def value(self) -> float:
        return self.score - self.rest_mean


@dataclass(frozen=True)
class InterviewerCalibration:
    """One row of the calibration page: an interviewer in one role (interviewer or shadow)."""

    interviewer_id: Hashable
    interviewer: str
    shadow: bool
    scorecards: int  # assigned, whatever their state
    submitted: int
    due: int  # submitted, or past their deadline: what the on-time rate is over
    on_time: int
    distribution: dict[int, int]  # scale point → how many of their scores
    leniency: Leniency  # its mean is None when no comparison is possible

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def scores(self) -> int:
        return sum(self.distribution.values())

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types: the distribution as [point, count] pairs (JSON keys are text)."""
        return {
            "interviewer_id": self.interviewer_id,
            "interviewer": self.interviewer,
            "shadow": self.shadow,
            "scorecards": self.scorecards,
            "submitted": self.submitted,
            "due": self.due,
            "on_time": self.on_time,
            "distribution": [[point, count] for point, count in self.distribution.items()],
            "leniency": self.leniency.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InterviewerCalibration:
        return cls(
            interviewer_id=data["interviewer_id"],
            interviewer=data["interviewer"],
            shadow=data["shadow"],
            scorecards=data["scorecards"],
            submitted=data["submitted"],
            due=data["due"],
            on_time=data["on_time"],
            distribution={int(point): int(count) for point, count in data["distribution"]},
            leniency=Leniency.from_dict(data["leniency"]),
        )


@dataclass(frozen=True)
class LeniencyPoint:
    """Leniency over one period (a month) or one scorecard, for the chart."""

    label: str
    start: date | datetime | None
    leniency: float
    comparisons: int


def scorecard_deadline(interview_end: datetime | None, hours: int) -> datetime | None:
    """When a scorecard is due: `hours` (REMINDER_FIRST_HOURS) after the interview ends."""
    return None if interview_end is None else interview_end + timedelta(hours=hours)


def is_on_time(card: CalibrationScorecard) -> bool:
    """Submitted no later than its deadline; a scorecard without a deadline cannot be late."""
    if card.submitted_at is None:
        return False
    return card.deadline is None or card.submitted_at <= card.deadline


def is_due(card: CalibrationScorecard, now: datetime) -> bool:
    """Counts toward the on-time rate: submitted, or its deadline has passed.

    A draft still within its time is neither on time nor late yet.
    """
    if card.submitted_at is not None:
        return True
    return card.deadline is not None and card.deadline < now


@dataclass(frozen=True)
class _Scored:
    """The submitted scores as parallel arrays, and each one's rest-of-panel mean.

    Vectorised because the calibration page covers a loop's whole history (250,000
    ratings in the bench): per (application, competency) the non-shadow panel's sum
    and count, and each person's share of them, come from np.bincount, so each
    rest-of-panel mean is a subtraction rather than a rescan. Who, which application
    and which role belong to the scorecard, so they are coded once per scorecard (five
    times fewer than per score) and spread to the scores by indexing.
    """

    cards: list[CalibrationScorecard]  # the submitted scorecards
    card_of: np.ndarray  # per score, index into `cards`
    competencies: list[Hashable]  # per score
    people: np.ndarray  # per score, index into `who`
    who: np.ndarray  # the distinct interviewer ids
    applications: np.ndarray  # per score, a code for its application (the candidate)
    shadow: np.ndarray
    scores: np.ndarray
    rest_mean: np.ndarray  # NaN where there is no rest of the panel


def _scored(
    scorecards: Iterable[CalibrationScorecard], ratings: Iterable[CalibrationRating]
) -> _Scored:
    cards = [c for c in scorecards if c.submitted_at is not None]
    index = {c.scorecard_id: i for i, c in enumerate(cards)}
    ratings = list(ratings)
    card_of = np.fromiter((index.get(r.scorecard_id, -1) for r in ratings), np.intp, len(ratings))
    competencies = [r.competency_id for r in ratings]
    scores = np.fromiter((r.score for r in ratings), dtype=float, count=len(ratings))
    if (card_of < 0).any():  # ratings of drafts: not scores yet
        kept = card_of >= 0
        card_of, scores = card_of[kept], scores[kept]
        competencies = [c for c, k in zip(competencies, kept.tolist(), strict=True) if k]
    who, card_people = _factorise([c.interviewer_id for c in cards])
    card_apps = _factorise([c.application_id for c in cards])[1]
    card_shadow = np.fromiter((c.shadow for c in cards), dtype=bool, count=len(cards))
    people, applications, shadow = card_people[card_of], card_apps[card_of], card_shadow[card_of]
    groups = _pair_codes(applications, _codes(competencies))
    own = _pair_codes(groups, people)
    panel = ~shadow
    rest_sum = _sum_by(groups, scores * panel) - _sum_by(own, scores * panel)
    rest_count = _sum_by(groups, panel) - _sum_by(own, panel)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_mean = np.where(rest_count > 0, rest_sum / rest_count, np.nan)
    return _Scored(
        cards, card_of, competencies, people, who, applications, shadow, scores, rest_mean
    )


def _codes(keys: list) -> np.ndarray:
    """Dense codes for keys; integer keys (database ids) through numpy, others by dict."""
    values = np.asarray(keys) if keys else np.zeros(0, dtype=np.intp)
    if values.ndim == 1 and values.dtype.kind in "iu":
        return np.unique(values, return_inverse=True)[1].astype(np.intp)
    return _factorise(keys)[1]


def _factorise(keys: list) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys and each key's index among them, in first-seen order."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.intp, len(keys))
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return distinct, codes


def _pair_codes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Dense codes for the pairs (first[i], second[i]): integer arithmetic, no tuples."""
    if first.size == 0:
        return np.zeros(0, dtype=np.intp)
    combined = first.astype(np.int64) * (int(second.max()) + 1) + second
    return np.unique(combined, return_inverse=True)[1].astype(np.intp)


def _sum_by(codes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per score, the total of `weights` over all scores sharing its code."""
    if codes.size == 0:
        return np.zeros(0)
    return np.bincount(codes, weights=weights.astype(float))[codes]


def deviations(
    scorecards: Iterable[CalibrationScorecard],
    ratings: Iterable[CalibrationRating],
    *,
    interviewer_id: Hashable | None = None,
) -> list[Deviation]:
    """Every submitted score with a rest of the panel to compare with, as objects.

    For the leniency chart and for inspection; pass `interviewer_id` to build only
    that person's (the rest of the panel still comes from everyone's scores).
    """
    scored = _scored(scorecards, ratings)
    keep = ~np.isnan(scored.rest_mean)
    if interviewer_id is not None:
        keep &= scored.who[scored.people] == interviewer_id
    return [_deviation(scored, i) for i in np.flatnonzero(keep)]


def _deviation(scored: _Scored, i: int) -> Deviation:
    card = scored.cards[scored.card_of[i]]
    return Deviation(
        interviewer_id=card.interviewer_id,
        shadow=card.shadow,
        scorecard_id=card.scorecard_id,
        application_id=card.application_id,
        competency_id=scored.competencies[i],
        score=int(scored.scores[i]),
        rest_mean=float(scored.rest_mean[i]),
        when=card.submitted_at,
    )


def _add(acc: list, value: float) -> None:
    acc[0] += value
    acc[1] += 1


def interviewer_calibration(
    scorecards: Iterable[CalibrationScorecard],
    ratings: Iterable[CalibrationRating],
    *,
    scale: Sequence[int],
    now: datetime,
) -> list[InterviewerCalibration]:
    """One row per interviewer and role, most lenient first, shadows after interviewers.

    A person who both interviews and shadows gets two rows: a shadow's scores are
    training, not the record the committee relies on. Scores only from submitted
    scorecards; `scale` lists the points so that unused ones show as zero. Pure and
    deterministic: the same rows in give the same (JSON-serialisable) rows out.
    """
    cards = list(scorecards)
    groups: dict[tuple[Hashable, bool], list[CalibrationScorecard]] = defaultdict(list)
    for card in cards:
        groups[card.interviewer_id, card.shadow].append(card)
    scored = _scored(cards, ratings)
    distributions = _distributions(scored, scale)
    leniencies = _leniencies(scored)
    rows = [
        _row(who, shadow, group, distributions, leniencies, scale, now)
        for (who, shadow), group in groups.items()
    ]
    return sorted(rows, key=_row_order)


def _row(
    who: Hashable,
    shadow: bool,
    group: Sequence[CalibrationScorecard],
    distributions: dict[tuple[Hashable, bool], dict[int, int]],
    leniencies: dict[tuple[Hashable, bool], Leniency],
    scale: Sequence[int],
    now: datetime,
) -> InterviewerCalibration:
    return InterviewerCalibration(
        interviewer_id=who,
        interviewer=group[0].interviewer,
        shadow=shadow,
        scorecards=len(group),
        submitted=sum(1 for c in group if c.submitted_at is not None),
        due=sum(1 for c in group if is_due(c, now)),
        on_time=sum(1 for c in group if is_on_time(c)),
        distribution=distributions.get((who, shadow), dict.fromkeys(scale, 0)),
        leniency=leniencies.get((who, shadow), NO_LENIENCY),
    )


def _row_order(row: InterviewerCalibration) -> tuple:
    """Interviewers before shadows; within each, most lenient first, unknown last."""
    mean = row.leniency.mean
    return (row.shadow, mean is None, -(mean or 0.0), row.interviewer)


def _roles(scored: _Scored, keep: np.ndarray | slice = slice(None)) -> np.ndarray:
    """A dense code per (interviewer, role): person index × 2 + shadow."""
    return scored.people[keep] * 2 + scored.shadow[keep]


def _role_key(scored: _Scored, code: int) -> tuple[Hashable, bool]:
    return scored.who[code // 2], bool(code % 2)


def _distributions(
    scored: _Scored, scale: Sequence[int]
) -> dict[tuple[Hashable, bool], dict[int, int]]:
    """Per interviewer and role, how many scores fell on each point of the scale."""
    roles = _roles(scored)
    points, at = np.unique(scored.scores.astype(int), return_inverse=True)
    table = np.zeros((2 * len(scored.who), points.size), dtype=int)
    np.add.at(table, (roles, at), 1)
    result = {}
    for code in np.unique(roles).tolist():
        counts = dict.fromkeys(scale, 0)
        counts.update({int(p): int(n) for p, n in zip(points, table[code], strict=True) if n})
        result[_role_key(scored, code)] = counts
    return result


def _leniencies(scored: _Scored) -> dict[tuple[Hashable, bool], Leniency]:
    """Per interviewer and role with a comparison, the mean deviation and its interval."""
    valid = ~np.isnan(scored.rest_mean)
    roles = _roles(scored, valid)
    table = leniency_table(
        roles,
        scored.applications[valid],
        (scored.scores - scored.rest_mean)[valid],
        count=2 * len(scored.who),
    )
    return {_role_key(scored, code): table[code] for code in np.unique(roles).tolist()}


def leniency_table(
    owners: np.ndarray, candidates: np.ndarray, values: np.ndarray, *, count: int
) -> list[Leniency]:
    """Per owner code 0 … count − 1: the mean of its values and its 95 % interval.

    The candidate is the unit of resampling, so the variance is cluster-robust over
    the owner's candidates: Σ_g r_g² / (1 − n_g / N) / N², where r_g is the sum of the
    candidate's deviations from the owner's mean, n_g its comparisons and N all of
    them (CR2, Bell & McCaffrey 2002; for a mean this is the least-squares intercept's
    sandwich with each candidate's leverage n_g / N). The interval is mean ± t(G − 1)
    × its square root over G candidates.
    """
    if values.size == 0:
        return [NO_LENIENCY] * count
    clusters = _pair_codes(owners, candidates)
    size = np.bincount(clusters).astype(float)  # comparisons per owner and candidate
    total = np.bincount(clusters, weights=values)
    owner_of = np.zeros(size.size, dtype=np.intp)
    owner_of[clusters] = owners
    n = np.bincount(owner_of, weights=size, minlength=count)
    g = np.bincount(owner_of, minlength=count)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(owner_of, weights=total, minlength=count) / n
        leverage = size / n[owner_of]
        resid = total - size * mean[owner_of]
        terms = np.where(leverage < 1, resid**2 / (1 - leverage), 0.0)
        variance = np.bincount(owner_of, weights=terms, minlength=count) / n**2
    return [
        _leniency(float(mean[k]), float(variance[k]), int(g[k]), int(n[k])) for k in range(count)
    ]


def _leniency(mean: float, variance: float, candidates: int, comparisons: int) -> Leniency:
    if comparisons == 0:
        return NO_LENIENCY
    if candidates < 2:
        return Leniency(mean, None, None, candidates, comparisons)
    half = t_quantile((1 + LEVEL) / 2, candidates - 1) * math.sqrt(variance)
    return Leniency(mean, mean - half, mean + half, candidates, comparisons)


def leniency_of(devs: Iterable[Deviation]) -> Leniency:
    """The leniency of any set of comparisons (one person's, one competency's)."""
    return next(iter(leniency_by(devs, key=lambda d: 0).values()), NO_LENIENCY)


def leniency_by(devs: Iterable[Deviation], *, key) -> dict[Hashable, Leniency]:
    """Leniency per key(deviation) — e.g. per competency — each over its own candidates."""
    devs = list(devs)
    keys, owners = _factorise([key(d) for d in devs])
    candidates = _factorise([d.application_id for d in devs])[1]
    values = np.fromiter((d.value for d in devs), dtype=float, count=len(devs))
    table = leniency_table(owners, candidates, values, count=len(keys))
    return dict(zip(keys.tolist(), table, strict=True))


@lru_cache(maxsize=1024)
def t_quantile(p: float, df: int) -> float:
    """Student's t quantile for p > 0.5 and whole degrees of freedom (numpy has none).

    Up to 30 df: bisection on the exact finite-series distribution function (Abramowitz
    & Stegun 26.7.3–4). Beyond: their Cornish–Fisher expansion 26.7.5, within 4e-8 of
    the exact value from 30 df on (tests compare both with scipy).
    """
    if df > 30:
        return _t_expansion(p, df)
    target, low, high = 2 * p - 1, 0.0, 1.0
    while _t_central(high, df) < target:
        high *= 2
    for _ in range(100):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_central(middle, df) < target else (low, middle)
    return (low + high) / 2


def _t_central(t: float, df: int) -> float:
    """P(|T| ≤ t) for T with `df` degrees of freedom (A&S 26.7.3 odd, 26.7.4 even)."""
    theta = math.atan(t / math.sqrt(df))
    c2 = math.cos(theta) ** 2
    if df % 2:
        term, total = math.cos(theta), 0.0
        for j in range(1, (df - 1) // 2 + 1):
            total += term
            term *= c2 * (2 * j) / (2 * j + 1)
        return 2 / math.pi * (theta + math.sin(theta) * total)
    term, total = 1.0, 0.0
    for j in range(df // 2):
        total += term
        term *= c2 * (2 * j + 1) / (2 * j + 2)
    return math.sin(theta) * total


def _t_expansion(p: float, df: int) -> float:
    z = NormalDist().inv_cdf(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def leniency_by_month(devs: Iterable[Deviation]) -> list[LeniencyPoint]:
    """One point per calendar month of submission, oldest first, for the leniency chart.

    Pass the deviations of one interviewer (filter `deviations(...)` by interviewer_id,
    and by role if shadows should be apart).
    """
    sums: dict[date, list[float]] = defaultdict(lambda: [0.0, 0])
    for d in devs:
        if d.when is not None:
            _add(sums[d.when.date().replace(day=1)], d.value)
    return [
        LeniencyPoint(month.strftime("%b %Y"), month, total / count, int(count))
        for month, (total, count) in sorted(sums.items())
    ]


def leniency_by_scorecard(devs: Iterable[Deviation]) -> list[LeniencyPoint]:
    """One point per scorecard, in submission order: for an interviewer with few months."""
    sums: dict[int, list] = {}
    for d in devs:
        entry = sums.setdefault(d.scorecard_id, [0.0, 0, d.when])
        entry[0] += d.value
        entry[1] += 1
    ordered = sorted(sums.items(), key=lambda item: (item[1][2] is None, item[1][2] or 0, item[0]))
    return [
        LeniencyPoint(when.strftime("%d %b %Y") if when else f"#{pk}", when, total / n, n)
        for pk, (total, n, when) in ordered
    ]
