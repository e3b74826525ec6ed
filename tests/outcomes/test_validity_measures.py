"""What is correlated: later performance under each rule, and each predictor per application."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.validity import measures
from outcomes.validity.measures import CardRow, PerformanceRule, ReviewRow, ScoreRow, Scores
from scoring import aggregate

ANCHOR = date(2025, 1, 15)


def review(months: float, overall: int, scale_max: int = 5, app: int = 1) -> ReviewRow:
    return ReviewRow(app, ANCHOR + timedelta(days=round(months * 30.44)), overall, scale_max)


def test_ratings_on_different_scales_are_rescaled_to_zero_to_one():
    assert measures.rescaled(1, 5) == 0
    assert measures.rescaled(5, 5) == 1
    assert measures.rescaled(4, 7) == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("reviews", "rule", "expected"),
    [
        # The 12-month review wins over the 6-month one, the nearest to 12 among several.
        ([review(6, 2), review(11, 4), review(14, 5)], PerformanceRule.TWELVE, 0.75),
        # No review within 9..15 months: the 6-month one.
        ([review(6, 2), review(20, 5)], PerformanceRule.TWELVE, 0.25),
        ([review(6, 2), review(12, 4)], PerformanceRule.SIX, 0.25),
        ([review(6, 2), review(20, 5)], PerformanceRule.LATEST, 1.0),
        ([review(6, 2, 5), review(12, 7, 7)], PerformanceRule.MEAN, pytest.approx(0.625)),
        # A review outside both windows gives nothing under the month rules.
        ([review(1, 5)], PerformanceRule.TWELVE, None),
        ([review(24, 5)], PerformanceRule.SIX, None),
    ],
)
def test_later_performance_follows_the_chosen_rule(reviews, rule, expected):
    assert measures.later_performance(reviews, ANCHOR, rule) == expected


def test_months_are_counted_from_the_last_interview():
    cards = [
        CardRow(1, 7, 1, date(2025, 1, 1)),
        CardRow(2, 7, 1, ANCHOR),
        CardRow(3, 8, 1, date(2024, 6, 1)),
    ]
    assert measures.last_interviews(cards) == {7: ANCHOR, 8: date(2024, 6, 1)}


def scores() -> Scores:
    """Two applications; app 1 scored by two people on two stages, app 2 by one."""
    return Scores.of(
        [
            ScoreRow(1, 10, 100, "Technical", 5, 4),
            ScoreRow(1, 10, 100, "Technical", 6, 2),
            ScoreRow(1, 11, 101, "Values", 5, 5),
            ScoreRow(2, 12, 100, "Technical", 5, 1),
            ScoreRow(2, 12, 100, "Technical", 6, 3),
        ]
    )


def test_competency_stage_and_interviewer_means_per_application():
    s = scores()
    assert measures.competency_scores(s) == {5: {1: 4.5, 2: 1.0}, 6: {1: 2.0, 2: 3.0}}
    assert measures.stage_scores(s) == {"Technical": {1: 3.0, 2: 2.0}, "Values": {1: 5.0}}
    assert measures.interviewer_scores(s) == {100: {1: 3.0, 2: 2.0}, 101: {1: 5.0}}


def test_a_question_takes_its_primary_competencys_score_where_it_was_asked():
    # Question 40 (key "outage", competency 5) asked on cards 10 and 12; question 41
    # (another version of "outage") on card 11; question 50 ("design", competency 6) on 12.
    asked = [(10, 40, 5), (12, 40, 5), (11, 41, 5), (12, 50, 6)]
    keys = {40: "outage", 41: "outage", 50: "design"}

    found = measures.question_scores(scores(), asked, keys)

    assert found == {"outage": {1: 4.5, 2: 1.0}, "design": {2: 3.0}}


def test_the_recommendation_tally_is_the_mean_code():
    cards = [
        CardRow(1, 7, 1, ANCHOR, "strong_yes"),
        CardRow(2, 7, 1, ANCHOR, "no"),
        CardRow(3, 8, 1, ANCHOR, ""),  # none given: not counted
    ]
    assert measures.recommendation_scores(cards) == {7: 3.0}


def test_the_weighted_score_is_scoring_aggregates_with_the_versions_weights():
    specs = {
        1: [
            aggregate.CompetencySpec(5, "Ownership", weight=2),
            aggregate.CompetencySpec(6, "X", weight=1),
        ],
        2: [aggregate.CompetencySpec(5, "Ownership"), aggregate.CompetencySpec(6, "X")],
    }
    by_competency = {5: {1: 4.5, 2: 1.0}, 6: {1: 2.0}}

    found = measures.weighted_scores(by_competency, {1: 1, 2: 1, 3: 2}, specs)

    assert found[1] == pytest.approx((2 * 4.5 + 2.0) / 3)
    assert found[2] == pytest.approx(1.0)  # X unscored: left out of both sums
    assert 3 not in found  # version 2 weights nothing: no weighted score


@given(
    st.lists(
        st.tuples(
            st.sampled_from([None, 0, 1, 2, 0.5]),  # the spec's weight
            st.one_of(st.none(), st.floats(1, 5)),  # the application's mean, or unscored
        ),
        min_size=1,
        max_size=6,
    )
)
def test_the_vectorised_weighted_score_is_aggregate_weighted_score(terms):
    specs = [aggregate.CompetencySpec(i, f"C{i}", weight=w) for i, (w, _) in enumerate(terms)]
    by_competency = {i: {1: mean} for i, (_, mean) in enumerate(terms) if mean is not None}
    summaries = [
        aggregate.summarise_competency(
            spec,
            [aggregate.RatingEntry("x", "s", 1, None, False, "", ("person", 1))]
            if mean is None
            else [aggregate.RatingEntry("x", "s", 1, mean, False, "", ("person", 1))],
        )
        for spec, (_, mean) in zip(specs, terms, strict=True)
    ]
    expected = aggregate.weighted_score(summaries)

    found = measures.weighted_scores(by_competency, {1: 1}, {1: specs}).get(1)

    if expected is None or expected.value is None:
        assert found is None
    else:
        assert found == pytest.approx(expected.value)
