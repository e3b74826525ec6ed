"""The suggestions panel: per-question competencies, honest summaries, curated sets first.

Seed 002's situation, built through the real code paths: a manager loop with the
committee's four categories, a 30-minute stage (25 minutes for questions), the
hiring manager's final four questions and their backup, and a pool of other
questions, some technical (they list technologies) and some about people.
Curated sets are created through the ORM, as a bank import would.
"""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from interviews.models import Loop
from interviews.services import coverage_inputs, loop_for_coverage, loop_warnings, update_loop
from rubrics.models import CuratedSet, CuratedSetItem
from tests.factories import (
    make_bank,
    make_competency,
    make_ladder,
    make_loop,
    make_question,
    make_role,
    make_scale,
    make_stage,
    make_tag,
    plan,
)

from .conftest import HTMX, assert_builder_fragment, loop_state

pytestmark = pytest.mark.django_db


def url(name: str, obj) -> str:
    return reverse(f"interviews:{name}", args=[obj.pk])


@pytest.fixture
def seed(recruiter):
    """Seed 002's loop: four categories, an empty 30-minute stage, and the bank."""
    bank = make_bank("infra", name="Infrastructure manager")
    running = make_competency(bank, "running", name="Running the team")
    operations = make_competency(bank, "operations", name="Operationally outstanding")
    strategy = make_competency(bank, "strategy", name="Strategic direction")
    team = make_competency(bank, "team", name="Effective team member")
    other = make_competency(bank, "hiring", name="Hiring")
    ladder = make_ladder(bank, "mgmt", levels=("m2", "m3", "m4"))
    role = make_role(ladder, "infra-manager", name="Infrastructure manager")
    other_role = make_role(ladder, "em", name="Engineering manager")

    def q(key, minutes, primary, *secondary, tags=(), tech=(), title=None):
        return make_question(
            bank,
            key,
            primary=primary,
            secondary=list(secondary),
            tags=list(tags),
            technologies=list(tech),
            minutes=minutes,
            title=title or key.replace("-", " ").capitalize(),
        )

    questions = SimpleNamespace(
        q1=q("q1", 8, running, operations, tags=["hybrid"], tech=["Helm"], title="Hybrid deploys"),
        q2=q("q2", 6, strategy, running, tags=["roadmap"], title="Roadmap and the business"),
        q3=q("q3", 6, team, operations, tags=["dev-productivity"], tech=["Bazel"], title="DevEx"),
        q4=q("q4", 5, operations, running, tags=["automation"], tech=["Python"], title="Toil"),
        backup=q("backup", 8, running, operations, tags=["ci"], tech=["Jenkins"], title="Pipeline"),
        people=[
            q(f"people-{i}", 8, comp, *others, tags=[f"people-{i}"])
            for i, (comp, others) in enumerate(
                [
                    (running, (operations, strategy)),
                    (strategy, (running, team)),
                    (team, (running, strategy)),
                    (operations, (running, team)),
                ]
            )
        ],
        technical=[
            q(f"tech-{i}", 6, comp, tags=[f"tech-{i}"], tech=[f"Tool{i}"])
            for i, comp in enumerate([running, operations, strategy, team] * 2)
        ],
        hiring=q("hiring-q", 6, other, tags=["hiring"]),
    )
    loop = make_loop(
        name="Infrastructure manager",
        role=role,
        level=ladder.levels.get(key="m3"),
        scale=make_scale(bank, "five"),
        competencies=[running, strategy, team, operations],
        by=recruiter,
    )
    stage = make_stage(loop, name="Hiring manager", duration=30, buffer=5, by=recruiter)
    return SimpleNamespace(
        bank=bank,
        role=role,
        other_role=other_role,
        loop=loop,
        stage=stage,
        questions=questions,
        competencies=SimpleNamespace(running=running, strategy=strategy, team=team, other=other),
    )


def make_curated(bank, key, items, *, roles=(), minutes=30, order=0, name=None):
    """A curated set as a bank import makes it: (question key, minutes, backup condition)."""
    curated = CuratedSet.objects.create(
        bank=bank, key=key, name=name or key.title(), minutes=minutes, order=order
    )
    curated.roles.set(roles)
    for n, (question_key, own_minutes, condition) in enumerate(items, start=1):
        CuratedSetItem.objects.create(
            curated_set=curated,
            question_key=question_key,
            order=n,
            minutes=own_minutes,
            is_backup=bool(condition),
            backup_condition=condition or "",
        )
    return curated


