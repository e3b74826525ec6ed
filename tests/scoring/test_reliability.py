"""scoring.reliability against published worked examples, a reference package, and edges."""

import json
import math

import numpy as np
import pytest

from scoring.reliability import (
    METRICS,
    MIN_CANDIDATES,
    AlphaResult,
    CompetencyReliability,
    IncompleteMatrixError,
    alpha_band,
    bootstrap_draws,
    candidates_to_settle,
    coincidence_matrix,
    count_profiles,
    f_quantile,
    icc,
    icc_band,
    krippendorff_alpha,
    krippendorff_alphas,
    one_way_icc,
    panel_matrix,
    ratings_matrix,
    reading,
    reliability_by_competency,
    two_way_icc,
    value_counts,
    verdict,
    weighted_alphas,
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


def test_icc_without_any_variance_is_none_not_nan():
    result = icc([[3, 3], [3, 3]])
    assert result.icc1_1 is None and result.icc2_k is None


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


def test_a_rater_scoring_a_unit_twice_is_one_opinion_their_mean():
    """One person on two stages of one application: one opinion, not two (DESIGN)."""
    matrix = ratings_matrix([(1, "a", 3), (2, "a", 4), (1, "a", 5), (1, "b", 2)])
    assert np.array_equal(matrix.values, np.array([[4.0, 2.0], [4.0, nan]]), equal_nan=True)
    assert matrix.repeats == 1


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


# --- The bootstrap interval for alpha ----------------------------------------------

DOMAIN = [1, 2, 3, 4, 5]


def _pairable(data):
    return data[(~np.isnan(data)).sum(axis=1) >= 2]


def _reference_bootstrap(data, metric, *, resamples, seed):
    """Hayes & Krippendorff's idea written plainly: resample units, recompute alpha, loop.

    Each resample's alpha comes from the `krippendorff` package; undefined ones (no
    variation) are dropped, as the product does.
    """
    krippendorff = pytest.importorskip("krippendorff")
    units = _pairable(data)
    rng = np.random.default_rng(seed)
    alphas = []
    for _ in range(resamples):
        sample = units[rng.integers(0, len(units), size=len(units))]
        try:
            alphas.append(
                krippendorff.alpha(
                    reliability_data=sample.T, level_of_measurement=metric, value_domain=DOMAIN
                )
            )
        except ValueError:  # one value only: the package refuses, alpha is undefined
            continue
    return np.quantile(alphas, [0.025, 0.975]), len(alphas)


@pytest.mark.parametrize("metric", ["interval", "ordinal"])
def test_vectorised_resamples_equal_the_krippendorff_package_on_each_resample(metric):
    """The same draws of units, alpha per resample: numpy over all at once vs a loop."""
    krippendorff = pytest.importorskip("krippendorff")
    units = _pairable(KRIPPENDORFF_2011)
    counts, points = value_counts(units, DOMAIN)
    rng = np.random.default_rng(7)
    picks = rng.integers(0, len(units), size=(200, len(units)))
    weights = np.stack([np.bincount(p, minlength=len(units)) for p in picks]).astype(float)

    ours = weighted_alphas(counts, weights, points, metric)

    for pick, alpha in zip(picks, ours, strict=True):
        sample = units[pick]
        if len(np.unique(sample[~np.isnan(sample)])) < 2:
            assert math.isnan(alpha)
            continue
        expected = krippendorff.alpha(
            reliability_data=sample.T, level_of_measurement=metric, value_domain=DOMAIN
        )
        assert alpha == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("metric", ["interval", "ordinal"])
def test_alpha_interval_on_the_published_example_matches_a_plain_bootstrap(metric):
    """Krippendorff (2011)'s 4 × 12 example: our seeded interval against a loop with its
    own seed. Both are Monte Carlo estimates of the same percentiles; with 4,000
    resamples each, their 2.5th percentiles differ by about 0.02 (sd), so 0.06 is 3 sd."""
    (low, high), used = _reference_bootstrap(KRIPPENDORFF_2011, metric, resamples=4000, seed=1)
    ours = krippendorff_alpha(KRIPPENDORFF_2011, metric, domain=DOMAIN, resamples=4000)
    assert ours.low == pytest.approx(low, abs=0.06)
    assert ours.high == pytest.approx(high, abs=0.01)
    assert ours.resamples == pytest.approx(used, abs=40)
    assert ours.low < ours.value <= ours.high


def test_alpha_interval_is_reproducible_with_its_seed_and_moves_with_another():
    first = krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    again = krippendorff_alpha(KRIPPENDORFF_2011, "interval")
    other = krippendorff_alpha(KRIPPENDORFF_2011, "interval", seed=99)
    assert (first.low, first.high) == (again.low, again.high)
    assert first.low != other.low
    assert first.resamples == 1000


def test_drawing_profiles_is_drawing_units():
    """Multinomial draws over count profiles resample U units: each draw sums to U, and
    on average each profile appears as often as its units."""
    units = _pairable(KRIPPENDORFF_2011)
    counts, _points = value_counts(units, DOMAIN)
    profiles, freq = count_profiles(counts)
    draws = bootstrap_draws(freq, 20000, seed=3)
    assert profiles.shape[0] < len(units)  # units 3 and 4 share a profile, and others
    assert (draws.sum(axis=1) == len(units)).all()
    assert draws.mean(axis=0) == pytest.approx(freq, abs=0.05)


def test_alpha_interval_narrows_with_more_candidates():
    rng = np.random.default_rng(5)

    def simulated(units):
        truth = rng.normal(3, 1, size=(units, 1))
        return np.clip(np.round(truth + rng.normal(0, 0.6, size=(units, 3))), 1, 5)

    small = krippendorff_alpha(simulated(30), "interval")
    large = krippendorff_alpha(simulated(3000), "interval")
    assert large.high - large.low < (small.high - small.low) / 5
    assert large.low < large.value < large.high


def test_alpha_interval_is_withheld_when_most_resamples_have_no_variation():
    data = [[3, 3]] * 20 + [[2, 4]]
    result = krippendorff_alpha(data, "interval")
    assert result.value is not None and result.low is None
    assert "undefined in" in result.note


# --- ICC: F quantiles ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("dfn", "dfd"), [(1, 1), (1, 40000), (2.5, 7.3), (11, 33), (499, 1500), (30000, 90000)]
)
@pytest.mark.parametrize("p", [0.025, 0.5, 0.975])
def test_f_quantile_matches_scipy_stats(dfn, dfd, p):
    stats = pytest.importorskip("scipy.stats")
    assert f_quantile(p, dfn, dfd) == pytest.approx(stats.f.ppf(p, dfn, dfd), rel=1e-9)


