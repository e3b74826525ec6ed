"""scoring.reliability against published worked examples, a reference package, and edges."""

import math

import numpy as np
import pytest

from scoring.reliability import (
    METRICS,
    IncompleteMatrixError,
    alpha_band,
    coincidence_matrix,
    icc,
    icc_band,
    krippendorff_alpha,
    krippendorff_alphas,
    panel_matrix,
    ratings_matrix,
    reading,
    reliability_by_competency,
    value_counts,
)

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
# (rows A–D) × 12 units, with missing values. Printed: nominal α = 0.743, ordinal α = 0.815,
# interval α = 0.849, ratio α = 0.797. Also in the `krippendorff` package's doctests.
KRIPPENDORFF_2011_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]
KRIPPENDORFF_2011 = np.array(KRIPPENDORFF_2011_OBSERVERS).T  # units × raters

# Wikipedia's "Krippendorff's alpha" computational example: 3 coders × 15 units.
# Printed: nominal α = 0.691, interval α = 0.811.
WIKIPEDIA_CODERS = [
    [nan, nan, nan, nan, nan, 3, 4, 1, 2, 1, 1, 3, 3, nan, 3],
    [1, nan, 2, 1, 3, 3, 4, 3, nan, nan, nan, nan, nan, nan, nan],
    [nan, nan, 2, 1, 3, 4, 4, nan, 2, 1, 1, 3, 3, nan, 4],
]

# Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


@pytest.mark.parametrize(
    ("metric", "printed"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_reproduces_krippendorff_2011_with_missing_values(metric, printed):
    """Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability, p. 3–5:
    the 4 observers × 12 units reliability data with missing values."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, metric)
    assert round(result.value, 3) == printed


def test_alpha_example_rests_on_eleven_units_and_forty_pairable_values():
    """Unit 12 has one value, so it is unpairable; the paper's n.. is 40."""
    result = krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    assert result.units == 11
    assert result.pairable == 40


@pytest.mark.parametrize(("metric", "printed"), [("nominal", 0.691), ("interval", 0.811)])
def test_alpha_reproduces_the_wikipedia_computational_example(metric, printed):
    """Wikipedia, "Krippendorff's alpha", section "A computational example"."""
    result = krippendorff_alpha(np.array(WIKIPEDIA_CODERS).T, metric)
    assert round(result.value, 3) == printed


def test_coincidence_matrix_of_the_example_is_symmetric_and_sums_to_n():
    counts, points = value_counts(KRIPPENDORFF_2011)
    coincidences = coincidence_matrix(counts[counts.sum(axis=1) >= 2])
    assert list(points) == [1, 2, 3, 4, 5]
    assert np.allclose(coincidences, coincidences.T)
    assert coincidences.sum() == pytest.approx(40)
    # Value 5 only ever meets value 5 (unit 10: three observers agree).
    assert coincidences[4].tolist() == pytest.approx([0, 0, 0, 0, 3])


def test_alphas_share_one_computation_and_match_single_calls():
    together = krippendorff_alphas(KRIPPENDORFF_2011, METRICS)
    for metric in METRICS:
        assert together[metric].value == krippendorff_alpha(KRIPPENDORFF_2011, metric).value


def test_alpha_ignores_unused_scale_points_in_the_domain():
    plain = krippendorff_alpha(KRIPPENDORFF_2011, "ordinal").value
    widened = krippendorff_alpha(KRIPPENDORFF_2011, "ordinal", domain=[0, 1, 2, 3, 4, 5, 6]).value
    assert widened == pytest.approx(plain)


def test_alpha_is_one_for_perfect_agreement_with_variation():
    data = [[1, 1, nan], [3, 3, 3], [5, nan, 5]]
    for metric in METRICS:
        assert krippendorff_alpha(data, metric).value == pytest.approx(1.0)


def test_alpha_is_undefined_without_any_variation():
    result = krippendorff_alpha([[3, 3], [3, 3], [3, nan]], "interval")
    assert result.value is None
    assert result.units == 2


def test_alpha_without_pairable_units_is_undefined_and_rests_on_nothing():
    result = krippendorff_alpha([[1, nan], [nan, 4]], "interval")
    assert (result.value, result.units, result.pairable) == (None, 0, 0)
    assert krippendorff_alpha(np.empty((0, 0)), "ordinal").value is None


def test_alpha_is_negative_for_systematic_disagreement():
    data = [[1, 5], [5, 1], [1, 5], [5, 1]]
    assert krippendorff_alpha(data, "interval").value < 0


def test_alpha_refuses_unknown_metrics_and_flat_input():
    with pytest.raises(ValueError, match="unknown metric"):
        krippendorff_alpha(KRIPPENDORFF_2011, "circular")
    with pytest.raises(ValueError, match="two-dimensional"):
        krippendorff_alpha([1, 2, 3], "interval")


@pytest.mark.parametrize("metric", ["nominal", "ordinal", "interval", "ratio"])
@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_the_krippendorff_package_on_random_varying_panels(metric, seed):
    """Cross-check against the `krippendorff` package (a test-only dependency)."""
    krippendorff = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, 6, size=(80, 1))
    data = np.clip(truth + rng.integers(-1, 2, size=(80, 6)), 1, 5).astype(float)
    data[rng.random(data.shape) < 0.4] = nan  # varying panels, many missing
    expected = krippendorff.alpha(
        reliability_data=data.T, level_of_measurement=metric, value_domain=[1, 2, 3, 4, 5]
    )
    assert krippendorff_alpha(data, metric, domain=[1, 2, 3, 4, 5]).value == pytest.approx(
        expected, abs=1e-9
    )


# --- ICC ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "printed"),
    [
        ("icc1_1", 0.17),
        ("icc2_1", 0.29),
        ("icc3_1", 0.71),
        ("icc1_k", 0.44),
        ("icc2_k", 0.62),
        ("icc3_k", 0.91),
    ],
)
def test_icc_reproduces_shrout_and_fleiss_1979_table_2(form, printed):
    """Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
    rater reliability. Psychological Bulletin 86(2), 420–428: Table 2's 6 targets ×
    4 judges; the six forms printed .17, .29, .71, .44, .62, .91."""
    assert round(getattr(icc(SHROUT_FLEISS), form), 2) == printed


