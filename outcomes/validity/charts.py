"""The validity scatter's geometry, computed here so the SVG template only draws.

Interview score across (the loop's scale), later performance up (0..1). Hires with the
same score and nearly the same performance share one dot whose area grows with their
count, so the chart stays a few hundred elements at 10,000 hires. A least-squares line
is drawn only when Pearson's r exists. The table beside it (the accessible alternative)
gives, per score rounded to a scale point, the hires and their mean performance.

Colours are SVG presentation attributes (the CSP allows no style attributes).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from . import stats

WIDTH, HEIGHT = 340, 230
LEFT, RIGHT, TOP, BOTTOM = 40, 12, 12, 36
# Dots share a cell this wide in score and performance.
SCORE_STEP, PERFORMANCE_STEP = 0.1, 0.05
MIN_RADIUS, MAX_RADIUS = 2.5, 9.0


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    title: str


@dataclass(frozen=True)
class Band:
    """A row of the table alternative: hires whose score rounds to `point`."""

    point: int
    n: int
    mean: float


@dataclass(frozen=True)
class Scatter:
    chart_id: str
    title: str
    description: str
    width: int
    height: int
    left: float
    tick_x: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    dots: tuple[Dot, ...]
    line: tuple[float, float, float, float] | None
    bands: tuple[Band, ...]


def scatter(
    pairs: Sequence[tuple[float, float]],
    result: stats.Validity,
    domain: tuple[int, int],
    chart_id: str,
    name: str,
) -> Scatter:
    """Dots per cell, ticks at the scale's points and at 0, .5, 1, and the fitted line."""
    low, high = domain
    span = (high - low) or 1
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM

    def x(score: float) -> float:
        return round(LEFT + (score - low) / span * (right - LEFT), 1)

    def y(value: float) -> float:
        return round(bottom - value * (bottom - TOP), 1)

    cells = Counter(
        (round(s / SCORE_STEP) * SCORE_STEP, round(p / PERFORMANCE_STEP) * PERFORMANCE_STEP)
        for s, p in pairs
    )
    top = max(cells.values(), default=1)
    dots = tuple(
        Dot(
            x(s),
            y(p),
            round(
                MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt((count - 1) / max(top - 1, 1)), 1
            ),
            f"{count} hire{'' if count == 1 else 's'}: score {s:.1f}, performance {p:.2f}",
        )
        for (s, p), count in sorted(cells.items())
    )
    return Scatter(
        chart_id=chart_id,
        title=f"{name}: interview score against later performance",
        description=describe(pairs, result),
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        tick_x=LEFT - 6,
        right=right,
        top=TOP,
        bottom=bottom,
        x_ticks=tuple(Tick(x(v), str(v)) for v in range(low, high + 1)),
        y_ticks=tuple(Tick(y(v), label) for v, label in ((0, "0"), (0.5, ".5"), (1, "1"))),
        dots=dots,
        line=fitted_line(pairs, domain, x, y) if result.pearson else None,
        bands=bands(pairs, domain),
    )


def describe(pairs: Sequence[tuple[float, float]], result: stats.Validity) -> str:
    text = f"{len(pairs)} hires."
    if result.pearson:
        text += f" Pearson r {result.pearson.r:.2f}, {result.reading}."
    return text + " The table beside gives the same hires by score."


def fitted_line(pairs, domain, x, y) -> tuple[float, float, float, float] | None:
    """The least-squares line across the scale, clipped to 0..1 performance."""
    n = len(pairs)
    mean_s = sum(s for s, _ in pairs) / n
    mean_p = sum(p for _, p in pairs) / n
    sxx = sum((s - mean_s) ** 2 for s, _ in pairs)
    if sxx == 0:
        return None
    slope = sum((s - mean_s) * (p - mean_p) for s, p in pairs) / sxx
    low, high = domain

    def at(score: float) -> float:
        return min(1.0, max(0.0, mean_p + slope * (score - mean_s)))

    return (x(low), y(at(low)), x(high), y(at(high)))


def bands(pairs: Sequence[tuple[float, float]], domain: tuple[int, int]) -> tuple[Band, ...]:
    """Per scale point, the hires whose score rounds to it (half up) and their mean."""
    grouped: dict[int, list[float]] = defaultdict(list)
    low, high = domain
    for score, value in pairs:
        point = min(high, max(low, math.floor(score + 0.5)))
        grouped[point].append(value)
    return tuple(
        Band(point, len(values), sum(values) / len(values))
        for point, values in sorted(grouped.items())
    )
