"""How a set of questions is valued: credits, coverage, shared ground and emphasis.

A question gives its primary competency full credit and each secondary half
credit. A competency's credit in a set is its best single credit plus a small
bonus for the second-best one (a second, independent question). Each wanted
competency weighs its ``weight``, doubled when critical; the sum of weight x
credit is the set's *weighted coverage*. The *score* subtracts a penalty for
every piece of ground shared by two questions of the set (seed 002: two
questions on the same domain are worse than two on different domains, whatever
their categories), a penalty for every question off the loop's emphasis, and a
tiny cost per minute, so that of two equally good sets the shorter one wins.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .records import BALANCED, EMPHASES, LEADERSHIP, TECHNICAL, BankQuestion, Wanted

PRIMARY_CREDIT = 1.0
SECONDARY_CREDIT = 0.5
# A second question on a competency is worth having, but far less than covering a new one.
SECOND_OPINION_BONUS = 0.25
CRITICAL_FACTOR = 2.0
# Per piece of ground shared by a pair of questions, in units of the mean importance:
# the builder warns strongly about it, so more than a question off the loop's emphasis
# costs, yet less than a competency covered as primary is worth.
OVERLAP_PENALTY = 0.7
# Per question off the loop's emphasis, in units of the mean importance: a people
# question's two secondaries (2 x 0.5) no longer outweigh a technical question's
# primary in a "primarily technical" loop, yet a competency only a people question
# covers is still covered (a missing competency costs its whole importance).
OFF_EMPHASIS_PENALTY = 0.6
# Per minute, in units of the smallest importance: only ever breaks ties.
MINUTE_COST = 1e-4
EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Option:
    """A question prepared for the search: credits by wanted index, ground as bits."""

    id: int
    minutes: int
    credits: tuple[tuple[int, float], ...]
    served: int
    labels: int
    mentions: int
    value: float
    on_emphasis: bool


@dataclass(frozen=True, slots=True)
class Context:
    """What every evaluation needs: importances, the time budget and the penalty scales."""

    wanted: tuple[Wanted, ...]
    importance: tuple[float, ...]
    budget: int
    overlap_penalty: float
    emphasis_penalty: float
    minute_cost: float
    label_names: tuple[str, ...]
    emphasis: str
    label_kinds: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Base:
    """A set with at most one member dropped, evaluated once per local-search step."""

    members: tuple[Option, ...]
    dropped: int
    tops: tuple[tuple[float, float], ...]
    coverage: float
    overlap: int
    off_emphasis: int
    minutes: int
    served: int


def importance(wanted: Wanted) -> float:
    """How much covering this competency is worth.

    The loop's weight, doubled for a critical competency; weights must not be negative.
    """
    if wanted.weight < 0 or not math.isfinite(wanted.weight):
        raise ValueError(f"Weight of {wanted.key!r} must be a finite non-negative number.")
    return wanted.weight * (CRITICAL_FACTOR if wanted.critical else 1.0)


def unique_wanted(wanted: Sequence[Wanted]) -> tuple[Wanted, ...]:
    """The wanted competencies with repeated keys dropped (the first one counts)."""
    first: dict[str, Wanted] = {}
    for w in wanted:
        first.setdefault(w.key, w)
    return tuple(first.values())


def credits_of(question: BankQuestion, index: dict[str, int]) -> tuple[tuple[int, float], ...]:
    """The (wanted index, credit) pairs a question earns, in wanted order."""
    credit: dict[int, float] = {}
    for key in question.secondary:
        if key in index:
            credit[index[key]] = SECONDARY_CREDIT
    if question.primary in index:
        credit[index[question.primary]] = PRIMARY_CREDIT
    return tuple(sorted(credit.items()))


def on_emphasis(question: BankQuestion, emphasis: str) -> bool:
    """Whether a question is the kind the loop leads with (every question when balanced)."""
    if emphasis == TECHNICAL:
        return question.technical
    if emphasis == LEADERSHIP:
        return not question.technical
    return True


GROUND_KINDS = frozenset({"topic", "family", "technology"})


def ground_of(question: BankQuestion) -> dict[str, tuple[str, str]]:
    """What a question probes and names, by label: (name shown, kind).

    The ground is the builder's (``interviews.coverage.ItemInfo.ground``): its topic
    tags, or its technologies when it has no tags ("technologies that may be
    mentioned" are broad lists), and, here, the forks it belongs with (kind
    "family"). A tagged question's technologies are only "mention"s: shown, never
    penalised. Technologies compare case-insensitively.
    """
    names: dict[str, tuple[str, str]] = {}
    for tag in question.tags:
        names[f"t:{tag.strip()}"] = (tag.strip(), "topic")
    for title in question.family:
        names[f"f:{title.casefold()}"] = (f"versions of “{title}”", "family")
    kind, prefix = ("mention", "m") if question.tags else ("technology", "g")
    for technology in question.technologies:
        names[f"{prefix}:{technology.strip().casefold()}"] = (technology.strip(), kind)
    return {label: value for label, value in names.items() if value[0]}


def make_context(
    wanted: tuple[Wanted, ...],
    budget: int,
    labels: tuple[str, ...],
    emphasis: str,
    kinds: tuple[str, ...] = (),
) -> Context:
    """Importances and penalty scales for one call."""
    if emphasis not in EMPHASES:
        raise ValueError(f"Emphasis must be one of {', '.join(EMPHASES)}, not {emphasis!r}.")
    weights = tuple(importance(w) for w in wanted)
    positive = [w for w in weights if w > 0]
    mean = sum(positive) / len(positive) if positive else 1.0
    smallest = min(positive) if positive else 1.0
    return Context(
        wanted=wanted,
        importance=weights,
        budget=budget,
        overlap_penalty=OVERLAP_PENALTY * mean,
        emphasis_penalty=0.0 if emphasis == BALANCED else OFF_EMPHASIS_PENALTY * mean,
        minute_cost=MINUTE_COST * smallest,
        label_names=labels,
        emphasis=emphasis,
        label_kinds=kinds or ("topic",) * len(labels),
    )


def make_option(
    question: BankQuestion,
    credits: tuple[tuple[int, float], ...],
    bit: dict[str, int],
    context: Context,
) -> Option:
    """One question as a search option."""
    mask = mentions = 0
    for label, (_, kind) in ground_of(question).items():
        if kind in GROUND_KINDS:
            mask |= bit[label]
        else:
            mentions |= bit[label]
    return Option(
        id=question.id,
        minutes=question.minutes,
        credits=credits,
        served=sum(1 << j for j, _ in credits),
        labels=mask,
        mentions=mentions,
        value=sum(context.importance[j] * credit for j, credit in credits),
        on_emphasis=on_emphasis(question, context.emphasis),
    )


def tops_of(
    members: Iterable[tuple[tuple[int, float], ...]], size: int
) -> tuple[tuple[float, float], ...]:
    """Best and second-best credit per wanted competency over the given credit lists."""
    tops = [(0.0, 0.0)] * size
    for credits in members:
        for j, credit in credits:
            tops[j] = with_credit(tops[j], credit)
    return tuple(tops)


def with_credit(top: tuple[float, float], credit: float) -> tuple[float, float]:
    """A competency's (best, second) after one more question's credit."""
    best, second = top
    if credit > best:
        return credit, best
    return best, max(second, credit)


def coverage_of(tops: Sequence[tuple[float, float]], weights: Sequence[float]) -> float:
    """Weighted coverage from per-competency (best, second) credits."""
    return sum(
        w * (best + SECOND_OPINION_BONUS * second)
        for w, (best, second) in zip(weights, tops, strict=True)
    )


def coverage_gain(
    tops: Sequence[tuple[float, float]], option: Option, weights: Sequence[float]
) -> float:
    """How much weighted coverage adding the option to a set with these tops adds."""
    gain = 0.0
    for j, credit in option.credits:
        best, second = tops[j]
        if credit > best:
            gain += weights[j] * (credit - best + SECOND_OPINION_BONUS * (best - second))
        elif credit > second:
            gain += weights[j] * SECOND_OPINION_BONUS * (credit - second)
    return gain


def shared_count(members: Sequence[Option]) -> int:
    """Ground shared, counted once per pair of questions sharing it."""
    return sum(
        (a.labels & b.labels).bit_count() for i, a in enumerate(members) for b in members[i + 1 :]
    )


def base(members: tuple[Option, ...], dropped: int, context: Context) -> Base:
    """A set minus its member at ``dropped`` (nothing dropped when -1), evaluated."""
    kept = tuple(m for i, m in enumerate(members) if i != dropped)
    tops = tops_of((m.credits for m in kept), len(context.wanted))
    served = 0
    for m in kept:
        served |= m.served
    return Base(
        members=kept,
        dropped=dropped,
        tops=tops,
        coverage=coverage_of(tops, context.importance),
        overlap=shared_count(kept),
        off_emphasis=sum(not m.on_emphasis for m in kept),
        minutes=sum(m.minutes for m in kept),
        served=served,
    )


def score(coverage: float, overlap: int, off: int, minutes: int, context: Context) -> float:
    """Coverage minus the overlap and emphasis penalties and the tie-breaking minute cost."""
    return (
        coverage
        - context.overlap_penalty * overlap
        - context.emphasis_penalty * off
        - context.minute_cost * minutes
    )


def evaluate(members: tuple[Option, ...], context: Context) -> tuple[float, float]:
    """(score, weighted coverage) of a set."""
    whole = base(members, -1, context)
    return (
        score(whole.coverage, whole.overlap, whole.off_emphasis, whole.minutes, context),
        whole.coverage,
    )


def served_by(members: Iterable[Option]) -> int:
    """The wanted competencies a set covers at all, as bits."""
    served = 0
    for m in members:
        served |= m.served
    return served
