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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np


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
    leniency: float | None  # None: no comparison possible
    comparisons: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.due if self.due else None

    @property
    def scores(self) -> int:
        return sum(self.distribution.values())


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
    rest-of-panel mean is a subtraction rather than a rescan.
    """

    cards: list[CalibrationScorecard]  # per score, the scorecard it belongs to
    competencies: list[Hashable]
    people: np.ndarray  # per score, index into `who`
    who: np.ndarray  # the distinct interviewer ids
    shadow: np.ndarray
    scores: np.ndarray
    rest_mean: np.ndarray  # NaN where there is no rest of the panel


def _scored(
    scorecards: Iterable[CalibrationScorecard], ratings: Iterable[CalibrationRating]
) -> _Scored:
    by_id = {c.scorecard_id: c for c in scorecards if c.submitted_at is not None}
    pairs = [(by_id[r.scorecard_id], r) for r in ratings if r.scorecard_id in by_id]
    cards = [card for card, _ in pairs]
    competencies = [r.competency_id for _, r in pairs]
    scores = np.fromiter((r.score for _, r in pairs), dtype=float, count=len(pairs))
    shadow = np.fromiter((c.shadow for c in cards), dtype=bool, count=len(pairs))
    who, people = _factorise([c.interviewer_id for c in cards])
    _, groups = _factorise(list(zip([c.application_id for c in cards], competencies, strict=True)))
    _, own = _factorise(list(zip(groups.tolist(), people.tolist(), strict=True)))
    panel = ~shadow
    rest_sum = _sum_by(groups, scores * panel) - _sum_by(own, scores * panel)
    rest_count = _sum_by(groups, panel) - _sum_by(own, panel)
    with np.errstate(invalid="ignore", divide="ignore"):
        rest_mean = np.where(rest_count > 0, rest_sum / rest_count, np.nan)
    return _Scored(cards, competencies, people, who, shadow, scores, rest_mean)


def _factorise(keys: list) -> tuple[np.ndarray, np.ndarray]:
    """Distinct keys and each key's index among them, in first-seen order."""
    index: dict = {}
    codes = np.fromiter((index.setdefault(k, len(index)) for k in keys), np.intp, len(keys))
    distinct = np.empty(len(index), dtype=object)
    distinct[:] = list(index)
    return distinct, codes


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
    card = scored.cards[i]
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
    scorecards; `scale` lists the points so that unused ones show as zero.
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
    leniencies: dict[tuple[Hashable, bool], tuple[float, int]],
    scale: Sequence[int],
    now: datetime,
) -> InterviewerCalibration:
    leniency, comparisons = leniencies.get((who, shadow), (None, 0))
    return InterviewerCalibration(
        interviewer_id=who,
        interviewer=group[0].interviewer,
        shadow=shadow,
        scorecards=len(group),
        submitted=sum(1 for c in group if c.submitted_at is not None),
        due=sum(1 for c in group if is_due(c, now)),
        on_time=sum(1 for c in group if is_on_time(c)),
        distribution=distributions.get((who, shadow), dict.fromkeys(scale, 0)),
        leniency=leniency,
        comparisons=comparisons,
    )


def _row_order(row: InterviewerCalibration) -> tuple:
    """Interviewers before shadows; within each, most lenient first, unknown last."""
    unknown = row.leniency is None
    return (row.shadow, unknown, -(row.leniency or 0.0), row.interviewer)


def _distributions(
    scored: _Scored, scale: Sequence[int]
) -> dict[tuple[Hashable, bool], dict[int, int]]:
    """Per interviewer and role, how many scores fell on each point of the scale."""
    keys, codes = _factorise(list(zip(scored.people.tolist(), scored.shadow.tolist(), strict=True)))
    points, at = np.unique(scored.scores.astype(int), return_inverse=True)
    table = np.zeros((len(keys), points.size), dtype=int)
    np.add.at(table, (codes, at), 1)
    result = {}
    for (person, shadow), row in zip(keys, table, strict=True):
        counts = dict.fromkeys(scale, 0)
        counts.update({int(p): int(n) for p, n in zip(points, row, strict=True) if n})
        result[scored.who[person], shadow] = counts
    return result


def _leniencies(scored: _Scored) -> dict[tuple[Hashable, bool], tuple[float, int]]:
    """Per interviewer and role, the mean deviation and how many comparisons it rests on."""
    valid = ~np.isnan(scored.rest_mean)
    values = (scored.scores - scored.rest_mean)[valid]
    keys, codes = _factorise(
        list(zip(scored.people[valid].tolist(), scored.shadow[valid].tolist(), strict=True))
    )
    totals = np.bincount(codes, weights=values, minlength=len(keys))
    counts = np.bincount(codes, minlength=len(keys))
    return {
        (scored.who[person], shadow): (float(total / count), int(count))
        for (person, shadow), total, count in zip(keys, totals, counts, strict=True)
    }


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
