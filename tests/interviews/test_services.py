"""The loop builder's use cases (interviews.services), called as the views call them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from interviews import services
from interviews.models import Loop, PlannedQuestion, Stage
from rubrics.models import Competency, Question, RatingScale
from rubrics.services import set_archived
from rubrics.versioning import new_version
from tests.factories import make_question, plan

pytestmark = pytest.mark.django_db


def titles(stage) -> list[str]:
    return [p.question.title for p in stage.planned.order_by("order").select_related("question")]


def locked(model, *items) -> list[bool]:
    return list(
        model.objects.filter(pk__in=[i.pk for i in items])
        .order_by("pk")
        .values_list("locked", flat=True)
    )


# --- publishing --------------------------------------------------------------------------


def test_publish_locks_the_scale_competencies_and_questions(loop_world):
    c, q = loop_world.catalogue, loop_world.questions
    assert services.publish_loop(loop_world.loop, by=None) == []
    loop = Loop.objects.get(pk=loop_world.loop.pk)
    assert loop.status == "published" and loop.published_at is not None
    assert locked(RatingScale, c.scale) == [True]
    assert locked(Competency, c.reliability, c.security) == [True, True]
    assert locked(Question, q.failover, q.secrets, q.postmortem) == [True, True, True]


def test_publish_leaves_questions_outside_the_loop_unlocked(loop_world):
    other = make_question(loop_world.catalogue.bank, "q-other")
    services.publish_loop(loop_world.loop, by=None)
    assert locked(Question, other) == [False]


@pytest.mark.parametrize(
    ("prepare", "problem"),
    [
        (
            lambda w: [services.remove_stage(s, by=None) for s in (w.systems, w.operations)],
            "Add at least one stage.",
        ),
        (
            lambda w: [services.unplan_question(w.postmortem, by=None)],
            "Operations has no questions.",
        ),
        (
            lambda w: [services.remove_competency(c, by=None) for c in (w.reliability, w.security)],
            "Choose at least one competency to assess.",
        ),
    ],
)
def test_publish_refuses_an_incomplete_loop(loop_world, prepare, problem):
    prepare(loop_world)
    with pytest.raises(ValidationError) as refused:
        services.publish_loop(loop_world.loop, by=None, confirmed=True)
    assert problem in refused.value.messages
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft
    assert not Question.objects.filter(locked=True).exists()
    assert locked(RatingScale, loop_world.catalogue.scale) == [False]


def test_publish_with_warnings_needs_confirmation(loop_world):
    services.unplan_question(loop_world.postmortem, by=None)
    services.remove_stage(loop_world.operations, by=None)
    with pytest.raises(services.NeedsConfirmation) as pending:
        services.publish_loop(loop_world.loop, by=None)
    kinds = sorted(w.kind for w in pending.value.warnings)
    assert kinds == ["thin-coverage", "thin-coverage"]
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft
    assert not Question.objects.filter(locked=True).exists()


def test_publish_with_warnings_confirmed_returns_them(loop_world):
    services.remove_stage(loop_world.operations, by=None)
    warnings = services.publish_loop(loop_world.loop, by=None, confirmed=True)
    assert [w.kind for w in warnings] == ["thin-coverage", "thin-coverage"]
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "published"


def test_one_stage_with_a_panel_of_three_publishes_without_a_warning(loop_world):
    # Seed 002's design: one stage, three independent interviewers, every competency.
    services.remove_stage(loop_world.operations, by=None)
    services.update_stage(loop_world.systems, {"panel_size": 3}, by=None)
    assert services.publish_loop(loop_world.loop, by=None) == []
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "published"


def test_a_loop_demanding_another_stage_needs_confirmation_for_one_panel(loop_world):
    services.remove_stage(loop_world.operations, by=None)
    services.update_stage(loop_world.systems, {"panel_size": 3}, by=None)
    services.update_loop(loop_world.loop, {"second_opinion_from_another_stage": True}, by=None)
    with pytest.raises(services.NeedsConfirmation) as pending:
        services.publish_loop(loop_world.loop, by=None)
    messages = [w.message for w in pending.value.warnings]
    assert [w.kind for w in pending.value.warnings] == ["thin-coverage", "thin-coverage"]
    assert all("3 interviewers, all in Systems" in m for m in messages)
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.is_draft


def test_a_panel_size_outside_one_to_ten_is_refused(loop_world):
    for size in (0, 11):
        with pytest.raises(ValidationError) as refused:
            services.update_stage(loop_world.systems, {"panel_size": size}, by=None)
        assert "panel_size" in refused.value.message_dict
    assert Stage.objects.get(pk=loop_world.systems.pk).panel_size == 1


@pytest.mark.parametrize("size", [0, 11])
def test_the_database_refuses_a_panel_size_outside_one_to_ten(loop_world, size):
    # Writes that skip full_clean (bulk updates, fixtures) meet the CHECK constraint.
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(pk=loop_world.systems.pk).update(panel_size=size)
    assert Stage.objects.get(pk=loop_world.systems.pk).panel_size == 1


def test_publishing_twice_is_refused(loop_world):
    services.publish_loop(loop_world.loop, by=None)
    with pytest.raises(ValidationError, match="is published: make a new version"):
        services.publish_loop(loop_world.loop, by=None)


def test_a_published_loop_refuses_changes(loop_world):
    services.publish_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    with pytest.raises(ValidationError):
        services.update_loop(loop_world.loop, {"name": "Renamed"}, by=None)
    with pytest.raises(ValidationError):
        services.add_stage(
            loop_world.loop, name="More", duration_minutes=30, buffer_minutes=5, by=None
        )
    assert Loop.objects.get(pk=loop_world.loop.pk).name == "SRE, Senior"


# --- versions ----------------------------------------------------------------------------


def test_new_version_copies_everything_into_a_draft(loop_world):
    services.update_planned(
        loop_world.secrets,
        {"minutes": 12, "must_ask": False, "is_backup": True, "backup_condition": "no k8s"},
        by=None,
    )
    services.update_loop_competency(loop_world.security, {"critical": True, "bar": 4}, by=None)
    services.update_loop(
        loop_world.loop,
        {"bar": 4, "peers_may_read": True, "second_opinion_from_another_stage": True},
        by=None,
    )
    services.update_stage(loop_world.operations, {"panel_size": 2}, by=None)
    services.publish_loop(loop_world.loop, by=None, confirmed=True)
    loop_world.loop.refresh_from_db()

    draft = services.new_loop_version(loop_world.loop, by=loop_world.recruiter)

    assert (draft.key, draft.version, draft.status) == (loop_world.loop.key, 2, "draft")
    assert (draft.bar, draft.peers_may_read, draft.derived_from) == (4, True, loop_world.loop)
    assert draft.second_opinion_from_another_stage
    assert (draft.role, draft.level, draft.scale) == (
        loop_world.loop.role,
        loop_world.loop.level,
        loop_world.loop.scale,
    )

    def shape(loop):
        return (
            list(
                loop.loop_competencies.order_by("order").values_list(
                    "competency_id", "order", "critical", "weight", "bar"
                )
            ),
            list(
                loop.stages.order_by("order").values_list(
                    "order", "name", "duration_minutes", "buffer_minutes", "focus", "panel_size"
                )
            ),
            list(
                PlannedQuestion.objects.filter(stage__loop=loop)
                .order_by("stage__order", "order")
                .values_list(
                    "stage__name",
                    "question_id",
                    "order",
                    "minutes",
                    "must_ask",
                    "is_backup",
                    "backup_condition",
                )
            ),
        )

    assert shape(draft) == shape(loop_world.loop)
    assert not set(draft.stages.values_list("pk", flat=True)) & {
        loop_world.systems.pk,
        loop_world.operations.pk,
    }
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "published"  # the original stays as it was


def test_a_second_draft_version_is_refused(loop_world):
    services.publish_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    services.new_loop_version(loop_world.loop, by=None)
    with pytest.raises(ValidationError, match="A draft of this loop exists already"):
        services.new_loop_version(loop_world.loop, by=None)
    assert Loop.objects.filter(key=loop_world.loop.key).count() == 2


def test_new_version_of_a_draft_is_refused(loop_world):
    with pytest.raises(ValidationError, match="already a draft"):
        services.new_loop_version(loop_world.loop, by=None)


def test_new_version_of_an_archived_loop_follows_the_latest(loop_world):
    services.publish_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    v2 = services.new_loop_version(loop_world.loop, by=None)
    services.publish_loop(v2, by=None)
    services.archive_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    assert services.new_loop_version(loop_world.loop, by=None).version == 3


def test_archive_refuses_a_draft_and_is_idempotent(loop_world):
    with pytest.raises(ValidationError, match="Publish the loop before archiving it"):
        services.archive_loop(loop_world.loop, by=None)
    services.publish_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    services.archive_loop(loop_world.loop, by=None)
    services.archive_loop(loop_world.loop, by=None)
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.status == "archived"


def test_adopt_swaps_questions_and_competencies_to_current_versions(loop_world):
    failover_v2 = new_version(loop_world.questions.failover)
    security_v2 = new_version(loop_world.catalogue.security)
    assert services.adopt_current_versions(loop_world.loop, by=None) == 2
    loop_world.failover.refresh_from_db()
    loop_world.security.refresh_from_db()
    loop_world.secrets.refresh_from_db()
    assert loop_world.failover.question == failover_v2
    assert loop_world.security.competency == security_v2
    assert loop_world.secrets.question == loop_world.questions.secrets  # unchanged
    assert loop_world.failover.order == 1  # keeps its place


def test_adopt_with_nothing_newer_changes_nothing(loop_world):
    assert services.adopt_current_versions(loop_world.loop, by=None) == 0


def test_adopt_takes_an_archived_current_version_too(loop_world):
    v2 = new_version(loop_world.questions.secrets)
    set_archived(v2, True, by=None)
    assert services.adopt_current_versions(loop_world.loop, by=None) == 1
    loop_world.secrets.refresh_from_db()
    assert loop_world.secrets.question == v2


# --- stages and planned questions --------------------------------------------------------


def test_accept_suggestion_replaces_the_stages_questions_in_order(loop_world):
    bank, c = loop_world.catalogue.bank, loop_world.catalogue
    capacity = make_question(bank, "q-capacity", primary=c.reliability, title="Capacity")
    threats = make_question(bank, "q-threats", primary=c.security, title="Threats")
    services.accept_suggestion(
        loop_world.systems,
        [(threats, True), (loop_world.questions.failover, True), (capacity, False)],
        by=None,
    )
    planned = list(loop_world.systems.planned.order_by("order"))
    assert [(p.question.title, p.order, p.must_ask) for p in planned] == [
        ("Threats", 1, True),
        ("Failover under pressure", 2, True),
        ("Capacity", 3, False),
    ]
    assert titles(loop_world.operations) == ["A postmortem you led"]  # other stages untouched


def test_reorder_puts_the_questions_in_the_given_order(loop_world):
    third = plan(loop_world.systems, make_question(loop_world.catalogue.bank, title="Third"))
    services.reorder_planned(
        loop_world.systems, [third.pk, loop_world.failover.pk, loop_world.secrets.pk], by=None
    )
    assert titles(loop_world.systems) == ["Third", "Failover under pressure", "Secrets rotation"]
    assert list(loop_world.systems.planned.order_by("order").values_list("order", flat=True)) == [
        1,
        2,
        3,
    ]


@pytest.mark.parametrize(
    "ids",
    [
        lambda w: [w.failover.pk],
        lambda w: [w.failover.pk, w.failover.pk],
        lambda w: [w.failover.pk, w.secrets.pk, w.postmortem.pk],
        lambda w: [w.failover.pk, w.postmortem.pk],
    ],
)
def test_reorder_refuses_anything_but_the_stages_questions_once(loop_world, ids):
    with pytest.raises(ValidationError, match="every question of the stage once"):
        services.reorder_planned(loop_world.systems, ids(loop_world), by=None)
    assert titles(loop_world.systems) == ["Failover under pressure", "Secrets rotation"]


def test_move_swaps_with_the_neighbour(loop_world):
    services.move_planned(loop_world.secrets, -1, by=None)
    assert titles(loop_world.systems) == ["Secrets rotation", "Failover under pressure"]
    services.move_stage(loop_world.systems, 1, by=None)
    assert [s.name for s in loop_world.loop.stages.order_by("order")] == ["Operations", "Systems"]


@pytest.mark.parametrize(("item", "direction"), [("failover", -1), ("secrets", 1)])
def test_moving_a_question_past_the_edge_does_nothing(loop_world, item, direction):
    services.move_planned(getattr(loop_world, item), direction, by=None)
    assert titles(loop_world.systems) == ["Failover under pressure", "Secrets rotation"]


@pytest.mark.parametrize(("item", "direction"), [("systems", -1), ("operations", 1)])
def test_moving_a_stage_past_the_edge_does_nothing(loop_world, item, direction):
    services.move_stage(getattr(loop_world, item), direction, by=None)
    assert [s.name for s in loop_world.loop.stages.order_by("order")] == ["Systems", "Operations"]


def test_plan_question_refuses_another_version_of_a_planned_question(loop_world):
    v2 = new_version(loop_world.questions.failover)
    with pytest.raises(ValidationError, match="already planned in Systems"):
        services.plan_question(loop_world.systems, v2, by=None)


def test_update_planned_clears_the_condition_of_a_question_no_longer_backup(loop_world):
    services.update_planned(
        loop_world.secrets, {"is_backup": True, "backup_condition": "no cloud"}, by=None
    )
    services.update_planned(loop_world.secrets, {"is_backup": False}, by=None)
    loop_world.secrets.refresh_from_db()
    assert (loop_world.secrets.is_backup, loop_world.secrets.backup_condition) == (False, "")


def test_update_planned_refuses_a_backup_without_condition(loop_world):
    with pytest.raises(ValidationError, match="Say when to use the backup question"):
        services.update_planned(loop_world.secrets, {"is_backup": True}, by=None)
    assert not PlannedQuestion.objects.get(pk=loop_world.secrets.pk).is_backup


def test_add_stage_refuses_a_buffer_as_long_as_the_stage(loop_world):
    with pytest.raises(ValidationError, match="The buffer must be shorter than the stage"):
        services.add_stage(
            loop_world.loop, name="Short", duration_minutes=20, buffer_minutes=20, by=None
        )
    assert loop_world.loop.stages.count() == 2


def test_swap_planned_question_drops_the_combined_one(loop_world):
    combined = make_question(loop_world.catalogue.bank, "q-combined", title="Combined")
    services.swap_planned_question(loop_world.failover, combined, drop=loop_world.secrets, by=None)
    assert titles(loop_world.systems) == ["Combined"]


def test_loop_for_coverage_loads_in_a_fixed_number_of_queries(
    loop_world, django_assert_num_queries
):
    with django_assert_num_queries(6):
        stages, competencies = services.loop_for_coverage(loop_world.loop)
        _infos, stage_infos = services.coverage_inputs(stages, competencies)
    assert [len(s.items) for s in stage_infos] == [2, 1]
    assert stage_infos[0].items[0].secondary == frozenset({"security"})


def test_catalogue_pages_name_the_loops_that_use_an_item(client, recruiter, catalogue):
    """rubrics asks rubrics.usage; interviews answers with the loops (no import back)."""
    from django.urls import reverse

    from interviews import services
    from rubrics.usage import used_by

    loop = services.create_loop(
        name="Reliability loop",
        role=catalogue.role,
        level=catalogue.ladder.levels.first(),
        scale=catalogue.scale,
        competencies=[catalogue.reliability],
        by=recruiter,
    )
    stage = services.add_stage(
        loop, name="Systems", duration_minutes=45, buffer_minutes=5, by=recruiter
    )
    services.plan_question(stage, catalogue.question, by=recruiter)

    assert [u.label for u in used_by(catalogue.question)] == ["Reliability loop v1"]
    assert [u.label for u in used_by(catalogue.reliability)] == ["Reliability loop v1"]
    assert [u.label for u in used_by(catalogue.scale)] == ["Reliability loop v1"]
    assert used_by(catalogue.security) == []
    client.force_login(recruiter)
    page = client.get(reverse("rubrics:question_detail", args=[catalogue.question.pk]))
    assert "Used by" in page.content.decode() and loop.get_absolute_url() in page.content.decode()
