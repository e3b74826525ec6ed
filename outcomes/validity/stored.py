"""The validity figures as JSON, for the analytics snapshot (scoring.snapshots).

`compute(key)` gives everyone's figures under the page's default performance choice,
JSON-ready; `from_json` gives back the very `ValidityData` the page renders (a round
trip equals the live computation: tests/outcomes/test_validity_snapshot.py). The loop
itself is not stored: the page reads the newest version as it renders.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from interviews.models import Loop

from . import charts, stats
from .data import RecommendationMean, Row, ValidityData, validity_data
from .measures import PerformanceRule

# The choice the snapshot holds: the page's default. Any other is computed live.
STORED_RULE = PerformanceRule.TWELVE


def compute(key: str) -> dict[str, Any]:
    """Everyone's validity figures for a loop key under the default choice, as JSON."""
    return to_json(validity_data(key, None, STORED_RULE))


def to_json(data: ValidityData) -> dict[str, Any]:
    fields = asdict(data)
    fields.pop("loop")
    fields["rule"] = data.rule.value
    return fields


def from_json(stored: dict[str, Any], loop: Loop | None) -> ValidityData:
    return ValidityData(
        loop=loop,
        rule=PerformanceRule(stored["rule"]),
        interviewed=stored["interviewed"],
        reviewed=stored["reviewed"],
        hires=stored["hires"],
        competencies=rows(stored["competencies"]),
        stages=rows(stored["stages"]),
        weighted=row(stored["weighted"]),
        recommendation=row(stored["recommendation"]),
        interviewers=rows(stored["interviewers"]),
        hidden_interviewers=stored["hidden_interviewers"],
        questions=rows(stored["questions"]),
        hidden_questions=stored["hidden_questions"],
        by_recommendation=[
            RecommendationMean(g["value"], g["label"], stats.GroupMean(**g["mean"]))
            for g in stored["by_recommendation"]
        ],
        carriers=list(stored["carriers"]),
    )


def rows(stored: list[dict]) -> list[Row]:
    return [row(r) for r in stored]


def row(stored: dict | None) -> Row | None:
    if stored is None:
        return None
    return Row(
        stored["kind"],
        stored["key"],
        stored["name"],
        validity(stored["validity"]),
        scatter(stored["chart"]),
    )


def estimate(stored: dict | None) -> stats.Estimate | None:
    return None if stored is None else stats.Estimate(**stored)


def validity(stored: dict) -> stats.Validity:
    return stats.Validity(
        n=stored["n"],
        pearson=estimate(stored["pearson"]),
        spearman=estimate(stored["spearman"]),
        u=stored["u"],
        corrected=estimate(stored["corrected"]),
        reading=stats.Reading(stored["reading"]),
        warnings=tuple(stored["warnings"]),
    )


def scatter(stored: dict | None) -> charts.Scatter | None:
    if stored is None:
        return None
    return charts.Scatter(
        **{
            **stored,
            "x_ticks": tuple(charts.Tick(**t) for t in stored["x_ticks"]),
            "y_ticks": tuple(charts.Tick(**t) for t in stored["y_ticks"]),
            "dots": tuple(charts.Dot(**d) for d in stored["dots"]),
            "line": None if stored["line"] is None else tuple(stored["line"]),
            "bands": tuple(charts.Band(**b) for b in stored["bands"]),
        }
    )
