"""Suggested question sets (interviews.planning): hand-made cases, then properties.

Pure computation over plain data, so no database: the hand-made cases follow
seed 002 (four committee categories, questions that probe the same ground),
and the hypothesis properties check the rules over generated question pools.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interviews.planning import (
    BankQuestion,
    CuratedEntry,
    CuratedPlan,
    Suggestion,
    Wanted,
    fit_curated,
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
) -> BankQuestion:
    """A bank question with readable defaults."""
    return BankQuestion(
        id=qid,
        title=f"Question {qid}",
        minutes=minutes,
        primary=primary,
        secondary=frozenset(secondary),
        tags=frozenset(tags),
        technologies=frozenset(technologies),
    )


def seed_002_bank() -> list[BankQuestion]:
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


def served(ids: list[int], by_id: dict[int, BankQuestion], wanted: list[Wanted]) -> set[str]:
    """The wanted keys a group of questions covers, as primary or secondary."""
    keys = {w.key for w in wanted}
    return {k for qid in ids for k in {by_id[qid].primary, *by_id[qid].secondary} if k in keys}


def genuinely_different(a: Suggestion, b: Suggestion) -> bool:
    """The documented rule: not nested, other openers, at most a third of the smaller shared."""
    first, second = must_ask_ids(a), must_ask_ids(b)
    if set(first) <= set(second) or set(second) <= set(first) or first[0] == second[0]:
        return False
    return 3 * len(set(first) & set(second)) <= min(len(first), len(second))


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
    assert "Questions 1 and 2 share release; helm comes up in more than one question." in (
        best.summary
    )


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
        question(11, 6, "strategy", tags=("tool-evaluation",)),
        question(12, 7, "team", tags=("incident-comms",)),
        question(13, 7, "running", tags=("hiring",)),
    ]

    suggestions = suggest_sets(bank, CATEGORIES, 30)

    assert len(suggestions) == 3
    for i, earlier in enumerate(suggestions):
        for later in suggestions[i + 1 :]:
            assert genuinely_different(earlier, later)


def test_sets_that_differ_by_one_question_are_not_offered_as_alternatives():
    wanted = [Wanted(key, key.upper(), critical=key == "a") for key in "abcde"]
    bank = [question(qid, 5, key) for qid, key in enumerate("abcde", start=1)]

    suggestions = suggest_sets(bank, wanted, 20)

    # Any four of the five share three questions with any other four: one set, not three.
    assert len(suggestions) == 1
    assert 1 in must_ask_ids(suggestions[0])


def test_alternatives_open_differently_and_share_at_most_a_third():
    wanted = [Wanted(key, key.upper()) for key in "abc"]
    bank = [question(qid, 5, "abc"[(qid - 1) % 3]) for qid in range(1, 10)]

    suggestions = suggest_sets(bank, wanted, 15)

    assert len(suggestions) == 3
    firsts = [must_ask_ids(s)[0] for s in suggestions]
    assert len(set(firsts)) == 3
    sets = [set(must_ask_ids(s)) for s in suggestions]
    assert all(len(x & y) <= 1 for i, x in enumerate(sets) for y in sets[i + 1 :])


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

    best = suggest_sets(bank, wanted, 10)[0]

    assert sorted(greedy_set(bank, wanted, 10)) == [1, 2]
    assert sorted(must_ask_ids(best)) == [1, 2]
    assert "Questions 1 and 2 share ci, helm, k8s and terraform." in best.summary


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
    assert best.left_out == ("Strategic direction", "Effective team member")
    assert best.summary == (
        "Two questions in 20 of 20 minutes cover 2 of 4 competencies (not Strategic "
        "direction and Effective team member); it opens on Running the team. "
        "No two questions share a topic or come from one question."
    )


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
def pools(draw: st.DrawFn) -> tuple[list[BankQuestion], list[Wanted], int, set[int]]:
    """A candidate pool, the wanted competencies, the minutes and an exclude set."""
    ids = draw(st.lists(st.integers(1, 400), min_size=0, max_size=30, unique=True))
    candidates = [
        BankQuestion(
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

    suggestions = suggest_sets(candidates, wanted, minutes, alternatives=count, exclude=exclude)

    assert len(suggestions) <= count
    for i, earlier in enumerate(suggestions):
        for later in suggestions[i + 1 :]:
            assert genuinely_different(earlier, later)
    # The same best set whatever the count; only what sets it apart mentions the others.
    alone = suggest_sets(candidates, wanted, minutes, alternatives=1, exclude=exclude)
    assert [replace(s, distinct="") for s in alone] == [
        replace(s, distinct="") for s in suggestions[:1]
    ]


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


# --- Emphasis, shared ground, curated sets ------------------------------------------------


def people_and_technical_bank() -> list[BankQuestion]:
    """Broad people questions (three competencies each) beside narrower technical ones."""
    people = [
        BankQuestion(10 + i, f"People {i}", 8, p, frozenset(s), frozenset({f"p{i}"}))
        for i, (p, s) in enumerate(
            [
                ("running", {"operations", "strategy"}),
                ("strategy", {"running", "team"}),
                ("team", {"running", "operations"}),
            ]
        )
    ]
    technical = [
        BankQuestion(
            20 + i,
            f"Technical {i}",
            6,
            key,
            frozenset(),
            frozenset({f"t{i}"}),
            frozenset({f"Tool{i}"}),
            technical=True,
        )
        for i, key in enumerate(["running", "operations", "strategy", "team"])
    ]
    return people + technical


def test_a_balanced_manager_loop_leads_with_broad_people_questions():
    best = suggest_sets(people_and_technical_bank(), CATEGORIES, 25)[0]

    assert best.items[0].question_id < 20


def test_a_primarily_technical_loop_leads_with_technical_questions():
    suggestions = suggest_sets(people_and_technical_bank(), CATEGORIES, 25, emphasis="technical")

    assert suggestions
    assert all(s.items[0].question_id >= 20 for s in suggestions)
    assert sorted(must_ask_ids(suggestions[0])) == [20, 21, 22, 23]
    assert "four of its four must-ask questions are technical ones" in suggestions[0].summary


def test_a_leadership_loop_leads_with_people_questions():
    best = suggest_sets(people_and_technical_bank(), CATEGORIES, 25, emphasis="leadership")[0]

    assert best.items[0].question_id < 20
    assert "leadership and people" in best.summary


def test_an_unknown_emphasis_is_refused():
    with pytest.raises(ValueError, match="Emphasis must be one of"):
        suggest_sets(seed_002_bank(), CATEGORIES, 30, emphasis="vibes")


def test_ground_is_the_builders_tags_or_else_technologies():
    # As interviews.coverage: a tagged question's technologies are only mentioned.
    untagged = [
        question(1, 10, "operations", technologies=("Terraform",)),
        question(2, 10, "strategy", technologies=("terraform",)),
    ]
    tagged = [
        question(1, 10, "operations", tags=("iac",), technologies=("Terraform",)),
        question(2, 10, "strategy", tags=("roadmap",), technologies=("terraform",)),
    ]

    ground = suggest_sets(untagged, [OPERATIONS, STRATEGY], 20)[0]
    mention = suggest_sets(tagged, [OPERATIONS, STRATEGY], 20)[0]

    assert [(g.label, g.kind, g.question_ids) for g in ground.shared] == [
        ("Terraform", "technology", (1, 2))
    ]
    assert "Questions 1 and 2 share Terraform." in ground.summary
    assert [(g.label, g.kind) for g in mention.shared] == [("Terraform", "mention")]
    assert mention.summary.endswith(
        "No two questions share a topic or come from one question; "
        "Terraform comes up in more than one question."
    )


def test_a_question_and_its_fork_are_shared_ground_and_avoided():
    original = BankQuestion(1, "Roadmap", 10, "strategy", family=frozenset({"Roadmap"}))
    fork = BankQuestion(2, "Roadmap+", 10, "team", family=frozenset({"Roadmap+", "Roadmap"}))
    other = BankQuestion(3, "Devs", 10, "team", family=frozenset({"Devs", "Roadmap+"}))

    forced = suggest_sets([original, fork], [STRATEGY, TEAM], 20)[0]
    free = suggest_sets([original, fork, other], [STRATEGY, TEAM], 20)[0]

    assert [(g.label, g.kind) for g in forced.shared] == [("versions of “Roadmap”", "family")]
    assert "Questions 1 and 2 share versions of “Roadmap”." in forced.summary
    # A fork of the fork is one step further away: not the original's ground.
    assert sorted(must_ask_ids(free)) == [1, 3]
    assert all(2 in g.question_ids for g in free.shared)  # only the if-time-allows fork


def test_each_option_says_what_sets_it_apart():
    bank = [
        *seed_002_bank(),
        question(8, 8, "running", tags=("incident",)),
        question(9, 6, "team", "strategy", tags=("mentoring",)),
        question(10, 7, "operations", tags=("observability",)),
        question(11, 6, "strategy", tags=("tool-evaluation",)),
        question(12, 7, "team", tags=("incident-comms",)),
        question(13, 7, "running", tags=("hiring",)),
    ]

    suggestions = suggest_sets(bank, CATEGORIES, 30)

    notes = [s.distinct for s in suggestions]
    assert len(set(notes)) == len(notes) == len(suggestions) > 1
    assert all(note.startswith("Opens with “Question ") for note in notes)


FINAL_SET = CuratedPlan(
    id=1,
    name="Final set",
    description="",
    entries=(
        CuratedEntry("q1"),
        CuratedEntry("q5", minutes=6),
        CuratedEntry("q6"),
        CuratedEntry("q2"),
        CuratedEntry("q3", is_backup=True, backup_condition="No self-hosted experience"),
    ),
    roles={"infra-manager": "Infrastructure manager"},
    minutes=30,
)


def curated_fit(plan=FINAL_SET, role=("infra-manager", "Infrastructure manager"), minutes=27):
    by_key = {f"q{c.id}": c for c in seed_002_bank()}
    return fit_curated(
        plan,
        by_key,
        role=role,
        wanted=CATEGORIES,
        minutes_available=minutes,
        competency_names={"self-hosted-backup": "Self-hosted"},
    )


def test_a_curated_set_keeps_its_order_and_leaves_its_backup_out_of_the_plan():
    fit = curated_fit()

    assert fit.fits
    s = fit.suggestion
    assert [i.question_id for i in s.items] == [1, 5, 6, 2, 3]
    assert [i.is_backup for i in s.items] == [False, False, False, False, True]
    assert s.items[-1].backup_condition == "No self-hosted experience"
    assert s.must_ask_minutes == 8 + 6 + 6 + 7
    assert s.missing == ()


def test_a_curated_set_for_another_role_or_too_long_says_why():
    fit = curated_fit(role=("em", "Engineering manager"), minutes=20)

    assert not fit.fits
    assert fit.reasons == (
        "Written for the Infrastructure manager role, not Engineering manager.",
        "Its questions need 27 minutes; this stage has 20 for questions.",
    )


def test_a_curated_set_with_a_missing_or_foreign_question_says_which():
    plan = replace(
        FINAL_SET,
        roles={},
        entries=(CuratedEntry("q1"), CuratedEntry("q7"), CuratedEntry("q99")),
    )

    fit = curated_fit(plan)

    assert fit.reasons == (
        "Its question “q99” is no longer in the bank.",
        "“Question 7” assesses Self-hosted, which this loop does not.",
    )