FINAL = [
    ("q1", None, None),
    ("q2", None, None),
    ("q3", None, None),
    ("q4", None, None),
    ("backup", None, "The candidate has not shipped to both cloud and self-hosted."),
]


def suggest(client, stage, **params):
    response = client.get(url("stage_suggest", stage), params or None)
    assert response.status_code == 200
    return response


# --- what each option shows ----------------------------------------------------------


def test_each_suggested_question_shows_its_competencies_and_minutes(recruiter_client, seed):
    response = suggest(recruiter_client, seed.stage)

    shown = response.context["shown"]
    assert shown.options
    body = response.content.decode()
    for option in shown.options:
        for item in option.items:
            question = item.question
            assert item.primary == question.primary_competency.name
            assert set(item.secondary) == {c.name for c in question.secondary_competencies.all()}
            assert item.minutes == question.minutes
    first = shown.options[0].items[0]
    primary = f'<li class="chip chip-primary">{first.primary} '
    assert primary + '<span class="visually-hidden">(primary)</span>' in body
    for name in first.secondary:
        assert f'<li class="chip">{name} <span class="visually-hidden">(secondary)</span>' in body
    assert f'<span class="chip">{first.minutes} min</span>' in body


def test_options_have_their_own_summaries_and_differ_by_more_than_a_question(
    recruiter_client, seed
):
    options = suggest(recruiter_client, seed.stage).context["shown"].options

    assert len(options) == 3
    summaries = [o.suggestion.summary for o in options]
    notes = [o.suggestion.distinct for o in options]
    assert len(set(summaries)) == len(summaries) or len(set(notes)) == len(notes)
    assert len(set(notes)) == len(notes)
    firsts = {o.items[0].question.pk for o in options}
    assert len(firsts) == 3
    sets = [{i.question.pk for i in o.items if i.must_ask} for o in options]
    for a in range(3):
        for b in range(a + 1, 3):
            assert 3 * len(sets[a] & sets[b]) <= min(len(sets[a]), len(sets[b]))


def test_minutes_are_never_claimed_beyond_the_stage(recruiter_client, seed):
    seed.stage.duration_minutes, seed.stage.buffer_minutes = 45, 5
    seed.stage.save()

    response = suggest(recruiter_client, seed.stage)

    body = response.content.decode()
    assert "in all" not in body
    for option in response.context["shown"].options:
        s = option.suggestion
        assert s.must_ask_minutes <= 40 == s.budget
        assert f"{s.must_ask_minutes} of 40 minutes planned" in body


def test_shared_ground_is_named_with_the_questions_that_share_it(recruiter_client, seed):
    # Two strategy questions on the same technology, and a fork of the roadmap question:
    # whichever an option takes together, it must say so, never "no shared ground".
    bank = seed.bank
    make_question(
        bank,
        "fork-of-q2",
        primary=seed.competencies.team,
        title="Roadmap with the developers",
        minutes=6,
        derived_from=seed.questions.q2,
    )
    seed.loop.loop_competencies.update(critical=False)

    response = suggest(
        recruiter_client,
        seed.stage,
        competencies=[lc.pk for lc in seed.loop.loop_competencies.all()],
        minutes=40,
    )

    for option in response.context["shown"].options:
        titles = [i.question.title for i in option.items]
        if {"Roadmap and the business", "Roadmap with the developers"} <= set(titles):
            labels = dict(option.shared)
            assert "versions of “Roadmap and the business”" in labels
            assert "No two questions share" not in option.suggestion.summary
        if not option.shared:
            assert "No two questions share a topic or come from one question." in (
                option.suggestion.summary
            )


