"""Recruiters create loops, set them up, publish, version, archive and adopt (views)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from interviews import services
from interviews.models import Loop, LoopCompetency
from rubrics.models import Competency, Question, RatingScale
from rubrics.versioning import new_version
from tests.factories import (
    make_competency,
    make_ladder,
    make_loop,
    make_question,
    make_tag,
    plan,
)

from .conftest import HTMX, assert_builder_fragment, loop_state

pytestmark = pytest.mark.django_db


def url(name: str, obj) -> str:
    return reverse(f"interviews:{name}", args=[obj.pk])


def verbs(loop) -> list[str]:
    return list(
        AuditEntry.objects.filter(scope=loop.audit_scope())
        .order_by("pk")
        .values_list("verb", flat=True)
    )


def publish(world) -> Loop:
    services.publish_loop(world.loop, by=world.recruiter)
    world.loop.refresh_from_db()
    return world.loop


# --- loop_create -----------------------------------------------------------------------


def create_post(catalogue, **overrides) -> dict:
    data = {
        "name": "Platform engineer, Staff",
        "role": catalogue.role.pk,
        "level": catalogue.ladder.levels.get(key="staff").pk,
        "scale": catalogue.scale.pk,
        "competencies": [catalogue.security.pk, catalogue.reliability.pk],
    }
    return {**data, **overrides}


def test_recruiter_creates_a_draft_loop_with_its_competencies(recruiter_client, catalogue):
    response = recruiter_client.post(reverse("interviews:loop_create"), create_post(catalogue))
    loop = Loop.objects.get(name="Platform engineer, Staff")
    assert response.status_code == 302
    assert response["Location"] == loop.get_absolute_url()
    assert (loop.status, loop.version, loop.key) == ("draft", 1, "platform-engineer-staff")
    assert loop.level.key == "staff" and loop.role == catalogue.role
    assert {c.competency for c in loop.loop_competencies.all()} == {
        catalogue.security,
        catalogue.reliability,
    }
    assert verbs(loop) == ["loop.created"]


def test_loop_create_page_shows_the_form(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("interviews:loop_create"))
    assert response.status_code == 200
    assert catalogue.role.name in response.content.decode()


def test_loop_create_refuses_a_level_outside_the_roles_ladder(recruiter_client, catalogue):
    other = make_ladder(catalogue.bank, "management", name="Management")
    data = create_post(catalogue, level=other.levels.get(key="senior").pk)
    response = recruiter_client.post(reverse("interviews:loop_create"), data)
    assert response.status_code == 200
    assert (
        "uses the Engineering ladder; choose one of its levels."
        in (response.context["form"].errors["level"][0])
    )
    assert "choose one of its levels" in response.content.decode()
    assert not Loop.objects.exists()


def test_loop_create_needs_a_name(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("interviews:loop_create"), create_post(catalogue, name="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not Loop.objects.exists()


def test_loop_create_refuses_other_methods(recruiter_client):
    assert recruiter_client.put(reverse("interviews:loop_create")).status_code == 405


def test_interviewer_cannot_create_a_loop(interviewer_client, catalogue):
    response = interviewer_client.post(reverse("interviews:loop_create"), create_post(catalogue))
    assert response.status_code == 403
    assert not Loop.objects.exists()


# --- loop_settings ---------------------------------------------------------------------


def settings_post(world, **overrides) -> dict:
    data = {
        "name": "SRE, Senior (2026)",
        "scale": world.catalogue.scale.pk,
        "bar": "4",
        "emphasis": "balanced",
    }
    return {**data, **overrides}


def test_recruiter_changes_loop_settings(recruiter_client, loop_world):
    loop = loop_world.loop
    data = settings_post(loop_world, peers_may_read="on")
    response = recruiter_client.post(url("loop_settings", loop), data)
    assert response.status_code == 302
    assert response["Location"] == f"{loop.get_absolute_url()}#settings"
    loop.refresh_from_db()
    assert (loop.name, loop.bar, loop.peers_may_read) == ("SRE, Senior (2026)", 4, True)
    entry = AuditEntry.objects.get(verb="loop.updated")
    assert entry.data["before"]["bar"] == "None" and entry.data["after"]["bar"] == "4"


def test_loop_settings_over_htmx_answers_with_the_builder(recruiter_client, loop_world):
    response = recruiter_client.post(
        url("loop_settings", loop_world.loop), settings_post(loop_world), **HTMX
    )
    body = assert_builder_fragment(response)
    assert "Loop settings saved." in body
    assert "bar 4" in body
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.bar == 4


def test_loop_settings_refuse_a_bar_off_the_scale(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("loop_settings", loop_world.loop), settings_post(loop_world, bar="9")
    )
    assert response.status_code == 200
    assert "9 is not a point of Scale five (5, 4, 3, 2, 1)." in response.content.decode()
    assert loop_state(loop_world.loop) == before
    assert not AuditEntry.objects.filter(verb="loop.updated").exists()


def test_loop_settings_errors_over_htmx_show_in_the_fragment(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("loop_settings", loop_world.loop), settings_post(loop_world, name=""), **HTMX
    )
    body = assert_builder_fragment(response)
    assert "This field is required." in body
    assert '<details class="card" id="settings" open>' in body
    assert loop_state(loop_world.loop) == before


def test_demanding_another_stage_in_the_settings_warns_on_a_one_stage_panel(
    recruiter_client, loop_world
):
    services.remove_stage(loop_world.operations, by=None)
    services.update_stage(loop_world.systems, {"panel_size": 3}, by=None)
    builder = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    assert "No coverage warnings." in builder

    response = recruiter_client.post(
        url("loop_settings", loop_world.loop),
        settings_post(loop_world, second_opinion_from_another_stage="on"),
        **HTMX,
    )

    body = assert_builder_fragment(response)
    assert "Reliability is assessed by 3 interviewers, all in Systems" in body
    assert "this loop asks for them from two stages" in body  # the matrix's rule line
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.second_opinion_from_another_stage
    entry = AuditEntry.objects.get(verb="loop.updated")
    assert entry.data["after"]["second_opinion_from_another_stage"] == "True"


def test_loop_settings_refuse_get(recruiter_client, loop_world):
    assert recruiter_client.get(url("loop_settings", loop_world.loop)).status_code == 405


def test_interviewer_cannot_change_loop_settings(interviewer_client, loop_world):
    before = loop_state(loop_world.loop)
    response = interviewer_client.post(
        url("loop_settings", loop_world.loop), settings_post(loop_world)
    )
    assert response.status_code == 403
    assert loop_state(loop_world.loop) == before


# --- competencies ----------------------------------------------------------------------


def test_recruiter_adds_a_competency_at_the_end(recruiter_client, loop_world):
    communication = make_competency(loop_world.catalogue.bank, "communication")
    response = recruiter_client.post(
        url("loop_competency_add", loop_world.loop), {"competency": communication.pk}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#competencies")
    added = loop_world.loop.loop_competencies.get(competency=communication)
    assert added.order == 3
    assert AuditEntry.objects.get(verb="loop.competency_added").data == {
        "competency": "communication"
    }


def test_adding_a_competency_over_htmx_answers_with_the_builder(recruiter_client, loop_world):
    communication = make_competency(loop_world.catalogue.bank, "communication", name="Talking")
    response = recruiter_client.post(
        url("loop_competency_add", loop_world.loop), {"competency": communication.pk}, **HTMX
    )
    body = assert_builder_fragment(response)
    assert f'id="competency-{loop_world.loop.loop_competencies.last().pk}"' in body
    assert "Talking" in body


def test_adding_a_competency_already_assessed_is_refused(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("loop_competency_add", loop_world.loop),
        {"competency": loop_world.catalogue.reliability.pk},
    )
    assert response.status_code == 200
    assert "Reliability is already assessed." in response.content.decode()
    assert loop_state(loop_world.loop) == before


def test_adding_no_competency_is_refused_over_htmx(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(url("loop_competency_add", loop_world.loop), {}, **HTMX)
    assert "This field is required." in assert_builder_fragment(response)
    assert loop_state(loop_world.loop) == before


def test_recruiter_marks_a_competency_critical_with_weight_and_bar(recruiter_client, loop_world):
    item = loop_world.security
    prefix = f"competency-{item.pk}"
    response = recruiter_client.post(
        url("loop_competency_edit", item),
        {f"{prefix}-critical": "on", f"{prefix}-weight": "2", f"{prefix}-bar": "4"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.critical, item.weight, item.bar) == (True, 2, 4)
    entry = AuditEntry.objects.get(verb="loop.competency_changed")
    assert entry.data == {"competency": "security", "critical": "True", "weight": "2", "bar": "4"}


def test_competency_edit_over_htmx_answers_with_the_builder(recruiter_client, loop_world):
    item = loop_world.security
    response = recruiter_client.post(
        url("loop_competency_edit", item), {f"competency-{item.pk}-critical": "on"}, **HTMX
    )
    body = assert_builder_fragment(response)
    assert "critical</span>" in body  # the coverage matrix marks it
    item.refresh_from_db()
    assert item.critical


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bar", "7", "7 is not a point of Scale five."),
        ("weight", "-1", "greater than or equal to 0"),
    ],
)
def test_competency_edit_refuses_bad_input(recruiter_client, loop_world, field, value, message):
    item = loop_world.security
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("loop_competency_edit", item), {f"competency-{item.pk}-{field}": value}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert loop_state(loop_world.loop) == before


def test_recruiter_removes_a_competency(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_competency_remove", loop_world.security))
    assert response.status_code == 302
    assert [c.competency for c in loop_world.loop.loop_competencies.all()] == [
        loop_world.catalogue.reliability
    ]
    assert "loop.competency_removed" in verbs(loop_world.loop)


def test_removing_a_competency_over_htmx_updates_the_matrix(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_competency_remove", loop_world.security), **HTMX)
    body = assert_builder_fragment(response)
    assert f'id="competency-{loop_world.security.pk}"' not in body
    assert not LoopCompetency.objects.filter(pk=loop_world.security.pk).exists()


@pytest.mark.parametrize(
    "name", ["loop_competency_add", "loop_competency_edit", "loop_competency_remove"]
)
def test_competency_actions_refuse_get(recruiter_client, loop_world, name):
    target = loop_world.loop if name == "loop_competency_add" else loop_world.security
    assert recruiter_client.get(url(name, target)).status_code == 405


@pytest.mark.parametrize(
    "name", ["loop_competency_add", "loop_competency_edit", "loop_competency_remove"]
)
def test_interviewer_cannot_change_competencies(interviewer_client, loop_world, name):
    target = loop_world.loop if name == "loop_competency_add" else loop_world.security
    communication = make_competency(loop_world.catalogue.bank, "communication")
    before = loop_state(loop_world.loop)
    data = {"competency": communication.pk, f"competency-{target.pk}-critical": "on"}
    assert interviewer_client.post(url(name, target), data).status_code == 403
    assert loop_state(loop_world.loop) == before


# --- a published loop is frozen ----------------------------------------------------------


def frozen_requests(world) -> list[tuple[str, object, dict]]:
    """Every builder change, aimed at the (published) world loop, with valid data."""
    other = make_question(world.catalogue.bank, "q-other", primary=world.catalogue.reliability)
    communication = make_competency(world.catalogue.bank, "communication")
    systems, failover = world.systems, world.failover
    return [
        ("loop_settings", world.loop, settings_post(world)),
        ("loop_competency_add", world.loop, {"competency": communication.pk}),
        ("loop_competency_edit", world.security, {f"competency-{world.security.pk}-bar": "4"}),
        ("loop_competency_remove", world.security, {}),
        ("loop_publish", world.loop, {"confirmed": "yes"}),
        ("loop_adopt", world.loop, {}),
        (
            "stage_add",
            world.loop,
            {
                "new-stage-name": "Extra",
                "new-stage-duration_minutes": 30,
                "new-stage-buffer_minutes": 5,
            },
        ),
        (
            "stage_edit",
            systems,
            {
                f"stage-{systems.pk}-name": "Renamed",
                f"stage-{systems.pk}-duration_minutes": 60,
                f"stage-{systems.pk}-buffer_minutes": 10,
            },
        ),
        ("stage_move", systems, {"direction": "1"}),
        ("stage_remove", systems, {}),
        ("planned_add", world.loop, {"question": other.pk, "stage": systems.pk}),
        ("planned_edit", failover, {f"planned-{failover.pk}-minutes": "20"}),
        ("planned_move", failover, {"direction": "1"}),
        ("planned_reorder", systems, {"order": f"{world.secrets.pk},{failover.pk}"}),
        ("planned_remove", failover, {}),
        ("stage_suggest_accept", systems, {"questions": str(other.pk)}),
        ("planned_fork", failover, {"title": "Reworded"}),
    ]


def test_a_published_loop_refuses_every_change(recruiter_client, loop_world):
    publish(loop_world)
    requests = frozen_requests(loop_world)
    before = loop_state(loop_world.loop)
    entries = AuditEntry.objects.count()
    for name, target, data in requests:
        response = recruiter_client.post(url(name, target), data)
        assert response.status_code == 403, name
        response = recruiter_client.post(url(name, target), data, **HTMX)
        assert response.status_code == 403, f"{name} (htmx)"
    assert loop_state(loop_world.loop) == before
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize("name", ["loop_publish", "stage_suggest", "planned_fork"])
def test_a_published_loop_has_no_pages_to_change_it(recruiter_client, loop_world, name):
    publish(loop_world)
    target = {"loop_publish": loop_world.loop, "stage_suggest": loop_world.systems}.get(
        name, loop_world.failover
    )
    assert recruiter_client.get(url(name, target)).status_code == 403


def test_a_published_loop_shows_frozen_without_edit_forms(recruiter_client, loop_world):
    publish(loop_world)
    body = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    assert "This version is published and frozen." in body
    assert url("loop_settings", loop_world.loop) not in body
    assert url("stage_add", loop_world.loop) not in body
    assert url("loop_new_version", loop_world.loop) in body


# --- publishing --------------------------------------------------------------------------


def add_overlap(world):
    """A second incident-response question in Systems: a strong "same ground" warning."""
    twin = make_question(
        world.catalogue.bank,
        "q-incident",
        primary=world.catalogue.security,
        tags=["incident-response"],
        title="Your worst incident",
    )
    return plan(world.systems, twin, by=world.recruiter)


def test_publish_page_asks_for_confirmation(recruiter_client, loop_world):
    response = recruiter_client.get(url("loop_publish", loop_world.loop))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Publish “SRE, Senior” v1?" in body
    assert "No coverage warnings." in body
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft


def test_publish_page_lists_the_warnings(recruiter_client, loop_world):
    add_overlap(loop_world)
    body = recruiter_client.get(url("loop_publish", loop_world.loop)).content.decode()
    assert "1 coverage warning." in body
    assert "probe the same ground (#incident-response)" in body
    assert 'name="confirmed" value="yes"' in body


def test_publishing_a_clean_loop_freezes_it_and_what_it_pins(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_publish", loop_world.loop))
    assert response.status_code == 302
    assert response["Location"] == loop_world.loop.get_absolute_url()
    loop = Loop.objects.get(pk=loop_world.loop.pk)
    assert loop.status == "published" and loop.published_at is not None
    questions = loop_world.questions
    assert all(
        Question.objects.filter(pk__in=[q.pk for q in vars(questions).values()]).values_list(
            "locked", flat=True
        )
    )
    assert RatingScale.objects.get(pk=loop.scale_id).locked
    assert set(
        Competency.objects.filter(key__in=["reliability", "security"]).values_list(
            "locked", flat=True
        )
    ) == {True}
    assert "loop.published" in verbs(loop)


def test_publishing_with_warnings_shows_them_and_publishes_nothing(recruiter_client, loop_world):
    add_overlap(loop_world)
    response = recruiter_client.post(url("loop_publish", loop_world.loop))
    assert response.status_code == 200
    assert "probe the same ground" in response.content.decode()
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft
    assert not Question.objects.filter(locked=True).exists()
    assert not RatingScale.objects.get(pk=loop_world.catalogue.scale.pk).locked


def test_publishing_with_warnings_confirmed(recruiter_client, loop_world):
    add_overlap(loop_world)
    response = recruiter_client.post(url("loop_publish", loop_world.loop), {"confirmed": "yes"})
    assert response.status_code == 302
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "published"
    assert Question.objects.filter(key="q-incident", locked=True).exists()
    entry = AuditEntry.objects.get(verb="loop.published")
    assert len(entry.data["warnings"]) == 1


def test_publishing_over_htmx_redirects_the_whole_page(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_publish", loop_world.loop), **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == loop_world.loop.get_absolute_url()
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "published"


def test_publishing_a_stage_without_questions_is_refused(recruiter_client, loop_world):
    services.add_stage(
        loop_world.loop, name="Culture", duration_minutes=30, buffer_minutes=5, by=None
    )
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("loop_publish", loop_world.loop), {"confirmed": "yes"}, follow=True
    )
    assert "Culture has no questions." in response.content.decode()
    assert loop_state(loop_world.loop) == before
    assert not Question.objects.filter(locked=True).exists()


def test_publishing_refused_over_htmx_says_why_in_the_fragment(recruiter_client, loop_world):
    services.remove_stage(loop_world.operations, by=None)
    services.remove_stage(loop_world.systems, by=None)
    response = recruiter_client.post(
        url("loop_publish", loop_world.loop), {"confirmed": "yes"}, **HTMX
    )
    assert "Add at least one stage." in assert_builder_fragment(response)
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft


def test_publish_refuses_other_methods(recruiter_client, loop_world):
    assert recruiter_client.put(url("loop_publish", loop_world.loop)).status_code == 405


def test_interviewer_cannot_publish(interviewer_client, loop_world):
    assert interviewer_client.get(url("loop_publish", loop_world.loop)).status_code == 403
    response = interviewer_client.post(url("loop_publish", loop_world.loop), {"confirmed": "yes"})
    assert response.status_code == 403
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft


# --- new version, archive ----------------------------------------------------------------


def test_new_version_copies_the_published_loop_into_a_draft(recruiter_client, loop_world):
    loop = publish(loop_world)
    response = recruiter_client.post(url("loop_new_version", loop))
    draft = Loop.objects.get(key=loop.key, version=2)
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert draft.is_draft and draft.derived_from == loop
    assert [s.name for s in draft.stages.all()] == ["Systems", "Operations"]
    assert "loop.new_version" in verbs(draft)


def test_new_version_over_htmx_redirects_to_the_draft(recruiter_client, loop_world):
    loop = publish(loop_world)
    response = recruiter_client.post(url("loop_new_version", loop), **HTMX)
    assert response["HX-Redirect"] == Loop.objects.get(key=loop.key, version=2).get_absolute_url()


def test_a_second_new_version_is_refused_with_a_message(recruiter_client, loop_world):
    loop = publish(loop_world)
    recruiter_client.post(url("loop_new_version", loop))
    response = recruiter_client.post(url("loop_new_version", loop), follow=True)
    assert "A draft of this loop exists already: edit that one." in response.content.decode()
    assert Loop.objects.filter(key=loop.key).count() == 2


def test_new_version_of_a_draft_is_refused(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_new_version", loop_world.loop), follow=True)
    assert "This loop is already a draft." in response.content.decode()
    assert Loop.objects.count() == 1


def test_recruiter_archives_a_published_loop(recruiter_client, loop_world):
    loop = publish(loop_world)
    response = recruiter_client.post(url("loop_archive", loop))
    assert response.status_code == 302
    loop.refresh_from_db()
    assert loop.status == "archived"
    assert "loop.archived" in verbs(loop)


def test_archiving_over_htmx_redirects_the_whole_page(recruiter_client, loop_world):
    loop = publish(loop_world)
    response = recruiter_client.post(url("loop_archive", loop), **HTMX)
    assert response["HX-Redirect"] == loop.get_absolute_url()
    loop.refresh_from_db()
    assert loop.status == "archived"


def test_archiving_a_draft_is_refused(recruiter_client, loop_world):
    response = recruiter_client.post(url("loop_archive", loop_world.loop), follow=True)
    assert "Publish the loop before archiving it" in response.content.decode()
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft


@pytest.mark.parametrize("name", ["loop_new_version", "loop_archive", "loop_adopt"])
def test_loop_actions_refuse_get(recruiter_client, loop_world, name):
    assert recruiter_client.get(url(name, loop_world.loop)).status_code == 405


@pytest.mark.parametrize("name", ["loop_new_version", "loop_archive"])
def test_interviewer_cannot_version_or_archive(interviewer_client, loop_world, name):
    loop = publish(loop_world)
    assert interviewer_client.post(url(name, loop)).status_code == 403
    assert list(Loop.objects.values_list("version", "status")) == [(1, "published")]


# --- adopting current catalogue versions -------------------------------------------------


def test_adopt_points_the_draft_at_current_versions(recruiter_client, loop_world):
    v2 = new_version(loop_world.questions.failover)
    page = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    assert "1 planned question has a newer version in the catalogue." in page
    response = recruiter_client.post(url("loop_adopt", loop_world.loop), follow=True)
    assert "1 item now use the current catalogue version." in response.content.decode()
    loop_world.failover.refresh_from_db()
    assert loop_world.failover.question == v2
    assert AuditEntry.objects.get(verb="loop.adopted_versions").data == {"count": 1}


def test_adopt_over_htmx_answers_with_the_builder(recruiter_client, loop_world):
    new_version(loop_world.questions.secrets)
    new_version(loop_world.catalogue.reliability)
    response = recruiter_client.post(url("loop_adopt", loop_world.loop), **HTMX)
    body = assert_builder_fragment(response)
    assert "2 items now use the current catalogue version." in body
    assert "newer version exists" not in body


def test_interviewer_cannot_adopt(interviewer_client, loop_world):
    new_version(loop_world.questions.failover)
    before = loop_state(loop_world.loop)
    assert interviewer_client.post(url("loop_adopt", loop_world.loop)).status_code == 403
    assert loop_state(loop_world.loop) == before


# --- the list and the builder page -------------------------------------------------------


def test_loop_list_shows_loops_with_stage_counts(recruiter_client, loop_world):
    body = recruiter_client.get(reverse("interviews:loop_list")).content.decode()
    assert "SRE, Senior" in body and "<td>2</td>" in body


def test_builder_shows_stages_questions_and_coverage(recruiter_client, loop_world):
    body = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    for text in ("1. Systems", "2. Operations", "Failover under pressure", "No coverage warnings."):
        assert text in body
    assert "<strong>20</strong> of 50 min must-ask" in body


def test_builder_fragment_for_htmx_target(recruiter_client, loop_world):
    response = recruiter_client.get(
        url("loop_builder", loop_world.loop), HTTP_HX_TARGET="builder", **HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="builder">') and "<html" not in body


def test_interviewer_cannot_see_the_builder(interviewer_client, loop_world):
    assert interviewer_client.get(url("loop_builder", loop_world.loop)).status_code == 403


def test_missing_loop_is_404(recruiter_client, loop_world):
    assert recruiter_client.get(reverse("interviews:loop_builder", args=[9999])).status_code == 404


def test_make_loop_builds_a_draft_on_its_own_catalogue(db):
    loop = make_loop()
    assert loop.is_draft and loop.level.ladder == loop.role.ladder
    assert loop.loop_competencies.count() == 2


# --- query counts ----------------------------------------------------------------------

BUILDER_QUERIES = 21  # session, user, groups, loop, coverage (6), forms and search (11)
LIST_QUERIES = 4  # session, user, groups, the loops with their stage counts


def add_bank_questions(world, n: int) -> None:
    """n more questions for the loop's competencies, in bulk (many rows, few queries)."""
    tag = make_tag("bulk")
    Question.objects.bulk_create(
        [
            Question(
                bank=world.catalogue.bank,
                key=f"bulk-{i}",
                title=f"Bulk question {i}",
                prompt="Describe a time…",
                goal="Goal",
                primary_competency=world.catalogue.reliability,
            )
            for i in range(n)
        ]
    )
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=pk, tag_id=tag.pk)
        for pk in Question.objects.filter(key__startswith="bulk-").values_list("pk", flat=True)
    )