# --- ICC(1) and ICC(1,k): rotating panels, unbalanced -------------------------------


def _unbalanced_panels(seed, units=40):
    """Each candidate meets 2 to 5 of 12 interviewers; a true candidate effect plus noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for unit in range(units):
        truth = rng.normal(3, 1)
        for rater in rng.choice(12, size=rng.integers(2, 6), replace=False):
            rows.append((unit, int(rater), float(np.clip(round(truth + rng.normal(0, 0.8)), 1, 5))))
    return rows


def _hand_anova(rows):
    """The unbalanced one-way ANOVA written out with loops, and scipy's F quantiles."""
    stats = pytest.importorskip("scipy.stats")
    groups: dict = {}
    for unit, _rater, score in rows:
        groups.setdefault(unit, []).append(score)
    a = len(groups)
    big_n = sum(len(g) for g in groups.values())
    grand = sum(sum(g) for g in groups.values()) / big_n
    ssb = sum(len(g) * (sum(g) / len(g) - grand) ** 2 for g in groups.values())
    ssw = sum((x - sum(g) / len(g)) ** 2 for g in groups.values() for x in g)
    msb, msw = ssb / (a - 1), ssw / (big_n - a)
    k0 = (big_n - sum(len(g) ** 2 for g in groups.values()) / big_n) / (a - 1)
    f_obs = msb / msw
    f_low = f_obs / stats.f.ppf(0.975, a - 1, big_n - a)
    f_high = f_obs * stats.f.ppf(0.975, big_n - a, a - 1)
    return {
        "k0": k0,
        "ICC(1)": (
            (msb - msw) / (msb + (k0 - 1) * msw),
            (f_low - 1) / (f_low + k0 - 1),
            (f_high - 1) / (f_high + k0 - 1),
        ),
        "ICC(1,k)": ((msb - msw) / msb, 1 - 1 / f_low, 1 - 1 / f_high),
    }


