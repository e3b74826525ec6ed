"""Do interviewers agree? Krippendorff's alpha with a bootstrap interval, and the ICC.

Pure numpy over (unit, rater, score) data — units are applications, raters the people
who scored them — so it runs in the request for a whole loop's history: everything is
vectorised (over scores and over bootstrap resamples), nothing loops per candidate.
No Django here: a view or a background task feeds it rows and gets frozen dataclasses
back (`to_dict()` / `from_dict()` for storing them).

A view feeds it one query per loop, `(competency_id, application_id, interviewer_id,
score)` rows of counted scores, and calls `reliability_by_competency(rows, names)`.

**One person, one opinion.** Whatever the scheduler allows — the same interviewer on
two stages of one application, panels, rotating raters — a person who scored one
candidate's competency more than once gives ONE opinion: the mean of their scores for
that unit (`repeats` counts the scores folded away). The coverage rule counts different
people the same way; two scores by one person are not independent evidence.

References:
- Krippendorff, K. (2004). Content Analysis (2nd ed.), §11.4: α ≥ .800 to rely on data,
  ≥ .667 for tentative conclusions. Krippendorff, K. (2011). Computing Krippendorff's
  Alpha-Reliability (coincidence matrices, difference functions, the worked example).
- Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability
  measure for coding data. Communication Methods and Measures, 1(1), 77–89 (bootstrap).
- Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
  rater reliability. Psychological Bulletin, 86(2), 420–428.
- McGraw, K. O., & Wong, S. P. (1996). Forming inferences about some intraclass
  correlation coefficients. Psychological Methods, 1(1), 30–46 (Table 7: intervals).
- Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass
  correlation coefficients for reliability research. J Chiropr Med, 15(2), 155–163.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval", "ratio")

# Below this many candidates with two or more opinions, we say so instead of a reading:
# the interval is wide and a verdict would overstate what is known.
MIN_CANDIDATES = 10
# Krippendorff (2004): rely on data at α ≥ .800; draw tentative conclusions at ≥ .667.
GOOD, TENTATIVE = 0.800, 0.667
CONFIDENCE = 0.95
# 1,000 resamples put the 2.5th/97.5th percentiles within about ±0.01 of where more
# would: enough for a verdict, cheap because resamples are vectorised.
RESAMPLES = 1000
# A fixed seed: the same data gives the same interval on every visit to the page.
SEED = 20070101
# If alpha is undefined (no variation) in more resamples than this, the interval would
# describe only the lucky ones: we give none.
MAX_UNDEFINED_SHARE = 0.05
# A sum of squares this close to 0 is 0: scores are small integers or halves.
ZERO = 1e-12


VERDICT_LABELS = {
    "good": "Reliable at .800",
    "tentative": "Tentative: .667",
    "poor": "Poor agreement",
    "unclear": "Not yet clear",
    "too-few": "Too few candidates",
    "undefined": "Cannot be measured",
}


class IncompleteMatrixError(ValueError):
    """The two-way ICC forms need every rater to have scored every candidate."""


# --- Results (frozen, JSON-friendly) -------------------------------------------------


@dataclass(frozen=True)
class RatingsMatrix:
    """Scores laid out for the statistics: `values[i, j]` is rater j's score of unit i."""

    values: np.ndarray  # float, NaN where missing
    units: tuple[Hashable, ...]
    raters: tuple[Hashable, ...]
    repeats: int = 0  # scores folded into a person's mean for a unit they scored again


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with its bootstrap interval and what it rests on.

    `value`, `low` and `high` are None when undefined, and `note` then says why.
    """

    metric: Metric
    value: float | None
    units: int  # units with two or more opinions: the only ones alpha can use
    pairable: int  # opinions in those units (Krippendorff's n..)
    low: float | None = None
    high: float | None = None
    resamples: int = 0  # resamples the interval rests on (those where α is defined)
    note: str = ""


@dataclass(frozen=True)
class ICCEstimate:
    """One named ICC form with its F-based interval and a line saying what it means."""

    form: str  # "ICC(1)", "ICC(1,k)", "ICC(2,1)", "ICC(2,k)"
    value: float | None
    low: float | None
    high: float | None
    explanation: str
    note: str = ""  # why value or interval is missing; "" when both are there

    @property
    def band(self) -> str:
        """Koo & Li's words for the interval: "moderate to good"; "" when there is none."""
        if self.low is None or self.high is None:
            return ""
        low, high = icc_band(self.low), icc_band(self.high)
        return low if low == high else f"{low} to {high}"


@dataclass(frozen=True)
class ICCReport:
    """The ICC forms the design calls for: one-way for rotating panels, two-way if complete."""

    design: Literal["one-way", "two-way"]
    units: int
    raters: int
    scores: int
    k: float | None  # panel size: k0 for unbalanced one-way data, k when complete
    estimates: tuple[ICCEstimate, ...] = ()
    note: str = ""  # why there are no estimates