def test_icc_mean_squares_match_shrout_and_fleiss_table_2_anova():
    """Table 2's analysis of variance: BMS 11.24, WMS 6.26, JMS 32.49, EMS 1.02."""
    result = icc(SHROUT_FLEISS)
    assert (result.n, result.k) == (6, 4)
    assert [round(x, 2) for x in (result.bms, result.wms, result.jms, result.ems)] == [
        11.24,
        6.26,
        32.49,
        1.02,
    ]


def test_icc_as_dict_uses_the_printed_names():
    assert list(icc(SHROUT_FLEISS).as_dict()) == [
        "ICC(1,1)",
        "ICC(2,1)",
        "ICC(3,1)",
        "ICC(1,k)",
        "ICC(2,k)",
        "ICC(3,k)",
    ]


def _icc_by_loops(data):
    """An independent, loop-by-loop ANOVA, written from Shrout & Fleiss's definitions."""
    n, k = len(data), len(data[0])
    grand = sum(map(sum, data)) / (n * k)
    row_means = [sum(r) / k for r in data]
    col_means = [sum(data[i][j] for i in range(n)) / n for j in range(k)]
    bss = k * sum((m - grand) ** 2 for m in row_means)
    jss = n * sum((m - grand) ** 2 for m in col_means)
    wss = sum((data[i][j] - row_means[i]) ** 2 for i in range(n) for j in range(k))
    bms, jms, wms = bss / (n - 1), jss / (k - 1), wss / (n * (k - 1))
    ems = (wss - jss) / ((n - 1) * (k - 1))
    return {
        "icc1_1": (bms - wms) / (bms + (k - 1) * wms),
        "icc2_1": (bms - ems) / (bms + (k - 1) * ems + k * (jms - ems) / n),
        "icc3_1": (bms - ems) / (bms + (k - 1) * ems),
        "icc1_k": (bms - wms) / bms,
        "icc2_k": (bms - ems) / (bms + (jms - ems) / n),
        "icc3_k": (bms - ems) / bms,
    }


@pytest.mark.parametrize("seed", range(5))
def test_icc_matches_a_loop_by_loop_anova_on_random_matrices(seed):
    rng = np.random.default_rng(seed)
    data = (rng.integers(1, 6, size=(30, 1)) + rng.integers(-1, 2, size=(30, 4))).tolist()
    result = icc(data)
    for form, expected in _icc_by_loops(data).items():
        assert getattr(result, form) == pytest.approx(expected)


def test_icc_refuses_an_incomplete_matrix_saying_how_incomplete():
    data = [row[:] for row in SHROUT_FLEISS]
    data[1][2] = nan
    data[4][0] = nan
    with pytest.raises(IncompleteMatrixError, match="2 of 24 scores are missing, in 2 of 6"):
        icc(data)


def test_icc_refuses_too_small_matrices():
    with pytest.raises(IncompleteMatrixError, match="at least 2 candidates and 2 raters"):
        icc([[1, 2, 3]])
    with pytest.raises(IncompleteMatrixError, match="at least 2"):
        icc([[1], [2]])


def test_icc_without_any_variance_is_nan_not_a_crash():
    assert math.isnan(icc([[3, 3], [3, 3]]).icc1_1)


# --- Matrices from rows ----------------------------------------------------------


def test_ratings_matrix_lays_out_triples_with_holes():
    triples = [(2, "b", 4), (1, "a", 3), (1, "b", 5), (3, "a", None)]
    matrix = ratings_matrix(triples)
    assert matrix.units == (1, 2, 3)
    assert matrix.raters == ("a", "b")
    assert np.array_equal(matrix.values, np.array([[3, 5], [nan, 4], [nan, nan]]), equal_nan=True)