def test_an_option_names_shared_ground_exactly_when_the_builder_would_warn(
    recruiter_client, seed, recruiter
):
    # Two people questions share a topic: whichever options take both must say so,
    # and accepting any option gives a builder warning about ground only if it did.
    for people in seed.questions.people[:2]:
        people.tags.add(make_tag("feedback"))
    update_loop(seed.loop, {"emphasis": Loop.Emphasis.LEADERSHIP}, by=recruiter)
    options = suggest(recruiter_client, seed.stage).context["shown"].options
    assert options

    for option in options:
        recruiter_client.post(
            url("stage_suggest_accept", seed.stage),
            {"questions": option.ids, "must_ask": option.must_ask_ids},
        )
        infos, stage_infos = coverage_inputs(*loop_for_coverage(seed.loop))
        warned = [
            w for w in loop_warnings(seed.loop, infos, stage_infos) if w.kind == "overlap-stage"
        ]
        assert bool(warned) == bool(option.shared), (option.shared, warned)


# --- the loop's emphasis ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("emphasis", "leads_with_technical"),
    [(Loop.Emphasis.TECHNICAL, True), (Loop.Emphasis.LEADERSHIP, False)],
)
def test_suggestions_lead_with_the_loops_emphasis(
    recruiter_client, seed, recruiter, emphasis, leads_with_technical
):
    update_loop(seed.loop, {"emphasis": emphasis}, by=recruiter)

    options = suggest(recruiter_client, seed.stage).context["shown"].options

    assert options
    for option in options:
        first = option.items[0].question
        assert bool(first.technologies) is leads_with_technical, option.suggestion.summary
    asked = [i.question for i in options[0].items if i.must_ask]
    on_emphasis = sum(bool(q.technologies) is leads_with_technical for q in asked)
    assert 2 * on_emphasis > len(asked)


# --- curated sets ------------------------------------------------------------------------


def test_a_fitting_curated_set_comes_first_with_its_order_backup_and_summary(
    recruiter_client, seed
):
    make_curated(seed.bank, "final", FINAL, roles=[seed.role], name="Final set")

    response = suggest(recruiter_client, seed.stage)

    shown = response.context["shown"]
    assert [o.curated.key for o in shown.curated] == ["final"]
    final = shown.curated[0]
    assert [i.question.key for i in final.items] == ["q1", "q2", "q3", "q4", "backup"]
    assert [i.is_backup for i in final.items] == [False] * 4 + [True]
    assert final.suggestion.must_ask_minutes == 25
    assert final.suggestion.left_out == ()
    assert final.suggestion.summary.startswith(
        "Four questions in 25 of 25 minutes cover all four competencies"
    )
    body = response.content.decode()
    assert body.index("Final set") < body.index("Option 1")
    assert "Use it when: The candidate has not shipped to both cloud and self-hosted." in body


def test_a_curated_set_that_does_not_fit_says_why(recruiter_client, seed):
    make_curated(seed.bank, "for-ems", FINAL, roles=[seed.other_role], name="For EMs")
    make_curated(
        seed.bank,
        "long",
        [("q1", 15, None), ("q2", 15, None)],
        roles=[seed.role],
        name="Long",
    )
    make_curated(
        seed.bank,
        "odd",
        [("q1", None, None), ("hiring-q", None, None), ("gone", None, None)],
        name="Odd",
    )

    response = suggest(recruiter_client, seed.stage)

    shown = response.context["shown"]
    assert shown.curated == []
    reasons = {o.curated.key: o.reasons for o in shown.not_fitting}
    assert reasons["for-ems"] == (
        "Written for the Engineering manager role, not Infrastructure manager.",
    )
    assert reasons["long"] == ("Its questions need 30 minutes; this stage has 25 for questions.",)
    assert reasons["odd"] == (
        "Its question “gone” is no longer in the bank.",
        "“Hiring q” assesses Hiring, which this loop does not.",
    )
    body = response.content.decode()
    assert "3 curated sets that do not fit this stage" in body
    assert "Its questions need 30 minutes; this stage has 25 for questions." in body


def test_a_curated_set_asking_a_question_another_stage_has_does_not_fit(
    recruiter_client, seed, recruiter
):
    other = make_stage(seed.loop, name="Technical", by=recruiter)
    plan(other, seed.questions.q3, by=recruiter)
    make_curated(seed.bank, "final", FINAL, roles=[seed.role], name="Final set")

    shown = suggest(recruiter_client, seed.stage).context["shown"]

    assert shown.curated == []
    assert shown.not_fitting[0].reasons == ("“DevEx” is planned in Technical already.",)


