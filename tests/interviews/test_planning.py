"""Suggested question sets (interviews.planning): hand-made cases, then properties.

Pure computation over plain data, so no database: the hand-made cases follow
seed 002 (four committee categories, questions that probe the same ground),
and the hypothesis properties check the rules over generated question pools.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.planning import (
    Candidate,
    Suggestion,
    Wanted,
    greedy_set,
    suggest_sets,
    weighted_coverage,
)

RUNNING = Wanted("running", "Running the team", critical=True)
OPERATIONS = Wanted("operations", "Operationally outstanding")
STRATEGY = Wanted("strategy", "Strategic direction")
TEAM = Wanted("team", "Effective team member")
CATEGORIES = [RUNNING, OPERATIONS, STRATEGY, TEAM]


def question(
    qid: int,
    minutes: int,
    primary: str,
    *secondary: str,
    tags: tuple[str, ...] = (),
    technologies: tuple[str, ...] = (),
) -> Candidate:
    """A bank question with readable defaults."""
    return Candidate(
        id=qid,
        title=f"Question {qid}",
        minutes=minutes,
        primary=primary,
        secondary=frozenset(secondary),
        tags=frozenset(tags),
        technologies=frozenset(technologies),
    )


def seed_002_bank() -> list[Candidate]:
    """Seed 002's questions, roughly: 3 and 4 both probe Helm-based release work."""
    return [
        question(1, 8, "running", "operations", tags=("cloud-and-self-hosted",)),
        question(2, 7, "operations", tags=("iac",), technologies=("terraform",)),
        question(3, 7, "operations", tags=("release",), technologies=("helm",)),
        question(4, 7, "strategy", tags=("release",), technologies=("helm",)),
        question(5, 7, "strategy", "running", tags=("roadmap",)),
        question(6, 6, "team", tags=("conflict",)),
        question(7, 6, "self-hosted-backup", tags=("on-prem",)),
    ]


def must_ask_ids(suggestion: Suggestion) -> list[int]:
    """The ids of a suggestion's must-ask prefix."""
    return [item.question_id for item in suggestion.items if item.must_ask]


def all_ids(suggestion: Suggestion) -> list[int]:
    """Every question id of a suggestion, in asking order."""
    return [item.question_id for item in suggestion.items]


def served(ids: list[int], by_id: dict[int, Candidate], wanted: list[Wanted]) -> set[str]:
    """The wanted keys a group of questions covers, as primary or secondary."""
    keys = {w.key for w in wanted}
    return {k for qid in ids for k in {by_id[qid].primary, *by_id[qid].secondary} if k in keys}


def genuinely_different(
    a: Suggestion, b: Suggestion, by_id: dict[int, Candidate], wanted: list[Wanted]
) -> bool:
    """The documented rule: not nested, and at most half shared or other competencies."""
    first, second = set(must_ask_ids(a)), set(must_ask_ids(b))
    if first <= second or second <= first:
        return False
    if 2 * len(first & second) <= min(len(first), len(second)):
        return True
    return served(list(first), by_id, wanted) != served(list(second), by_id, wanted)


# --- Hand-made cases ---------------------------------------------------------------


def test_seed_002_best_set_covers_every_category_without_shared_ground():
    bank = seed_002_bank()

    best = suggest_sets(bank, CATEGORIES, 30)[0]

    assert best.covered == ("running", "operations", "strategy", "team")
    assert best.missing == ()
    assert not {3, 4} <= set(must_ask_ids(best))
    assert best.overlaps == ()
    assert best.must_ask_minutes <= 30


def test_two_questions_on_the_same_domain_lose_to_different_domains_across_categories():
    bank = [
        question(1, 10, "operations", technologies=("terraform",)),
        question(2, 10, "strategy", technologies=("terraform",)),
        question(3, 10, "strategy", tags=("roadmap",)),
    ]

    best = suggest_sets(bank, [OPERATIONS, STRATEGY], 20)[0]

    assert sorted(must_ask_ids(best)) == [1, 3]


def test_shared_ground_is_reported_when_it_cannot_be_avoided():
    bank = [
        question(1, 10, "operations", tags=("release",), technologies=("helm",)),
        question(2, 10, "strategy", tags=("release",), technologies=("helm",)),
    ]

    best = suggest_sets(bank, [OPERATIONS, STRATEGY], 20)[0]

    assert sorted(must_ask_ids(best)) == [1, 2]
    assert best.overlaps == ("helm", "release")
    assert "overlap on helm and release" in best.summary


