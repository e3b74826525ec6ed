"""Finding question sets: the greedy baseline, local search and different alternatives.

Candidates are pre-filtered (excluded, covering nothing wanted, or too long on
their own) and cut to a shortlist of the most useful per competency. The
baseline greedy set (best coverage gain per minute; under an emphasis, the
emphasised questions first and the others after) and a handful of other greedy
starts go through a best-improvement local search (add, drop or swap one
question). The best suggestion is the best-scoring set whose coverage is at
least the baseline's. Each further alternative is searched for with the
constraint that it differs from every earlier suggestion (``differs``).
Everything is deterministic: ties break on question ids, and there is no
randomness.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from .evaluation import (
    EPSILON,
    Context,
    Option,
    base,
    coverage_gain,
    credits_of,
    evaluate,
    ground_of,
    make_context,
    make_option,
    score,
    tops_of,
    unique_wanted,
    with_credit,
)
from .records import BALANCED, BankQuestion, Wanted

# If-time-allows questions may take up to this share of the available minutes on top.
EXTRA_TIME_SHARE = 0.5

# Shortlist sizes: enough variety per competency for overlap-free alternatives,
# small enough that a swap neighbourhood stays cheap with thousands of candidates.
PER_COMPETENCY_BY_DENSITY = 10
PER_COMPETENCY_SHORTEST = 4
OVERALL_BY_DENSITY = 25
OVERALL_BY_VALUE = 15
SEEDED_STARTS = 6

# Two options are genuine alternatives when they share at most this share of the
# smaller one's must-ask questions (rounded down) and open with different questions:
# sets that differ by one or two questions of five read as the same set.
MAX_SHARED_SHARE = 1 / 3
# An alternative worth showing covers at least this share of the best set's weighted
# coverage: a disjoint but thin set is different, not an alternative.
ALTERNATIVE_COVERAGE_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Chosen:
    """A suggestion already picked, as later alternatives must differ from it."""

    ids: frozenset[int]
    first: int


Acceptance = Callable[[tuple[Option, ...]], bool]


@dataclass(frozen=True, slots=True)
class Prepared:
    """One call's context, the useful options in id order, and their questions."""

    context: Context
    pool: list[Option]
    questions: dict[int, BankQuestion]


def prepare(
    candidates: Iterable[BankQuestion],
    wanted: Sequence[Wanted],
    minutes_available: int,
    exclude: Collection[int] = (),
    emphasis: str = BALANCED,
    *,
    keep_all: bool = False,
) -> Prepared:
    """Filter the candidates and turn the useful ones into options, in id order.

    A repeated id keeps its first candidate; a question with no minutes cannot be
    planned. ``keep_all`` keeps questions that cover nothing wanted or are too long
    (a curated set is described as it is, not filtered).
    """
    unique = unique_wanted(wanted)
    index = {w.key: i for i, w in enumerate(unique)}
    excluded = set(exclude)
    kept: dict[int, tuple[BankQuestion, tuple[tuple[int, float], ...]]] = {}
    for candidate in candidates:
        if candidate.id in excluded or candidate.id in kept:
            continue
        credits = credits_of(candidate, index)
        useful = 0 < candidate.minutes <= minutes_available and credits
        if useful or keep_all:
            kept[candidate.id] = (candidate, credits)
    names: dict[str, tuple[str, str]] = {}
    for candidate, _ in kept.values():
        for label, (name, kind) in ground_of(candidate).items():
            names.setdefault(label, (name, kind))
    labels = tuple(sorted(names))
    context = make_context(
        unique,
        minutes_available,
        tuple(names[k][0] for k in labels),
        emphasis,
        tuple(names[k][1] for k in labels),
    )
    bit = {label: 1 << i for i, label in enumerate(labels)}
    pool = [make_option(c, credits, bit, context) for c, credits in kept.values()]
    return Prepared(context, sorted(pool, key=lambda o: o.id), {c.id: c for c, _ in kept.values()})