def _one_way(rows):
    unit, rater, score = (np.asarray(c) for c in zip(*rows, strict=True))
    return one_way_icc(unit, rater, score.astype(float))


@pytest.mark.parametrize("seed", range(4))
def test_icc1_on_unbalanced_panels_matches_a_hand_checked_anova(seed):
    rows = _unbalanced_panels(seed)
    expected = _hand_anova(rows)

    report = _one_way(rows)

    assert report.design == "one-way" and report.units == 40
    assert report.k == pytest.approx(expected["k0"])
    assert 2 < report.k < 5
    for estimate in report.estimates:
        value, low, high = expected[estimate.form]
        assert (estimate.value, estimate.low, estimate.high) == pytest.approx((value, low, high))
        assert estimate.low < estimate.value < estimate.high


def test_icc1_on_a_tiny_unbalanced_example_by_hand():
    """Three candidates scored (4, 5), (2, 2, 3), (1, 2): N = 7, a = 3, grand mean 19/7.

    Means 4.5, 7/3, 1.5; SSB = 2(4.5 − 19/7)² + 3(7/3 − 19/7)² + 2(1.5 − 19/7)² = 9.7619;
    SSW = 0.5 + 2/3 + 0.5 = 1.6667; MSB = 4.8810, MSW = 0.4167; k0 = (7 − 17/7)/2 = 16/7.
    """
    rows = [(1, "a", 4), (1, "b", 5), (2, "a", 2), (2, "c", 2), (2, "d", 3), (3, "b", 1)]
    rows += [(3, "c", 2)]
    (single, average) = _one_way(rows).estimates
    msb, msw, k0 = 4.880952, 0.416667, 16 / 7
    assert single.value == pytest.approx((msb - msw) / (msb + (k0 - 1) * msw), abs=1e-5)
    assert round(single.value, 3) == 0.824  # 4.4643 / 5.4167
    assert average.value == pytest.approx((msb - msw) / msb, abs=1e-5)


def test_icc1_on_balanced_data_matches_pingouin():
    pingouin = pytest.importorskip("pingouin")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        [(t, j, s) for t, row in enumerate(SHROUT_FLEISS) for j, s in enumerate(row)],
        columns=["target", "rater", "score"],
    )
    table = pingouin.intraclass_corr(frame, "target", "rater", "score").set_index("Type")
    rows = [(t, j, s) for t, row in enumerate(SHROUT_FLEISS) for j, s in enumerate(row)]

    single, average = _one_way(rows).estimates

    for ours, theirs in ((single, "ICC(1,1)"), (average, "ICC(1,k)")):
        assert ours.value == pytest.approx(table.loc[theirs, "ICC"], abs=1e-6)
        assert [ours.low, ours.high] == pytest.approx(list(table.loc[theirs, "CI95"]), abs=0.005)


# --- ICC(2,1) and ICC(2,k): complete designs -----------------------------------------


