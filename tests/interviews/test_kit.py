"""The interview kit: the whole loop and one stage, as an interviewer reads them beforehand."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from interviews import services
from rubrics.models import QuestionAnchor
from tests.factories import make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(catalogue, recruiter):
    """A draft loop: "Systems" with a must-ask, an if-time-allows and a backup; "People" after."""
    failover = catalogue.question
    failover.follow_ups = ["What if the replica lags?"]
    failover.technologies = ["Patroni", "Route 53"]
    failover.interviewer_notes = "Ask it first."
    failover.save()
    QuestionAnchor.objects.create(question=failover, value=5, text="Drills failover monthly")
    QuestionAnchor.objects.create(question=failover, value=1, text="Has never tested failover")
    secrets = make_question(
        catalogue.bank, "q-secrets", primary=catalogue.security, title="Secrets rotation"
    )
    spare = make_question(
        catalogue.bank, "q-spare", primary=catalogue.reliability, title="A quieter outage"
    )
    people = make_question(
        catalogue.bank, "q-people", primary=catalogue.security, title="Growing a teammate"
    )
    loop = services.create_loop(
        name="SRE, Senior",
        role=catalogue.role,
        level=catalogue.ladder.levels.get(key="senior"),
        scale=catalogue.scale,
        competencies=[catalogue.reliability, catalogue.security],
        by=recruiter,
    )
    systems = services.add_stage(
        loop,
        name="Systems",
        duration_minutes=40,
        buffer_minutes=7,
        focus="Failure, and keeping secrets.",
        by=recruiter,
    )
    services.plan_question(systems, failover, by=recruiter)
    later = services.plan_question(systems, secrets, must_ask=False, by=recruiter)
    services.update_planned(later, {"minutes": 12}, by=recruiter)
    backup = services.plan_question(systems, spare, by=recruiter)
    services.update_planned(
        backup,
        {"is_backup": True, "backup_condition": "For candidates without on-call"},
        by=recruiter,
    )
    people_stage = services.add_stage(
        loop, name="People", duration_minutes=30, buffer_minutes=5, by=recruiter
    )
    services.plan_question(people_stage, people, by=recruiter)
    return SimpleNamespace(loop=loop, systems=systems, people=people_stage, catalogue=catalogue)


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def loop_kit_url(loop) -> str:
    return reverse("interviews:loop_kit", args=[loop.pk])


def stage_kit_url(stage) -> str:
    return reverse("interviews:stage_kit", args=[stage.pk])


def test_stage_kit_shows_everything_an_interviewer_reads(recruiter_client, kit):
    body = recruiter_client.get(stage_kit_url(kit.systems)).content.decode()
    question = kit.catalogue.question
    for text in [
        # The loop and its bar.
        "SRE, Senior",
        "Site reliability engineer",
        "Engineering: Senior",
        "The bar for this level is",
        "3 — Point 3",
        "Definition of 5",
        # The stage.
        "Systems",
        "40 min",
        "7 min buffer",
        "Failure, and keeping secrets.",
        # Its questions with their plan.
        question.title,
        question.prompt,
        "What if the replica lags?",
        question.goal,
        "Names a concrete example",
        "Blames others",
        "Context",
        "Patroni, Route 53",
        "Drills failover monthly",
        "Has never tested failover",
        "Ask it first.",
        "must ask",
        "12 min",
        "if time allows",
        "For candidates without on-call",
        # The anchored scale of every competency the stage assesses.
        "Rating the competencies of this stage",
        "Anchors for Reliability",
        "Anchors for Security",
        "Outstanding behaviour",
        "Between its neighbours.",
    ]:
        assert text in body, text
    assert "Growing a teammate" not in body
    assert (
        body.index(question.title) < body.index("Secrets rotation") < body.index("A quieter outage")
    )


def test_the_bar_sentence_ends_right_after_the_bar(recruiter_client, kit):
    """No stray space before the full stop: "the bar ... is 3 — Point 3." """
    body = recruiter_client.get(stage_kit_url(kit.systems)).content.decode()
    assert '<span class="bar-value">3 — Point 3</span></strong>.' in body


def test_backup_takes_no_number_and_says_when_to_use_it(recruiter_client, kit):
    body = recruiter_client.get(stage_kit_url(kit.systems)).content.decode()
    assert '<span class="kit-number">1.</span> Failover under pressure' in body
    assert '<span class="kit-number">2.</span> Secrets rotation' in body
    assert '<span class="kit-number">Backup</span> A quieter outage' in body
    assert "<strong>Use it when:</strong> For candidates without on-call" in body


def test_loop_kit_shows_every_stage_in_order_with_a_page_each(recruiter_client, kit):
    body = recruiter_client.get(loop_kit_url(kit.loop)).content.decode()
    assert body.index("Stage 1: Systems") < body.index("Stage 2: People")
    assert body.count('class="kit-stage"') == 2
    assert 'class="kit kit-loop"' in body  # the print stylesheet breaks pages before its stages
    assert "Growing a teammate" in body
    assert "2 questions and 1 backup" in body
    assert stage_kit_url(kit.systems) in body and stage_kit_url(kit.people) in body


def test_stage_kit_rates_only_the_competencies_its_questions_cover(recruiter_client, kit):
    body = recruiter_client.get(stage_kit_url(kit.people)).content.decode()
    assert "Anchors for Security" in body
    assert "Anchors for Reliability" not in body


def test_draft_loop_kit_says_it_may_change(recruiter_client, kit):
    body = recruiter_client.get(loop_kit_url(kit.loop)).content.decode()
    assert "This loop is a draft" in body


def test_published_loop_kit_has_no_draft_notice(recruiter_client, kit, recruiter):
    services.publish_loop(kit.loop, by=recruiter, confirmed=True)
    body = recruiter_client.get(loop_kit_url(kit.loop)).content.decode()
    assert "This loop is a draft" not in body
    assert "Failover under pressure" in body


def test_question_text_is_shown_as_text_never_run(recruiter_client, kit):
    question = kit.catalogue.question
    payload = '<script>alert("kit")</script>'
    question.prompt = f"Explain {payload}"
    question.follow_ups = [payload]
    question.checklist = [payload]
    question.great_signals = [payload]
    question.technologies = [payload]
    question.save()
    for url in (stage_kit_url(kit.systems), loop_kit_url(kit.loop)):
        body = recruiter_client.get(url).content.decode()
        assert payload not in body
        assert "&lt;script&gt;alert(&quot;kit&quot;)&lt;/script&gt;" in body


def test_builder_links_to_the_kits(recruiter_client, kit):
    body = recruiter_client.get(kit.loop.get_absolute_url()).content.decode()
    assert f'href="{loop_kit_url(kit.loop)}"' in body
    assert f'href="{stage_kit_url(kit.systems)}"' in body
    assert f'href="{stage_kit_url(kit.people)}"' in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("recruiter", 200),
        ("admin", 200),
        ("interviewer", 403),
        ("committee", 403),
        ("nobody", 403),
        ("anonymous", 302),
    ],
)
def test_only_recruiters_and_admins_get_kits(client, kit, persona_user, persona, status):
    user = persona_user(persona)
    if user is not None:
        client.force_login(user)
    assert client.get(loop_kit_url(kit.loop)).status_code == status
    assert client.get(stage_kit_url(kit.systems)).status_code == status


def test_kit_of_a_missing_loop_or_stage_is_not_found(recruiter_client):
    assert recruiter_client.get(reverse("interviews:loop_kit", args=[999])).status_code == 404
    assert recruiter_client.get(reverse("interviews:stage_kit", args=[999])).status_code == 404


def test_kits_are_read_only(recruiter_client, kit):
    assert recruiter_client.post(loop_kit_url(kit.loop)).status_code == 405
    assert recruiter_client.post(stage_kit_url(kit.systems)).status_code == 405


def add_questions(kit, recruiter, n: int) -> None:
    """n more questions in each stage, each with tags, a secondary competency and anchors."""
    catalogue = kit.catalogue
    for stage in (kit.systems, kit.people):
        for i in range(n):
            question = make_question(
                catalogue.bank,
                f"extra-{stage.pk}-{i}",
                primary=catalogue.reliability,
                secondary=[catalogue.security],
                tags=[f"topic-{stage.pk}-{i}"],
                technologies=["Kafka"],
            )
            QuestionAnchor.objects.create(question=question, value=3, text="Fine")
            planned = services.plan_question(stage, question, must_ask=False, by=recruiter)
            services.update_planned(
                planned, {"is_backup": i % 2 == 0, "backup_condition": "Sometimes"}, by=recruiter
            )


# session, user, groups; the loop; stages, planned questions, their secondary competencies,
# tags and anchors; loop competencies and their anchors; the loop scale's points (the
# anchors of every competency are laid over them, so competencies add no query).
LOOP_KIT_QUERIES = 12


@pytest.mark.parametrize("extra", [0, 10])
def test_loop_kit_query_count_does_not_grow_with_questions(
    recruiter_client, kit, recruiter, django_assert_num_queries, extra
):
    add_questions(kit, recruiter, extra)
    with django_assert_num_queries(LOOP_KIT_QUERIES):
        response = recruiter_client.get(loop_kit_url(kit.loop))
    assert response.content.decode().count('<article class="kit-question') == 4 + 2 * extra


@pytest.mark.parametrize("extra", [0, 10])
def test_stage_kit_query_count_does_not_grow_with_questions(
    recruiter_client, kit, recruiter, django_assert_num_queries, extra
):
    add_questions(kit, recruiter, extra)
    # The loop kit's, plus the stage fetched (and authorised) before its loop.
    with django_assert_num_queries(LOOP_KIT_QUERIES + 1):
        response = recruiter_client.get(stage_kit_url(kit.systems))
    assert response.content.decode().count('<article class="kit-question') == 3 + extra


def test_the_loop_levels_own_anchor_replaces_the_competencys_in_the_kit(recruiter_client, kit):
    """An anchor written for the loop's level (Senior) is the one the kit shows there."""
    from rubrics.models import LevelAnchor

    senior = kit.loop.level
    reliability = kit.catalogue.reliability
    LevelAnchor.objects.create(
        competency=reliability, level=senior, value=3, text="Owns the failover drill"
    )
    staff = senior.ladder.levels.get(key="staff")
    LevelAnchor.objects.create(
        competency=reliability, level=staff, value=3, text="Sets the drill for every team"
    )

    body = recruiter_client.get(stage_kit_url(kit.systems)).content.decode()

    reliability_part = body[
        body.index("Anchors for Reliability") : body.index("Anchors for Security")
    ]
    assert "<em>At Senior:</em> Owns the failover drill" in reliability_part
    assert "Solid behaviour" not in reliability_part
    assert "Sets the drill for every team" not in body
    # The other competency keeps its own anchor at that point.
    assert "Solid behaviour" in body[body.index("Anchors for Security") :]
