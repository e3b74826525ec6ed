"""scoring.aggregate: the committee's statistics over plain rows, no database."""

import pytest

from scoring.aggregate import (
    RECOMMENDATIONS,
    CompetencySpec,
    RatingRow,
    ScorecardRow,
    aggregate_application,
    bar_status,
    is_ready_for_decision,
    weighted_score,
)
from scoring.models import Recommendation

CODING = CompetencySpec(1, "Coding", bar=3)
DESIGN = CompetencySpec(2, "System design", bar=3)
COLLAB = CompetencySpec(3, "Collaboration", bar=3)


def card(pk, stage, *, shadow=False, submitted=True, rec="", who=None, person=None):
    """A scorecard; its author is person `pk` unless `person` says otherwise."""
    return ScorecardRow(
        scorecard_id=pk,
        interviewer=who or f"Interviewer {pk}",
        stage_id=stage,
        shadow=shadow,
        submitted=submitted,
        recommendation=rec,
        stage=f"Stage {stage}",
        person_id=pk if person is None else person,
    )


def rating(card_pk, spec, score, *, not_assessed=False):
    return RatingRow(card_pk, spec.competency_id, score, not_assessed=not_assessed)


def summary_of(result, spec):
    return next(s for s in result.competencies if s.competency == spec)


def test_recommendation_values_match_the_model():
    assert tuple(Recommendation.values) == RECOMMENDATIONS


def test_no_ratings_gives_empty_statistics_a_gap_and_an_unknown_bar():
    result = aggregate_application([CODING], [card(1, 10)], [])
    s = summary_of(result, CODING)
    assert (s.count, s.mean, s.median, s.min, s.max, s.spread) == (0, None, None, None, None, None)
    assert s.gap and not s.disagreement
    assert s.bar_status == "unknown"
    assert (s.stages, s.opinions, s.gap_reason) == (0, 0, "no-scores")


def test_one_rating_is_its_own_mean_and_median_with_no_spread():
    result = aggregate_application([CODING], [card(1, 10)], [rating(1, CODING, 4)])
    s = summary_of(result, CODING)
    assert (s.count, s.mean, s.median, s.min, s.max, s.spread) == (1, 4.0, 4.0, 4, 4, 0)
    assert not s.disagreement
    assert s.gap and s.gap_reason == "one-opinion"  # one person: no second opinion
    assert s.bar_status == "meets"


def test_statistics_over_three_stages():
    cards = [card(1, 10), card(2, 20), card(3, 30)]
    ratings = [rating(1, CODING, 2), rating(2, CODING, 4), rating(3, CODING, 5)]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert s.count == 3
    assert s.mean == pytest.approx(11 / 3)
    assert (s.median, s.min, s.max, s.spread) == (4.0, 2, 5, 3)
    assert s.disagreement and not s.gap
    assert (s.stages, s.opinions, s.gap_reason) == (3, 3, "")


def test_spread_of_one_is_not_a_disagreement_and_two_is():
    cards = [card(1, 10), card(2, 20)]
    one = aggregate_application([CODING], cards, [rating(1, CODING, 3), rating(2, CODING, 4)])
    two = aggregate_application([CODING], cards, [rating(1, CODING, 3), rating(2, CODING, 5)])
    assert not summary_of(one, CODING).disagreement
    assert summary_of(two, CODING).disagreement


def test_all_not_assessed_counts_them_and_has_no_score():
    cards = [card(1, 10), card(2, 20)]
    ratings = [
        rating(1, CODING, None, not_assessed=True),
        rating(2, CODING, None, not_assessed=True),
    ]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert s.not_assessed == 2
    assert s.count == 0 and s.median is None
    assert s.gap and s.opinions == 0  # not assessed is no opinion
    assert s.bar_status == "unknown"
    assert len(s.entries) == 2  # still shown: who could not assess it


def test_not_assessed_beside_scores_counts_separately():
    cards = [card(1, 10), card(2, 20), card(3, 30)]
    ratings = [
        rating(1, CODING, 3),
        rating(2, CODING, None, not_assessed=True),
        rating(3, CODING, 4),
    ]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert (s.count, s.not_assessed, s.median) == (2, 1, 3.5)


def test_shadows_only_are_ignored_entirely():
    cards = [card(1, 10, shadow=True, rec="strong_yes"), card(2, 20, shadow=True)]
    ratings = [rating(1, CODING, 5), rating(2, CODING, 1)]
    result = aggregate_application([CODING], cards, ratings)
    s = summary_of(result, CODING)
    assert s.count == 0 and not s.disagreement and s.gap
    assert result.recommendations["strong_yes"] == 0
    assert result.submitted == 0 and result.outstanding == 0 and result.shadows == 2
    assert not result.ready_for_decision


def test_shadow_beside_interviewers_does_not_move_the_statistics():
    cards = [card(1, 10), card(2, 20), card(3, 20, shadow=True)]
    ratings = [rating(1, CODING, 3), rating(2, CODING, 3), rating(3, CODING, 1)]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert (s.count, s.min, s.spread, s.disagreement) == (2, 3, 0, False)
    assert [e.interviewer for e in s.entries] == ["Interviewer 1", "Interviewer 2"]


