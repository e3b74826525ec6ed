"""The bar: which scale point meets the level, per competency — one rule, no queries.

A competency's bar is its own when the loop sets one, else the loop's, else the
scale's point marked "meets the bar" (DESIGN: interviews, the loop). Pure: callers
pass the scale's points they have loaded (anything with `value`, `label` and
`meets_bar`), so pages, the packet and the aggregate share it without a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


class Point(Protocol):
    value: int
    label: str
    meets_bar: bool


@dataclass(frozen=True)
class Bar:
    """A bar on the loop's scale: its value (None: the scale marks no point) and label."""

    value: int | None
    label: str = ""

    def meets(self, score: float | None) -> bool | None:
        """Whether a score (or a median) meets the bar; None when either is unknown."""
        return meets_bar(score, self.value)


def meets_bar(score: float | None, bar: int | None) -> bool | None:
    """A score meets the bar when it is at or above it; None when either is unknown."""
    if score is None or bar is None:
        return None
    return score >= bar


def bar_for(points: Iterable[Point], *, loop_bar: int | None = None, own: int | None = None) -> Bar:
    """The competency's bar: `own`, else `loop_bar`, else the scale's "meets" point."""
    points = list(points)
    value = own if own is not None else loop_bar
    if value is None:
        value = next((p.value for p in points if p.meets_bar), None)
    label = next((p.label for p in points if p.value == value), "")
    return Bar(value, label)