def shortlist_of(
    pool: list[Option], baseline: tuple[Option, ...], context: Context
) -> list[Option]:
    """The options worth searching over: the best few per competency and overall.

    Per competency, the strongest coverers by value per minute plus the shortest
    ones (to fill a gap); overall, the densest and the broadest. The baseline's
    picks are always kept so the search can start from it.
    """
    picked: dict[int, Option] = {}

    def keep(options: Iterable[Option], count: int) -> None:
        for option in list(options)[:count]:
            picked.setdefault(option.id, option)

    for j in range(len(context.wanted)):
        serving = [o for o in pool if o.served >> j & 1]
        credit = {o.id: dict(o.credits)[j] for o in serving}
        keep(
            sorted(serving, key=lambda o: (-credit[o.id], not o.on_emphasis, -_density(o), o.id)),
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


def _density(option: Option) -> float:
    """Standalone weighted coverage per minute."""
    return option.value / option.minutes


# --- Building and improving sets ------------------------------------------------


def grow(
    start: tuple[Option, ...],
    options: Sequence[Option],
    context: Context,
    *,
    overlap_aware: bool,
    per_minute: bool = True,
) -> tuple[Option, ...]:
    """Greedily add the option with the best gain (per minute) until none helps or fits.

    Without ``overlap_aware`` the gain is pure coverage — the baseline's rule.
    """
    members = list(start)
    while True:
        whole = base(tuple(members), -1, context)
        taken = {m.id for m in members}
        best_key: tuple[float, int] | None = None
        best: Option | None = None
        for option in options:
            if option.id in taken or whole.minutes + option.minutes > context.budget:
                continue
            gain = coverage_gain(whole.tops, option, context.importance)
            if overlap_aware:
                shared = sum((option.labels & m.labels).bit_count() for m in members)
                gain -= context.overlap_penalty * shared + context.minute_cost * option.minutes
                gain -= 0.0 if option.on_emphasis else context.emphasis_penalty
            if gain <= EPSILON:
                continue
            key = (-(gain / option.minutes if per_minute else gain), option.id)
            if best_key is None or key < best_key:
                best_key, best = key, option
        if best is None:
            return tuple(members)
        members.append(best)


def baseline_of(pool: Sequence[Option], context: Context) -> tuple[Option, ...]:
    """The simple greedy set the best suggestion must at least match.

    Under an emphasis, greedy over the emphasised questions first, then the rest fill
    what they leave: the floor a technical loop's best set must reach is what technical
    questions can cover, not what three-competency people questions would.
    """
    emphasised = [o for o in pool if o.on_emphasis]
    start = grow((), emphasised, context, overlap_aware=False)
    return grow(start, pool, context, overlap_aware=False)


def local_search(
    start: tuple[Option, ...],
    shortlist: Sequence[Option],
    context: Context,
    *,
    floor: float = -math.inf,
    accept: Acceptance | None = None,
) -> tuple[Option, ...]:
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
    current: tuple[Option, ...],
    shortlist: Sequence[Option],
    context: Context,
    floor: float,
    accept: Acceptance | None,
) -> tuple[Option, ...] | None:
    """The best strictly better set one add, drop or swap away, if any.

    Each "current minus one member" is evaluated once; adding an option to it
    then costs only the option's own credits and label intersections.
    """
    bases = [base(current, dropped, context) for dropped in range(-1, len(current))]
    whole = bases[0]
    best_score = (
        score(whole.coverage, whole.overlap, whole.off_emphasis, whole.minutes, context) + EPSILON
    )
    best: tuple[Option, ...] | None = None
    for b in bases[1:]:
        value = score(b.coverage, b.overlap, b.off_emphasis, b.minutes, context)
        if value > best_score and b.coverage >= floor and _accepts(accept, b.members):
            best_score, best = value, b.members
    taken = {m.id for m in current}
    for option in shortlist:
        if option.id in taken:
            continue
        shared = [(option.labels & m.labels).bit_count() for m in current]
        total_shared = sum(shared)
        for b in bases:
            minutes = b.minutes + option.minutes
            if minutes > context.budget:
                continue
            overlap = b.overlap + total_shared - (shared[b.dropped] if b.dropped >= 0 else 0)
            coverage = b.coverage + coverage_gain(b.tops, option, context.importance)
            off = b.off_emphasis + (not option.on_emphasis)
            value = score(coverage, overlap, off, minutes, context)
            if value > best_score and coverage >= floor:
                candidate = (*b.members, option)
                if _accepts(accept, candidate):
                    best_score, best = value, candidate
    return best


def _accepts(accept: Acceptance | None, members: tuple[Option, ...]) -> bool:
    """Whether a non-empty set passes the optional constraint."""
    return bool(members) and (accept is None or accept(members))


def _seeded_starts(shortlist: Sequence[Option], context: Context) -> list[tuple[Option, ...]]:
    """Varied starting sets: overlap-aware greedy by rate and by size, and forced seeds."""
    starts = [
        grow((), shortlist, context, overlap_aware=True),
        grow((), shortlist, context, overlap_aware=True, per_minute=False),
    ]
    seeds = sorted(shortlist, key=lambda o: (not o.on_emphasis, -o.value, o.minutes, o.id))
    starts += [
        grow((seed,), shortlist, context, overlap_aware=True) for seed in seeds[:SEEDED_STARTS]
    ]
    return starts


