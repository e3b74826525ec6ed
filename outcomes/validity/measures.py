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


@dataclass(frozen=True)
class AskedRow:
    """A question asked on a counted scorecard (by key), with its primary competency."""

    scorecard_id: int
    question_key: str
    competency_id: int


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


def means_by(pairs: Iterable[tuple[tuple, int]]) -> dict[tuple, float]:
    """The mean of the values under each key."""
    sums: dict[tuple, list[float]] = {}
    for key, value in pairs:
        total = sums.setdefault(key, [0.0, 0])
        total[0] += value
        total[1] += 1
    return {key: total / count for key, (total, count) in sums.items()}


def split(means: Mapping[tuple, float]) -> dict:
    """{(predictor, application): value} as {predictor: {application: value}}."""
    out: dict = defaultdict(dict)
    for (predictor, application), value in means.items():
        out[predictor][application] = value
    return dict(out)


def competency_scores(scores: Iterable[ScoreRow]) -> dict[int, dict[int, float]]:
    """{competency: {application: mean counted score}}."""
    return split(means_by(((s.competency_id, s.application_id), s.score) for s in scores))


def stage_scores(scores: Iterable[ScoreRow]) -> dict[str, dict[int, float]]:
    """{stage name: {application: mean of every counted score given in the stage}}."""
    return split(means_by(((s.stage, s.application_id), s.score) for s in scores))


def interviewer_scores(scores: Iterable[ScoreRow]) -> dict[int, dict[int, float]]:
    """{person: {application: mean of their own scores on it}}."""
    return split(means_by(((s.person_id, s.application_id), s.score) for s in scores))


def question_scores(
    scores: Iterable[ScoreRow], asked: Iterable[AskedRow]
) -> dict[str, dict[int, float]]:
    """{question key: {application: mean primary-competency score where it was asked}}."""
    by_card: dict[tuple[int, int], list[ScoreRow]] = defaultdict(list)
    for s in scores:
        by_card[(s.scorecard_id, s.competency_id)].append(s)
    pairs = (
        ((a.question_key, s.application_id), s.score)
        for a in asked
        for s in by_card.get((a.scorecard_id, a.competency_id), ())
    )
    return split(means_by(pairs))


def recommendation_scores(cards: Iterable[CardRow]) -> dict[int, float]:
    """{application: mean recommendation code of its counted scorecards that give one}."""
    means = means_by(
        ((c.application_id,), RECOMMENDATION_CODES[c.recommendation])
        for c in cards
        if c.recommendation in RECOMMENDATION_CODES
    )
    return {key[0]: value for key, value in means.items()}


@dataclass(frozen=True)
class _Summary:
    """What `aggregate.weighted_score` reads of a competency summary: spec, name, mean."""

    competency: aggregate.CompetencySpec
    mean: float | None

    @property
    def name(self) -> str:
        return self.competency.name


def weighted_scores(
    by_competency: Mapping[int, Mapping[int, float]],
    loop_of: Mapping[int, int],
    specs: Mapping[int, Sequence[aggregate.CompetencySpec]],
) -> dict[int, float]:
    """{application: the committee's weighted score}, for versions that weight anything.

    `loop_of`: application → loop version id; `specs`: loop version id → its competency
    specs (`scoring.committee.specs_for`, so "empty: 1" applies as on the committee page).
    """
    out: dict[int, float] = {}
    for application, loop in loop_of.items():
        summaries = [
            _Summary(spec, by_competency.get(spec.competency_id, {}).get(application))
            for spec in specs.get(loop, ())
        ]
        weighted = aggregate.weighted_score(summaries)  # type: ignore[arg-type]
        if weighted is not None and weighted.value is not None:
            out[application] = weighted.value
    return out


def recommendations_by_hire(cards: Iterable[CardRow], hires: Iterable[int]) -> dict[str, set]:
    """{recommendation: the hires at least one counted scorecard gave it}."""
    wanted = set(hires)
    out: dict[str, set] = {value: set() for value in aggregate.RECOMMENDATIONS}
    for card in cards:
        if card.application_id in wanted and card.recommendation in out:
            out[card.recommendation].add(card.application_id)
    return out
