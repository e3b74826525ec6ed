"""The bar: one rule (own, else the loop's, else the scale's "meets" point), no queries."""

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from interviews.bars import Bar, bar_for, meets_bar


@dataclass
class P:
    value: int
    label: str
    meets_bar: bool = False


POINTS = [P(5, "Strategic"), P(4, "Senior", True), P(3, "Solid"), P(2, "Weak")]


def test_a_competency_bar_wins_over_the_loop_and_the_scale():
    assert bar_for(POINTS, loop_bar=3, own=5) == Bar(5, "Strategic")


def test_without_its_own_the_loop_bar_applies():
    assert bar_for(POINTS, loop_bar=3) == Bar(3, "Solid")


def test_without_either_the_scale_point_that_meets_the_bar_applies():
    assert bar_for(POINTS) == Bar(4, "Senior")


def test_a_scale_that_marks_no_point_has_no_bar():
    assert bar_for([P(2, "a"), P(1, "b")]) == Bar(None, "")


@pytest.mark.parametrize(
    ("score", "bar", "meets"),
    [(4, 4, True), (4.5, 4, True), (3.5, 4, False), (None, 4, None), (3, None, None)],
)
def test_a_score_meets_the_bar_at_or_above_it(score, bar, meets):
    assert meets_bar(score, bar) is meets
    assert Bar(bar).meets(score) is meets


def test_no_template_compares_a_score_with_a_bar():
    """Templates get `meets` from Python; a comparison in a template is a second rule."""
    comparison = re.compile(
        r"\{%[^%]*(>=|<=|>|<)[^%]*bar[^%]*%\}|\{%[^%]*bar[^%]*(>=|<=|>|<)[^%]*%\}"
    )
    offenders = [
        f"{path}: {match.group(0)}"
        for path in Path("templates").rglob("*.html")
        for match in comparison.finditer(path.read_text())
    ]
    assert offenders == []