def _pingouin_table(matrix):
    pingouin = pytest.importorskip("pingouin")
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        [(t, j, s) for t, row in enumerate(matrix) for j, s in enumerate(row)],
        columns=["target", "rater", "score"],
    )
    return pingouin.intraclass_corr(frame, "target", "rater", "score").set_index("Type")


def _random_complete(seed):
    rng = np.random.default_rng(seed)
    truth = rng.normal(3, 1, size=(25, 1))
    severity = rng.normal(0, 0.4, size=(1, 4))
    return np.clip(np.round(truth + severity + rng.normal(0, 0.7, size=(25, 4))), 1, 5)


@pytest.mark.parametrize(
    "matrix", [np.array(SHROUT_FLEISS, float), *map(_random_complete, range(3))]
)
def test_two_way_agreement_forms_and_intervals_match_pingouin(matrix):
    """McGraw & Wong's ICC(A,1) and ICC(A,k) with their F intervals (pingouin's CI95 is
    printed to two decimals)."""
    table = _pingouin_table(matrix)

    report = two_way_icc(matrix)

    assert report.design == "two-way" and report.k == matrix.shape[1]
    single, average = report.estimates
    assert (single.form, average.form) == ("ICC(2,1)", "ICC(2,k)")
    for ours, theirs in ((single, "ICC(A,1)"), (average, "ICC(A,k)")):
        assert ours.value == pytest.approx(table.loc[theirs, "ICC"], abs=1e-6)
        assert [ours.low, ours.high] == pytest.approx(list(table.loc[theirs, "CI95"]), abs=0.005)


def test_two_way_reproduces_shrout_and_fleiss_icc2_and_names_it():
    single, average = two_way_icc(np.array(SHROUT_FLEISS, float)).estimates
    assert (round(single.value, 2), round(average.value, 2)) == (0.29, 0.62)
    assert "same 4 interviewers" in single.explanation
    assert single.band  # Koo & Li words for the interval, e.g. "poor to good"


# --- Every pattern the scheduler allows: a result, never an exception or NaN ------------


