"""Suggested question sets for one interview stage.

Pure computation over plain data (no Django, no database): the builder turns
bank questions into ``BankQuestion`` records and the loop's competencies into
``Wanted`` records, and gets back up to ``alternatives`` ``Suggestion``s —
what the hiring manager in seed 002 did by hand — and, for a bank's curated
sets, whether each fits the stage and the same description.

- ``records``: the plain-data records in and out;
- ``evaluation``: how a set is valued (coverage, shared ground, emphasis);
- ``search``: finding the best set and genuinely different alternatives;
- ``summary``: each set's own description and what sets it apart;
- ``curated``: whether a bank's curated set fits a stage.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import replace

from .curated import CuratedEntry, CuratedFit, CuratedPlan, fit_curated
from .evaluation import base, importance
from .records import (
    BALANCED,
    EMPHASES,
    LEADERSHIP,
    TECHNICAL,
    BankQuestion,
    PlannedItem,
    SharedGround,
    Suggestion,
    Wanted,
)
from .search import baseline_of, prepare, search
from .summary import contrast, describe, positions

__all__ = [
    "BALANCED",
    "EMPHASES",
    "LEADERSHIP",
    "TECHNICAL",
    "BankQuestion",
    "CuratedEntry",
    "CuratedFit",
    "CuratedPlan",
    "PlannedItem",
    "SharedGround",
    "Suggestion",
    "Wanted",
    "fit_curated",
    "greedy_set",
    "importance",
    "positions",
    "suggest_sets",
    "weighted_coverage",
]


def weighted_coverage(
    question_ids: Iterable[int],
    questions_by_id: Mapping[int, BankQuestion],
    wanted: Sequence[Wanted],
) -> float:
    """The weighted coverage of a set of questions, in importance units.

    Sum over wanted competencies of importance x credit, where credit is the best
    single question's (1 primary, 0.5 secondary) plus a bonus for the second best.
    Divide by the sum of importances for a fraction: 1.0 means every competency
    is fully covered once (second questions can take it a little above).
    """
    ids = list(dict.fromkeys(question_ids))
    prepared = prepare([questions_by_id[i] for i in ids], wanted, 10**9, keep_all=True)
    return base(tuple(prepared.pool), -1, prepared.context).coverage


def greedy_set(
    candidates: Iterable[BankQuestion],
    wanted: Sequence[Wanted],
    minutes_available: int,
    *,
    exclude: Collection[int] = (),
    emphasis: str = BALANCED,
) -> list[int]:
    """The baseline: repeatedly add the question with most coverage gain per minute.

    Only questions that still fit in ``minutes_available`` and add coverage are
    taken; ties break on the lower id. Under an emphasis the emphasised questions
    are taken first. Returns question ids in picking order.
    """
    prepared = prepare(candidates, wanted, minutes_available, exclude, emphasis)
    return [option.id for option in baseline_of(prepared.pool, prepared.context)]


def suggest_sets(
    candidates: Iterable[BankQuestion],
    wanted: Sequence[Wanted],
    minutes_available: int,
    *,
    alternatives: int = 3,
    exclude: Collection[int] = (),
    emphasis: str = BALANCED,
) -> list[Suggestion]:
    """Up to ``alternatives`` different question sets for a stage, best first.

    ``minutes_available`` is the stage's duration minus its buffer; each set's
    must-ask prefix fits in it, and if-time-allows questions follow. Candidates
    in ``exclude``, covering no wanted competency, or longer than the time
    available are ignored. ``emphasis`` ("technical", "leadership" or
    "balanced") is the kind of question the loop leads with. An empty list means
    nothing fits.
    """
    prepared = prepare(candidates, wanted, minutes_available, exclude, emphasis)
    found = [
        describe(must, extra, prepared.context, prepared.questions)
        for must, extra in search(prepared, alternatives)
    ]
    notes = contrast(found, prepared.questions)
    return [replace(s, distinct=note) for s, note in zip(found, notes, strict=True)]