@dataclass(frozen=True)
class ICCResult:
    """The six Shrout & Fleiss forms for an n targets × k judges matrix, and the ANOVA.

    A form is None when its denominator is 0 (no variance at all).
    """

    n: int
    k: int
    icc1_1: float | None
    icc2_1: float | None
    icc3_1: float | None
    icc1_k: float | None
    icc2_k: float | None
    icc3_k: float | None
    bms: float  # between-targets mean square
    wms: float  # within-target mean square
    jms: float  # between-judges mean square
    ems: float  # residual mean square

    def as_dict(self) -> dict[str, float | None]:
        """The forms under their printed names: "ICC(2,1)" and so on."""
        return {
            "ICC(1,1)": self.icc1_1,
            "ICC(2,1)": self.icc2_1,
            "ICC(3,1)": self.icc3_1,
            "ICC(1,k)": self.icc1_k,
            "ICC(2,k)": self.icc2_k,
            "ICC(3,k)": self.icc3_k,
        }


@dataclass(frozen=True)
class CompetencyReliability:
    """What the reliability page shows for one competency of one loop."""

    competency: Hashable
    name: str
    scored: int  # candidates with at least one score
    candidates: int  # candidates with two or more different people's scores
    scores: int  # opinions in those candidates
    repeats: int  # a person's repeated scores of one candidate, folded into their mean
    interval: AlphaResult
    ordinal: AlphaResult
    icc: ICCReport
    verdict: str  # "good", "tentative", "poor", "unclear", "too-few", "undefined"
    reading: str

    @property
    def verdict_label(self) -> str:
        """The verdict as a badge's short words."""
        return VERDICT_LABELS[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts, lists, numbers and strings: ready for JSON."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompetencyReliability:
        icc = dict(data["icc"])
        icc["estimates"] = tuple(ICCEstimate(**e) for e in icc.get("estimates", ()))
        return cls(
            **{
                **data,
                "interval": AlphaResult(**data["interval"]),
                "ordinal": AlphaResult(**data["ordinal"]),
                "icc": ICCReport(**icc),
            }
        )


# --- One opinion per person and unit -------------------------------------------------


@dataclass(frozen=True)
class Opinions:
    """One score per person and unit, as parallel index arrays (sparse: no units × raters)."""

    unit: np.ndarray  # index into unit_keys
    rater: np.ndarray  # index into rater_keys
    score: np.ndarray  # float: a person's mean score of the unit
    unit_keys: np.ndarray
    rater_keys: np.ndarray
    repeats: int


def opinions(units: np.ndarray, raters: np.ndarray, scores: np.ndarray) -> Opinions:
    """Fold each person's scores of a unit into their mean: one np.unique, no Python loop.

    A NaN score (not assessed) still makes its unit and rater known — a hole for the
    complete-design test — but is no opinion.
    """
    unit_keys, unit_of = np.unique(units, return_inverse=True)
    rater_keys, rater_of = np.unique(raters, return_inverse=True)
    present = ~np.isnan(scores)
    cells = unit_of[present].astype(np.int64) * rater_keys.size + rater_of[present]
    cell_keys, cell_of, counts = np.unique(cells, return_inverse=True, return_counts=True)
    sums = np.bincount(cell_of, weights=scores[present], minlength=cell_keys.size)
    return Opinions(
        unit=cell_keys // max(rater_keys.size, 1),
        rater=cell_keys % max(rater_keys.size, 1),
        score=sums / np.maximum(counts, 1),
        unit_keys=unit_keys,
        rater_keys=rater_keys,
        repeats=int(present.sum() - cell_keys.size),
    )


def _columns(
    triples: Iterable[tuple[Hashable, Hashable, float | None]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    columns = tuple(zip(*triples, strict=True))
    if not columns:
        return np.empty(0), np.empty(0), np.empty(0)
    units, raters, scores = columns
    # None becomes NaN under dtype=float.
    return np.asarray(units), np.asarray(raters), np.asarray(scores, dtype=float)


def ratings_matrix(triples: Iterable[tuple[Hashable, Hashable, float | None]]) -> RatingsMatrix:
    """Lay (unit, rater, score) triples out as a units × raters matrix, NaN where missing.

    Units and raters are ids or names (sortable) and come out sorted. A None score is
    missing, but still makes its unit a row and its rater a column. A rater who scored
    a unit more than once gives one opinion: the mean of their scores.
    """
    return _dense(opinions(*_columns(triples)))


def _dense(found: Opinions) -> RatingsMatrix:
    values = np.full((found.unit_keys.size, found.rater_keys.size), np.nan)
    values[found.unit, found.rater] = found.score
    return RatingsMatrix(
        values, tuple(found.unit_keys.tolist()), tuple(found.rater_keys.tolist()), found.repeats
    )


def panel_matrix(triples: Iterable[tuple[Hashable, Hashable, float | None]]) -> RatingsMatrix:
    """Lay scores out by seat rather than by person: column j is each unit's j-th opinion.

    For alpha and ICC(1), which person gave a unit's scores does not matter; a seat
    layout keeps the matrix narrow when every candidate meets different interviewers.
    """
    found = opinions(*_columns(triples))
    order = np.argsort(found.unit, kind="stable")
    unit = found.unit[order]
    starts = np.searchsorted(unit, np.arange(found.unit_keys.size))
    seat = np.arange(unit.size) - starts[unit] if unit.size else unit
    width = int(seat.max()) + 1 if unit.size else 0
    values = np.full((found.unit_keys.size, width), np.nan)
    values[unit, seat] = found.score[order]
    return RatingsMatrix(values, tuple(found.unit_keys.tolist()), tuple(range(width)))


def _sparse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A units × raters matrix back to (unit, rater, score) index arrays, NaN dropped."""
    unit, rater = np.nonzero(~np.isnan(values))
    return unit, rater, values[unit, rater]


# --- Krippendorff's alpha ------------------------------------------------------------


def krippendorff_alpha(
    values: np.ndarray | Sequence[Sequence[float]],
    metric: Metric = "interval",
    *,
    domain: Sequence[float] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> AlphaResult:
    """Krippendorff's alpha for a units × raters matrix with NaN for missing scores.

    The coincidence-matrix formulation (Krippendorff 2011): units with fewer than two
    scores are not pairable and drop out, so panels may vary in size and membership.
    `domain` lists the possible values (the scale's points); unused points change
    nothing, so it only keeps the coincidence matrix the shape of the scale.
    """
    alphas = krippendorff_alphas(values, (metric,), domain=domain, resamples=resamples, seed=seed)
    return alphas[metric]


def krippendorff_alphas(
    values: np.ndarray | Sequence[Sequence[float]],
    metrics: Sequence[Metric] = ("interval", "ordinal"),
    *,
    domain: Sequence[float] | None = None,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> dict[Metric, AlphaResult]:
    """Alpha and its bootstrap interval under several metrics, sharing one set of resamples."""
    data = np.asarray(values, dtype=float)
    if data.ndim != 2:
        raise ValueError("alpha needs a two-dimensional units × raters matrix")
    unit, _rater, score = _sparse(data)
    return _alphas(unit, score, data.shape[0], metrics, domain, resamples, seed, confidence)


def _alphas(
    unit: np.ndarray,
    score: np.ndarray,
    n_units: int,
    metrics: Sequence[Metric],
    domain: Sequence[float] | None,
    resamples: int,
    seed: int,
    confidence: float,
) -> dict[Metric, AlphaResult]:
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric {unknown[0]!r}: use one of {', '.join(METRICS)}")
    counts, points = unit_value_counts(unit, score, n_units, domain)
    pairable = counts[counts.sum(axis=1) >= 2]
    profiles, freq = count_profiles(pairable)
    draws = bootstrap_draws(freq, resamples, seed)
    n_total = round(float(pairable.sum()))
    # The interval and ordinal metrics share the resamples' coincidence matrices.
    observed = resampled_coincidences(profiles, freq[None, :])
    resampled = resampled_coincidences(profiles, draws)
    results = {}
    for metric in metrics:
        point = alphas_of(observed, points, metric)[0]
        samples = alphas_of(resampled, points, metric)
        results[metric] = _alpha_result(
            metric, point, samples, pairable.shape[0], n_total, confidence
        )
    return results


def unit_value_counts(
    unit: np.ndarray, score: np.ndarray, n_units: int, domain: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, how many opinions gave each value: a units × values count matrix."""
    observed = np.unique(score)
    points = observed if domain is None else np.union1d(np.asarray(domain, float), observed)
    flat = np.bincount(
        unit * points.size + np.searchsorted(points, score), minlength=n_units * points.size
    )
    return flat.reshape(n_units, points.size).astype(float), points


def value_counts(
    data: np.ndarray, domain: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`unit_value_counts` for a units × raters matrix with NaN for missing."""
    unit, _rater, score = _sparse(np.asarray(data, dtype=float))
    return unit_value_counts(unit, score, data.shape[0], domain)


def count_profiles(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a units × values count matrix, and how many units have each.

    Units with the same counts are interchangeable for alpha, so resampling units is
    resampling these few profiles (a handful per panel size on a 5-point scale).
    """
    if counts.shape[0] == 0:
        return counts, np.zeros(0)
    base = int(counts.max()) + 1
    if base ** counts.shape[1] < 2**62:
        # Each row as one integer in base max+1: a 1-D unique, much faster than axis=0.
        keys = counts.astype(np.int64) @ (base ** np.arange(counts.shape[1], dtype=np.int64))
        _keys, first, freq = np.unique(keys, return_index=True, return_counts=True)
        return counts[first], freq.astype(float)
    profiles, freq = np.unique(counts, axis=0, return_counts=True)
    return profiles, freq.astype(float)


def bootstrap_draws(freq: np.ndarray, resamples: int, seed: int = SEED) -> np.ndarray:
    """How often each profile appears in each resample of the units, with replacement.

    Drawing U units with replacement and counting them by profile is a multinomial
    draw over the profiles (probabilities freq / U): B × G numbers instead of B × U.
    """
    total = int(freq.sum())
    if resamples <= 0 or total == 0:
        return np.zeros((0, freq.size))
    rng = np.random.default_rng(seed)
    return rng.multinomial(total, freq / total, size=resamples).astype(float)


def weighted_alphas(
    profiles: np.ndarray, weights: np.ndarray, points: np.ndarray, metric: Metric
) -> np.ndarray:
    """Alpha for each row of `weights` (how often each profile's unit is counted), at once."""
    return alphas_of(resampled_coincidences(profiles, weights), points, metric)


def resampled_coincidences(profiles: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """B × V × V: row b's coincidence matrix is Σ_g w_bg · o_g, one matrix product for all.

    o_g is a unit's own contribution n_gc (n_gk − [c = k]) / (m_g − 1) (Krippendorff 2011).
    """
    size = profiles.shape[1]
    if profiles.shape[0] == 0:
        return np.zeros((weights.shape[0], size, size))
    flat = weights @ _unit_coincidences(profiles).reshape(len(profiles), size * size)
    return flat.reshape(-1, size, size)


def alphas_of(coincidences: np.ndarray, points: np.ndarray, metric: Metric) -> np.ndarray:
    """α_b = 1 − (n_b − 1) D_o / D_e for each of B coincidence matrices.

    NaN where α is undefined: fewer than two values used, or fewer than 2 scores.
    """
    marginals = coincidences.sum(axis=2)
    n = marginals.sum(axis=1)
    delta = _differences(points, marginals, metric)
    if delta.shape[0] == 1:  # one δ² for every resample: two matrix products
        observed = coincidences.reshape(len(n), points.size**2) @ delta[0].ravel()
        expected = ((marginals @ delta[0]) * marginals).sum(axis=1)
    else:
        observed = (coincidences * delta).sum(axis=(1, 2))
        expected = np.einsum("bi,bij,bj->b", marginals, delta, marginals)
    # Marginals are whole numbers of scores: > 0.5 means the value was used.
    varied = ((marginals > 0.5).sum(axis=1) >= 2) & (n >= 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = 1.0 - (n - 1) * observed / expected
    return np.where(varied, alpha, np.nan)


def _unit_coincidences(profiles: np.ndarray) -> np.ndarray:
    """Each profile's own coincidences, G × V × V: its ordered pairs of different raters."""
    m = profiles.sum(axis=1)
    pairs = profiles[:, :, None] * profiles[:, None, :]
    index = np.arange(profiles.shape[1])
    pairs[:, index, index] -= profiles
    return pairs / (m - 1)[:, None, None]


def coincidence_matrix(counts: np.ndarray) -> np.ndarray:
    """o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1), over pairable units only.

    Each unit contributes its m_u (m_u − 1) ordered pairs of scores by different
    raters, weighted so that every unit adds exactly m_u to the matrix's total.
    """
    return _unit_coincidences(np.asarray(counts, dtype=float)).sum(axis=0)


def difference_matrix(points: np.ndarray, marginals: np.ndarray, metric: Metric) -> np.ndarray:
    """δ²_ck between every two values, per Krippendorff's difference functions.

    Ordinal differences depend on how often the values between c and k were used
    (the marginals n_g), not on their numeric distance.
    """
    return _differences(points, np.asarray(marginals, float)[None, :], metric)[0]


def _differences(points: np.ndarray, marginals: np.ndarray, metric: Metric) -> np.ndarray:
    """δ² as V × V (interval, ratio, nominal) or B × V × V (ordinal: per resample's marginals)."""
    c, k = np.meshgrid(points, points, indexing="ij")
    if metric == "nominal":
        return (c != k).astype(float)[None]
    if metric == "interval":
        return ((c - k) ** 2)[None]
    if metric == "ratio":
        total = c + k
        return np.divide((c - k) ** 2, total**2, out=np.zeros_like(total), where=total != 0)[None]
    cumulative = np.concatenate(
        (np.zeros((marginals.shape[0], 1)), np.cumsum(marginals, axis=1)), 1
    )
    i, j = np.meshgrid(np.arange(points.size), np.arange(points.size), indexing="ij")
    low, high = np.minimum(i, j), np.maximum(i, j)
    between = cumulative[:, high + 1] - cumulative[:, low]
    delta = (between - (marginals[:, i] + marginals[:, j]) / 2) ** 2
    delta[:, i == j] = 0.0  # exactly: cumsum's rounding must not invent a difference
    return delta


def _alpha_result(
    metric: Metric,
    point: float,
    samples: np.ndarray,
    units: int,
    pairable: int,
    confidence: float,
) -> AlphaResult:
    base = {"metric": metric, "units": units, "pairable": pairable}
    if units == 0:
        return AlphaResult(**base, value=None, note="no candidate has two people's scores yet")
    if math.isnan(point):
        return AlphaResult(
            **base, value=None, note="every score is the same (with no variation, agreement is 0/0)"
        )
    defined = samples[~np.isnan(samples)]
    undefined = samples.size - defined.size
    if units < 2:
        return AlphaResult(**base, value=float(point), note="one candidate cannot be resampled")
    if samples.size == 0:
        return AlphaResult(**base, value=float(point), note="no resamples were asked for")
    if undefined > MAX_UNDEFINED_SHARE * samples.size:
        note = (
            f"too little variation for an interval: α is undefined in {undefined} of"
            f" {samples.size} resamples"
        )
        return AlphaResult(**base, value=float(point), note=note)
    low, high = np.quantile(defined, [(1 - confidence) / 2, (1 + confidence) / 2])
    return AlphaResult(
        **base, value=float(point), low=float(low), high=float(high), resamples=int(defined.size)
    )


# --- F quantiles ---------------------------------------------------------------------


def f_quantile(p: float, dfn: float, dfd: float) -> float:
    """The p-quantile of the F(dfn, dfd) distribution; real (Satterthwaite) df allowed.

    scipy's fdtri (the same routine as scipy.stats.f.ppf): a runtime dependency for
    this one function, because a hand-written inverse incomplete beta is easy to get
    subtly wrong at the df we meet (1 to 100,000). Imported on first use: it costs
    0.3 s, which every other page and command need not pay.
    """
    from scipy.special import fdtri

    return float(fdtri(dfn, dfd, p))


# --- ICC for rotating panels (one-way) -------------------------------------------------


def one_way_icc(
    unit: np.ndarray, rater: np.ndarray, score: np.ndarray, *, confidence: float = CONFIDENCE
) -> ICCReport:
    """ICC(1) and ICC(1,k) from unbalanced one-way data: each candidate, their own panel.

    Shrout & Fleiss case 1 (McGraw & Wong ICC(1)): units with two or more opinions; MSB
    and MSW from the one-way ANOVA; k0 = (N − Σ n_i² / N) / (a − 1), the panel size
    that stands in for k in unbalanced data (the intervals are then approximate).
    """
    unit = unit.astype(np.int64)
    keep = np.bincount(unit, minlength=1)[unit] >= 2  # candidates with a second opinion
    unit, score = np.unique(unit[keep], return_inverse=True)[1], score[keep]
    a, big_n = int(unit.max()) + 1 if unit.size else 0, int(score.size)
    people = int(np.unique(rater[keep]).size)
    if a < 2:
        note = f"needs two candidates each scored by two different people; {a} so far"
        return ICCReport("one-way", a, people, big_n, None, note=note)
    counts = np.bincount(unit).astype(float)
    means = np.bincount(unit, weights=score) / counts
    msb = float((counts * (means - score.mean()) ** 2).sum()) / (a - 1)
    msw = float(((score - means[unit]) ** 2).sum()) / (big_n - a)
    k0 = float((big_n - (counts**2).sum() / big_n) / (a - 1))
    estimates = _one_way_estimates(msb, msw, k0, a - 1, big_n - a, confidence)
    return ICCReport("one-way", a, people, big_n, float(k0), estimates)


def _one_way_estimates(
    msb: float, msw: float, k0: float, df1: int, df2: int, confidence: float
) -> tuple[ICCEstimate, ICCEstimate]:
    single = (
        "how far one interviewer's score can be trusted when each candidate meets their"
        " own panel (one-way random effects, absolute agreement)"
    )
    average = (
        f"the same for the mean of a panel of k = {k0:.1f} interviewers (k0: the average"
        " panel size of unbalanced data)"
    )
    if msb < ZERO and msw < ZERO:
        note = "every score is the same: no variation to attribute to candidates"
        return ICCEstimate("ICC(1)", None, None, None, single, note), ICCEstimate(
            "ICC(1,k)", None, None, None, average, note
        )
    if msw < ZERO:
        note = "everyone gave each candidate the same score: the F interval is not defined"
        return ICCEstimate("ICC(1)", 1.0, None, None, single, note), ICCEstimate(
            "ICC(1,k)", 1.0, None, None, average, note
        )
    f_obs = msb / msw
    tail = 1 - (1 - confidence) / 2
    f_low, f_high = f_obs / f_quantile(tail, df1, df2), f_obs * f_quantile(tail, df2, df1)
    icc1 = (msb - msw) / (msb + (k0 - 1) * msw)
    icc1_low, icc1_high = (f_low - 1) / (f_low + k0 - 1), (f_high - 1) / (f_high + k0 - 1)
    if msb < ZERO:
        note = "candidates' mean scores do not differ at all: a panel's mean cannot tell them apart"
        return ICCEstimate("ICC(1)", icc1, icc1_low, icc1_high, single), ICCEstimate(
            "ICC(1,k)", None, None, None, average, note
        )
    return (
        ICCEstimate("ICC(1)", icc1, icc1_low, icc1_high, single),
        ICCEstimate("ICC(1,k)", (msb - msw) / msb, 1 - 1 / f_low, 1 - 1 / f_high, average),
    )


# --- ICC for complete designs (two-way) --------------------------------------------------


def _mean_squares(data: np.ndarray) -> tuple[float, float, float, float]:
    """BMS, WMS, JMS, EMS of the two-way ANOVA of a complete n × k matrix."""
    n, k = data.shape
    grand = data.mean()
    ss_total = ((data - grand) ** 2).sum()
    ss_rows = k * ((data.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((data.mean(axis=0) - grand) ** 2).sum()
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = max(ss_total - ss_rows - ss_cols, 0.0) / ((n - 1) * (k - 1))
    return float(bms), float(wms), float(jms), float(ems)


def two_way_icc(data: np.ndarray, *, confidence: float = CONFIDENCE) -> ICCReport:
    """ICC(2,1) and ICC(2,k), absolute agreement, for a complete candidates × raters matrix.

    The form the design calls for when the same interviewers score every candidate and
    stand for everyone who could interview (two-way random effects; Koo & Li 2016);
    intervals from McGraw & Wong (1996), Table 7, case 2A.
    """
    _require_complete(data)
    n, k = data.shape
    msr, _wms, msc, mse = _mean_squares(data)
    single = (
        f"how far one interviewer's score can be trusted when the same {k} interviewers,"
        " a sample of all who could interview, score every candidate (two-way random"
        " effects, absolute agreement)"
    )
    average = f"the same for the mean of those {k} interviewers' scores"
    report = {"design": "two-way", "units": n, "raters": k, "scores": n * k, "k": float(k)}
    if max(msr, msc, mse) < ZERO:
        note = "every score is the same: no variation to attribute to candidates"
        estimates = (
            ICCEstimate("ICC(2,1)", None, None, None, single, note),
            ICCEstimate("ICC(2,k)", None, None, None, average, note),
        )
        return ICCReport(**report, estimates=estimates)
    icc_a1 = _ratio(msr - mse, msr + (k - 1) * mse + k * (msc - mse) / n)
    icc_ak = _ratio(msr - mse, msr + (msc - mse) / n)
    bounds = _agreement_bounds(msr, msc, mse, n, k, icc_a1, confidence)
    note = "" if bounds else "no residual disagreement: the F interval is not defined"
    low, high = bounds or (None, None)
    estimates = (
        ICCEstimate("ICC(2,1)", icc_a1, low, high, single, note),
        ICCEstimate("ICC(2,k)", icc_ak, *_spearman_brown(low, high, k), average, note),
    )
    return ICCReport(**report, estimates=estimates)


def _agreement_bounds(
    msr: float, msc: float, mse: float, n: int, k: int, icc_a1: float | None, confidence: float
) -> tuple[float, float] | None:
    """McGraw & Wong's interval for ICC(A,1), with Satterthwaite's df v (their Table 7).

    a and b are theirs multiplied by n(1 − ρ), which leaves v unchanged and needs no
    division by 1 − ρ (ρ = 1 when the panel never disagrees).
    """
    if mse < ZERO or icc_a1 is None:
        return None
    rho = icc_a1
    a = k * rho
    b = n * (1 + (k - 1) * rho) - k * rho
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    tail = 1 - (1 - confidence) / 2
    f_star, f_lower = f_quantile(tail, n - 1, v), f_quantile(tail, v, n - 1)
    spread = k * msc + (k * n - k - n) * mse
    low = n * (msr - f_star * mse) / (f_star * spread + n * msr)
    high = n * (f_lower * msr - mse) / (spread + n * f_lower * msr)
    return (low, high) if math.isfinite(low) and math.isfinite(high) else None


def _spearman_brown(low: float | None, high: float | None, k: int) -> tuple:
    """ICC(A,k)'s bounds from ICC(A,1)'s: algebraically McGraw & Wong's case 2A formula."""
    if low is None or high is None:
        return None, None
    return k * low / (1 + (k - 1) * low), k * high / (1 + (k - 1) * high)


def icc_report(found: Opinions, *, confidence: float = CONFIDENCE) -> ICCReport:
    """Two-way forms when every person scored every candidate, else one-way (ICC(1))."""
    units, raters = found.unit_keys.size, found.rater_keys.size
    if units >= 2 and raters >= 2 and found.score.size == units * raters:
        return two_way_icc(_dense(found).values, confidence=confidence)
    return one_way_icc(found.unit, found.rater, found.score, confidence=confidence)


# --- The six Shrout & Fleiss forms ---------------------------------------------------


def icc(values: np.ndarray | Sequence[Sequence[float]]) -> ICCResult:
    """The six Shrout & Fleiss (1979) ICC forms for a complete targets × judges matrix.

    ICC(1,·): each target rated by its own random judges (one-way ANOVA); ICC(2,·):
    the same random sample of judges rates every target (absolute agreement);
    ICC(3,·): the same fixed judges (consistency). ·,1 is one judge's reliability,
    ·,k that of the mean of the k judges. Raises IncompleteMatrixError on any
    missing score: the two-way ANOVA is not defined with holes, and imputing would
    invent agreement. The page shows only the form its design calls for.
    """
    data = np.asarray(values, dtype=float)
    _require_complete(data)
    n, k = data.shape
    bms, wms, jms, ems = _mean_squares(data)
    return ICCResult(
        n=n,
        k=k,
        icc1_1=_ratio(bms - wms, bms + (k - 1) * wms),
        icc2_1=_ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=_ratio(bms - ems, bms + (k - 1) * ems),
        icc1_k=_ratio(bms - wms, bms),
        icc2_k=_ratio(bms - ems, bms + (jms - ems) / n),
        icc3_k=_ratio(bms - ems, bms),
        bms=bms,
        wms=wms,
        jms=jms,
        ems=ems,
    )


def _require_complete(data: np.ndarray) -> None:
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 2:
        raise IncompleteMatrixError(
            f"ICC needs at least 2 candidates and 2 raters; got a {'×'.join(map(str, data.shape))}"
            " matrix"
        )
    missing = np.isnan(data)
    if missing.any():
        rows = np.flatnonzero(missing.any(axis=1))
        raise IncompleteMatrixError(
            f"ICC needs every rater to score every candidate: {int(missing.sum())} of"
            f" {data.size} scores are missing, in {rows.size} of {data.shape[0]} candidates"
        )


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator / denominator) if abs(denominator) > ZERO else None


# --- Readings in plain words ---------------------------------------------------------


def alpha_band(value: float) -> str:
    """Krippendorff's own thresholds: ≥ .800 good, ≥ .667 tentative, below that poor."""
    value = round(value, 3)
    if value >= GOOD:
        return "good"
    if value >= TENTATIVE:
        return "tentative"
    return "poor"


def icc_band(value: float) -> str:
    """Koo & Li (2016): < .5 poor, .5–.75 moderate, .75–.9 good, > .9 excellent."""
    value = round(value, 3)
    if value < 0.5:
        return "poor"
    if value < 0.75:
        return "moderate"
    if value <= 0.9:
        return "good"
    return "excellent"


def verdict(
    alpha: AlphaResult, *, n: int | None = None, min_candidates: int = MIN_CANDIDATES
) -> str:
    """Judged on the interval: "good"/"tentative" only when the lower bound clears .800/.667.

    "poor" only when the upper bound is below .667; "unclear" when the interval
    straddles .667; "too-few" below `min_candidates`; "undefined" without an alpha.
    """
    n = alpha.units if n is None else n
    if n < min_candidates:
        return "too-few"
    if alpha.value is None:
        return "undefined"
    if alpha.low is None or alpha.high is None:
        return "unclear"
    if round(alpha.low, 3) >= GOOD:
        return "good"
    if round(alpha.low, 3) >= TENTATIVE:
        return "tentative"
    if round(alpha.high, 3) < TENTATIVE:
        return "poor"
    return "unclear"


def _figure(alpha: AlphaResult, over: str) -> str:
    if alpha.low is None or alpha.high is None:
        return f"α = {alpha.value:.2f} {over}"
    return f"α = {alpha.value:.2f} (95 % interval {_num(alpha.low)} to {_num(alpha.high)}) {over}"


def _num(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


def reading(
    name: str, alpha: AlphaResult, *, n: int | None = None, min_candidates: int = MIN_CANDIDATES
) -> str:
    """One sentence a recruiter can act on, judged on the 95 % interval, not the estimate.

    e.g. "interviewers agree on Coding at the .667 (tentative) level with 95 %
    confidence, not yet at .800: α = 0.78 (95 % interval 0.71 to 0.84) over 40 candidates".
    """
    n = alpha.units if n is None else n
    over = f"over {n} candidate{'s' if n != 1 else ''}"
    kind = verdict(alpha, n=n, min_candidates=min_candidates)
    if kind == "too-few":
        return (
            f"too few candidates to tell whether interviewers agree on {name}:"
            f" {n} so far, {min_candidates} needed"
        )
    if kind == "undefined":
        return f"agreement on {name} cannot be measured: {alpha.note} ({over})"
    figure = _figure(alpha, over)
    if alpha.low is None:
        return f"not yet clear whether interviewers agree on {name}: {figure}; {alpha.note}"
    if kind == "good":
        return (
            f"interviewers agree on {name} at the .800 (good) level with 95 % confidence: {figure}"
        )
    if kind == "tentative":
        return (
            f"interviewers agree on {name} at the .667 (tentative) level with 95 % confidence,"
            f" not yet at .800: {figure}"
        )
    if kind == "poor":
        if alpha.high < 0:
            return f"interviewers disagree on {name} more than chance would: {figure}"
        return f"interviewers agree poorly on {name}, below .667 with 95 % confidence: {figure}"
    more = candidates_to_settle(alpha, n)
    hint = (
        f"; about {more} more candidates would settle it if agreement stays at this level"
        if more
        else ""
    )
    return (
        f"not yet clear whether interviewers agree on {name}: the 95 % interval straddles"
        f" .667; {figure}{hint}"
    )


def candidates_to_settle(alpha: AlphaResult, n: int) -> int | None:
    """Roughly how many more candidates would move the interval off .667, or None.

    The interval's half-width shrinks as 1 / √n: the side facing .667 must shrink from
    its distance to the estimate to the estimate's distance to .667. None when the
    estimate sits on the threshold or it would take more than ten times the data.
    """
    if alpha.value is None or alpha.low is None or alpha.high is None or n < 1:
        return None
    gap = alpha.value - TENTATIVE
    side = alpha.value - alpha.low if gap >= 0 else alpha.high - alpha.value
    if abs(gap) < 0.01 or side <= 0:
        return None
    needed = n * (side / abs(gap)) ** 2
    return math.ceil(needed - n) if needed <= 10 * n else None


# --- One loop, every competency ------------------------------------------------------


def competency_reliability(
    competency: Hashable,
    name: str,
    triples: Iterable[tuple[Hashable, Hashable, float | None]],
    **options: Any,
) -> CompetencyReliability:
    """Alpha (interval and ordinal) with intervals and the ICC for one competency's scores."""
    return _reliability_of(competency, name, opinions(*_columns(triples)), **options)


def _reliability_of(
    competency: Hashable,
    name: str,
    found: Opinions,
    *,
    domain: Sequence[float] | None = None,
    min_candidates: int = MIN_CANDIDATES,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    confidence: float = CONFIDENCE,
) -> CompetencyReliability:
    alphas = _alphas(
        found.unit,
        found.score,
        found.unit_keys.size,
        ("interval", "ordinal"),
        domain,
        resamples,
        seed,
        confidence,
    )
    interval = alphas["interval"]
    return CompetencyReliability(
        competency=competency,
        name=name,
        scored=int(np.unique(found.unit).size),
        candidates=interval.units,
        scores=interval.pairable,
        repeats=found.repeats,
        interval=interval,
        ordinal=alphas["ordinal"],
        icc=icc_report(found, confidence=confidence),
        verdict=verdict(interval, min_candidates=min_candidates),
        reading=reading(name, interval, min_candidates=min_candidates),
    )


def reliability_by_competency(
    rows: Iterable[tuple[Hashable, Hashable, Hashable, float | None]],
    names: Mapping[Hashable, str],
    **options: Any,
) -> list[CompetencyReliability]:
    """Reliability per competency from one query's (competency, unit, rater, score) rows.

    Options: domain (the scale's points), min_candidates, resamples, seed, confidence.
    Competencies come back in the order of `names` (the loop's order); one with no
    rows still gets a result, with nothing to read. Rows of other competencies are
    ignored. The rows are split by competency with numpy masks, not a Python loop.
    """
    columns = tuple(zip(*rows, strict=True))
    if columns:
        competencies, units, raters = (np.asarray(c) for c in columns[:3])
        scores = np.asarray(columns[3], dtype=float)  # None becomes NaN
    results = []
    for competency, name in names.items():
        if columns:
            mask = competencies == competency
            found = opinions(units[mask], raters[mask], scores[mask])
        else:
            found = opinions(np.empty(0), np.empty(0), np.empty(0))
        results.append(_reliability_of(competency, name, found, **options))
    return results
