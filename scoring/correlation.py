"""Pearson's r and its Fisher-z interval: the one definition that question analytics
(scoring.question_stats) and the validity page (outcomes.validity.stats) both use."""

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; None with fewer than two pairs or when either side is constant."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.size != b.size:
        raise ValueError("x and y differ in length")
    if a.size < 2:
        return None
    da, db = a - a.mean(), b - b.mean()
    denominator = math.sqrt(float(da @ da) * float(db @ db))
    if denominator == 0:
        return None
    return max(-1.0, min(1.0, float(da @ db) / denominator))


def pearson_se(n: int) -> float:
    """Fisher's standard error of atanh(r): 1/sqrt(n − 3)."""
    return 1 / math.sqrt(n - 3)


def fisher_interval(r: float, se: float, level: float = 0.95) -> tuple[float, float]:
    """tanh(atanh(r) ± z·se): the interval on Fisher's z scale, back as correlations."""
    if abs(r) >= 1:
        return (r, r)  # a perfect sample correlation: atanh is infinite, no spread
    z = math.atanh(r)
    half = NormalDist().inv_cdf(0.5 + level / 2) * se
    return (math.tanh(z - half), math.tanh(z + half))