def test_ratings_matrix_of_nothing_is_empty():
    matrix = ratings_matrix([])
    assert matrix.values.shape == (0, 0) and matrix.units == () and matrix.raters == ()


def test_ratings_matrix_refuses_a_rater_scoring_a_unit_twice():
    with pytest.raises(ValueError, match="rater 'a' scored unit 1 more than once"):
        ratings_matrix([(1, "a", 3), (2, "a", 4), (1, "a", 5)])


def test_ratings_matrix_feeds_the_published_example_back():
    triples = [
        (unit, observer, score)
        for observer, row in enumerate(KRIPPENDORFF_2011_OBSERVERS)
        for unit, score in enumerate(row)
        if not math.isnan(score)
    ]
    matrix = ratings_matrix(triples)
    assert round(krippendorff_alpha(matrix.values, "interval").value, 3) == 0.849


def test_panel_matrix_seats_each_units_scores_left_to_right():
    matrix = panel_matrix([(1, "ann", 3), (2, "bob", 4), (1, "cy", 5), (2, "di", None)])
    assert matrix.raters == (0, 1)
    assert np.array_equal(matrix.values, np.array([[3, 5], [4, nan]]), equal_nan=True)


# --- Readings ------------------------------------------------------------------------


def test_reading_in_plain_words_for_alpha():
    assert (
        reading("Collaboration", alpha=0.22, n=40)
        == "interviewers agree poorly on Collaboration: α = 0.22 over 40 candidates"
    )
    assert reading("Coding", alpha=0.7, n=40).startswith("interviewers agree only tentatively")
    assert reading("Coding", alpha=0.85, n=40).startswith("interviewers agree well on Coding")


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.95, "good"),
        (0.800, "good"),
        (0.7999, "good"),
        (0.799, "tentative"),
        (0.667, "tentative"),
        (0.666, "poor"),
        (-0.2, "poor"),
    ],
)
def test_alpha_bands_follow_krippendorff(value, band):
    assert alpha_band(value) == band


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.3, "poor"),
        (0.499, "poor"),
        (0.5, "moderate"),
        (0.749, "moderate"),
        (0.75, "good"),
        (0.9, "good"),
        (0.901, "excellent"),
    ],
)
def test_icc_bands_follow_koo_and_li(value, band):
    assert icc_band(value) == band


def test_reading_for_icc_names_the_form():
    text = reading("Coding", icc=0.62, form="ICC(2,1)", n=30)
    assert text == "interviewers agree moderately on Coding: ICC(2,1) = 0.62 over 30 candidates"
    assert reading("Coding", icc=0.95, n=30).startswith("interviewers agree very well")


def test_reading_says_too_few_candidates_below_the_minimum():
    text = reading("Coding", alpha=0.9, n=4)
    assert text == (
        "too few candidates to tell whether interviewers agree on Coding: 4 so far, 10 needed"
    )
    assert "agree well" in reading("Coding", alpha=0.9, n=4, min_candidates=3)


def test_reading_for_undefined_and_negative_alpha():
    assert "same score" in reading("Coding", alpha=None, n=20)
    assert "more than chance would" in reading("Coding", alpha=-0.1, n=20)


def test_reading_refuses_both_statistics():
    with pytest.raises(ValueError):
        reading("Coding", alpha=0.5, icc=0.5, n=20)


# --- One loop, every competency ---------------------------------------------------


def test_reliability_by_competency_splits_rows_and_reads_each():
    rows = [(10, u, r, s) for u, r, s in _grid(SHROUT_FLEISS)]
    rows += [(20, u, r, 3) for u in range(12) for r in ("a", "b")]
    rows += [(99, 0, "a", 1)]  # another competency: ignored
    results = reliability_by_competency(rows, {20: "Design", 10: "Coding", 30: "Unscored"})
    assert [r.name for r in results] == ["Design", "Coding", "Unscored"]
    design, coding, unscored = results
    assert design.interval.value is None and "same score" in design.reading
    assert round(coding.icc.icc3_k, 2) == 0.91 and coding.icc_refusal == ""
    assert coding.interval.units == 6 and "too few candidates" in coding.reading
    assert unscored.interval.units == 0 and unscored.icc is None
    assert "at least 2" in unscored.icc_refusal


def test_reliability_by_competency_explains_a_missing_icc():
    rows = [(1, u, r, s) for u, r, s in _grid(SHROUT_FLEISS)] + [(1, 6, 0, 5)]
    (result,) = reliability_by_competency(rows, {1: "Coding"})
    assert result.icc is None
    assert "3 of 28 scores are missing" in result.icc_refusal
    assert result.interval.units == 6


def test_reliability_by_competency_of_no_rows():
    (result,) = reliability_by_competency([], {1: "Coding"})
    assert result.interval.value is None and result.interval.units == 0


def _grid(matrix):
    return [(u, r, s) for u, row in enumerate(matrix) for r, s in enumerate(row)]