def grow_loop(world, planned: int, competencies: int) -> None:
    """More planned questions (each with tags and a secondary) and more competencies."""
    c = world.catalogue
    for i in range(planned):
        question = make_question(
            c.bank, f"extra-{i}", primary=c.security, secondary=[c.reliability], tags=[f"t{i}"]
        )
        plan(world.operations, question, by=world.recruiter)
    for _ in range(competencies):
        services.add_competency(world.loop, make_competency(c.bank), by=world.recruiter)


@pytest.mark.parametrize("bank_size", [10, 400])
def test_builder_queries_do_not_grow_with_the_bank(
    recruiter_client, loop_world, django_assert_num_queries, bank_size
):
    add_bank_questions(loop_world, bank_size)
    with django_assert_num_queries(BUILDER_QUERIES):
        response = recruiter_client.get(url("loop_builder", loop_world.loop))
    assert response.context["search_page"].paginator.count == bank_size + 3


@pytest.mark.parametrize(("planned", "competencies"), [(0, 0), (4, 3)])
def test_builder_queries_do_not_grow_with_the_loop(
    recruiter_client, loop_world, django_assert_num_queries, planned, competencies
):
    grow_loop(loop_world, planned, competencies)
    with django_assert_num_queries(BUILDER_QUERIES):
        response = recruiter_client.get(url("loop_builder", loop_world.loop))
    assert response.content.decode().count('<li class="planned') == 3 + planned


def test_published_builder_queries_match_the_draft(
    recruiter_client, loop_world, django_assert_max_num_queries
):
    grow_loop(loop_world, 4, 3)
    services.publish_loop(loop_world.loop, by=None, confirmed=True)
    with django_assert_max_num_queries(BUILDER_QUERIES):
        recruiter_client.get(url("loop_builder", loop_world.loop))


@pytest.mark.parametrize("loops", [1, 8])
def test_loop_list_queries_do_not_grow_with_loops(
    recruiter_client, loop_world, django_assert_num_queries, loops
):
    for _ in range(loops - 1):
        make_loop(role=loop_world.catalogue.role, scale=loop_world.catalogue.scale)
    with django_assert_num_queries(LIST_QUERIES):
        response = recruiter_client.get(reverse("interviews:loop_list"))
    assert len(response.context["loops"]) == loops