def _finite_or_none(value):
    if isinstance(value, dict):
        return all(_finite_or_none(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_finite_or_none(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)
    return True


PATTERNS = {
    "nothing": [],
    "one score": [(1, 5, 7, 3)],
    "a single rater": [(1, u, 7, 1 + u % 5) for u in range(20)],
    "one person on two stages of one application": [
        (1, 5, 3, 4),
        (1, 5, 3, 2),
        (1, 5, 4, 3),
        *[(1, u, r, 1 + (u + r) % 5) for u in range(6, 20) for r in (3, 4)],
    ],
    "constant scores, complete": [(1, u, r, 3) for u in range(12) for r in ("a", "b")],
    "constant scores, rotating": [(1, u, u % 4 + r, 4) for u in range(15) for r in (0, 1)],
    "panels with missing values": [
        (1, u, r, None if (u * r) % 7 == 0 else 1 + (u + r) % 5)
        for u in range(30)
        for r in range(3)
    ],
    "rotating raters": [
        (1, unit, int(rater), score) for unit, rater, score in _unbalanced_panels(0, units=25)
    ],
    "perfect agreement": [(1, u, r, 1 + u % 5) for u in range(12) for r in range(3)],
    "two candidates": [(1, 0, 0, 1), (1, 0, 1, 2), (1, 1, 0, 4), (1, 1, 1, 5)],
    "a rater who never scores": [(1, u, 0, 1 + u % 5) for u in range(12)]
    + [(1, u, 1, None) for u in range(12)],
}


@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_assignment_pattern_gives_a_result_without_nan(pattern):
    (result,) = reliability_by_competency(PATTERNS[pattern], {1: "Security"}, domain=DOMAIN)

    data = result.to_dict()
    assert _finite_or_none(data)
    assert result.reading
    for alpha in (result.interval, result.ordinal):
        assert alpha.value is not None or alpha.note
        assert (alpha.low is None) == (alpha.high is None)
    assert result.icc.estimates or result.icc.note
    for estimate in result.icc.estimates:
        assert estimate.value is not None or estimate.note


def test_one_person_on_two_stages_counts_once_and_the_result_is_defined():
    rows = PATTERNS["one person on two stages of one application"]
    (result,) = reliability_by_competency(rows, {1: "Security"}, domain=DOMAIN)
    assert result.repeats == 1
    assert result.candidates == 15  # application 5 counts: person 3 (mean 3) and person 4
    assert result.scores == 30
    assert result.interval.value is not None


def test_constant_scores_are_undefined_with_the_reason_in_words():
    rows = PATTERNS["constant scores, complete"]
    (result,) = reliability_by_competency(rows, {1: "Coding"}, domain=DOMAIN)
    assert result.interval.value is None and "every score is the same" in result.interval.note
    assert result.verdict == "undefined" and "cannot be measured" in result.reading
    assert result.icc.design == "two-way"
    assert all(
        e.value is None and "every score is the same" in e.note for e in result.icc.estimates
    )


def test_a_single_rater_has_nothing_to_agree_with():
    (result,) = reliability_by_competency(PATTERNS["a single rater"], {1: "Coding"})
    assert result.candidates == 0 and result.scored == 20
    assert "two people's scores" in result.interval.note
    assert "two different people" in result.icc.note


def test_perfect_agreement_is_one_with_the_interval_withheld_for_the_icc():
    (result,) = reliability_by_competency(PATTERNS["perfect agreement"], {1: "Coding"})
    assert result.interval.value == pytest.approx(1.0)
    single, _average = result.icc.estimates
    assert single.value == pytest.approx(1.0) and single.low is None and single.note


def test_hypothesis_any_scores_any_panels_never_raise_or_nan():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    row = st.tuples(
        st.integers(1, 2), st.integers(0, 8), st.integers(0, 5), st.none() | st.integers(1, 5)
    )

    @settings(max_examples=150, deadline=None)
    @given(st.lists(row, max_size=60))
    def check(rows):
        results = reliability_by_competency(rows, {1: "A", 2: "B"}, resamples=50)
        assert _finite_or_none([r.to_dict() for r in results])

    check()


# --- Serialising for a stored snapshot ------------------------------------------------


def test_results_round_trip_through_json():
    rows = [(1, u, r, s) for u, r, s in _grid(SHROUT_FLEISS)] + PATTERNS["rotating raters"]
    rows = [(c + (u >= 100), u + 100 * (c > 1), r, s) for c, u, r, s in rows]
    results = reliability_by_competency(rows, {1: "Coding", 2: "Design"})

    stored = json.loads(json.dumps([r.to_dict() for r in results]))

    assert [CompetencyReliability.from_dict(d) for d in stored] == results


# --- Readings, judged on the interval ----------------------------------------------------


def _alpha(value, low, high, units=40):
    return AlphaResult("interval", value, units, units * 3, low, high, 1000)


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.81, 0.95, "good"),
        (0.70, 0.90, "tentative"),
        (0.667, 0.79, "tentative"),
        (0.30, 0.666, "poor"),
        (0.60, 0.85, "unclear"),
        (0.66, 0.70, "unclear"),
    ],
)
def test_verdict_is_judged_on_the_interval(low, high, expected):
    assert verdict(_alpha((low + high) / 2, low, high)) == expected


def test_verdict_needs_enough_candidates_and_an_alpha():
    assert verdict(_alpha(0.9, 0.85, 0.95, units=MIN_CANDIDATES - 1)) == "too-few"
    assert verdict(AlphaResult("interval", None, 20, 60, note="no variation")) == "undefined"
    assert verdict(AlphaResult("interval", 0.9, 20, 60, note="no interval")) == "unclear"


