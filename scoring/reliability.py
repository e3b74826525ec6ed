"""Do interviewers agree? Krippendorff's alpha and the Shrout & Fleiss ICC forms.

Pure numpy over a candidate × rater matrix (rows are units — applications — and
columns raters; NaN where a rater did not score a unit), so it runs in the request
for a whole loop's history: everything is vectorised, nothing loops per candidate.

A view feeds it one query per loop, `(competency_id, application_id, interviewer_id,
score)` rows of submitted, non-shadow scorecards with a score, and calls
`reliability_by_competency(rows, names)`; or builds one matrix with
`ratings_matrix(triples)` and calls `krippendorff_alpha` / `icc` itself.

References:
- Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg
  School for Communication, University of Pennsylvania. (Coincidence matrices,
  difference functions, the 4 observers × 12 units worked example.)
- Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing
  rater reliability. Psychological Bulletin, 86(2), 420–428.
- Koo, T. K., & Li, M. Y. (2016). A guideline of selecting and reporting intraclass
  correlation coefficients for reliability research. J Chiropr Med, 15(2), 155–163.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

Metric = Literal["nominal", "ordinal", "interval", "ratio"]
METRICS: tuple[Metric, ...] = ("nominal", "ordinal", "interval", "ratio")

# Below this many candidates with two or more scores, we say so instead of a reading:
# alpha's sampling error is wide and a band would overstate what is known.
MIN_CANDIDATES = 10


class IncompleteMatrixError(ValueError):
    """The ICC forms need every rater to have scored every candidate."""


@dataclass(frozen=True)
class RatingsMatrix:
    """Scores laid out for the statistics: `values[i, j]` is rater j's score of unit i."""

    values: np.ndarray  # float, NaN where missing
    units: tuple[Hashable, ...]
    raters: tuple[Hashable, ...]


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with what it rests on; `value` None when undefined (no variation)."""

    metric: Metric
    value: float | None
    units: int  # units with two or more scores: the only ones alpha can use
    pairable: int  # scores in those units (Krippendorff's n)


@dataclass(frozen=True)
class ICCResult:
    """The six Shrout & Fleiss forms for an n targets × k judges matrix, and the ANOVA."""

    n: int
    k: int
    icc1_1: float
    icc2_1: float
    icc3_1: float
    icc1_k: float
    icc2_k: float
    icc3_k: float
    bms: float  # between-targets mean square
    wms: float  # within-target mean square
    jms: float  # between-judges mean square
    ems: float  # residual mean square

    def as_dict(self) -> dict[str, float]:
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
    interval: AlphaResult
    ordinal: AlphaResult
    icc: ICCResult | None  # None when the matrix is incomplete (see icc_refusal)
    icc_refusal: str  # why there is no ICC, in words; "" when there is one
    reading: str


# --- Building matrices ---------------------------------------------------------------


def ratings_matrix(triples: Iterable[tuple[Hashable, Hashable, float | None]]) -> RatingsMatrix:
    """Lay (unit, rater, score) triples out as a units × raters matrix, NaN where missing.

    Units and raters are ids or names (sortable) and come out sorted. A None score is
    missing, but still makes its unit a row and its rater a column: for the ICC, a
    "not assessed" is a hole in the matrix. The same rater on the same unit twice is
    ambiguous (which score?) and refused.
    """
    columns = tuple(zip(*triples, strict=True))
    if not columns:
        return RatingsMatrix(np.empty((0, 0)), (), ())
    units, raters, scores = columns
    return _matrix(np.asarray(units), np.asarray(raters), np.asarray(scores, dtype=float))


def _matrix(units: np.ndarray, raters: np.ndarray, scores: np.ndarray) -> RatingsMatrix:
    """The vectorised layout: one np.unique per axis instead of a Python loop per score."""
    unit_keys, rows = np.unique(units, return_inverse=True)
    rater_keys, cols = np.unique(raters, return_inverse=True)
    cells = rows * rater_keys.size + cols
    cell_keys, counts = np.unique(cells, return_counts=True)
    if cell_keys.size and counts.max() > 1:
        first = int(cell_keys[np.argmax(counts > 1)])
        unit, rater = unit_keys[first // rater_keys.size], rater_keys[first % rater_keys.size]
        raise ValueError(f"rater {rater.item()!r} scored unit {unit.item()!r} more than once")
    values = np.full((unit_keys.size, rater_keys.size), np.nan)
    values[rows, cols] = scores
    return RatingsMatrix(values, tuple(unit_keys.tolist()), tuple(rater_keys.tolist()))


def panel_matrix(triples: Iterable[tuple[Hashable, Hashable, float | None]]) -> RatingsMatrix:
    """Lay scores out by seat rather than by person: column j is each unit's j-th score.

    For alpha, which raters gave a unit's scores does not matter, and for ICC(1,·)
    each target may have its own judges; a seat layout keeps the matrix narrow when
    every candidate meets different interviewers. Raters are the seats 0..k-1.
    """
    per_unit: dict[Hashable, list[float]] = {}
    for unit, _rater, score in triples:
        seats = per_unit.setdefault(unit, [])
        if score is not None:
            seats.append(score)
    width = max((len(s) for s in per_unit.values()), default=0)
    values = np.full((len(per_unit), width), np.nan)
    for i, seats in enumerate(per_unit.values()):
        values[i, : len(seats)] = seats
    return RatingsMatrix(values, tuple(per_unit), tuple(range(width)))


# --- Krippendorff's alpha ------------------------------------------------------------


def krippendorff_alpha(
    values: np.ndarray | Sequence[Sequence[float]],
    metric: Metric = "interval",
    *,
    domain: Sequence[float] | None = None,
) -> AlphaResult:
    """Krippendorff's alpha for a units × raters matrix with NaN for missing scores.

    The coincidence-matrix formulation (Krippendorff 2011): units with fewer than two
    scores are not pairable and drop out, so panels may vary in size and membership.
    `domain` lists the possible values (the scale's points); unused points change
    nothing, so it only keeps the coincidence matrix the shape of the scale.
    """
    return krippendorff_alphas(values, (metric,), domain=domain)[metric]


def krippendorff_alphas(
    values: np.ndarray | Sequence[Sequence[float]],
    metrics: Sequence[Metric] = ("interval", "ordinal"),
    *,
    domain: Sequence[float] | None = None,
) -> dict[Metric, AlphaResult]:
    """Alpha under several metrics, sharing the one coincidence matrix they all start from."""
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise ValueError(f"unknown metric {unknown[0]!r}: use one of {', '.join(METRICS)}")
    data = np.asarray(values, dtype=float)
    if data.ndim != 2:
        raise ValueError("alpha needs a two-dimensional units × raters matrix")
    counts, points = value_counts(data, domain)
    pairable = counts.sum(axis=1) >= 2
    coincidences = coincidence_matrix(counts[pairable])
    units, n_total = int(pairable.sum()), round(float(coincidences.sum()))
    return {
        m: AlphaResult(m, _alpha_from_coincidences(coincidences, points, m), units, n_total)
        for m in metrics
    }


def value_counts(
    data: np.ndarray, domain: Sequence[float] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per unit, how many raters gave each value: a units × values count matrix."""
    present = ~np.isnan(data)
    observed = np.unique(data[present])
    points = observed if domain is None else np.union1d(np.asarray(domain, float), observed)
    unit_of = np.broadcast_to(np.arange(data.shape[0])[:, None], data.shape)[present]
    value_of = np.searchsorted(points, data[present])
    flat = np.bincount(unit_of * points.size + value_of, minlength=data.shape[0] * points.size)
    return flat.reshape(data.shape[0], points.size).astype(float), points


def coincidence_matrix(counts: np.ndarray) -> np.ndarray:
    """o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1), over pairable units only.

    Each unit contributes its m_u (m_u − 1) ordered pairs of scores by different
    raters, weighted so that every unit adds exactly m_u to the matrix's total.
    """
    m = counts.sum(axis=1)
    weights = 1.0 / (m - 1)
    pairs = (counts * weights[:, None]).T @ counts
    return pairs - np.diag((counts * weights[:, None]).sum(axis=0))


def difference_matrix(points: np.ndarray, marginals: np.ndarray, metric: Metric) -> np.ndarray:
    """δ²_ck between every two values, per Krippendorff's difference functions.

    Ordinal differences depend on how often the values between c and k were used
    (the marginals n_g), not on their numeric distance.
    """
    c, k = np.meshgrid(points, points, indexing="ij")
    if metric == "nominal":
        return (c != k).astype(float)
    if metric == "interval":
        return (c - k) ** 2
    if metric == "ratio":
        total = c + k
        return np.divide((c - k) ** 2, total**2, out=np.zeros_like(total), where=total != 0)
    cumulative = np.concatenate(([0.0], np.cumsum(marginals)))
    i, j = np.meshgrid(np.arange(points.size), np.arange(points.size), indexing="ij")
    low, high = np.minimum(i, j), np.maximum(i, j)
    between = cumulative[high + 1] - cumulative[low]
    return (between - (marginals[i] + marginals[j]) / 2) ** 2


def _alpha_from_coincidences(
    coincidences: np.ndarray, points: np.ndarray, metric: Metric
) -> float | None:
    """α = 1 − (n − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck; None when the expected is 0."""
    marginals = coincidences.sum(axis=1)
    n = marginals.sum()
    delta = difference_matrix(points, marginals, metric)
    expected = float(marginals @ delta @ marginals)
    if n < 2 or expected == 0:
        return None  # no variation at all: agreement is 0 / 0, not perfect
    observed = float((coincidences * delta).sum())
    return float(1.0 - (n - 1) * observed / expected)


# --- Shrout & Fleiss ICC -------------------------------------------------------------


def icc(values: np.ndarray | Sequence[Sequence[float]]) -> ICCResult:
    """The six Shrout & Fleiss (1979) ICC forms for a complete targets × judges matrix.

    ICC(1,·): each target rated by its own random judges (one-way ANOVA); ICC(2,·):
    the same random sample of judges rates every target (absolute agreement);
    ICC(3,·): the same fixed judges (consistency). ·,1 is one judge's reliability,
    ·,k that of the mean of the k judges. Raises IncompleteMatrixError on any
    missing score: the two-way ANOVA is not defined with holes, and imputing would
    invent agreement.
    """
    data = np.asarray(values, dtype=float)
    _require_complete(data)
    n, k = data.shape
    grand = data.mean()
    ss_total = ((data - grand) ** 2).sum()
    ss_rows = k * ((data.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((data.mean(axis=0) - grand) ** 2).sum()
    bms = ss_rows / (n - 1)
    wms = (ss_total - ss_rows) / (n * (k - 1))
    jms = ss_cols / (k - 1)
    ems = (ss_total - ss_rows - ss_cols) / ((n - 1) * (k - 1))
    return ICCResult(
        n=n,
        k=k,
        icc1_1=_ratio(bms - wms, bms + (k - 1) * wms),
        icc2_1=_ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=_ratio(bms - ems, bms + (k - 1) * ems),
        icc1_k=_ratio(bms - wms, bms),
        icc2_k=_ratio(bms - ems, bms + (jms - ems) / n),
        icc3_k=_ratio(bms - ems, bms),
        bms=float(bms),
        wms=float(wms),
        jms=float(jms),
        ems=float(ems),
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


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator / denominator) if denominator else float("nan")


# --- Readings in plain words ---------------------------------------------------------


def alpha_band(value: float) -> str:
    """Krippendorff's own thresholds: ≥ .800 good, ≥ .667 tentative, below that poor."""
    value = round(value, 3)
    if value >= 0.800:
        return "good"
    if value >= 0.667:
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


_ALPHA_WORDS = {"good": "well", "tentative": "only tentatively", "poor": "poorly"}
_ICC_WORDS = {"excellent": "very well", "good": "well", "moderate": "moderately", "poor": "poorly"}


def reading(
    name: str,
    *,
    n: int,
    alpha: float | None = None,
    icc: float | None = None,
    form: str = "ICC",
    min_candidates: int = MIN_CANDIDATES,
) -> str:
    """One sentence a recruiter can act on, e.g. "interviewers agree poorly on
    Collaboration: α = 0.22 over 40 candidates".

    Give either `alpha` or `icc` (with its `form`, e.g. "ICC(2,1)"); `n` is the number
    of candidates the statistic rests on. Below `min_candidates` it says so rather
    than read noise as a verdict.
    """
    if alpha is not None and icc is not None:
        raise ValueError("give alpha or icc, not both")
    symbol, value = ("α", alpha) if icc is None else (form, icc)
    over = f"over {n} candidate{'s' if n != 1 else ''}"
    if n < min_candidates:
        return (
            f"too few candidates to tell whether interviewers agree on {name}:"
            f" {n} so far, {min_candidates} needed"
        )
    if value is None:
        return (
            f"interviewers gave every candidate the same score on {name}:"
            f" agreement cannot be measured ({over})"
        )
    if value < 0:
        return (
            f"interviewers disagree on {name} more than chance would: {symbol} = {value:.2f} {over}"
        )
    words = _ALPHA_WORDS[alpha_band(value)] if icc is None else _ICC_WORDS[icc_band(value)]
    return f"interviewers agree {words} on {name}: {symbol} = {value:.2f} {over}"


# --- One loop, every competency ------------------------------------------------------


def competency_reliability(
    competency: Hashable,
    name: str,
    triples: Iterable[tuple[Hashable, Hashable, float | None]],
    *,
    domain: Sequence[float] | None = None,
    min_candidates: int = MIN_CANDIDATES,
) -> CompetencyReliability:
    """Alpha (interval and ordinal) and, when the matrix is complete, the ICC forms."""
    return _reliability_of(competency, name, ratings_matrix(triples), domain, min_candidates)


def _reliability_of(
    competency: Hashable,
    name: str,
    matrix: RatingsMatrix,
    domain: Sequence[float] | None,
    min_candidates: int,
) -> CompetencyReliability:
    alphas = krippendorff_alphas(matrix.values, ("interval", "ordinal"), domain=domain)
    interval, ordinal = alphas["interval"], alphas["ordinal"]
    try:
        icc_result, refusal = icc(matrix.values), ""
    except IncompleteMatrixError as error:
        icc_result, refusal = None, str(error)
    sentence = reading(name, alpha=interval.value, n=interval.units, min_candidates=min_candidates)
    return CompetencyReliability(competency, name, interval, ordinal, icc_result, refusal, sentence)


def reliability_by_competency(
    rows: Iterable[tuple[Hashable, Hashable, Hashable, float | None]],
    names: Mapping[Hashable, str],
    *,
    domain: Sequence[float] | None = None,
    min_candidates: int = MIN_CANDIDATES,
) -> list[CompetencyReliability]:
    """Reliability per competency from one query's (competency, unit, rater, score) rows.

    Competencies come back in the order of `names` (the loop's order); one with no
    rows still gets a result, with nothing to read. Rows of other competencies are
    ignored. The rows are split by competency with numpy masks, not a Python loop.
    """
    columns = tuple(zip(*rows, strict=True))
    if columns:
        competencies, units, raters = (np.asarray(c) for c in columns[:3])
        scores = np.asarray(columns[3], dtype=float)
    results = []
    for competency, name in names.items():
        if columns:
            mask = competencies == competency
            matrix = _matrix(units[mask], raters[mask], scores[mask])
        else:
            matrix = RatingsMatrix(np.empty((0, 0)), (), ())
        results.append(_reliability_of(competency, name, matrix, domain, min_candidates))
    return results