# --- Choosing different alternatives ----------------------------------------------


def differs(ids: Sequence[int], first: int, chosen: Chosen) -> bool:
    """Whether a set (must-ask ids, its opening question) is a genuine alternative.

    Neither may contain the other, they open with different questions, and they
    share at most a third of the smaller set's questions (rounded down; one of
    four, two of six).
    """
    ids = set(ids)
    shared = len(ids & chosen.ids)
    if shared in (len(ids), len(chosen.ids)) or first == chosen.first:
        return False
    return shared <= math.floor(MAX_SHARED_SHARE * min(len(ids), len(chosen.ids)) + EPSILON)


def _chosen(members: tuple[Option, ...], context: Context) -> Chosen:
    """An accepted set, reduced to what later alternatives are compared with."""
    first = asking_order(members, context)[0].id
    return Chosen(ids=frozenset(m.id for m in members), first=first)


def _differs_from_all(
    earlier: Sequence[Chosen], context: Context, floor: float = -math.inf
) -> Acceptance:
    """The constraint a next alternative must meet: unlike every earlier one (and, with a
    ``floor``, covering at least that much)."""

    def accept(members: tuple[Option, ...]) -> bool:
        if floor > -math.inf and evaluate(members, context)[1] < floor:
            return False
        first = asking_order(members, context)[0].id
        return all(differs([m.id for m in members], first, chosen) for chosen in earlier)

    return accept


def _ranking(members: tuple[Option, ...], context: Context) -> tuple[float, int, tuple[int, ...]]:
    """Sort key for sets: higher score, then fewer minutes, then lower ids."""
    value, _ = evaluate(members, context)
    return (-value, sum(m.minutes for m in members), tuple(sorted(m.id for m in members)))


def choose_sets(
    baseline: tuple[Option, ...], shortlist: Sequence[Option], context: Context, count: int
) -> list[tuple[Option, ...]]:
    """The must-ask sets of the suggestions: the best, then ever different alternatives."""
    floor = evaluate(baseline, context)[1] - EPSILON
    archive: dict[frozenset[int], tuple[Option, ...]] = {}
    searched: set[tuple[frozenset[int], float]] = set()

    def explore(
        start: tuple[Option, ...], floor: float = -math.inf, accept: Acceptance | None = None
    ) -> None:
        key = frozenset(m.id for m in start)
        if not start or (accept is None and (key, floor) in searched):
            return
        searched.add((key, floor))
        # Starts are kept too: a small pool's only different sets may be starting points.
        archive.setdefault(key, start)
        found = local_search(start, shortlist, context, floor=floor, accept=accept)
        archive.setdefault(frozenset(m.id for m in found), found)

    explore(baseline, floor=floor)
    explore(baseline)
    for start in _seeded_starts(shortlist, context):
        explore(start)
    good_enough = [s for s in archive.values() if evaluate(s, context)[1] >= floor]
    chosen = [min(good_enough, key=lambda s: _ranking(s, context))]
    while len(chosen) < count:
        alternative = _next_alternative(chosen, shortlist, context, explore, archive)
        if alternative is None:
            break
        chosen.append(alternative)
    return chosen


def _next_alternative(
    chosen: list[tuple[Option, ...]],
    shortlist: Sequence[Option],
    context: Context,
    explore: Callable[..., None],
    archive: dict[frozenset[int], tuple[Option, ...]],
) -> tuple[Option, ...] | None:
    """The best set that differs from every chosen one, or None.

    Starts from greedy sets avoiding every question already suggested (by score,
    and by coverage alone), from the best set with one of its questions left out,
    and from the best differing set seen so far, each improved under the constraint
    that it differs; the answer must also cover enough (ALTERNATIVE_COVERAGE_SHARE).
    """
    earlier = [_chosen(members, context) for members in chosen]
    floor = ALTERNATIVE_COVERAGE_SHARE * evaluate(chosen[0], context)[1] - EPSILON
    differs_from_all = _differs_from_all(earlier, context)
    good_and_different = _differs_from_all(earlier, context, floor)
    unused = [o for o in shortlist if o.id not in set().union(*(c.ids for c in earlier))]
    starts = [
        grow((), unused, context, overlap_aware=True),
        grow((), unused, context, overlap_aware=False),
    ]
    starts += _leave_one_out(chosen[0], shortlist, context)
    starts += _best_matching(archive.values(), differs_from_all, context)
    for start in starts:
        if start and differs_from_all(start):
            explore(start, accept=differs_from_all)
    found = _best_matching(archive.values(), good_and_different, context)
    return found[0] if found else None