def test_reading_in_plain_words_with_the_interval():
    assert reading("Coding", _alpha(0.86, 0.81, 0.9)) == (
        "interviewers agree on Coding at the .800 (good) level with 95 % confidence:"
        " α = 0.86 (95 % interval 0.81 to 0.90) over 40 candidates"
    )
    assert "at the .667 (tentative) level" in reading("Coding", _alpha(0.75, 0.7, 0.8))
    assert reading("Coding", _alpha(0.22, 0.1, 0.35)).startswith(
        "interviewers agree poorly on Coding, below .667 with 95 % confidence"
    )
    assert "more than chance would" in reading("Coding", _alpha(-0.3, -0.5, -0.1))
    assert "−0.50" in reading("Coding", _alpha(-0.3, -0.5, -0.1))


def test_reading_of_a_straddling_interval_says_how_many_more_candidates_would_help():
    alpha = _alpha(0.72, 0.62, 0.82)
    text = reading("Coding", alpha)
    assert text.startswith("not yet clear whether interviewers agree on Coding")
    assert "straddles .667" in text
    # Half-width 0.10 must shrink to 0.053: (0.10 / 0.053)² × 40 ≈ 142, i.e. 103 more.
    assert candidates_to_settle(alpha, 40) == 103
    assert "about 103 more candidates" in text
    assert candidates_to_settle(_alpha(0.67, 0.5, 0.8), 40) is None  # on the threshold


def test_reading_says_too_few_candidates_below_the_minimum():
    text = reading("Coding", _alpha(0.9, 0.85, 0.95, units=4))
    assert text == (
        "too few candidates to tell whether interviewers agree on Coding: 4 so far, 10 needed"
    )
    assert "agree on Coding at the .800" in reading(
        "Coding", _alpha(0.9, 0.85, 0.95, units=4), min_candidates=3
    )


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


# --- One loop, every competency ---------------------------------------------------


def test_reliability_by_competency_splits_rows_and_reads_each():
    rows = [(10, u, r, s) for u, r, s in _grid(SHROUT_FLEISS)]
    rows += [(20, u, r, 3) for u in range(12) for r in ("a", "b")]
    rows += [(99, 0, "a", 1)]  # another competency: ignored
    results = reliability_by_competency(rows, {20: "Design", 10: "Coding", 30: "Unscored"})
    assert [r.name for r in results] == ["Design", "Coding", "Unscored"]
    design, coding, unscored = results
    assert design.interval.value is None and "cannot be measured" in design.reading
    assert coding.icc.design == "two-way"
    assert [round(e.value, 2) for e in coding.icc.estimates] == [0.29, 0.62]
    assert coding.candidates == 6 and "too few candidates" in coding.reading
    assert unscored.interval.units == 0 and not unscored.icc.estimates
    assert "0 so far" in unscored.icc.note


def test_an_incomplete_matrix_gets_the_one_way_icc():
    rows = [(1, u, r, s) for u, r, s in _grid(SHROUT_FLEISS)] + [(1, 6, 0, 5)]
    (result,) = reliability_by_competency(rows, {1: "Coding"})
    assert result.icc.design == "one-way"
    assert result.icc.units == 6  # candidate 6 has one score: not pairable
    assert [e.form for e in result.icc.estimates] == ["ICC(1)", "ICC(1,k)"]
    assert result.scored == 7 and result.candidates == 6


def test_reliability_by_competency_of_no_rows():
    (result,) = reliability_by_competency([], {1: "Coding"})
    assert result.interval.value is None and result.interval.units == 0
    assert result.verdict == "too-few"


def _grid(matrix):
    return [(u, r, s) for u, row in enumerate(matrix) for r, s in enumerate(row)]


def test_alpha_without_resamples_says_so():
    result = krippendorff_alpha(KRIPPENDORFF_2011, "interval", resamples=0)
    assert round(result.value, 3) == 0.849
    assert (result.low, result.note) == (None, "no resamples were asked for")