def test_critical_competency_is_asked_first_whatever_the_wanted_order():
    wanted = [TEAM, STRATEGY, Wanted("running", "Running the team", critical=True)]
    bank = [
        question(1, 5, "team"),
        question(2, 5, "strategy"),
        question(3, 10, "running"),
    ]

    best = suggest_sets(bank, wanted, 30)[0]

    assert all_ids(best)[0] == 3


def test_loop_weight_decides_which_competency_gets_the_only_slot():
    wanted = [Wanted("team", "Team"), Wanted("strategy", "Strategy", weight=3.0)]
    bank = [question(1, 10, "team"), question(2, 10, "strategy")]

    best = suggest_sets(bank, wanted, 10)[0]

    assert must_ask_ids(best) == [2]
    assert best.missing == ()
    assert [item.must_ask for item in best.items] == [True, False]


def test_a_question_covering_nothing_wanted_is_ignored():
    suggestions = suggest_sets(seed_002_bank(), CATEGORIES, 45)

    assert suggestions
    assert all(7 not in all_ids(s) for s in suggestions)


def test_nothing_fits_gives_no_suggestions():
    bank = [question(1, 40, "running"), question(2, 35, "operations")]

    assert suggest_sets(bank, CATEGORIES, 30) == []
    assert suggest_sets(bank, CATEGORIES, 0) == []
    assert suggest_sets([], CATEGORIES, 30) == []
    assert suggest_sets(bank, [], 60) == []
    assert greedy_set(bank, CATEGORIES, 30) == []


def test_excluded_questions_are_never_suggested():
    bank = seed_002_bank()

    suggestions = suggest_sets(bank, CATEGORIES, 30, exclude={1, 6})

    assert suggestions
    assert all(not {1, 6} & set(all_ids(s)) for s in suggestions)
    assert "team" in suggestions[0].missing


def test_alternatives_differ_from_each_other():
    bank = [
        *seed_002_bank(),
        question(8, 8, "running", tags=("incident",)),
        question(9, 6, "team", "strategy", tags=("mentoring",)),
        question(10, 7, "operations", tags=("observability",), technologies=("prometheus",)),
    ]
    by_id = {c.id: c for c in bank}

    suggestions = suggest_sets(bank, CATEGORIES, 30)

    assert len(suggestions) == 3
    for i, earlier in enumerate(suggestions):
        for later in suggestions[i + 1 :]:
            assert genuinely_different(earlier, later, by_id, CATEGORIES)


def test_when_every_set_shares_most_questions_alternatives_leave_out_different_competencies():
    wanted = [Wanted(key, key.upper(), critical=key == "a") for key in "abcde"]
    bank = [question(qid, 5, key) for qid, key in enumerate("abcde", start=1)]
    by_id = {c.id: c for c in bank}

    suggestions = suggest_sets(bank, wanted, 20)

    assert len(suggestions) == 3
    left_for_later = [set("abcde") - served(must_ask_ids(s), by_id, wanted) for s in suggestions]
    assert len({frozenset(left) for left in left_for_later}) == 3
    assert all("a" not in left for left in left_for_later)


def test_fewer_alternatives_when_the_pool_allows_no_different_set():
    bank = [question(1, 5, "running"), question(2, 5, "operations")]

    suggestions = suggest_sets(bank, CATEGORIES, 10)

    assert len(suggestions) == 1
    assert sorted(must_ask_ids(suggestions[0])) == [1, 2]


def test_must_ask_fits_and_if_time_allows_follow():
    bank = seed_002_bank()

    best = suggest_sets(bank, CATEGORIES, 20)[0]
    flags = [item.must_ask for item in best.items]

    assert best.must_ask_minutes <= 20
    assert flags == sorted(flags, reverse=True)
    assert False in flags
    assert best.total_minutes <= 20 + 10 + max(c.minutes for c in bank)


def test_shorter_question_wins_when_coverage_is_equal():
    bank = [question(1, 10, "team"), question(2, 5, "team")]

    best = suggest_sets(bank, [TEAM], 10)[0]

    assert must_ask_ids(best) == [2]
    assert best.must_ask_minutes == 5


