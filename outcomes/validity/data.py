"""The validity page's figures for one loop key: the queries, then the pure modules.

A fixed number of queries whatever the number of applications (tests/outcomes/
test_validity_views.py counts them at two sizes). Only counted scorecards and ratings
(`Scorecard.objects.counted()`, `Rating.objects.counted()`), and never an application
the viewer still owes their own scorecard on (`scoring.committee.loop_scorecards` and
`pending_application_ids`): its scores and its reviews are both left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from accounts.models import User
from interviews.models import Loop, LoopCompetency, Stage
from rubrics.models import Question
from scoring import aggregate
from scoring.committee import (
    loop_scorecards,
    newest_loop,
    pending_application_ids,
    person_label,
    scale_points,
    specs_for,
)
from scoring.models import QuestionNote, Rating

from ..models import PerformanceReview
from . import charts, measures, stats
from .measures import CardRow, PerformanceRule, ReviewRow, Scores


@dataclass(frozen=True)
class Row:
    """One predictor: what it is, its validity, and (competencies) its scatter."""

    kind: str  # competency, stage, weighted, recommendation, interviewer, question
    key: str
    name: str
    validity: stats.Validity
    chart: charts.Scatter | None = None


@dataclass(frozen=True)
class RecommendationMean:
    value: str
    label: str
    mean: stats.GroupMean


@dataclass
class ValidityData:
    loop: Loop | None
    rule: PerformanceRule
    interviewed: int  # applications with a counted score
    reviewed: int  # hires with a review at all
    hires: int  # hires whose reviews give a later performance under the rule
    competencies: list[Row] = field(default_factory=list)
    stages: list[Row] = field(default_factory=list)
    weighted: Row | None = None
    recommendation: Row | None = None
    interviewers: list[Row] = field(default_factory=list)
    hidden_interviewers: int = 0
    questions: list[Row] = field(default_factory=list)
    hidden_questions: int = 0
    by_recommendation: list[RecommendationMean] = field(default_factory=list)
    carriers: list[str] = field(default_factory=list)

    @property
    def without_fit(self) -> int:
        """Hires with a review, but none the chosen rule accepts."""
        return self.reviewed - self.hires

    @property
    def overall(self) -> list[Row]:
        return [r for r in (self.weighted, self.recommendation) if r is not None]


# --- Loading ------------------------------------------------------------------------------


def loop_specs(key: str) -> tuple[dict[int, list[aggregate.CompetencySpec]], dict[int, str]]:
    """Each published version's competency specs, and names newest version first (1 query)."""
    rows = list(
        LoopCompetency.objects.filter(loop__key=key)
        .exclude(loop__status=Loop.Status.DRAFT)
        .select_related("competency")
        .order_by("-loop__version", "order")
    )
    by_loop: dict[int, list[LoopCompetency]] = {}
    names: dict[int, str] = {}
    for lc in rows:
        by_loop.setdefault(lc.loop_id, []).append(lc)
        names.setdefault(lc.competency_id, lc.competency.name)
    # The bar plays no part in the weighted score: no scale points needed here.
    return {loop: specs_for(lcs, None) for loop, lcs in by_loop.items()}, names


def counted_cards(key: str, viewer):
    """The loop's counted scorecards the viewer may count (a queryset, no query yet)."""
    return loop_scorecards(key, viewer).counted()


def card_rows(key: str, viewer) -> list[CardRow]:
    rows = counted_cards(key, viewer).values_list(
        "pk",
        "assignment__interview__application_id",
        "assignment__interview__application__loop_id",
        "assignment__interview__starts_at__date",  # in the current time zone
        "recommendation",
    )
    return [CardRow(*row) for row in rows]


def score_rows(key: str, viewer, stage_names: dict[int, str]) -> Scores:
    """Every counted score of the loop the viewer may count, as columns (1 query)."""
    rows = (
        Rating.objects.counted()
        .filter(scorecard__in=counted_cards(key, viewer), score__isnull=False)
        .values_list(
            "scorecard__assignment__interview__application_id",
            "scorecard_id",
            "scorecard__assignment__person_id",
            "scorecard__assignment__interview__stage_id",
            "competency_id",
            "score",
        )
    )
    return Scores(list(rows), stage_names)


def review_rows(key: str, viewer) -> list[ReviewRow]:
    """The loop's reviews (a viewer of None: everyone's, for the stored snapshot)."""
    reviews = PerformanceReview.objects.filter(application__loop__key=key)
    if viewer is not None:
        reviews = reviews.exclude(application_id__in=pending_application_ids(viewer))
    rows = reviews.values_list("application_id", "reviewed_on", "overall", "scale_max")
    return [ReviewRow(*row) for row in rows]


def asked_rows(key: str, viewer) -> list[tuple[int, int, int]]:
    """(scorecard, question, its primary competency) asked on counted scorecards (1 query)."""
    return list(
        QuestionNote.objects.filter(
            scorecard__in=counted_cards(key, viewer), state=QuestionNote.State.ASKED
        ).values_list(
            "scorecard_id", "planned__question_id", "planned__question__primary_competency_id"
        )
    )


def loop_questions(key: str) -> tuple[dict[int, str], dict[str, str]]:
    """Every question planned in the loop's versions: id → key, and key → newest title."""
    rows = (
        Question.objects.filter(planned_in__stage__loop__key=key)
        .order_by("version")
        .values_list("pk", "key", "title")
        .distinct()
    )
    keys, titles = {}, {}
    for pk, question, title in rows:
        keys[pk] = question
        titles[question] = title  # newest version last: its title wins
    return keys, titles