def test_draft_scorecards_are_not_counted_but_are_outstanding():
    cards = [card(1, 10), card(2, 20, submitted=False, rec="no")]
    ratings = [rating(1, CODING, 4), rating(2, CODING, 1)]
    result = aggregate_application([CODING], cards, ratings)
    assert summary_of(result, CODING).count == 1
    assert result.outstanding == 1 and result.submitted == 1
    assert result.recommendations["no"] == 0
    assert not result.ready_for_decision


def test_even_count_median_is_the_midpoint_and_a_split_panel_is_below_the_bar():
    cards = [card(1, 10), card(2, 20)]
    spec = CompetencySpec(1, "Coding", bar=4)
    s = summary_of(
        aggregate_application([spec], cards, [rating(1, spec, 3), rating(2, spec, 4)]), spec
    )
    assert s.median == 3.5
    assert s.bar_status == "below"


def test_even_count_median_on_the_bar_meets_it():
    cards = [card(1, 10), card(2, 20), card(3, 30), card(4, 40)]
    ratings = [
        rating(1, CODING, 2),
        rating(2, CODING, 3),
        rating(3, CODING, 3),
        rating(4, CODING, 5),
    ]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert s.median == 3.0
    assert s.bar_status == "meets"


def test_bar_status_rules():
    assert bar_status(3.0, 3) == "meets"
    assert bar_status(2.5, 3) == "below"
    assert bar_status(None, 3) == "unknown"
    assert bar_status(4.0, None) == "unknown"


def test_two_interviewers_on_one_stage_are_two_opinions_and_no_gap():
    cards = [card(1, 10), card(2, 10)]  # a panel interview: two people, one stage
    ratings = [rating(1, CODING, 3), rating(2, CODING, 4)]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert (s.count, s.stages, s.opinions) == (2, 1, 2)
    assert not s.gap and not s.flagged


def test_seed_002s_panel_of_three_on_one_stage_shows_no_gap():
    cards = [card(1, 10), card(2, 10), card(3, 10)]
    ratings = [rating(pk, spec, 4) for pk in (1, 2, 3) for spec in (CODING, DESIGN, COLLAB)]
    result = aggregate_application([CODING, DESIGN, COLLAB], cards, ratings)
    assert [(s.opinions, s.stages, s.gap) for s in result.competencies] == [(3, 1, False)] * 3


def test_one_person_on_two_stages_is_one_opinion_and_a_gap():
    cards = [card(1, 10, person=7), card(2, 20, person=7)]
    ratings = [rating(1, CODING, 4), rating(2, CODING, 4)]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert (s.count, s.stages, s.opinions) == (2, 2, 1)
    assert s.gap and s.gap_reason == "one-opinion"


def test_a_loop_demanding_another_stage_flags_a_one_stage_panel():
    cards = [card(1, 10), card(2, 10), card(3, 10)]
    ratings = [rating(1, CODING, 3), rating(2, CODING, 4), rating(3, CODING, 4)]
    s = summary_of(aggregate_application([CODING], cards, ratings, another_stage=True), CODING)
    assert (s.opinions, s.stages) == (3, 1)
    assert s.gap and s.gap_reason == "one-stage"


def test_a_loop_demanding_another_stage_needs_two_people_and_two_stages():
    ratings = [rating(1, CODING, 3), rating(2, CODING, 4)]
    two = [card(1, 10), card(2, 20)]
    same_person = [card(1, 10, person=7), card(2, 20, person=7)]
    assert not summary_of(
        aggregate_application([CODING], two, ratings, another_stage=True), CODING
    ).gap
    alone = summary_of(
        aggregate_application([CODING], same_person, ratings, another_stage=True), CODING
    )
    assert alone.gap and alone.gap_reason == "one-opinion"


def test_a_scorecard_without_a_known_author_counts_as_its_own_opinion():
    cards = [
        ScorecardRow(1, "A", 10, submitted=True),
        ScorecardRow(2, "B", 10, submitted=True),
    ]
    ratings = [rating(1, CODING, 3), rating(2, CODING, 3)]
    assert summary_of(aggregate_application([CODING], cards, ratings), CODING).opinions == 2


def test_scores_from_two_stages_close_the_gap():
    cards = [card(1, 10), card(2, 10), card(3, 20)]
    ratings = [rating(1, CODING, 3), rating(2, CODING, 4), rating(3, CODING, 4)]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert (s.stages, s.opinions) == (2, 3) and not s.gap


def test_ratings_of_competencies_outside_the_loop_are_ignored():
    result = aggregate_application([CODING], [card(1, 10)], [RatingRow(1, 99, 5)])
    assert [s.competency for s in result.competencies] == [CODING]
    assert summary_of(result, CODING).count == 0