def test_best_beats_greedy_when_the_best_rate_blocks_the_broad_question():
    wanted = [Wanted("a", "A"), Wanted("b", "B"), Wanted("c", "C")]
    bank = [question(1, 2, "a"), question(2, 10, "b", "a", "c")]
    by_id = {c.id: c for c in bank}

    baseline = greedy_set(bank, wanted, 10)
    best = suggest_sets(bank, wanted, 10)[0]

    assert baseline == [1]
    assert must_ask_ids(best) == [2]
    assert weighted_coverage(must_ask_ids(best), by_id, wanted) > weighted_coverage(
        baseline, by_id, wanted
    )


def test_best_never_covers_less_than_greedy_even_to_avoid_shared_ground():
    wanted = [Wanted("a", "A"), Wanted("b", "B")]
    ground = ("k8s", "helm", "terraform", "ci")
    bank = [
        question(1, 5, "a", tags=ground),
        question(2, 5, "b", tags=ground),
        question(3, 5, "other", "b"),
    ]

    suggestions = suggest_sets(bank, wanted, 10)

    assert sorted(greedy_set(bank, wanted, 10)) == [1, 2]
    assert sorted(must_ask_ids(suggestions[0])) == [1, 2]
    assert sorted(must_ask_ids(suggestions[1])) == [1, 3]
    assert suggestions[1].score > suggestions[0].score


def test_weighted_coverage_counts_primary_secondary_second_opinion_and_criticality():
    bank = {c.id: c for c in seed_002_bank()}

    # running: primary (1) + second opinion from 5's secondary (0.25 x 0.5), doubled as critical.
    assert weighted_coverage([1, 5], bank, [RUNNING]) == pytest.approx(2 * 1.125)
    # operations only as a secondary of question 1.
    assert weighted_coverage([1], bank, [OPERATIONS]) == pytest.approx(0.5)
    assert weighted_coverage([], bank, CATEGORIES) == 0


def test_summary_names_what_is_left_out_in_at_most_two_sentences():
    bank = [question(1, 10, "running"), question(2, 10, "operations")]

    best = suggest_sets(bank, CATEGORIES, 20)[0]

    assert best.missing == ("strategy", "team")
    assert "Strategic direction and Effective team member" in best.summary
    assert "Pro: " in best.summary and "con: " in best.summary
    assert best.summary.count(". ") <= 1


def test_repeated_wanted_keys_and_candidate_ids_count_once():
    bank = [question(1, 10, "team"), question(1, 5, "strategy"), question(2, 5, "strategy")]

    best = suggest_sets(bank, [TEAM, TEAM, STRATEGY], 30)[0]

    assert best.covered == ("team", "strategy")
    assert sorted(all_ids(best)) == [1, 2]


def test_negative_weight_is_refused():
    with pytest.raises(ValueError, match="team"):
        suggest_sets([question(1, 5, "team")], [Wanted("team", "Team", weight=-1)], 30)


# --- Properties over generated pools --------------------------------------------------

KEYS = ("a", "b", "c", "d", "e", "f")
LABELS = ("k8s", "helm", "terraform", "ci", "oncall", "roadmap", "hiring", "metrics")


@st.composite
def pools(draw: st.DrawFn) -> tuple[list[Candidate], list[Wanted], int, set[int]]:
    """A candidate pool, the wanted competencies, the minutes and an exclude set."""
    ids = draw(st.lists(st.integers(1, 400), min_size=0, max_size=30, unique=True))
    candidates = [
        Candidate(
            id=qid,
            title=f"Q{qid}",
            minutes=draw(st.integers(1, 30)),
            primary=draw(st.sampled_from(KEYS)),
            secondary=frozenset(draw(st.sets(st.sampled_from(KEYS), max_size=2))),
            tags=frozenset(draw(st.sets(st.sampled_from(LABELS), max_size=2))),
            technologies=frozenset(draw(st.sets(st.sampled_from(LABELS), max_size=2))),
        )
        for qid in ids
    ]
    keys = draw(st.lists(st.sampled_from(KEYS[:5]), min_size=1, max_size=4, unique=True))
    wanted = [
        Wanted(
            key,
            key.upper(),
            critical=draw(st.booleans()),
            weight=draw(st.sampled_from((0.5, 1.0, 2.0))),
        )
        for key in keys
    ]
    minutes = draw(st.integers(0, 60))
    exclude = set(draw(st.sets(st.sampled_from(ids), max_size=4))) if ids else set()
    return candidates, wanted, minutes, exclude


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None)


