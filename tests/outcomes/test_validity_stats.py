"""The validity statistics against scipy, a planted cohort, and properties that must hold."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats as sp

from outcomes.validity import stats
from outcomes.validity.stats import Reading


def planted(seed: int, n: int, validity: float, *, points: int | None = None):
    """n hires whose score correlates `validity` with performance in the population."""
    rng = np.random.default_rng(seed)
    score = rng.normal(size=n)
    performance = validity * score + math.sqrt(1 - validity**2) * rng.normal(size=n)
    if points:  # an interview scale: scores binned to 1..points
        score = np.clip(np.round(score + (points + 1) / 2), 1, points)
    return score.tolist(), performance.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_pearson_and_its_interval_equal_scipys(seed):
    x, y = planted(seed, 60 + seed * 40, 0.4)
    result = sp.pearsonr(x, y)
    low, high = result.confidence_interval(0.95)
    ours = stats.validity(x, y, x)

    assert ours.pearson.r == pytest.approx(result.statistic, abs=5e-4)
    assert ours.pearson.low == pytest.approx(low, abs=5e-4)
    assert ours.pearson.high == pytest.approx(high, abs=5e-4)


@pytest.mark.parametrize("seed", range(5))
def test_spearman_equals_scipys_with_ties(seed):
    x, y = planted(seed, 80, 0.3, points=5)  # five-point scores: many ties
    y = np.round(np.asarray(y) * 2) / 2  # ties in performance too

    assert stats.spearman(x, y) == pytest.approx(sp.spearmanr(x, y).statistic, abs=5e-4)
    assert stats.average_ranks(x) == pytest.approx(sp.rankdata(x, method="average"))


def test_spearmans_interval_is_bonett_and_wright_on_fishers_z():
    x, y = planted(3, 50, 0.5)
    rho = sp.spearmanr(x, y).statistic
    se = math.sqrt((1 + rho**2 / 2) / (50 - 3))
    z = np.arctanh(rho)
    expected = np.tanh(z - sp.norm.ppf(0.975) * se), np.tanh(z + sp.norm.ppf(0.975) * se)

    result = stats.validity(x, y, x).spearman

    assert (result.low, result.high) == pytest.approx(expected, abs=5e-4)
    # Wider than Pearson's Fisher interval at the same n and value.
    plain = stats.fisher_interval(rho, stats.pearson_se(50))
    assert result.high - result.low > plain[1] - plain[0]


def test_case_ii_matches_the_formula_and_uses_the_sd_ratio():
    everyone = [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 2, 4]
    hired, performance = planted(7, 40, 0.35, points=5)
    hired = [min(5, max(3, h)) for h in hired]  # hires come from the top of the range
    u = np.std(everyone, ddof=1) / np.std(hired, ddof=1)
    r = sp.pearsonr(hired, performance).statistic

    result = stats.validity(hired, performance, everyone)

    assert result.u == pytest.approx(u, abs=5e-4)
    assert result.corrected.r == pytest.approx(u * r / math.sqrt(1 + r * r * (u * u - 1)), abs=5e-4)
    assert result.corrected.low == pytest.approx(stats.case_ii(result.pearson.low, u))
    assert result.corrected.r > result.pearson.r


def test_a_planted_cohort_is_recovered_and_zero_validity_is_not_called_predictive():
    """Three competencies with true validities .5, .25 and 0 among 400 hires (seed 2026)."""
    rng = np.random.default_rng(2026)
    n = 400
    performance = rng.normal(size=n)
    truths = {"strong": 0.5, "modest": 0.25, "none": 0.0}
    results = {}
    for name, rho in truths.items():
        score = rho * performance + math.sqrt(1 - rho**2) * rng.normal(size=n)
        results[name] = stats.validity(score.tolist(), performance.tolist(), score.tolist())
        expected = sp.pearsonr(score, performance)
        low, high = expected.confidence_interval(0.95)
        assert round(results[name].pearson.r, 3) == round(expected.statistic, 3)
        assert round(results[name].pearson.low, 3) == round(low, 3)
        assert round(results[name].pearson.high, 3) == round(high, 3)
        assert results[name].pearson.low <= rho <= results[name].pearson.high

    assert results["strong"].reading == Reading.PREDICTS
    assert results["none"].reading != Reading.PREDICTS
    assert results["none"].pearson.contains_zero
    assert stats.carriers(results)[0] == "strong"
    assert "none" not in stats.carriers(results)


def test_too_few_hires_give_no_figures_and_constant_scores_no_correlation():
    x, y = planted(1, stats.MIN_HIRES - 1, 0.5)
    assert stats.validity(x, y, x).reading == Reading.TOO_FEW
    assert stats.validity(x, y, x).pearson is None

    flat = [3.0] * 20
    result = stats.validity(flat, planted(1, 20, 0.5)[1], flat)
    assert result.reading == Reading.NO_SPREAD
    assert result.pearson is None


def test_a_tiny_correlation_on_many_hires_is_too_weak_to_matter_not_predictive():
    x, y = planted(11, 20_000, 0.03)
    result = stats.validity(x, y, x)

    assert result.pearson.low > 0  # "significant"
    assert result.reading == Reading.NEGLIGIBLE
    assert not stats.carriers({"c": result})


def test_small_n_and_strong_restriction_are_warned_about():
    hired, performance = planted(4, 20, 0.4)
    everyone = [v * 2 for v in hired]  # twice the spread: u = 2

    warnings = " ".join(stats.validity(hired, performance, everyone).warnings)

    assert "only 20 hires" in warnings
    assert "chosen on this score" in warnings


def test_a_group_mean_has_students_t_interval():
    values = [0.2, 0.5, 0.75, 0.5, 1.0, 0.25]
    expected = sp.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=sp.sem(values))

    result = stats.group_mean(values)

    assert result.n == 6
    assert (result.low, result.high) == pytest.approx(expected)
    assert stats.group_mean([0.5]).low is None
    # Two hires at the ends of the scale: the t interval runs far past 0 and 1, cut there.
    assert (stats.group_mean([0.0, 1.0]).low, stats.group_mean([0.0, 1.0]).high) == (0.0, 1.0)
    assert stats.group_mean([]).mean is None


# --- Properties ---------------------------------------------------------------------------

samples = st.lists(
    st.tuples(st.integers(1, 5), st.floats(0, 1, allow_nan=False)),
    min_size=stats.MIN_HIRES,
    max_size=80,
)


@given(samples)
def test_correlations_lie_in_minus_one_to_one_and_intervals_contain_them(pairs):
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    result = stats.validity(x, y, x)
    assume(result.pearson is not None)
    for estimate in (result.pearson, result.spearman):
        assert -1 <= estimate.low <= estimate.r <= estimate.high <= 1


@given(samples)
def test_an_interval_containing_zero_is_never_read_as_predictive(pairs):
    x, y = [p[0] for p in pairs], [p[1] for p in pairs]
    result = stats.validity(x, y, x)
    assume(result.pearson is not None)
    if result.pearson.contains_zero:
        assert result.reading != Reading.PREDICTS
        assert not stats.carriers({"c": result})


@given(st.floats(-0.99, 0.99), st.floats(1.0, 5.0))
def test_case_ii_grows_the_size_of_r_when_u_exceeds_one_and_keeps_its_sign(r, u):
    corrected = stats.case_ii(r, u)
    assert abs(corrected) >= abs(r) - 1e-12
    assert abs(corrected) <= 1
    assert math.copysign(1, corrected) == math.copysign(1, r) or r == 0


@given(st.floats(-0.99, 0.99))
def test_case_ii_with_u_of_one_changes_nothing(r):
    assert stats.case_ii(r, 1.0) == pytest.approx(r)


def test_correlations_are_written_with_a_real_minus_and_no_negative_zero():
    from outcomes.templatetags.validity import corr

    assert corr(-0.123) == "−0.12"
    assert corr(-0.001) == "0.00"
    assert corr(0.4) == "0.40"
    assert corr(None) == "—"