def test_applying_a_curated_set_plans_it_in_its_order_with_the_backup(
    recruiter_client, seed, recruiter
):
    plan(seed.stage, seed.questions.people[0], by=recruiter)
    final = make_curated(
        seed.bank,
        "final",
        [("q2", 5, None), *FINAL[:1], *FINAL[2:]],
        roles=[seed.role],
        name="Final set",
    )

    response = recruiter_client.post(
        url("stage_curated_apply", seed.stage), {"curated_set": final.pk}, follow=True
    )

    assert "Hiring manager now has “Final set”: 4 questions and 1 backup" in (
        response.content.decode()
    )
    planned = list(seed.stage.planned.order_by("order").select_related("question"))
    assert [p.question.key for p in planned] == ["q2", "q1", "q3", "q4", "backup"]
    assert [p.minutes for p in planned] == [5, None, None, None, None]
    assert [p.is_backup for p in planned] == [False, False, False, False, True]
    assert planned[-1].backup_condition == FINAL[-1][2]
    entry = AuditEntry.objects.get(verb="loop.curated_set_applied")
    assert entry.data["curated_set"] == "final"


def test_applying_a_curated_set_over_htmx_answers_with_the_builder(recruiter_client, seed):
    final = make_curated(seed.bank, "final", FINAL, roles=[seed.role])

    response = recruiter_client.post(
        url("stage_curated_apply", seed.stage), {"curated_set": final.pk}, **HTMX
    )

    body = assert_builder_fragment(response)
    assert "Hybrid deploys" in body


@pytest.mark.parametrize("case", ["not-fitting", "other-bank", "missing", "garbage", "empty"])
def test_applying_a_bad_curated_set_changes_nothing(recruiter_client, seed, case):
    long = make_curated(seed.bank, "long", [("q1", 30, None)], roles=[seed.role], name="Long")
    foreign = make_curated(make_bank("elsewhere"), "foreign", FINAL, name="Foreign")
    value = {
        "not-fitting": long.pk,
        "other-bank": foreign.pk,
        "missing": 999999,
        "garbage": "x'",
        "empty": "",
    }[case]
    before = loop_state(seed.loop)

    response = recruiter_client.post(
        url("stage_curated_apply", seed.stage), {"curated_set": value}, follow=True
    )

    body = response.content.decode()
    assert response.status_code == 200
    expected = {
        "not-fitting": "“Long” does not fit Hiring manager: Its questions need 30 minutes",
        "empty": "Choose a curated set to use.",
    }.get(case, "That curated set is not one this loop&#x27;s banks offer.")
    assert expected in body
    assert loop_state(seed.loop) == before


def test_applying_a_curated_set_refuses_get_and_outsiders(
    recruiter_client, interviewer_client, seed
):
    final = make_curated(seed.bank, "final", FINAL, roles=[seed.role])
    target = url("stage_curated_apply", seed.stage)

    assert recruiter_client.get(target).status_code == 405
    assert interviewer_client.post(target, {"curated_set": final.pk}).status_code == 403
    assert seed.stage.planned.count() == 0


def test_a_published_loop_cannot_take_a_curated_set(recruiter_client, seed, recruiter):
    final = make_curated(seed.bank, "final", FINAL, roles=[seed.role])
    Loop.objects.filter(pk=seed.loop.pk).update(status=Loop.Status.PUBLISHED)

    response = recruiter_client.post(
        url("stage_curated_apply", seed.stage), {"curated_set": final.pk}
    )

    assert response.status_code == 403
    assert seed.stage.planned.count() == 0


# --- query counts ------------------------------------------------------------------------


def test_suggestions_take_the_same_queries_whatever_the_bank_size(
    recruiter_client, seed, django_assert_num_queries
):
    make_curated(seed.bank, "final", FINAL, roles=[seed.role])
    target = url("stage_suggest", seed.stage)
    recruiter_client.get(target)  # sessions and caches warm
    with CaptureQueriesContext(connection) as small:
        recruiter_client.get(target)
    for i in range(30):
        make_question(
            seed.bank,
            f"more-{i}",
            primary=seed.competencies.running,
            secondary=[seed.competencies.team],
            tags=[f"more-{i}"],
            technologies=["Tool"],
            minutes=5 + i % 5,
        )
    make_curated(seed.bank, "final-2", FINAL, roles=[seed.role], order=1)

    with django_assert_num_queries(len(small.captured_queries)):
        recruiter_client.get(target)
