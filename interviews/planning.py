"""Suggested question sets for one interview stage.

Pure computation over plain data (no Django, no database): the builder turns
bank questions into ``Candidate`` records and the loop's competencies into
``Wanted`` records, and gets back up to ``alternatives`` ``Suggestion``s —
what the hiring manager in seed 002 did by hand.

How a set is valued. A question gives its primary competency full credit and
each secondary half credit. A competency's credit in a set is its best single
credit plus a small bonus for the second-best one (a second, independent
question). Each wanted competency weighs its ``weight``, doubled when
critical; the sum of weight x credit is the set's *weighted coverage*. The
*score* subtracts a penalty for every tag or technology shared by two
questions of the set (seed 002: two questions on the same domain are worse
than two on different domains, whatever their categories) and a tiny cost per
minute, so that of two equally good sets the shorter one wins.

How sets are found. Candidates are pre-filtered (excluded, covering nothing
wanted, or too long on their own) and cut to a shortlist of the most useful
per competency. The baseline greedy set (best coverage gain per minute) and
a handful of other greedy starts go through a best-improvement local search
(add, drop or swap one question). The best suggestion is the best-scoring
set whose coverage is at least the baseline's, so it never covers less than
``greedy_set``. Each further alternative is searched for with the constraint
that it differs from every earlier suggestion: neither set contains the other,
and they share at most half of the smaller one's must-ask questions or cover
different competencies. Everything is deterministic: ties break on question
ids, and there is no randomness.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "Candidate",
    "PlannedItem",
    "Suggestion",
    "Wanted",
    "greedy_set",
    "importance",
    "suggest_sets",
    "weighted_coverage",
]

PRIMARY_CREDIT = 1.0
SECONDARY_CREDIT = 0.5
# A second question on a competency is worth having, but far less than covering a new one.
SECOND_OPINION_BONUS = 0.25
CRITICAL_FACTOR = 2.0
# Per tag or technology shared by a pair of questions, in units of the mean importance:
# enough to prefer different ground, not enough to give up a competency for it.
OVERLAP_PENALTY = 0.2
# Per minute, in units of the smallest importance: only ever breaks ties.
MINUTE_COST = 1e-4
# If-time-allows questions may take up to this share of the available minutes on top.
EXTRA_TIME_SHARE = 0.5

# Shortlist sizes: enough variety per competency for overlap-free alternatives,
# small enough that a swap neighbourhood stays cheap with thousands of candidates.
PER_COMPETENCY_BY_DENSITY = 10
PER_COMPETENCY_SHORTEST = 4
OVERALL_BY_DENSITY = 25
OVERALL_BY_VALUE = 15
SEEDED_STARTS = 6

EPSILON = 1e-9
NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


@dataclass(frozen=True)
class Candidate:
    """A bank question that could be planned into the stage."""

    id: int
    title: str
    minutes: int
    primary: str
    secondary: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    technologies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Wanted:
    """A competency the stage should assess; critical doubles its importance."""

    key: str
    name: str
    critical: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class PlannedItem:
    """One question of a suggestion; ``must_ask=False`` means "if time allows"."""

    question_id: int
    must_ask: bool


@dataclass(frozen=True)
class Suggestion:
    """One alternative question set for the stage, in asking order."""

    items: tuple[PlannedItem, ...]
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    must_ask_minutes: int
    total_minutes: int
    overlaps: tuple[str, ...]
    score: float
    summary: str


# --- Internal plain-data records -------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Option:
    """A candidate prepared for the search: credits by wanted index, labels as bits."""

    id: int
    minutes: int
    credits: tuple[tuple[int, float], ...]
    served: int
    labels: int
    value: float


@dataclass(frozen=True, slots=True)
class _Context:
    """What every evaluation needs: importances, the time budget and the penalty scales."""

    wanted: tuple[Wanted, ...]
    importance: tuple[float, ...]
    budget: int
    overlap_penalty: float
    minute_cost: float
    label_names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Base:
    """A set with at most one member dropped, evaluated once per local-search step."""

    members: tuple[_Option, ...]
    dropped: int
    tops: tuple[tuple[float, float], ...]
    coverage: float
    overlap: int
    minutes: int
    served: int


@dataclass(frozen=True, slots=True)
class _Chosen:
    """A suggestion already picked, as later alternatives must differ from it."""

    ids: frozenset[int]
    served: int


Acceptance = Callable[[tuple[_Option, ...]], bool]


# --- Public functions -------------------------------------------------------------


def importance(wanted: Wanted) -> float:
    """How much covering this competency is worth.

    The loop's weight, doubled for a critical competency; weights must not be negative.
    """
    if wanted.weight < 0 or not math.isfinite(wanted.weight):
        raise ValueError(f"Weight of {wanted.key!r} must be a finite non-negative number.")
    return wanted.weight * (CRITICAL_FACTOR if wanted.critical else 1.0)


def weighted_coverage(
    question_ids: Iterable[int], candidates_by_id: Mapping[int, Candidate], wanted: Sequence[Wanted]
) -> float:
    """The weighted coverage of a set of questions, in importance units.

    Sum over wanted competencies of importance x credit, where credit is the best
    single question's (1 primary, 0.5 secondary) plus a bonus for the second best.
    Divide by the sum of importances for a fraction: 1.0 means every competency
    is fully covered once (second questions can take it a little above).
    """
    wanted = _unique_wanted(wanted)
    index = {w.key: i for i, w in enumerate(wanted)}
    weights = tuple(importance(w) for w in wanted)
    members = [_credits(candidates_by_id[qid], index) for qid in dict.fromkeys(question_ids)]
    return _coverage_of(_tops_of(members, len(wanted)), weights)


def greedy_set(
    candidates: Iterable[Candidate],
    wanted: Sequence[Wanted],
    minutes_available: int,
    *,
    exclude: Collection[int] = (),
) -> list[int]:
    """The baseline: repeatedly add the question with most coverage gain per minute.

    Only questions that still fit in ``minutes_available`` and add coverage are
    taken; ties break on the lower id. Returns question ids in picking order.
    """
    context, pool = _prepare(candidates, wanted, minutes_available, exclude)
    return [option.id for option in _baseline(pool, context)]


def suggest_sets(
    candidates: Iterable[Candidate],
    wanted: Sequence[Wanted],
    minutes_available: int,
    *,
    alternatives: int = 3,
    exclude: Collection[int] = (),
) -> list[Suggestion]:
    """Up to ``alternatives`` different question sets for a stage, best first.

    ``minutes_available`` is the stage's duration minus its buffer; each set's
    must-ask prefix fits in it, and if-time-allows questions follow. Candidates
    in ``exclude``, covering no wanted competency, or longer than the time
    available are ignored. An empty list means nothing fits.
    """
    context, pool = _prepare(candidates, wanted, minutes_available, exclude)
    if not pool or alternatives < 1:
        return []
    baseline = _baseline(pool, context)
    shortlist = _shortlist(pool, baseline, context)
    chosen_sets = _choose_sets(baseline, shortlist, context, alternatives)
    return [_suggestion(members, shortlist, pool, context) for members in chosen_sets]


# --- Preparing the data -----------------------------------------------------------


def _unique_wanted(wanted: Sequence[Wanted]) -> tuple[Wanted, ...]:
    """The wanted competencies with repeated keys dropped (the first one counts)."""
    first: dict[str, Wanted] = {}
    for w in wanted:
        first.setdefault(w.key, w)
    return tuple(first.values())


def _credits(candidate: Candidate, index: dict[str, int]) -> tuple[tuple[int, float], ...]:
    """The (wanted index, credit) pairs a candidate earns, in wanted order."""
    credit: dict[int, float] = {}
    for key in candidate.secondary:
        if key in index:
            credit[index[key]] = SECONDARY_CREDIT
    if candidate.primary in index:
        credit[index[candidate.primary]] = PRIMARY_CREDIT
    return tuple(sorted(credit.items()))


def _context(wanted: tuple[Wanted, ...], budget: int, labels: tuple[str, ...]) -> _Context:
    """Importances and penalty scales for one call."""
    weights = tuple(importance(w) for w in wanted)
    positive = [w for w in weights if w > 0]
    mean = sum(positive) / len(positive) if positive else 1.0
    smallest = min(positive) if positive else 1.0
    return _Context(
        wanted=wanted,
        importance=weights,
        budget=budget,
        overlap_penalty=OVERLAP_PENALTY * mean,
        minute_cost=MINUTE_COST * smallest,
        label_names=labels,
    )


def _prepare(
    candidates: Iterable[Candidate],
    wanted: Sequence[Wanted],
    minutes_available: int,
    exclude: Collection[int],
) -> tuple[_Context, list[_Option]]:
    """Filter the candidates and turn the useful ones into options, in id order.

    A repeated id keeps its first candidate; a question with no minutes cannot be planned.
    """
    unique = _unique_wanted(wanted)
    index = {w.key: i for i, w in enumerate(unique)}
    excluded = set(exclude)
    kept: dict[int, tuple[Candidate, tuple[tuple[int, float], ...]]] = {}
    for candidate in candidates:
        if candidate.id in excluded or candidate.id in kept:
            continue
        if not 0 < candidate.minutes <= minutes_available:
            continue
        credits = _credits(candidate, index)
        if credits:
            kept[candidate.id] = (candidate, credits)
    labels = tuple(sorted({label for c, _ in kept.values() for label in _labels_of(c)}))
    context = _context(unique, minutes_available, labels)
    bit = {label: 1 << i for i, label in enumerate(labels)}
    pool = [_option(c, credits, bit, context) for c, credits in kept.values()]
    return context, sorted(pool, key=lambda o: o.id)


def _labels_of(candidate: Candidate) -> frozenset[str]:
    """The ground a question probes: its topic tags and technologies together."""
    return candidate.tags | candidate.technologies


def _option(
    candidate: Candidate,
    credits: tuple[tuple[int, float], ...],
    bit: dict[str, int],
    context: _Context,
) -> _Option:
    """One candidate as a search option."""
    mask = 0
    for label in _labels_of(candidate):
        mask |= bit[label]
    return _Option(
        id=candidate.id,
        minutes=candidate.minutes,
        credits=credits,
        served=sum(1 << j for j, _ in credits),
        labels=mask,
        value=sum(context.importance[j] * credit for j, credit in credits),
    )


def _shortlist(
    pool: list[_Option], baseline: tuple[_Option, ...], context: _Context
) -> list[_Option]:
    """The options worth searching over: the best few per competency and overall.

    Per competency, the strongest coverers by value per minute plus the shortest
    ones (to fill a gap); overall, the densest and the broadest. The baseline's
    picks are always kept so the search can start from it.
    """
    picked: dict[int, _Option] = {}

    def keep(options: Iterable[_Option], count: int) -> None:
        for option in list(options)[:count]:
            picked.setdefault(option.id, option)

    for j in range(len(context.wanted)):
        serving = [o for o in pool if o.served >> j & 1]
        credit = {o.id: dict(o.credits)[j] for o in serving}
        keep(
            sorted(serving, key=lambda o: (-credit[o.id], -_density(o), o.id)),
            PER_COMPETENCY_BY_DENSITY,
        )
        keep(
            sorted(serving, key=lambda o: (-credit[o.id], o.minutes, -o.value, o.id)),
            PER_COMPETENCY_SHORTEST,
        )
    keep(sorted(pool, key=lambda o: (-_density(o), o.id)), OVERALL_BY_DENSITY)
    keep(sorted(pool, key=lambda o: (-o.value, o.minutes, o.id)), OVERALL_BY_VALUE)
    keep(baseline, len(baseline))
    return sorted(picked.values(), key=lambda o: o.id)


def _density(option: _Option) -> float:
    """Standalone weighted coverage per minute."""
    return option.value / option.minutes


# --- Evaluating sets --------------------------------------------------------------


def _tops_of(
    members: Iterable[tuple[tuple[int, float], ...]], size: int
) -> tuple[tuple[float, float], ...]:
    """Best and second-best credit per wanted competency over the given credit lists."""
    tops = [(0.0, 0.0)] * size
    for credits in members:
        for j, credit in credits:
            tops[j] = _with_credit(tops[j], credit)
    return tuple(tops)


def _with_credit(top: tuple[float, float], credit: float) -> tuple[float, float]:
    """A competency's (best, second) after one more question's credit."""
    best, second = top
    if credit > best:
        return credit, best
    return best, max(second, credit)


def _coverage_of(tops: Sequence[tuple[float, float]], weights: Sequence[float]) -> float:
    """Weighted coverage from per-competency (best, second) credits."""
    return sum(
        w * (best + SECOND_OPINION_BONUS * second)
        for w, (best, second) in zip(weights, tops, strict=True)
    )


def _coverage_gain(
    tops: Sequence[tuple[float, float]], option: _Option, weights: Sequence[float]
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


def _shared_count(members: Sequence[_Option]) -> int:
    """Tags and technologies shared, counted once per pair of questions sharing them."""
    return sum(
        (a.labels & b.labels).bit_count() for i, a in enumerate(members) for b in members[i + 1 :]
    )


def _base(members: tuple[_Option, ...], dropped: int, context: _Context) -> _Base:
    """A set minus its member at ``dropped`` (nothing dropped when -1), evaluated."""
    kept = tuple(m for i, m in enumerate(members) if i != dropped)
    tops = _tops_of((m.credits for m in kept), len(context.wanted))
    served = 0
    for m in kept:
        served |= m.served
    return _Base(
        members=kept,
        dropped=dropped,
        tops=tops,
        coverage=_coverage_of(tops, context.importance),
        overlap=_shared_count(kept),
        minutes=sum(m.minutes for m in kept),
        served=served,
    )


def _score(coverage: float, overlap: int, minutes: int, context: _Context) -> float:
    """Coverage minus the overlap penalty and the tie-breaking minute cost."""
    return coverage - context.overlap_penalty * overlap - context.minute_cost * minutes


def _evaluate(members: tuple[_Option, ...], context: _Context) -> tuple[float, float]:
    """(score, weighted coverage) of a set."""
    whole = _base(members, -1, context)
    return _score(whole.coverage, whole.overlap, whole.minutes, context), whole.coverage


# --- Building and improving sets ------------------------------------------------


def _grow(
    start: tuple[_Option, ...],
    options: Sequence[_Option],
    context: _Context,
    *,
    overlap_aware: bool,
    per_minute: bool = True,
) -> tuple[_Option, ...]:
    """Greedily add the option with the best gain (per minute) until none helps or fits.

    Without ``overlap_aware`` the gain is pure coverage — the baseline's rule.
    """
    members = list(start)
    while True:
        whole = _base(tuple(members), -1, context)
        taken = {m.id for m in members}
        best_key: tuple[float, int] | None = None
        best: _Option | None = None
        for option in options:
            if option.id in taken or whole.minutes + option.minutes > context.budget:
                continue
            gain = _coverage_gain(whole.tops, option, context.importance)
            if overlap_aware:
                shared = sum((option.labels & m.labels).bit_count() for m in members)
                gain -= context.overlap_penalty * shared + context.minute_cost * option.minutes
            if gain <= EPSILON:
                continue
            key = (-(gain / option.minutes if per_minute else gain), option.id)
            if best_key is None or key < best_key:
                best_key, best = key, option
        if best is None:
            return tuple(members)
        members.append(best)


def _baseline(pool: Sequence[_Option], context: _Context) -> tuple[_Option, ...]:
    """The simple greedy set the best suggestion must at least match."""
    return _grow((), pool, context, overlap_aware=False)


def _local_search(
    start: tuple[_Option, ...],
    shortlist: Sequence[_Option],
    context: _Context,
    *,
    floor: float = -math.inf,
    accept: Acceptance | None = None,
) -> tuple[_Option, ...]:
    """Best-improvement hill climbing over add, drop and swap-one moves.

    Every accepted move strictly raises the score, keeps the set within the
    budget, its coverage at or above ``floor``, and passes ``accept``.
    """
    current = tuple(sorted(start, key=lambda o: o.id))
    while True:
        better = _best_neighbour(current, shortlist, context, floor, accept)
        if better is None:
            return current
        current = tuple(sorted(better, key=lambda o: o.id))


def _best_neighbour(
    current: tuple[_Option, ...],
    shortlist: Sequence[_Option],
    context: _Context,
    floor: float,
    accept: Acceptance | None,
) -> tuple[_Option, ...] | None:
    """The best strictly better set one add, drop or swap away, if any.

    Each "current minus one member" is evaluated once; adding an option to it
    then costs only the option's own credits and label intersections.
    """
    bases = [_base(current, dropped, context) for dropped in range(-1, len(current))]
    whole = bases[0]
    best_score = _score(whole.coverage, whole.overlap, whole.minutes, context) + EPSILON
    best: tuple[_Option, ...] | None = None
    for base in bases[1:]:
        score = _score(base.coverage, base.overlap, base.minutes, context)
        if score > best_score and base.coverage >= floor and _accepts(accept, base.members):
            best_score, best = score, base.members
    taken = {m.id for m in current}
    for option in shortlist:
        if option.id in taken:
            continue
        shared = [(option.labels & m.labels).bit_count() for m in current]
        total_shared = sum(shared)
        for base in bases:
            minutes = base.minutes + option.minutes
            if minutes > context.budget:
                continue
            overlap = (
                base.overlap + total_shared - (shared[base.dropped] if base.dropped >= 0 else 0)
            )
            coverage = base.coverage + _coverage_gain(base.tops, option, context.importance)
            score = _score(coverage, overlap, minutes, context)
            if score > best_score and coverage >= floor:
                candidate = (*base.members, option)
                if _accepts(accept, candidate):
                    best_score, best = score, candidate
    return best


def _accepts(accept: Acceptance | None, members: tuple[_Option, ...]) -> bool:
    """Whether a non-empty set passes the optional constraint."""
    return bool(members) and (accept is None or accept(members))


def _seeded_starts(shortlist: Sequence[_Option], context: _Context) -> list[tuple[_Option, ...]]:
    """Varied starting sets: overlap-aware greedy by rate and by size, and forced seeds."""
    starts = [
        _grow((), shortlist, context, overlap_aware=True),
        _grow((), shortlist, context, overlap_aware=True, per_minute=False),
    ]
    seeds = sorted(shortlist, key=lambda o: (-o.value, o.minutes, o.id))[:SEEDED_STARTS]
    starts += [_grow((seed,), shortlist, context, overlap_aware=True) for seed in seeds]
    return starts


# --- Choosing different alternatives ----------------------------------------------


def _differs(members: tuple[_Option, ...], chosen: _Chosen) -> bool:
    """Whether a set is a genuine alternative to an earlier suggestion.

    Neither may contain the other, and either they share at most half of the
    smaller set's questions or the competencies their questions cover differ
    (seed 002's orderings: same questions, but a different one is at risk).
    """
    ids = {m.id for m in members}
    shared = len(ids & chosen.ids)
    if shared in (len(ids), len(chosen.ids)):
        return False
    if 2 * shared <= min(len(ids), len(chosen.ids)):
        return True
    return _served_by(members) != chosen.served


def _differs_from_all(earlier: Sequence[_Chosen]) -> Acceptance:
    """The constraint a next alternative must meet: it differs from every earlier one."""

    def accept(members: tuple[_Option, ...]) -> bool:
        return all(_differs(members, chosen) for chosen in earlier)

    return accept


def _served_by(members: Iterable[_Option]) -> int:
    """The wanted competencies a set covers at all, as bits."""
    served = 0
    for m in members:
        served |= m.served
    return served


def _chosen(members: tuple[_Option, ...]) -> _Chosen:
    """An accepted set, reduced to what later alternatives are compared with."""
    return _Chosen(ids=frozenset(m.id for m in members), served=_served_by(members))


def _ranking(members: tuple[_Option, ...], context: _Context) -> tuple[float, int, tuple[int, ...]]:
    """Sort key for sets: higher score, then fewer minutes, then lower ids."""
    score, _ = _evaluate(members, context)
    return (-score, sum(m.minutes for m in members), tuple(sorted(m.id for m in members)))


def _choose_sets(
    baseline: tuple[_Option, ...], shortlist: Sequence[_Option], context: _Context, count: int
) -> list[tuple[_Option, ...]]:
    """The must-ask sets of the suggestions: the best, then ever different alternatives."""
    floor = _evaluate(baseline, context)[1] - EPSILON
    archive: dict[frozenset[int], tuple[_Option, ...]] = {}
    searched: set[tuple[frozenset[int], float]] = set()

    def explore(
        start: tuple[_Option, ...], floor: float = -math.inf, accept: Acceptance | None = None
    ) -> None:
        key = frozenset(m.id for m in start)
        if not start or (accept is None and (key, floor) in searched):
            return
        searched.add((key, floor))
        # Starts are kept too: a small pool's only different sets may be starting points.
        archive.setdefault(key, start)
        found = _local_search(start, shortlist, context, floor=floor, accept=accept)
        archive.setdefault(frozenset(m.id for m in found), found)

    explore(baseline, floor=floor)
    explore(baseline)
    for start in _seeded_starts(shortlist, context):
        explore(start)
    good_enough = [s for s in archive.values() if _evaluate(s, context)[1] >= floor]
    chosen = [min(good_enough, key=lambda s: _ranking(s, context))]
    while len(chosen) < count:
        alternative = _next_alternative(chosen, shortlist, context, explore, archive)
        if alternative is None:
            break
        chosen.append(alternative)
    return chosen


def _next_alternative(
    chosen: list[tuple[_Option, ...]],
    shortlist: Sequence[_Option],
    context: _Context,
    explore: Callable[..., None],
    archive: dict[frozenset[int], tuple[_Option, ...]],
) -> tuple[_Option, ...] | None:
    """The best set that differs from every chosen one, or None.

    Starts from a greedy set avoiding every question already suggested, from
    the best set with one of its questions left out, and from the best
    differing set seen so far, each improved under the constraint.
    """
    earlier = [_chosen(members) for members in chosen]
    differs_from_all = _differs_from_all(earlier)
    used = set().union(*(c.ids for c in earlier))
    starts = [_grow((), [o for o in shortlist if o.id not in used], context, overlap_aware=True)]
    starts += _leave_one_out(chosen[0], shortlist, context)
    starts += _best_matching(archive.values(), differs_from_all, context)
    for start in starts:
        if start and differs_from_all(start):
            explore(start, accept=differs_from_all)
    found = _best_matching(archive.values(), differs_from_all, context)
    return found[0] if found else None


def _leave_one_out(
    best: tuple[_Option, ...], shortlist: Sequence[_Option], context: _Context
) -> list[tuple[_Option, ...]]:
    """The best set with each question in turn replaced greedily by others."""
    starts = []
    for left_out in best:
        others = [o for o in shortlist if o.id != left_out.id]
        kept = tuple(m for m in best if m is not left_out)
        starts.append(_grow(kept, others, context, overlap_aware=True))
    return starts


def _best_matching(
    sets: Iterable[tuple[_Option, ...]], accept: Acceptance, context: _Context
) -> list[tuple[_Option, ...]]:
    """The best-ranked set passing ``accept``, as a list of zero or one."""
    matching = [s for s in sets if accept(s)]
    return [min(matching, key=lambda s: _ranking(s, context))] if matching else []


# --- Turning a set into a suggestion -----------------------------------------------


def _asking_order(
    members: Sequence[_Option], context: _Context, tops: Sequence[tuple[float, float]]
) -> list[_Option]:
    """Most critical first: new ground on the most important competency, then most gain.

    ``tops`` is what earlier questions already cover; second opinions come after
    questions that reach a competency nothing before them reached.
    """
    remaining = list(members)
    tops = list(tops)
    ordered: list[_Option] = []
    while remaining:
        nxt = min(remaining, key=lambda o: _priority(o, tops, context))
        remaining.remove(nxt)
        ordered.append(nxt)
        for j, credit in nxt.credits:
            tops[j] = _with_credit(tops[j], credit)
    return ordered


def _priority(
    option: _Option, tops: Sequence[tuple[float, float]], context: _Context
) -> tuple[int, float, float, int, int]:
    """Sort key placing the option that most urgently covers something first."""
    improves = [j for j, credit in option.credits if credit > tops[j][0]]
    serving = improves or [j for j, _ in option.credits]
    top_importance = max(context.importance[j] for j in serving)
    gain = _coverage_gain(tops, option, context.importance)
    return (0 if improves else 1, -top_importance, -gain, option.minutes, option.id)


def _extras(
    members: tuple[_Option, ...],
    shortlist: Sequence[_Option],
    pool: Sequence[_Option],
    context: _Context,
) -> list[_Option]:
    """If-time-allows questions: best marginal value first, within ~50% extra time.

    At least one is offered whenever another useful question exists, so the
    interviewer has something ready if the must-ask ones run short; the whole
    pool is searched only when the shortlist is used up.
    """
    cap = sum(m.minutes for m in members) + math.floor(EXTRA_TIME_SHARE * context.budget)
    chosen = list(members)
    extras: list[_Option] = []
    while True:
        whole = _base(tuple(chosen), -1, context)
        taken = {m.id for m in chosen}
        ranked = sorted(
            [o for o in shortlist if o.id not in taken] or [o for o in pool if o.id not in taken],
            key=lambda o: (-_marginal(o, whole, chosen, context), o.minutes, o.id),
        )
        fitting = [o for o in ranked if whole.minutes + o.minutes <= cap]
        if extras:
            fitting = [o for o in fitting if _marginal(o, whole, chosen, context) > EPSILON]
        pick = fitting[0] if fitting else (ranked[0] if ranked and not extras else None)
        if pick is None:
            return extras
        extras.append(pick)
        chosen.append(pick)


def _marginal(
    option: _Option, whole: _Base, members: Sequence[_Option], context: _Context
) -> float:
    """Coverage an option adds to a set, net of the ground it shares with it."""
    shared = sum((option.labels & m.labels).bit_count() for m in members)
    return _coverage_gain(whole.tops, option, context.importance) - (
        context.overlap_penalty * shared
    )


def _suggestion(
    members: tuple[_Option, ...],
    shortlist: Sequence[_Option],
    pool: Sequence[_Option],
    context: _Context,
) -> Suggestion:
    """A chosen must-ask set with its if-time-allows questions, described."""
    size = len(context.wanted)
    must = _asking_order(members, context, [(0.0, 0.0)] * size)
    must_tops = _tops_of((m.credits for m in must), size)
    extra = _asking_order(_extras(members, shortlist, pool, context), context, must_tops)
    every = (*must, *extra)
    all_tops = _tops_of((m.credits for m in every), size)
    keys = [w.key for w in context.wanted]
    must_minutes = sum(m.minutes for m in must)
    return Suggestion(
        items=tuple(PlannedItem(m.id, True) for m in must)
        + tuple(PlannedItem(m.id, False) for m in extra),
        covered=tuple(k for k, (best, _) in zip(keys, all_tops, strict=True) if best > 0),
        missing=tuple(k for k, (best, _) in zip(keys, all_tops, strict=True) if best == 0),
        must_ask_minutes=must_minutes,
        total_minutes=must_minutes + sum(m.minutes for m in extra),
        overlaps=_shared_labels(every, context),
        score=round(_evaluate(members, context)[0], 6),
        summary=_summary(must, extra, must_tops, all_tops, context),
    )


def _shared_labels(members: Sequence[_Option], context: _Context) -> tuple[str, ...]:
    """Tags and technologies that two or more questions of the set share, sorted."""
    shared = 0
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            shared |= a.labels & b.labels
    return tuple(name for i, name in enumerate(context.label_names) if shared >> i & 1)


# --- The plain-English summary ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the summary of one suggestion talks about, by competency name."""

    missing: list[str]
    uncovered_critical: list[str]
    late: list[str]
    secondary_only: list[str]
    critical_secondary: list[str]
    second_on_critical: list[str]
    second_opinions: list[str]
    shared: tuple[str, ...]
    budget: int
    spare: int
    tight: bool


def _facts(
    must: Sequence[_Option],
    extra: Sequence[_Option],
    must_tops: Sequence[tuple[float, float]],
    all_tops: Sequence[tuple[float, float]],
    context: _Context,
) -> _Facts:
    """The summary's raw material for one suggestion."""
    wanted = context.wanted
    spare = context.budget - sum(m.minutes for m in must)

    def named(test: Callable[[int, Wanted], bool]) -> list[str]:
        return [w.name for j, w in enumerate(wanted) if test(j, w)]

    return _Facts(
        missing=named(lambda j, w: all_tops[j][0] == 0),
        uncovered_critical=named(lambda j, w: w.critical and all_tops[j][0] == 0),
        late=named(lambda j, w: must_tops[j][0] == 0 < all_tops[j][0]),
        secondary_only=named(lambda j, w: 0 < all_tops[j][0] < PRIMARY_CREDIT),
        critical_secondary=named(lambda j, w: w.critical and 0 < all_tops[j][0] < PRIMARY_CREDIT),
        second_on_critical=named(lambda j, w: w.critical and must_tops[j][1] > 0),
        second_opinions=named(lambda j, w: must_tops[j][1] > 0),
        shared=_shared_labels((*must, *extra), context),
        budget=context.budget,
        spare=spare,
        # Tight: with a tenth of the time or less to spare, anything running long cuts the end.
        tight=spare <= context.budget // 10,
    )


def _summary(
    must: Sequence[_Option],
    extra: Sequence[_Option],
    must_tops: Sequence[tuple[float, float]],
    all_tops: Sequence[tuple[float, float]],
    context: _Context,
) -> str:
    """Two sentences: what the set covers and leaves out, then one pro and one con."""
    facts = _facts(must, extra, must_tops, all_tops, context)
    count = len(context.wanted)
    if facts.missing:
        first = f"Covers {count - len(facts.missing)} of {count} competencies"
        first += f" (not {_join(facts.missing)})"
    else:
        first = f"Covers {_all_of(count)}"
        first += "" if facts.shared else " with no shared ground"
    first += f": {_questions(len(must))} in {sum(m.minutes for m in must)} minutes"
    if extra:
        first += f", plus {_questions(len(extra)).split()[0]} if time allows"
    if facts.secondary_only:
        verb = "is" if len(facts.secondary_only) == 1 else "are"
        first += f"; {_join(facts.secondary_only)} {verb} only secondary"
    last_topic = _first_reached(must[-1], must[:-1], context) if len(must) > 1 else None
    return f"{first}. Pro: {_pro(facts, context)}; con: {_con(facts, last_topic)}."


def _pro(facts: _Facts, context: _Context) -> str:
    """The most telling strength of a set."""
    critical = [w for w in context.wanted if w.critical]
    if facts.second_on_critical:
        return f"two questions on critical {_join(facts.second_on_critical)}"
    if critical and not (facts.uncovered_critical or facts.critical_secondary or facts.late):
        return "every critical competency is a must-ask primary"
    if not facts.tight and 2 * facts.spare <= context.budget:
        return f"leaves {facts.spare} minutes for follow-ups"
    if facts.second_opinions:
        return f"a second opinion on {_join(facts.second_opinions)}"
    if not facts.shared:
        return "each question probes different ground"
    return f"every must-ask question fits in {context.budget} minutes"


def _con(facts: _Facts, last_topic: str | None) -> str:
    """The most telling weakness of a set."""
    if facts.uncovered_critical:
        verb = "is" if len(facts.uncovered_critical) == 1 else "are"
        return f"critical {_join(facts.uncovered_critical)} {verb} not assessed"
    if facts.late:
        return f"{_join(facts.late)} only if time allows"
    if facts.critical_secondary:
        return f"critical {_join(facts.critical_secondary)} only as a secondary topic"
    if facts.shared:
        return f"questions overlap on {_join(list(facts.shared))}"
    if facts.tight and last_topic:
        return f"{last_topic} comes last and may be cut"
    if 2 * facts.spare > facts.budget:
        return f"uses only {facts.budget - facts.spare} of {facts.budget} minutes"
    if not facts.second_opinions:
        return "no competency gets a second opinion"
    return f"{facts.spare} minutes unplanned"


def _questions(count: int) -> str:
    """ "one question", "four questions", "12 questions"."""
    word = NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)
    return f"{word} question" + ("" if count == 1 else "s")


def _first_reached(last: _Option, before: Sequence[_Option], context: _Context) -> str:
    """The competency the last must-ask question is there for."""
    tops = _tops_of((m.credits for m in before), len(context.wanted))
    improves = [j for j, credit in last.credits if credit > tops[j][0]] or [last.credits[0][0]]
    j = max(improves, key=lambda i: (context.importance[i], -i))
    return context.wanted[j].name


def _all_of(count: int) -> str:
    """ "all four competencies", "the one competency", "all 12 competencies"."""
    if count == 1:
        return "the one competency"
    return f"all {NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else count} competencies"


def _join(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"
