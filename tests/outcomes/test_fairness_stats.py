"""The adverse-impact statistics against scipy and against a case worked by hand."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import fisher_exact as scipy_fisher

from outcomes.fairness import report, stats

counts = st.integers(min_value=0, max_value=60)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(counts, counts, counts, counts)
def test_fisher_exact_equals_scipy(a, b, c, d):
    expected = scipy_fisher([[a, b], [c, d]], alternative="two-sided").pvalue
    assert stats.fisher_exact(a, b, c, d) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_fisher_exact_on_large_tables_equals_scipy():
    # Bench-sized groups: thousands of applicants, a p far below any float's epsilon sum.
    for table in ([[600, 1400], [1200, 800]], [[2950, 2050], [3010, 1990]]):
        (a, b), (c, d) = table
        assert stats.fisher_exact(a, b, c, d) == pytest.approx(
            scipy_fisher(table).pvalue, rel=1e-6, abs=1e-300
        )


def hypergeometric(x: int, row1: int, row2: int, col1: int) -> float:
    return math.comb(row1, x) * math.comb(row2, col1 - x) / math.comb(row1 + row2, col1)


def test_planted_case_by_hand():
    """Women: 6 of 20 hired; men: 12 of 20. Worked with math.comb, not with our code."""
    # Selection rates .30 and .60: the impact ratio is .5, under four-fifths.
    ratio = stats.impact_ratio(6, 20, 12, 20)
    assert ratio.value == pytest.approx(0.5)
    assert ratio.flagged
    # Fisher: every table with the same margins (18 hired of 40, 20 per group) that is
    # no more probable than the observed one. By symmetry x <= 6 or x >= 12.
    by_hand = sum(hypergeometric(x, 20, 20, 18) for x in (*range(0, 7), *range(12, 19)))
    assert ratio.p_value == pytest.approx(by_hand, rel=1e-12)
    assert ratio.p_value == pytest.approx(0.1110, abs=5e-4)  # scipy: 0.11100...
    # Katz: SE of log(.5) = sqrt(1/6 - 1/20 + 1/12 - 1/20) = sqrt(.15).
    se = math.sqrt(0.15)
    assert ratio.low == pytest.approx(0.5 * math.exp(-1.959963984540054 * se))
    assert ratio.high == pytest.approx(0.5 * math.exp(1.959963984540054 * se))
    assert (round(ratio.low, 3), round(ratio.high, 3)) == (0.234, 1.068)
    # The interval reaches past 0.8: the reading must not call it settled.
    assert "not clear" in stats.ratio_reading(ratio)


def test_nobody_selected_has_a_ratio_of_zero_and_no_interval():
    ratio = stats.impact_ratio(0, 10, 5, 10)
    assert ratio.value == 0 and ratio.low is None and ratio.high is None
    assert ratio.p_value == pytest.approx(scipy_fisher([[0, 10], [5, 5]]).pvalue)


def test_no_reference_without_anyone_selected():
    assert stats.impact_ratio(3, 10, 0, 10) is None
    assert stats.reference_group({"a": (0, 10), "b": (0, 12)}) is None


def test_reference_is_the_highest_rate_then_the_larger_group():
    assert stats.reference_group({"a": (3, 10), "b": (4, 10), "c": (1, 2)}) == "c"
    assert stats.reference_group({"a": (3, 10), "b": (6, 20)}) == "b"


def test_four_fifths_boundary_is_not_flagged():
    # 29 CFR 1607.4(D): "less than four-fifths"; exactly .8 is not.
    assert not stats.impact_ratio(8, 10, 10, 10).flagged
    assert stats.impact_ratio(7, 10, 10, 10).flagged


def test_whole_interval_below_four_fifths_is_read_as_such():
    ratio = stats.impact_ratio(100, 1000, 400, 1000)
    assert ratio.high < 0.8
    assert stats.ratio_reading(ratio) == "Below four-fifths, and so is the whole interval."


def test_cohens_d_by_hand():
    group, reference = [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]
    result = stats.cohens_d(group, reference)
    # Means 3 and 5, both SDs 1: d = -2. SE = sqrt(6/9 + 4/12).
    assert result.d == pytest.approx(-2.0)
    se = math.sqrt(6 / 9 + 4 / 12)
    assert result.low == pytest.approx(-2 - 1.959963984540054 * se)
    assert result.high == pytest.approx(-2 + 1.959963984540054 * se)
    assert (result.n1, result.n0) == (3, 3)


def test_cohens_d_matches_numpy_pooled_sd():
    import numpy as np

    rng = np.random.default_rng(7)
    x, y = rng.normal(3.2, 0.8, 40), rng.normal(3.6, 0.9, 55)
    pooled = math.sqrt(((40 - 1) * x.var(ddof=1) + (55 - 1) * y.var(ddof=1)) / (40 + 55 - 2))
    assert stats.cohens_d(list(x), list(y)).d == pytest.approx((x.mean() - y.mean()) / pooled)


def test_cohens_d_undefined_without_spread_or_pairs():
    assert stats.cohens_d([3.0, 3.0], [3.0, 3.0]) is None
    assert stats.cohens_d([3.0], [2.0, 4.0]) is None


def planted_cohort() -> report.Cohort:
    """40 decided applications: 20 women (6 hired), 20 men (12 hired); every stage
    passed by all. Race left unanswered by everyone."""
    sex = report.Category(
        "sex", "Sex", [("female", "Female"), ("male", "Male"), ("unknown", "Unknown")]
    )
    race = report.Category("race", "Race", [("white", "White"), ("unknown", "Unknown")])
    cohort = report.Cohort(
        categories=[sex, race], steps=["Advanced past Systems", "Offer", "Hired"]
    )
    pk = 0
    for group, hired in (("female", 6), ("male", 12)):
        for i in range(20):
            pk += 1
            cohort.answers[pk] = (group, "unknown")
            cohort.furthest[pk] = 3 if i < hired else 1
    return cohort


def test_report_of_the_planted_case_shows_the_hand_figures():
    built = report.build(planted_cohort(), minimum=5)
    hired = built.steps[2]
    sex = next(t for t in hired.tables if t.key == "sex")
    women = next(r for r in sex.rows if r.label == "Female")
    men = next(r for r in sex.rows if r.label == "Male")
    assert (women.considered, women.selected, men.considered, men.selected) == (20, 6, 20, 12)
    assert men.reference and sex.reference == "Male"
    assert women.ratio.value == pytest.approx(0.5) and women.ratio.flagged
    assert women.ratio.p_value == pytest.approx(scipy_fisher([[6, 14], [12, 8]]).pvalue)
    # Nobody answered race: "unknown" is shown but never compared nor the reference.
    race = next(t for t in hired.tables if t.key == "race")
    unknown = next(r for r in race.rows if r.unknown)
    assert unknown.considered == 40 and unknown.ratio is None and race.reference is None


def test_csv_rows_follow_the_ll144_layout():
    rows = report.csv_rows(report.build(planted_cohort(), minimum=5))
    assert report.CSV_HEADER[2:7] == [
        "Category",
        "Number of applicants",
        "Number selected",
        "Selection rate",
        "Impact ratio",
    ]
    women = next(r for r in rows if r[:3] == ["Hired", "Sex", "Female"])
    assert women[3:7] == ["20", "6", "0.300", "0.500"]
    assert women[-1] == "yes"
    unknown = next(r for r in rows if r[:3] == ["Hired", "Race", "Unknown"])
    assert unknown[3:7] == ["40", "18", "0.450", ""]  # LL144: unknown counted, no ratio
    assert next(r for r in rows if r[:3] == ["Hired", "All", "Total"])[:6] == [
        "Hired",
        "All",
        "Total",
        "40",
        "18",
        "0.450",
    ]


def test_differences_compare_each_group_with_the_largest_scored_group():
    cohort = planted_cohort()
    cohort.competencies = {1: "Reliability"}
    # Women score 2,3,4 repeating; men one point higher: d = -1 / pooled SD.
    cohort.scores = {
        1: {
            pk: (2 + pk % 3) + (1 if cohort.answers[pk][0] == "male" else 0)
            for pk in cohort.furthest
        }
    }
    cohort.scores[1] = {pk: float(v) for pk, v in cohort.scores[1].items()}
    built = report.build(cohort, minimum=5)
    block = next(b for b in built.differences if b.category == "Sex")
    assert block.reference == "Male" and block.reference_n == 20
    (women,) = block.rows
    women_scores = [v for pk, v in cohort.scores[1].items() if cohort.answers[pk][0] == "female"]
    men_scores = [v for pk, v in cohort.scores[1].items() if cohort.answers[pk][0] == "male"]
    assert women.result == stats.cohens_d(women_scores, men_scores)
    assert women.result.d < 0


def test_a_group_with_fewer_than_the_minimum_unscored_gets_no_difference():
    cohort = planted_cohort()
    cohort.competencies = {1: "Reliability"}
    # 17 of 20 women scored: the 3 unscored would be a count under 5.
    cohort.scores = {1: {pk: float(pk % 4) for pk in cohort.furthest if pk > 3}}
    block = next(b for b in report.build(cohort, minimum=5).differences if b.category == "Sex")
    assert block.reference == "Male" and block.rows == []
