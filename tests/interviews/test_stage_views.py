"""Recruiters add, change, order and remove stages and planned questions (views)."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from interviews.models import PlannedQuestion, Stage
from rubrics.models import Question
from rubrics.services import set_archived
from tests.factories import make_loop, make_question, make_stage

from .conftest import HTMX, assert_builder_fragment, loop_state

pytestmark = pytest.mark.django_db


def url(name: str, obj) -> str:
    return reverse(f"interviews:{name}", args=[obj.pk])


def stage_names(loop) -> list[str]:
    return [s.name for s in loop.stages.order_by("order")]


def planned_titles(stage) -> list[str]:
    return [p.question.title for p in stage.planned.order_by("order").select_related("question")]


def new_stage_post(**overrides) -> dict:
    data = {
        "new-stage-name": "Values",
        "new-stage-duration_minutes": "30",
        "new-stage-buffer_minutes": "5",
        "new-stage-panel_size": "1",
        "new-stage-focus": "How they work with others",
    }
    return {**data, **{f"new-stage-{k}": v for k, v in overrides.items()}}


def stage_post(stage, **overrides) -> dict:
    data = {
        "name": stage.name,
        "duration_minutes": "60",
        "buffer_minutes": "10",
        "panel_size": str(stage.panel_size),
        "focus": "",
    }
    return {f"stage-{stage.pk}-{k}": v for k, v in {**data, **overrides}.items()}


def planned_post(planned, **fields) -> dict:
    return {f"planned-{planned.pk}-{k}": v for k, v in fields.items()}


# Every mutating endpoint of this file: name, the target in the world, valid data.
def endpoints(world) -> list[tuple[str, object, dict]]:
    other = make_question(
        world.catalogue.bank, "q-other", primary=world.catalogue.reliability, title="Other"
    )
    systems, failover = world.systems, world.failover
    return [
        ("stage_add", world.loop, new_stage_post()),
        ("stage_edit", systems, stage_post(systems, name="Renamed")),
        ("stage_move", world.operations, {"direction": "-1"}),
        ("stage_remove", world.operations, {}),
        ("planned_add", world.loop, {"question": other.pk, "stage": systems.pk}),
        ("planned_edit", failover, planned_post(failover, minutes="20", must_ask="on")),
        ("planned_move", failover, {"direction": "1"}),
        ("planned_reorder", systems, {"order": f"{world.secrets.pk},{failover.pk}"}),
        ("planned_remove", failover, {}),
        ("stage_suggest_accept", world.operations, {"questions": str(other.pk)}),
    ]


NAMES = [
    "stage_add",
    "stage_edit",
    "stage_move",
    "stage_remove",
    "planned_add",
    "planned_edit",
    "planned_move",
    "planned_reorder",
    "planned_remove",
    "stage_suggest_accept",
]


def endpoint(world, name):
    return next(e for e in endpoints(world) if e[0] == name)


@pytest.mark.parametrize("name", NAMES)
def test_builder_changes_refuse_get(recruiter_client, loop_world, name):
    _, target, _ = endpoint(loop_world, name)
    assert recruiter_client.get(url(name, target)).status_code == 405


@pytest.mark.parametrize("name", NAMES)
def test_interviewer_cannot_change_stages_or_questions(interviewer_client, loop_world, name):
    _, target, data = endpoint(loop_world, name)
    before = loop_state(loop_world.loop)
    assert interviewer_client.post(url(name, target), data).status_code == 403
    assert interviewer_client.post(url(name, target), data, **HTMX).status_code == 403
    assert loop_state(loop_world.loop) == before


@pytest.mark.parametrize("name", NAMES)
def test_every_change_over_htmx_answers_with_the_builder(recruiter_client, loop_world, name):
    _, target, data = endpoint(loop_world, name)
    before = loop_state(loop_world.loop)
    assert_builder_fragment(recruiter_client.post(url(name, target), data, **HTMX))
    assert loop_state(loop_world.loop) != before


@pytest.mark.parametrize("name", NAMES)
def test_every_change_is_audited(recruiter_client, loop_world, name):
    _, target, data = endpoint(loop_world, name)
    entries = AuditEntry.objects.filter(scope=loop_world.loop.audit_scope())
    before = entries.count()
    assert recruiter_client.post(url(name, target), data).status_code == 302
    assert entries.count() == before + 1


def test_views_of_a_missing_stage_are_404(recruiter_client, loop_world):
    response = recruiter_client.post(reverse("interviews:stage_edit", args=[9999]), {})
    assert response.status_code == 404


# --- stages ----------------------------------------------------------------------------


def test_recruiter_adds_a_stage_at_the_end(recruiter_client, loop_world):
    response = recruiter_client.post(url("stage_add", loop_world.loop), new_stage_post())
    stage = Stage.objects.get(name="Values")
    assert response.status_code == 302
    assert response["Location"] == f"{loop_world.loop.get_absolute_url()}#stage-{stage.pk}"
    assert (stage.order, stage.duration_minutes, stage.buffer_minutes) == (3, 30, 5)
    assert stage.focus == "How they work with others"
    assert stage_names(loop_world.loop) == ["Systems", "Operations", "Values"]
    assert AuditEntry.objects.filter(verb="loop.stage_added").latest("pk").data == {
        "stage": "Values"
    }


def test_stage_added_over_htmx_shows_in_the_fragment(recruiter_client, loop_world):
    response = recruiter_client.post(url("stage_add", loop_world.loop), new_stage_post(), **HTMX)
    body = assert_builder_fragment(response)
    assert "3. Values" in body
    # A new column of the coverage matrix, with the stage's panel.
    assert '<th scope="col">Values<br><span class="small muted">1 interviewer</span></th>' in body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"buffer_minutes": "30"}, "The buffer must be shorter than the stage."),
        ({"buffer_minutes": "40"}, "The buffer must be shorter than the stage."),
        ({"duration_minutes": "2"}, "greater than or equal to 5."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_stage_add_refuses_bad_input(recruiter_client, loop_world, overrides, message):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(url("stage_add", loop_world.loop), new_stage_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert loop_state(loop_world.loop) == before


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        ("0", "A stage needs at least one interviewer."),
        ("11", "At most 10 interviewers score one stage."),
        ("three", "Enter a whole number."),
        ("", "This field is required."),
    ],
)
def test_stage_add_refuses_a_bad_panel_size_at_the_field(
    recruiter_client, loop_world, panel, message
):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("stage_add", loop_world.loop), new_stage_post(panel_size=panel), **HTMX
    )
    body = assert_builder_fragment(response)
    form = body.split('id="new-stage"', 1)[1].split("</details>", 1)[0]
    errors = form.split('id="id_new-stage-panel_size_error"', 1)[1].split("</ul>", 1)[0]
    assert message in errors
    assert 'aria-invalid="true" aria-describedby="id_new-stage-panel_size_helptext' in form
    assert loop_state(loop_world.loop) == before


def test_a_panel_of_three_gives_one_stage_three_opinions(recruiter_client, loop_world):
    systems = loop_world.systems
    recruiter_client.post(url("stage_remove", loop_world.operations))

    response = recruiter_client.post(
        url("stage_edit", systems), stage_post(systems, panel_size="3"), **HTMX
    )

    body = assert_builder_fragment(response)
    systems.refresh_from_db()
    assert systems.panel_size == 3
    assert "panel of 3 interviewers" in body  # the stage's head
    coverage = body.split('<div id="coverage"', 1)[1]
    assert '<span class="small muted">panel of 3</span>' in coverage
    assert coverage.count('<span class="small muted matrix-opinions">3 opinions</span></th>') == 2
    assert "No coverage warnings." in coverage


def test_one_interviewer_on_one_stage_is_shown_as_too_few(recruiter_client, loop_world):
    recruiter_client.post(url("stage_remove", loop_world.operations))
    body = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    coverage = body.split('<div id="coverage"', 1)[1]
    too_few = '1 opinion</span> <span class="badge badge-warn">too few</span></th>'
    assert coverage.count(too_few) == 2
    assert "Reliability is assessed by 1 interviewer (Systems)" in coverage


def test_stage_add_errors_over_htmx_show_in_the_open_form(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("stage_add", loop_world.loop), new_stage_post(buffer_minutes="30"), **HTMX
    )
    body = assert_builder_fragment(response)
    assert '<details class="card" id="new-stage" open>' in body
    assert "The buffer must be shorter than the stage." in body
    assert loop_state(loop_world.loop) == before


def test_recruiter_edits_a_stage(recruiter_client, loop_world):
    systems = loop_world.systems
    data = stage_post(systems, name="Systems design", duration_minutes="75", focus="Scale")
    response = recruiter_client.post(url("stage_edit", systems), data)
    assert response.status_code == 302
    systems.refresh_from_db()
    assert (systems.name, systems.duration_minutes, systems.focus) == (
        "Systems design",
        75,
        "Scale",
    )
    assert AuditEntry.objects.get(verb="loop.stage_changed").data == {"stage": "Systems design"}


@pytest.mark.parametrize("htmx", [False, True])
def test_stage_edit_refuses_a_buffer_as_long_as_the_stage(recruiter_client, loop_world, htmx):
    before = loop_state(loop_world.loop)
    data = stage_post(loop_world.systems, name="Changed", buffer_minutes="60")
    response = recruiter_client.post(
        url("stage_edit", loop_world.systems), data, **(HTMX if htmx else {})
    )
    body = assert_builder_fragment(response) if htmx else response.content.decode()
    assert response.status_code == 200
    assert "The buffer must be shorter than the stage." in body
    assert loop_state(loop_world.loop) == before


def test_recruiter_moves_a_stage_up(recruiter_client, loop_world):
    response = recruiter_client.post(url("stage_move", loop_world.operations), {"direction": "-1"})
    assert response.status_code == 302
    assert stage_names(loop_world.loop) == ["Operations", "Systems"]


def test_moving_the_first_stage_up_changes_nothing(recruiter_client, loop_world):
    recruiter_client.post(url("stage_move", loop_world.systems), {"direction": "-1"})
    assert stage_names(loop_world.loop) == ["Systems", "Operations"]


def test_stage_move_ignores_a_bad_direction(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(url("stage_move", loop_world.systems), {"direction": "5"})
    assert response.status_code == 302
    assert loop_state(loop_world.loop) == before


def test_recruiter_removes_a_stage_with_its_questions(recruiter_client, loop_world):
    response = recruiter_client.post(url("stage_remove", loop_world.systems), follow=True)
    assert "Stage “Systems” removed." in response.content.decode()
    assert stage_names(loop_world.loop) == ["Operations"]
    assert not PlannedQuestion.objects.filter(stage_id=loop_world.systems.pk).exists()
    assert Question.objects.filter(key="q-failover").exists()  # the bank keeps it


# --- planned questions -----------------------------------------------------------------


def test_recruiter_plans_a_question_into_a_stage(recruiter_client, loop_world):
    extra = make_question(loop_world.catalogue.bank, "q-capacity", title="Capacity planning")
    operations = loop_world.operations
    response = recruiter_client.post(
        url("planned_add", loop_world.loop), {"question": extra.pk, "stage": operations.pk}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#stage-{operations.pk}")
    assert planned_titles(operations) == ["A postmortem you led", "Capacity planning"]
    assert AuditEntry.objects.filter(verb="loop.question_planned").latest("pk").data == {
        "stage": "Operations",
        "question": "q-capacity",
    }


def test_planning_a_question_twice_in_a_stage_is_refused(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    data = {"question": loop_world.questions.failover.pk, "stage": loop_world.systems.pk}
    response = recruiter_client.post(url("planned_add", loop_world.loop), data, follow=True)
    assert "“Failover under pressure” is already planned in Systems." in response.content.decode()
    assert loop_state(loop_world.loop) == before


def test_duplicate_planned_question_over_htmx_says_so_in_the_fragment(recruiter_client, loop_world):
    before = loop_state(loop_world.loop)
    data = {"question": loop_world.questions.failover.pk, "stage": loop_world.systems.pk}
    response = recruiter_client.post(url("planned_add", loop_world.loop), data, **HTMX)
    assert "is already planned in Systems." in assert_builder_fragment(response)
    assert loop_state(loop_world.loop) == before


def test_planning_into_another_loops_stage_is_refused(recruiter_client, loop_world):
    elsewhere = make_stage(make_loop(), name="Elsewhere")
    extra = make_question(loop_world.catalogue.bank, "q-capacity")
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("planned_add", loop_world.loop),
        {"question": extra.pk, "stage": elsewhere.pk},
        follow=True,
    )
    assert "Choose a stage to add the question to." in response.content.decode()
    assert loop_state(loop_world.loop) == before
    assert not elsewhere.planned.exists()


def test_planning_an_archived_question_is_404(recruiter_client, loop_world):
    extra = make_question(loop_world.catalogue.bank, "q-capacity")
    set_archived(extra, True, by=None)
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("planned_add", loop_world.loop), {"question": extra.pk, "stage": loop_world.systems.pk}
    )
    assert response.status_code == 404
    assert loop_state(loop_world.loop) == before


def test_recruiter_makes_a_planned_question_a_backup(recruiter_client, loop_world):
    secrets = loop_world.secrets
    data = planned_post(
        secrets, minutes="15", is_backup="on", backup_condition="no self-hosted experience"
    )
    response = recruiter_client.post(url("planned_edit", secrets), data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#planned-{secrets.pk}")
    secrets.refresh_from_db()
    assert (secrets.minutes, secrets.must_ask, secrets.is_backup) == (15, False, True)
    assert secrets.backup_condition == "no self-hosted experience"
    entry = AuditEntry.objects.get(verb="loop.question_changed")
    assert entry.data["question"] == "q-secrets" and entry.data["is_backup"] == "True"


def test_planned_edit_over_htmx_updates_the_stage_time(recruiter_client, loop_world):
    data = planned_post(loop_world.failover, minutes="45", must_ask="on")
    response = recruiter_client.post(url("planned_edit", loop_world.failover), data, **HTMX)
    body = assert_builder_fragment(response)
    assert "<strong>55</strong> of 50 min must-ask" in body
    assert "must-ask questions take 55 min but only 50 are available" in body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"is_backup": "on", "backup_condition": "  "}, "Say when to use the backup question."),
        ({"minutes": "0"}, "greater than or equal to 1."),
        ({"minutes": "many"}, "Enter a whole number."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_planned_edit_refuses_bad_input(recruiter_client, loop_world, fields, message, htmx):
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("planned_edit", loop_world.secrets),
        planned_post(loop_world.secrets, must_ask="on", **fields),
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 200
    body = assert_builder_fragment(response) if htmx else response.content.decode()
    assert message in body
    assert loop_state(loop_world.loop) == before


def test_recruiter_moves_a_planned_question_down(recruiter_client, loop_world):
    response = recruiter_client.post(url("planned_move", loop_world.failover), {"direction": "1"})
    assert response.status_code == 302
    assert planned_titles(loop_world.systems) == ["Secrets rotation", "Failover under pressure"]


def test_moving_the_last_planned_question_down_changes_nothing(recruiter_client, loop_world):
    recruiter_client.post(url("planned_move", loop_world.secrets), {"direction": "1"})
    assert planned_titles(loop_world.systems) == ["Failover under pressure", "Secrets rotation"]


def test_recruiter_reorders_a_stage_by_drag_and_drop(recruiter_client, loop_world):
    order = f"{loop_world.secrets.pk},{loop_world.failover.pk}"
    response = recruiter_client.post(url("planned_reorder", loop_world.systems), {"order": order})
    assert response.status_code == 302
    assert planned_titles(loop_world.systems) == ["Secrets rotation", "Failover under pressure"]


@pytest.mark.parametrize(
    ("order", "message"),
    [
        ("{failover}", "The order must list every question of the stage once."),
        ("{failover},{failover}", "The order must list every question of the stage once."),
        ("{failover},{secrets},{postmortem}", "The order must list every question"),
        ("{failover},x", "The order must be a list of numbers."),
        ("", "This field is required."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_reorder_refuses_a_list_that_is_not_the_stages(
    recruiter_client, loop_world, order, message, htmx
):
    ids = {k: getattr(loop_world, k).pk for k in ("failover", "secrets", "postmortem")}
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("planned_reorder", loop_world.systems),
        {"order": order.format(**ids)},
        **(HTMX if htmx else {"follow": True}),
    )
    body = assert_builder_fragment(response) if htmx else response.content.decode()
    assert message in body
    assert loop_state(loop_world.loop) == before


def test_recruiter_removes_a_planned_question(recruiter_client, loop_world):
    response = recruiter_client.post(url("planned_remove", loop_world.failover))
    assert response.status_code == 302
    assert planned_titles(loop_world.systems) == ["Secrets rotation"]
    assert Question.objects.filter(key="q-failover").exists()


# --- suggestions -----------------------------------------------------------------------


@pytest.fixture
def bank_extras(loop_world):
    """Unplanned questions for the loop's competencies, for the planner to choose from."""
    bank, c = loop_world.catalogue.bank, loop_world.catalogue
    return [
        make_question(
            bank,
            "q-capacity",
            primary=c.reliability,
            tags=["capacity"],
            title="Capacity planning",
            minutes=15,
        ),
        make_question(
            bank,
            "q-threats",
            primary=c.security,
            tags=["threat-modelling"],
            title="Threat modelling",
            minutes=15,
        ),
    ]


