"""What is correlated on the validity page: each hire's interview scores and later performance.

Pure computation over plain rows (CONVENTIONS); `outcomes.validity.data` loads the rows
in a fixed number of queries and this module turns them into predictors per application:

- a competency: the mean of the application's counted scores on it (the committee
  page's mean, `scoring.aggregate.summarise_competency`);
- a stage (by name, across versions): the mean of every counted score given in it;
- the weighted score: `scoring.aggregate.weighted_score` itself, with the weights of the
  loop version the application went through (`scoring.committee.specs_for`);
- the recommendation tally: the mean of the counted scorecards' recommendations coded
  strong no 1, no 2, yes 3, strong yes 4;
- an interviewer: the mean of that person's own scores on the application;
- a question (by key, across versions): the mean score, on the question's primary
  competency, of the scorecards on which it was asked.

Later performance (`PerformanceRule`): from the hire's reviews, each overall rating
rescaled to 0..1 as (overall − 1)/(scale max − 1), so reviews on different scales compare.
Months are counted from the application's last counted interview (the hire date is not
stored apart from a status that changes again, e.g. on erasure).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db.models import TextChoices

from scoring import aggregate

# Recommendations as numbers, in scoring.aggregate.RECOMMENDATIONS order.
RECOMMENDATION_CODES = {value: code for code, value in enumerate(aggregate.RECOMMENDATIONS, 1)}
DAYS_PER_MONTH = 365.25 / 12
# A review counts as the "12-month" one between 9 and 15 months after the last interview,
# the "6-month" one between 3 and 9 (the nearest to 12, resp. 6, wins within its window).
WINDOWS = {12: (9, 15), 6: (3, 9)}


class PerformanceRule(TextChoices):
    TWELVE = "12m", "The review nearest 12 months (9–15), else nearest 6 (3–9)"
    SIX = "6m", "The review nearest 6 months (3–9)"
    LATEST = "latest", "The latest review"
    MEAN = "mean", "The mean of all reviews"


@dataclass(frozen=True)
class ScoreRow:
    """One counted score (a submitted, non-shadow scorecard's rating with a score)."""

    application_id: int
    scorecard_id: int
    person_id: int
    stage: str
    competency_id: int
    score: int


@dataclass(frozen=True)
class CardRow:
    """One counted scorecard: its application, loop version, interview date, recommendation."""

    scorecard_id: int
    application_id: int
    loop_id: int
    interviewed_on: date
    recommendation: str = ""


@dataclass(frozen=True)
class ReviewRow:
    application_id: int
    reviewed_on: date
    overall: int
    scale_max: int


def rescaled(overall: int, scale_max: int) -> float:
    """An overall rating on 1..scale_max as 0..1."""
    return (overall - 1) / (scale_max - 1)


def months_between(start: date, end: date) -> float:
    return (end - start).days / DAYS_PER_MONTH


def later_performance(
    reviews: Sequence[ReviewRow], anchor: date | None, rule: PerformanceRule
) -> float | None:
    """One hire's later performance (0..1) under `rule`; None when no review fits."""
    if not reviews:
        return None
    if rule == PerformanceRule.MEAN:
        return statistics.fmean(rescaled(r.overall, r.scale_max) for r in reviews)
    if rule == PerformanceRule.LATEST:
        latest = max(reviews, key=lambda r: r.reviewed_on)
        return rescaled(latest.overall, latest.scale_max)
    if anchor is None:
        return None
    targets = (12, 6) if rule == PerformanceRule.TWELVE else (6,)
    for target in targets:
        review = nearest_in_window(reviews, anchor, target)
        if review is not None:
            return rescaled(review.overall, review.scale_max)
    return None


def nearest_in_window(reviews: Sequence[ReviewRow], anchor: date, target: int) -> ReviewRow | None:
    """The review nearest `target` months after `anchor`, within its window; ties: earlier."""
    low, high = WINDOWS[target]
    inside = [
        (abs(months_between(anchor, r.reviewed_on) - target), r.reviewed_on, r)
        for r in reviews
        if low <= months_between(anchor, r.reviewed_on) <= high
    ]
    return min(inside, key=lambda item: item[:2])[2] if inside else None


def performance_by_application(
    reviews: Iterable[ReviewRow], anchors: Mapping[int, date], rule: PerformanceRule
) -> dict[int, float]:
    """Every reviewed application's later performance, where the rule finds one."""
    grouped: dict[int, list[ReviewRow]] = defaultdict(list)
    for review in reviews:
        grouped[review.application_id].append(review)
    found = {app: later_performance(rows, anchors.get(app), rule) for app, rows in grouped.items()}
    return {app: value for app, value in found.items() if value is not None}


def last_interviews(cards: Iterable[CardRow]) -> dict[int, date]:
    """Each application's last counted interview date: where months are counted from."""
    last: dict[int, date] = {}
    for card in cards:
        seen = last.get(card.application_id)
        if seen is None or card.interviewed_on > seen:
            last[card.application_id] = card.interviewed_on
    return last


# --- Predictors ---------------------------------------------------------------------------


class Scores:
    """Counted scores as integer columns: application, scorecard, person, stage, competency, score.

    Columns, not one object per score: a loop with 10,000 hires holds over half a million
    scores, and numpy groups them in milliseconds where a Python loop takes seconds.
    `stage` is the stage's id; `stage_names` maps ids to names (stages of several
    versions share a name and are one stage here).
    """

    FIELDS = ("application", "scorecard", "person", "stage", "competency", "score")

    def __init__(self, rows: Sequence[Sequence[int]], stage_names: Mapping[int, str]):
        table = np.array(rows, dtype=np.int64).reshape(-1, len(self.FIELDS))
        for i, name in enumerate(self.FIELDS):
            setattr(self, name, table[:, i])
        self.stage_names = dict(stage_names)

    def __len__(self) -> int:
        return int(self.score.size)

    @classmethod
    def of(cls, rows: Iterable[ScoreRow], stage_names: Mapping[int, str] | None = None):
        """From ScoreRow objects (tests); stage names default to the ids' own text."""
        rows = list(rows)
        names = {}
        ids: dict[str, int] = {}
        table = []
        for r in rows:
            stage = ids.setdefault(r.stage, len(ids) + 1)
            names[stage] = r.stage
            table.append(
                (r.application_id, r.scorecard_id, r.person_id, stage, r.competency_id, r.score)
            )
        return cls(table, stage_names or names)


def grouped_means(keys: np.ndarray, applications: np.ndarray, values: np.ndarray) -> dict:
    """{key: {application: mean of the values sharing both}} (np.unique and bincount)."""
    if keys.size == 0:
        return {}
    base = int(applications.max()) + 1
    codes = keys.astype(np.int64) * base + applications
    unique, inverse = np.unique(codes, return_inverse=True)
    means = np.bincount(inverse, weights=values) / np.bincount(inverse)
    out: dict = defaultdict(dict)
    for key, application, mean in zip(
        (unique // base).tolist(), (unique % base).tolist(), means.tolist(), strict=True
    ):
        out[key][application] = mean
    return dict(out)


def competency_scores(scores: Scores) -> dict[int, dict[int, float]]:
    """{competency: {application: mean counted score}}."""
    return grouped_means(scores.competency, scores.application, scores.score)


def stage_scores(scores: Scores) -> dict[str, dict[int, float]]:
    """{stage name: {application: mean of every counted score given in the stage}}."""
    names = sorted(set(scores.stage_names.values()))
    index = {name: i for i, name in enumerate(names)}
    by_id = {pk: index[name] for pk, name in scores.stage_names.items()}
    stage = np.array([by_id[pk] for pk in scores.stage.tolist()], dtype=np.int64)
    means = grouped_means(stage, scores.application, scores.score)
    return {names[i]: values for i, values in means.items()}


def interviewer_scores(scores: Scores) -> dict[int, dict[int, float]]:
    """{person: {application: mean of their own scores on it}}."""
    return grouped_means(scores.person, scores.application, scores.score)


def question_scores(
    scores: Scores, asked: Sequence[tuple[int, int, int]], keys: Mapping[int, str]
) -> dict[str, dict[int, float]]:
    """{question key: {application: mean primary-competency score where it was asked}}.

    `asked`: (scorecard, question id, its primary competency) per question asked on a
    counted scorecard; `keys`: question id → key (versions of a question share it).
    """
    if not len(asked) or not len(scores):
        return {}
    table = np.array(asked, dtype=np.int64).reshape(-1, 3)
    names = sorted(set(keys.values()))
    index = {key: i for i, key in enumerate(names)}
    question = np.array([index[keys[q]] for q in table[:, 1].tolist()], dtype=np.int64)
    # Each scorecard rates a competency once (a constraint): (card, competency) finds it.
    width = int(max(scores.competency.max(), table[:, 2].max())) + 1
    rated = scores.scorecard * width + scores.competency
    order = np.argsort(rated, kind="stable")
    ordered = rated[order]
    wanted = table[:, 0] * width + table[:, 2]
    at = np.minimum(np.searchsorted(ordered, wanted), ordered.size - 1)
    found = ordered[at] == wanted
    rows = order[at[found]]
    means = grouped_means(question[found], scores.application[rows], scores.score[rows])
    return {names[i]: values for i, values in means.items()}


def recommendation_scores(cards: Iterable[CardRow]) -> dict[int, float]:
    """{application: mean recommendation code of its counted scorecards that give one}."""
    sums: dict[int, list[int]] = {}
    for card in cards:
        code = RECOMMENDATION_CODES.get(card.recommendation)
        if code is not None:
            total = sums.setdefault(card.application_id, [0, 0])
            total[0] += code
            total[1] += 1
    return {app: total / count for app, (total, count) in sums.items()}


def weighted_scores(
    by_competency: Mapping[int, Mapping[int, float]],
    loop_of: Mapping[int, int],
    specs: Mapping[int, Sequence[aggregate.CompetencySpec]],
) -> dict[int, float]:
    """{application: the committee's weighted score}, for versions that weight anything.

    `scoring.aggregate.weighted_score`'s definition, vectorised per loop version (that
    function builds the committee's formula text too, which at 25,000 applications is
    most of a second): the weight-averaged competency means, a weighted competency
    nobody scored left out of both sums, no score when none is scored or the version
    weights nothing. tests/outcomes/test_validity_measures.py checks it against
    `aggregate.weighted_score` on random cases. `loop_of`: application → loop version
    id; `specs`: version id → its specs (`scoring.committee.specs_for`: "empty: 1").
    """
    by_loop: dict[int, list[int]] = defaultdict(list)
    for application, loop in loop_of.items():
        by_loop[loop].append(application)
    out: dict[int, float] = {}
    for loop, applications in by_loop.items():
        weighted = [s for s in specs.get(loop, ()) if s.weight]
        if not weighted:
            continue
        weights = np.array([float(s.weight) for s in weighted])
        columns = [by_competency.get(s.competency_id, {}) for s in weighted]
        means = np.array(
            [[column.get(a, np.nan) for column in columns] for a in applications], dtype=float
        ).reshape(len(applications), len(weighted))
        scored = ~np.isnan(means)
        totals = scored @ weights
        sums = np.where(scored, means, 0.0) @ weights
        for application, total, value in zip(applications, totals, sums, strict=True):
            if total > 0:
                out[application] = float(value / total)
    return out


def recommendations_by_hire(cards: Iterable[CardRow], hires: Iterable[int]) -> dict[str, set]:
    """{recommendation: the hires at least one counted scorecard gave it}."""
    wanted = set(hires)
    out: dict[str, set] = {value: set() for value in aggregate.RECOMMENDATIONS}
    for card in cards:
        if card.application_id in wanted and card.recommendation in out:
            out[card.recommendation].add(card.application_id)
    return out