@PROPERTY_SETTINGS
@given(pools())
def test_must_ask_prefix_never_overruns_and_sums_add_up(pool):
    candidates, wanted, minutes, exclude = pool
    by_id = {c.id: c for c in candidates}

    for suggestion in suggest_sets(candidates, wanted, minutes, exclude=exclude):
        flags = [item.must_ask for item in suggestion.items]
        assert flags == sorted(flags, reverse=True)
        assert sum(by_id[i].minutes for i in must_ask_ids(suggestion)) <= minutes
        assert suggestion.must_ask_minutes == sum(
            by_id[i].minutes for i in must_ask_ids(suggestion)
        )
        assert suggestion.total_minutes == sum(by_id[i].minutes for i in all_ids(suggestion))


@PROPERTY_SETTINGS
@given(pools())
def test_items_are_unique_useful_and_never_excluded(pool):
    candidates, wanted, minutes, exclude = pool
    by_id = {c.id: c for c in candidates}

    for suggestion in suggest_sets(candidates, wanted, minutes, exclude=exclude):
        ids = all_ids(suggestion)
        assert len(ids) == len(set(ids))
        assert set(ids) <= set(by_id) - exclude
        assert all(served([i], by_id, wanted) for i in ids)
        assert set(suggestion.covered) | set(suggestion.missing) == {w.key for w in wanted}
        assert set(suggestion.covered) == served(ids, by_id, wanted)


@PROPERTY_SETTINGS
@given(pools())
def test_same_input_same_output_whatever_the_candidate_order(pool):
    candidates, wanted, minutes, exclude = pool

    first = suggest_sets(candidates, wanted, minutes, exclude=exclude)

    assert suggest_sets(candidates, wanted, minutes, exclude=exclude) == first
    assert suggest_sets(candidates[::-1], wanted, minutes, exclude=exclude) == first


@PROPERTY_SETTINGS
@given(pools())
def test_best_covers_at_least_as_much_as_greedy(pool):
    candidates, wanted, minutes, exclude = pool
    by_id = {c.id: c for c in candidates}

    suggestions = suggest_sets(candidates, wanted, minutes, exclude=exclude)
    baseline = greedy_set(candidates, wanted, minutes, exclude=exclude)

    best = must_ask_ids(suggestions[0]) if suggestions else []
    assert weighted_coverage(best, by_id, wanted) >= (
        weighted_coverage(baseline, by_id, wanted) - 1e-9
    )
    assert sum(by_id[i].minutes for i in baseline) <= minutes


@PROPERTY_SETTINGS
@given(pools(), st.integers(1, 4))
def test_alternatives_are_pairwise_different_and_extend_each_other(pool, count):
    candidates, wanted, minutes, exclude = pool
    by_id = {c.id: c for c in candidates}

    suggestions = suggest_sets(candidates, wanted, minutes, alternatives=count, exclude=exclude)

    assert len(suggestions) <= count
    for i, earlier in enumerate(suggestions):
        for later in suggestions[i + 1 :]:
            assert genuinely_different(earlier, later, by_id, wanted)
    assert (
        suggest_sets(candidates, wanted, minutes, alternatives=1, exclude=exclude)
        == (suggestions[:1])
    )


@PROPERTY_SETTINGS
@given(pools())
def test_suggests_whenever_something_useful_fits_and_keeps_a_question_ready(pool):
    candidates, wanted, minutes, exclude = pool
    keys = {w.key for w in wanted}
    useful = {
        c.id
        for c in candidates
        if c.id not in exclude and 0 < c.minutes <= minutes and {c.primary, *c.secondary} & keys
    }

    suggestions = suggest_sets(candidates, wanted, minutes, exclude=exclude)

    assert bool(suggestions) == bool(useful)
    for suggestion in suggestions:
        if useful - set(must_ask_ids(suggestion)):
            assert not suggestion.items[-1].must_ask