def test_suggest_page_offers_sets_from_unplanned_questions(
    recruiter_client, loop_world, bank_extras
):
    response = recruiter_client.get(url("stage_suggest", loop_world.operations))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Option 1" in body
    assert "Capacity planning" in body and "Threat modelling" in body
    assert "Failover under pressure" not in body  # already in the loop
    assert url("stage_suggest_accept", loop_world.operations) in body


def test_suggest_over_htmx_is_the_panel_only(recruiter_client, loop_world, bank_extras):
    response = recruiter_client.get(url("stage_suggest", loop_world.operations), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="suggestions card" id="suggestions-panel-')
    assert "<html" not in body and "Capacity planning" in body


def test_suggest_for_chosen_competencies_and_minutes(recruiter_client, loop_world, bank_extras):
    response = recruiter_client.get(
        url("stage_suggest", loop_world.operations),
        {"competencies": [loop_world.security.pk], "minutes": "20"},
    )
    body = response.content.decode()
    assert "Threat modelling" in body and "Capacity planning" not in body


def test_suggest_refuses_too_few_minutes(recruiter_client, loop_world, bank_extras):
    response = recruiter_client.get(
        url("stage_suggest", loop_world.operations),
        {"competencies": [loop_world.security.pk], "minutes": "2"},
    )
    assert response.status_code == 200
    assert "greater than or equal to 5." in response.content.decode()
    assert response.context["suggestions"] == []


def test_suggest_refuses_post(recruiter_client, loop_world):
    assert recruiter_client.post(url("stage_suggest", loop_world.systems)).status_code == 405


def test_interviewer_cannot_ask_for_suggestions(interviewer_client, loop_world):
    assert interviewer_client.get(url("stage_suggest", loop_world.systems)).status_code == 403


def test_accepting_a_suggestion_replaces_the_stages_questions_in_order(
    recruiter_client, loop_world, bank_extras
):
    capacity, threats = bank_extras
    data = {"questions": f"{threats.pk},{capacity.pk}", "must_ask": str(threats.pk)}
    response = recruiter_client.post(
        url("stage_suggest_accept", loop_world.operations), data, follow=True
    )
    assert "Operations now has the suggested 2 questions" in response.content.decode()
    planned = list(loop_world.operations.planned.order_by("order"))
    assert [(p.question, p.must_ask) for p in planned] == [(threats, True), (capacity, False)]
    assert AuditEntry.objects.get(verb="loop.suggestion_accepted").data["questions"] == [
        "q-threats",
        "q-capacity",
    ]


@pytest.mark.parametrize(
    ("questions", "message"),
    [
        ("", "That suggestion is empty; suggest again."),
        ("1,x", "That suggestion is not readable; suggest again."),
        ("{archived}", "no longer in the bank; suggest again."),
        ("{capacity},{archived}", "no longer in the bank; suggest again."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_accepting_a_bad_suggestion_changes_nothing(
    recruiter_client, loop_world, bank_extras, questions, message, htmx
):
    capacity, threats = bank_extras
    set_archived(threats, True, by=None)
    before = loop_state(loop_world.loop)
    response = recruiter_client.post(
        url("stage_suggest_accept", loop_world.operations),
        {"questions": questions.format(capacity=capacity.pk, archived=threats.pk)},
        **(HTMX if htmx else {"follow": True}),
    )
    body = assert_builder_fragment(response) if htmx else response.content.decode()
    assert message in body
    assert loop_state(loop_world.loop) == before


def test_accepting_a_suggestion_listing_a_question_twice_plans_it_once(
    recruiter_client, loop_world, bank_extras
):
    capacity, _ = bank_extras
    data = {"questions": f"{capacity.pk},{capacity.pk}", "must_ask": str(capacity.pk)}
    response = recruiter_client.post(url("stage_suggest_accept", loop_world.operations), data)
    assert response.status_code == 302
    assert planned_titles(loop_world.operations) == ["Capacity planning"]


# --- forks -----------------------------------------------------------------------------


def form_data(form) -> dict:
    """What a browser posts for an unchanged form: every field's rendered value."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else value
    return data


def test_fork_page_starts_from_the_planned_question(recruiter_client, loop_world):
    response = recruiter_client.get(url("planned_fork", loop_world.failover))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["title"].value() == "Failover under pressure"
    # No key asked up front: it is made from the title unless written under "Advanced".
    assert not form["key"].value()
    assert "Bank / Key" not in response.content.decode()
    assert "Secrets rotation" in response.content.decode()  # offered to combine


def test_recruiter_forks_a_planned_question_into_the_loop(recruiter_client, loop_world):
    page = recruiter_client.get(url("planned_fork", loop_world.failover))
    data = {**form_data(page.context["form"]), "title": "Failover, you and your team"}
    response = recruiter_client.post(url("planned_fork", loop_world.failover), data)
    fork = Question.objects.get(key="failover-you-and-your-team")
    assert response.status_code == 302
    assert response["Location"] == (
        f"{loop_world.loop.get_absolute_url()}#planned-{loop_world.failover.pk}"
    )
    assert fork.derived_from == loop_world.questions.failover
    assert fork.title == "Failover, you and your team"
    assert list(fork.tags.values_list("key", flat=True)) == ["incident-response"]
    loop_world.failover.refresh_from_db()
    assert loop_world.failover.question == fork
    assert planned_titles(loop_world.systems) == ["Failover, you and your team", "Secrets rotation"]
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"question.forked", "loop.question_replaced"} <= verbs


def test_combining_two_planned_questions_replaces_both(recruiter_client, loop_world):
    combine = {"combine": loop_world.secrets.pk}
    page = recruiter_client.get(url("planned_fork", loop_world.failover), combine)
    form = page.context["form"]
    assert form["title"].value() == "Failover under pressure + Secrets rotation"
    data = {**form_data(form), **combine}
    response = recruiter_client.post(url("planned_fork", loop_world.failover), data)
    assert response.status_code == 302
    fork = Question.objects.get(key="failover-under-pressure-secrets-rotation")
    assert planned_titles(loop_world.systems) == ["Failover under pressure + Secrets rotation"]
    assert set(fork.tags.values_list("key", flat=True)) == {"incident-response", "secrets"}
    assert not PlannedQuestion.objects.filter(pk=loop_world.secrets.pk).exists()
    entry = AuditEntry.objects.get(verb="loop.question_replaced")
    assert entry.data["dropped"] == "q-secrets"


def test_fork_ignores_a_question_to_combine_from_another_stage(recruiter_client, loop_world):
    page = recruiter_client.get(
        url("planned_fork", loop_world.failover), {"combine": loop_world.postmortem.pk}
    )
    assert page.context["combine"] is None
    assert page.context["form"]["title"].value() == "Failover under pressure"


def test_fork_with_an_unreadable_combine_is_not_an_error(recruiter_client, loop_world):
    page = recruiter_client.get(url("planned_fork", loop_world.failover), {"combine": "x"})
    assert page.status_code == 200
    assert page.context["combine"] is None


def test_fork_with_bad_input_saves_nothing(recruiter_client, loop_world):
    page = recruiter_client.get(url("planned_fork", loop_world.failover))
    before, questions = loop_state(loop_world.loop), Question.objects.count()
    data = {**form_data(page.context["form"]), "title": "", "great_signals": "Only one"}
    response = recruiter_client.post(url("planned_fork", loop_world.failover), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["title"] == ["This field is required."]
    assert "at least 2" in form.errors["great_signals"][0]
    assert "This field is required." in response.content.decode()
    assert loop_state(loop_world.loop) == before
    assert Question.objects.count() == questions


def test_fork_refuses_other_methods(recruiter_client, loop_world):
    assert recruiter_client.put(url("planned_fork", loop_world.failover)).status_code == 405


def test_interviewer_cannot_fork(interviewer_client, loop_world):
    questions = Question.objects.count()
    assert interviewer_client.get(url("planned_fork", loop_world.failover)).status_code == 403
    response = interviewer_client.post(url("planned_fork", loop_world.failover), {"title": "x"})
    assert response.status_code == 403
    assert Question.objects.count() == questions