def _leave_one_out(
    best: tuple[Option, ...], shortlist: Sequence[Option], context: Context
) -> list[tuple[Option, ...]]:
    """The best set with each question in turn replaced greedily by others."""
    starts = []
    for left_out in best:
        others = [o for o in shortlist if o.id != left_out.id]
        kept = tuple(m for m in best if m is not left_out)
        starts.append(grow(kept, others, context, overlap_aware=True))
    return starts


def _best_matching(
    sets: Iterable[tuple[Option, ...]], accept: Acceptance, context: Context
) -> list[tuple[Option, ...]]:
    """The best-ranked set passing ``accept``, as a list of zero or one."""
    matching = [s for s in sets if accept(s)]
    return [min(matching, key=lambda s: _ranking(s, context))] if matching else []


# --- Asking order and if-time-allows questions ---------------------------------------


def asking_order(
    members: Sequence[Option],
    context: Context,
    tops: Sequence[tuple[float, float]] | None = None,
) -> list[Option]:
    """Most critical first: new ground on the most important competency, then most gain.

    ``tops`` is what earlier questions already cover; second opinions come after
    questions that reach a competency nothing before them reached. Among those that
    reach new ground, questions on the loop's emphasis come first.
    """
    remaining = list(members)
    tops = list(tops) if tops is not None else [(0.0, 0.0)] * len(context.wanted)
    ordered: list[Option] = []
    while remaining:
        nxt = min(remaining, key=lambda o: _priority(o, tops, context))
        remaining.remove(nxt)
        ordered.append(nxt)
        for j, credit in nxt.credits:
            tops[j] = with_credit(tops[j], credit)
    return ordered


def _priority(
    option: Option, tops: Sequence[tuple[float, float]], context: Context
) -> tuple[int, bool, float, float, int, int]:
    """Sort key placing the option that most urgently covers something first."""
    improves = [j for j, credit in option.credits if credit > tops[j][0]]
    serving = improves or [j for j, _ in option.credits] or [0]
    top_importance = max(context.importance[j] for j in serving) if context.wanted else 0.0
    gain = coverage_gain(tops, option, context.importance)
    return (
        0 if improves else 1,
        not option.on_emphasis,
        -top_importance,
        -gain,
        option.minutes,
        option.id,
    )


def extras_for(
    members: tuple[Option, ...],
    shortlist: Sequence[Option],
    pool: Sequence[Option],
    context: Context,
) -> list[Option]:
    """If-time-allows questions: best marginal value first, within ~50% extra time.

    At least one is offered whenever another useful question exists, so the
    interviewer has something ready if the must-ask ones run short; the whole
    pool is searched only when the shortlist is used up.
    """
    cap = sum(m.minutes for m in members) + math.floor(EXTRA_TIME_SHARE * context.budget)
    chosen = list(members)
    extras: list[Option] = []
    while True:
        whole = base(tuple(chosen), -1, context)
        taken = {m.id for m in chosen}
        ranked = sorted(
            [o for o in shortlist if o.id not in taken] or [o for o in pool if o.id not in taken],
            key=lambda o: (-_marginal(o, whole.tops, chosen, context), o.minutes, o.id),
        )
        fitting = [o for o in ranked if whole.minutes + o.minutes <= cap]
        if extras:
            fitting = [o for o in fitting if _marginal(o, whole.tops, chosen, context) > EPSILON]
        pick = fitting[0] if fitting else (ranked[0] if ranked and not extras else None)
        if pick is None:
            return extras
        extras.append(pick)
        chosen.append(pick)


def _marginal(
    option: Option,
    tops: Sequence[tuple[float, float]],
    members: Sequence[Option],
    context: Context,
) -> float:
    """Coverage an option adds to a set, net of shared ground and emphasis."""
    shared = sum((option.labels & m.labels).bit_count() for m in members)
    off = 0.0 if option.on_emphasis else context.emphasis_penalty
    return coverage_gain(tops, option, context.importance) - context.overlap_penalty * shared - off


def search(
    prepared: Prepared, alternatives: int
) -> list[tuple[tuple[Option, ...], tuple[Option, ...]]]:
    """The chosen sets as (must-ask in asking order, if-time-allows in asking order)."""
    context, pool = prepared.context, prepared.pool
    if not pool or alternatives < 1:
        return []
    baseline = baseline_of(pool, context)
    shortlist = shortlist_of(pool, baseline, context)
    found = []
    for members in choose_sets(baseline, shortlist, context, alternatives):
        must = asking_order(members, context)
        must_tops = tops_of((m.credits for m in must), len(context.wanted))
        extra = asking_order(extras_for(members, shortlist, pool, context), context, must_tops)
        found.append((tuple(must), tuple(extra)))
    return found
