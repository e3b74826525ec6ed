"""What the committee sees for one application: per-competency statistics and flags.

Pure computation over plain rows (CONVENTIONS: "Pure computation ... is a module of
functions over plain data"), so the committee view, the debrief packet and the bench
share one implementation and the edge cases are tested without a database.

A view feeds it with two queries for one application: its scorecards (one
`ScorecardRow` each, shadow ones included: they are filtered here, where the rule is
tested) and their ratings (one `RatingRow` each), plus the loop's competencies as
`CompetencySpec` in loop order, each with its effective bar
(`interviews.bars.bar_for`).

Definitions (DESIGN.md, scoring), always over submitted, non-shadow scorecards:
spread = max − min; disagreement = spread ≥ 2; gap = scores from fewer than two
different people (an opinion is a person: a panel of three on one stage gives three,
one person on two stages gives one — DESIGN.md's coverage rule, after seed 002's
one-stage, three-interviewer design), and, when the loop demands the second opinion
come from another stage, also from fewer than two stages; meets the bar = median ≥
bar; ready for decision = every assigned non-shadow scorecard submitted.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from interviews.bars import meets_bar

# The values of scoring.models.Recommendation, in the order a tally reads best.
RECOMMENDATIONS: tuple[str, ...] = ("strong_no", "no", "yes", "strong_yes")
DISAGREEMENT_SPREAD = 2
MIN_OPINIONS = 2  # different people; and stages, when the loop asks for another stage

BarStatus = Literal["meets", "below", "unknown"]
# Why a competency is a gap: no score at all, one person's only, or one stage's only.
GapReason = Literal["", "no-scores", "one-opinion", "one-stage"]


@dataclass(frozen=True)
class CompetencySpec:
    """A competency the loop assesses, as the loop defines it (LoopCompetency)."""

    competency_id: int
    name: str
    bar: int | None = None  # the effective bar; None: the scale has no "meets" point
    critical: bool = False
    weight: float | Decimal | None = None  # None or 0: not in the weighted score


@dataclass(frozen=True)
class ScorecardRow:
    """One assigned scorecard of the application, whatever its state or role."""

    scorecard_id: int
    interviewer: str  # the label shown beside the interviewer's score
    stage_id: int
    shadow: bool = False
    submitted: bool = False
    recommendation: str = ""  # a RECOMMENDATIONS value, or "" when none given
    stage: str = ""  # the stage's name, for display only
    person_id: int | None = None  # who wrote it; None: unknown, the card counts as its own

    @property
    def author(self) -> tuple[str, int]:
        """Whose opinion it is: the person, or the scorecard itself when nobody is known."""
        if self.person_id is not None:
            return ("person", self.person_id)
        return ("scorecard", self.scorecard_id)


@dataclass(frozen=True)
class RatingRow:
    """One rating of one scorecard: a score, or "not assessed" (score None)."""

    scorecard_id: int
    competency_id: int
    score: int | None
    not_assessed: bool = False
    evidence: str = ""


@dataclass(frozen=True)
class RatingEntry:
    """Who said what on one competency: a counted rating with its interviewer and stage."""

    interviewer: str
    stage: str
    stage_id: int
    score: int | None
    not_assessed: bool
    evidence: str
    author: tuple[str, int]  # ScorecardRow.author: one person, one opinion


@dataclass(frozen=True)
class CompetencySummary:
    """Statistics and flags for one competency of one application."""

    competency: CompetencySpec
    count: int
    mean: float | None
    median: float | None
    min: int | None
    max: int | None
    spread: int | None
    disagreement: bool
    gap: bool
    stages: int  # different stages among the scores
    opinions: int  # different people among the scores
    gap_reason: GapReason
    bar_status: BarStatus
    not_assessed: int
    entries: tuple[RatingEntry, ...]

    @property
    def name(self) -> str:
        return self.competency.name

    @property
    def bar(self) -> int | None:
        return self.competency.bar

    @property
    def flagged(self) -> bool:
        """Whether the committee should look here first."""
        return self.disagreement or self.gap

    @property
    def marked_entries(self) -> list[tuple[RatingEntry, bool | None]]:
        """Each entry with whether its score meets the bar (None: no score or no bar)."""
        return [(e, meets_bar(e.score, self.bar)) for e in self.entries]


@dataclass(frozen=True)
class WeightedTerm:
    name: str
    weight: float
    mean: float


@dataclass(frozen=True)
class WeightedScore:
    """The mechanical combination, with the arithmetic shown so nobody takes it on faith."""

    value: float | None
    formula: str
    terms: tuple[WeightedTerm, ...]
    unscored: tuple[str, ...]  # weighted competencies left out: nobody scored them


@dataclass(frozen=True)
class ApplicationAggregate:
    """Everything the committee page and the packet show about the scores."""

    competencies: tuple[CompetencySummary, ...]  # in committee order
    recommendations: dict[str, int]
    weighted: WeightedScore | None
    submitted: int
    outstanding: int
    shadows: int

    @property
    def ready_for_decision(self) -> bool:
        return is_ready_for_decision(self.submitted, self.outstanding)


def aggregate_application(
    competencies: Sequence[CompetencySpec],
    scorecards: Iterable[ScorecardRow],
    ratings: Iterable[RatingRow],
    *,
    another_stage: bool = False,
) -> ApplicationAggregate:
    """Aggregate one application's scorecards for the committee.

    Ratings of shadow or unsubmitted scorecards, and of competencies the loop does not
    assess, are ignored; so are shadow scorecards when counting what is outstanding.
    `another_stage`: the loop's second_opinion_from_another_stage.
    """
    cards = list(scorecards)
    counted = {c.scorecard_id: c for c in cards if c.submitted and not c.shadow}
    by_competency = _entries_by_competency(counted, ratings)
    summaries = [
        summarise_competency(
            spec, by_competency.get(spec.competency_id, []), another_stage=another_stage
        )
        for spec in competencies
    ]
    return ApplicationAggregate(
        competencies=tuple(committee_order(summaries)),
        recommendations=recommendation_tally(counted.values()),
        weighted=weighted_score(summaries),
        submitted=len(counted),
        outstanding=outstanding_count(cards),
        shadows=sum(1 for c in cards if c.shadow),
    )


def _entries_by_competency(
    counted: dict[int, ScorecardRow], ratings: Iterable[RatingRow]
) -> dict[int, list[RatingEntry]]:
    grouped: dict[int, list[RatingEntry]] = {}
    for rating in ratings:
        card = counted.get(rating.scorecard_id)
        if card is None:
            continue
        entry = RatingEntry(
            interviewer=card.interviewer,
            stage=card.stage,
            stage_id=card.stage_id,
            score=None if rating.not_assessed else rating.score,
            not_assessed=rating.not_assessed,
            evidence=rating.evidence,
            author=card.author,
        )
        grouped.setdefault(rating.competency_id, []).append(entry)
    return grouped


def summarise_competency(
    spec: CompetencySpec, entries: Sequence[RatingEntry], *, another_stage: bool = False
) -> CompetencySummary:
    """Count, centre, spread and flags of one competency's counted ratings.

    A rating without a score (not assessed, or left empty) is not a score: it counts
    only in `not_assessed` when marked so, and never toward the gap rule.
    """
    scored = [e for e in entries if e.score is not None]
    scores = [e.score for e in scored]
    stages = len({e.stage_id for e in scored})
    opinions = len({e.author for e in scored})
    reason = gap_reason(opinions, stages, another_stage=another_stage)
    low, high = (min(scores), max(scores)) if scores else (None, None)
    spread = None if high is None or low is None else high - low
    median = float(statistics.median(scores)) if scores else None
    return CompetencySummary(
        competency=spec,
        count=len(scores),
        mean=statistics.fmean(scores) if scores else None,
        median=median,
        min=low,
        max=high,
        spread=spread,
        disagreement=spread is not None and spread >= DISAGREEMENT_SPREAD,
        gap=bool(reason),
        stages=stages,
        opinions=opinions,
        gap_reason=reason,
        bar_status=bar_status(median, spec.bar),
        not_assessed=sum(1 for e in entries if e.not_assessed),
        entries=tuple(entries),
    )


def gap_reason(opinions: int, stages: int, *, another_stage: bool = False) -> GapReason:
    """Why the scores give no independent second opinion, or "" when they do.

    Opinions are different people: one person scoring on two stages is one opinion.
    """
    if opinions == 0:
        return "no-scores"
    if opinions < MIN_OPINIONS:
        return "one-opinion"
    if another_stage and stages < MIN_OPINIONS:
        return "one-stage"
    return ""


def bar_status(median: float | None, bar: int | None) -> BarStatus:
    """Whether the median meets the bar; "unknown" when either is missing.

    An even count's median is the midpoint of the middle two scores, so a split
    panel (3 and 4 against a bar of 4) is below the bar: half the panel saw it met.
    """
    meets = meets_bar(median, bar)
    return "unknown" if meets is None else "meets" if meets else "below"


def committee_order(summaries: Iterable[CompetencySummary]) -> list[CompetencySummary]:
    """Disagreements first, then gaps, then the rest; critical first within each; stable.

    The committee's time goes where the panel split or evidence is thin (DESIGN:
    "disagreements and gaps first"); otherwise the loop's own order is kept.
    """

    def key(s: CompetencySummary) -> tuple[int, int]:
        group = 0 if s.disagreement else 1 if s.gap else 2
        return (group, 0 if s.competency.critical else 1)

    return sorted(summaries, key=key)


def recommendation_tally(scorecards: Iterable[ScorecardRow]) -> dict[str, int]:
    """How many counted scorecards recommend what, every choice present (zeros too)."""
    tally = dict.fromkeys(RECOMMENDATIONS, 0)
    for card in scorecards:
        if card.recommendation in tally:
            tally[card.recommendation] += 1
    return tally


def outstanding_count(scorecards: Iterable[ScorecardRow]) -> int:
    """Non-shadow scorecards still in draft: what the decision waits for."""
    return sum(1 for c in scorecards if not c.shadow and not c.submitted)


def is_ready_for_decision(submitted: int, outstanding: int) -> bool:
    """Every assigned non-shadow scorecard submitted, and at least one exists.

    An application nobody has interviewed yet is not ready, though "every one of
    none" is vacuously submitted.
    """
    return submitted > 0 and outstanding == 0


def weighted_score(summaries: Iterable[CompetencySummary]) -> WeightedScore | None:
    """The weight-averaged competency means, or None when the loop weights nothing.

    Weighted competencies nobody scored are left out of both sums (and listed), so a
    missing score neither drags the result to zero nor hides.
    """
    weighted = [s for s in summaries if s.competency.weight]
    if not weighted:
        return None
    terms = tuple(
        WeightedTerm(s.name, float(s.competency.weight or 0), s.mean)
        for s in weighted
        if s.mean is not None
    )
    unscored = tuple(s.name for s in weighted if s.mean is None)
    if not terms:
        return WeightedScore(None, "no weighted competency has a score yet", terms, unscored)
    total = sum(t.weight for t in terms)
    value = sum(t.weight * t.mean for t in terms) / total
    return WeightedScore(value, weighted_formula(terms, value), terms, unscored)


def weighted_formula(terms: Sequence[WeightedTerm], value: float) -> str:
    """The arithmetic in words a committee can check: "(2×4.0 + 1×3.5) / 3 = 3.83"."""
    products = " + ".join(f"{_number(t.weight)}×{_score(t.mean)}" for t in terms)
    total = _number(sum(t.weight for t in terms))
    return f"({products}) / {total} = {value:.2f}"


def _number(x: float) -> str:
    """A weight as people write it: 2, 1.5 (never 2.0)."""
    return f"{x:g}"


def _score(x: float) -> str:
    """A mean with one decimal when that is exact, else two: 4.0, 3.5, 3.67."""
    text = f"{x:.2f}"
    return text[:-1] if text.endswith("0") else text