def test_recommendation_tally_has_every_choice_in_order():
    cards = [
        card(1, 10, rec="yes"),
        card(2, 20, rec="yes"),
        card(3, 30, rec="strong_no"),
        card(4, 40),
    ]
    result = aggregate_application([CODING], cards, [])
    assert list(result.recommendations.items()) == [
        ("strong_no", 1),
        ("no", 0),
        ("yes", 2),
        ("strong_yes", 0),
    ]


def test_ready_for_decision_when_every_non_shadow_scorecard_is_submitted():
    cards = [card(1, 10), card(2, 20), card(3, 20, shadow=True, submitted=False)]
    result = aggregate_application([CODING], cards, [])
    assert result.outstanding == 0
    assert result.ready_for_decision


def test_no_scorecards_is_not_ready():
    assert not aggregate_application([CODING], [], []).ready_for_decision
    assert not is_ready_for_decision(0, 0)
    assert is_ready_for_decision(3, 0)
    assert not is_ready_for_decision(3, 1)


def test_committee_order_puts_disagreements_then_gaps_first_and_keeps_loop_order():
    specs = [
        CompetencySpec(1, "Calm"),
        CompetencySpec(2, "Gap"),
        CompetencySpec(3, "Split"),
        CompetencySpec(4, "Also calm"),
    ]
    cards = [card(1, 10), card(2, 20)]
    ratings = [
        RatingRow(1, 1, 3),
        RatingRow(2, 1, 3),
        RatingRow(1, 2, 3),
        RatingRow(1, 3, 1),
        RatingRow(2, 3, 4),
        RatingRow(1, 4, 4),
        RatingRow(2, 4, 4),
    ]
    result = aggregate_application(specs, cards, ratings)
    assert [s.name for s in result.competencies] == ["Split", "Gap", "Calm", "Also calm"]
    assert [s.flagged for s in result.competencies] == [True, True, False, False]


def test_committee_order_puts_critical_first_within_a_group():
    specs = [CompetencySpec(1, "Plain"), CompetencySpec(2, "Critical", critical=True)]
    result = aggregate_application(specs, [card(1, 10)], [])  # both gaps
    assert [s.name for s in result.competencies] == ["Critical", "Plain"]


def test_weighted_score_shows_its_formula():
    specs = [CompetencySpec(1, "Coding", weight=2), CompetencySpec(2, "Design", weight=1)]
    cards = [card(1, 10), card(2, 20)]
    ratings = [RatingRow(1, 1, 4), RatingRow(2, 1, 4), RatingRow(1, 2, 3), RatingRow(2, 2, 4)]
    weighted = aggregate_application(specs, cards, ratings).weighted
    assert weighted.value == pytest.approx((2 * 4.0 + 1 * 3.5) / 3)
    assert weighted.formula == "(2×4.0 + 1×3.5) / 3 = 3.83"
    assert weighted.unscored == ()


def test_weighted_score_formula_with_fractional_weights_and_means():
    from decimal import Decimal

    specs = [CompetencySpec(1, "A", weight=Decimal("1.5")), CompetencySpec(2, "B", weight=1)]
    cards = [card(1, 10), card(2, 20), card(3, 30)]
    ratings = [RatingRow(1, 1, 4), RatingRow(2, 1, 4), RatingRow(3, 1, 3), RatingRow(1, 2, 2)]
    weighted = aggregate_application(specs, cards, ratings).weighted
    assert weighted.formula == "(1.5×3.67 + 1×2.0) / 2.5 = 3.00"


def test_weighted_score_leaves_out_unscored_and_unweighted_competencies():
    specs = [
        CompetencySpec(1, "Coding", weight=2),
        CompetencySpec(2, "Design", weight=1),
        CompetencySpec(3, "Unweighted"),
        CompetencySpec(4, "Zero", weight=0),
    ]
    ratings = [RatingRow(1, 1, 4), RatingRow(1, 3, 1), RatingRow(1, 4, 1)]
    weighted = aggregate_application(specs, [card(1, 10)], ratings).weighted
    assert weighted.value == 4.0
    assert weighted.formula == "(2×4.0) / 2 = 4.00"
    assert weighted.unscored == ("Design",)


def test_weighted_score_is_none_without_weights_and_empty_without_scores():
    assert aggregate_application([CODING], [card(1, 10)], []).weighted is None
    weighted = weighted_score(
        aggregate_application([CompetencySpec(1, "A", weight=1)], [card(1, 10)], []).competencies
    )
    assert weighted.value is None
    assert weighted.unscored == ("A",)
    assert "no weighted competency" in weighted.formula


def test_entries_say_who_said_what_with_evidence():
    cards = [card(1, 10, who="Ana"), card(2, 20, who="Ben")]
    ratings = [
        RatingRow(1, 1, 4, evidence="Wrote tests first"),
        RatingRow(2, 1, None, not_assessed=True, evidence=""),
    ]
    s = summary_of(aggregate_application([CODING], cards, ratings), CODING)
    assert [(e.interviewer, e.stage, e.score, e.not_assessed, e.evidence) for e in s.entries] == [
        ("Ana", "Stage 10", 4, False, "Wrote tests first"),
        ("Ben", "Stage 20", None, True, ""),
    ]