def loop_stages(key: str) -> tuple[dict[int, str], list[str]]:
    """Stage id → name over published versions, and the names in the newest's order."""
    rows = (
        Stage.objects.filter(loop__key=key)
        .exclude(loop__status=Loop.Status.DRAFT)
        .order_by("-loop__version", "order")
        .values_list("pk", "name")
    )
    names: dict[int, str] = {}
    order: list[str] = []
    for pk, name in rows:
        names[pk] = name
        if name not in order:
            order.append(name)
    return names, order


def people_names(ids: Sequence[int]) -> dict[int, str]:
    """Labels of the interviewers shown (1 query, however many; none without any)."""
    if not ids:
        return {}
    rows = User.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "username")
    return {pk: person_label(first, last, username) for pk, first, last, username in rows}


# --- Assembling ---------------------------------------------------------------------------


def validity_of(values: Mapping[int, float], performance: Mapping[int, float]) -> tuple:
    """The validity of one predictor, and the hires' (score, performance) pairs."""
    hired = [app for app in values if app in performance]
    pairs = [(values[app], performance[app]) for app in hired]
    result = stats.validity([x for x, _ in pairs], [y for _, y in pairs], list(values.values()))
    return result, pairs


def rows_for(
    kind: str,
    predictors: Mapping,
    names: Mapping,
    performance: Mapping[int, float],
    order: Sequence | None = None,
    scatter_domain: tuple[int, int] | None = None,
) -> list[Row]:
    keys = [k for k in (order or predictors) if k in predictors]
    rows = []
    for key in keys:
        result, pairs = validity_of(predictors[key], performance)
        name = str(names.get(key, key))
        chart = None
        if scatter_domain and pairs:
            chart = charts.scatter(pairs, result, scatter_domain, f"scatter-{kind}-{key}", name)
        rows.append(Row(kind, str(key), name, result, chart))
    return rows


def shown(rows: list[Row]) -> tuple[list[Row], int]:
    """Rows with at least MIN_HIRES hires, and how many were hidden."""
    kept = [r for r in rows if r.validity.n >= stats.MIN_HIRES]
    return kept, len(rows) - len(kept)


def validity_data(key: str, viewer, rule: PerformanceRule) -> ValidityData:
    """Everything the validity page shows for a loop key (10 queries; 9 with nobody to name)."""
    loop = newest_loop(key)
    points = sorted(p.value for p in scale_points(loop)) if loop else []
    domain = (points[0], points[-1]) if points else None
    specs, competency_names = loop_specs(key)
    stage_names, stages = loop_stages(key)
    cards = card_rows(key, viewer)
    scores = score_rows(key, viewer, stage_names)
    reviews = review_rows(key, viewer)
    asked = asked_rows(key, viewer)
    question_keys, titles = loop_questions(key)

    performance = measures.performance_by_application(
        reviews, measures.last_interviews(cards), rule
    )
    by_competency = measures.competency_scores(scores)
    loop_of = {c.application_id: c.loop_id for c in cards}
    data = ValidityData(
        loop=loop,
        rule=rule,
        interviewed=len(np.unique(scores.application)),
        reviewed=len({r.application_id for r in reviews}),
        hires=len(performance),
    )
    data.competencies = rows_for(
        "competency",
        by_competency,
        competency_names,
        performance,
        order=list(competency_names),
        scatter_domain=domain,
    )
    data.stages = rows_for("stage", measures.stage_scores(scores), {}, performance, order=stages)
    weighted = measures.weighted_scores(by_competency, loop_of, specs)
    if weighted:
        data.weighted = rows_for(
            "weighted", {"weighted": weighted}, {"weighted": "Weighted score"}, performance
        )[0]
    data.recommendation = rows_for(
        "recommendation",
        {"recommendation": measures.recommendation_scores(cards)},
        {"recommendation": "Recommendation tally"},
        performance,
    )[0]
    people = measures.interviewer_scores(scores)
    interviewers = rows_for("interviewer", people, {}, performance)
    data.interviewers, data.hidden_interviewers = shown(interviewers)
    names = people_names([int(r.key) for r in data.interviewers])
    data.interviewers = sorted(
        (Row(r.kind, r.key, names.get(int(r.key), r.name), r.validity) for r in data.interviewers),
        key=lambda r: r.name.lower(),
    )
    questions = rows_for(
        "question", measures.question_scores(scores, asked, question_keys), titles, performance
    )
    data.questions, data.hidden_questions = shown(questions)
    data.by_recommendation = recommendation_means(cards, performance)
    data.carriers = stats.carriers({r.name: r.validity for r in data.competencies})
    return data


def recommendation_means(
    cards: Sequence[CardRow], performance: Mapping[int, float]
) -> list[RecommendationMean]:
    """Mean later performance of the hires each recommendation was given to."""
    from scoring.models import Recommendation

    groups = measures.recommendations_by_hire(cards, performance)
    labels = dict(Recommendation.choices)
    return [
        RecommendationMean(
            value, labels[value], stats.group_mean([performance[a] for a in sorted(groups[value])])
        )
        for value in aggregate.RECOMMENDATIONS
    ]
