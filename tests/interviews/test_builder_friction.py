"""A recruiter's first loop without friction (issue 13, the builder): what the pages offer.

The new-loop form offers the role's own levels and defaults, groups competencies by
bank and takes the loop's emphasis; the builder's search keeps its loop scope across
refreshes; "Use it when" belongs to backups only; the competency table's cells sit
under their headers; the fork form derives the key; demo loops (nobody created them)
take settings like any other.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from interviews import services
from interviews.models import Loop
from rubrics.models import Question
from rubrics.versioning import new_version
from tests.factories import (
    make_bank,
    make_competency,
    make_ladder,
    make_loop,
    make_question,
    make_role,
    make_scale,
)

from .conftest import HTMX
from .test_stage_views import form_data

pytestmark = pytest.mark.django_db


def url(name: str, obj=None) -> str:
    return reverse(f"interviews:{name}", args=[obj.pk] if obj is not None else [])


class Elements(HTMLParser):
    """Start tags with their attributes, and the text inside chosen elements."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str, tag_name: str, **attrs) -> list[dict]:
    parser = Elements()
    parser.feed(html)
    return [
        a for t, a in parser.tags if t == tag_name and all(a.get(k) == v for k, v in attrs.items())
    ]


def options(html: str, select_id: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of a select's options, in order."""

    class Options(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.found, self.current = False, [], None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "select":
                self.inside = attrs.get("id") == select_id
            elif tag == "option" and self.inside:
                self.current = [attrs.get("value"), "", "selected" in attrs]

        def handle_data(self, data):
            if self.current is not None:
                self.current[1] += data

        def handle_endtag(self, tag):
            if tag == "option" and self.current is not None:
                self.found.append(tuple(self.current))
                self.current = None
            elif tag == "select":
                self.inside = False

    parser = Options()
    parser.feed(html)
    return parser.found


# --- The new-loop form -----------------------------------------------------------------


@pytest.fixture
def two_roles(catalogue):
    """The catalogue's SRE role (Engineering ladder) and a manager role on its own ladder,
    whose usual level is M3 and whose default scale (by key) has a newer version."""
    management = make_ladder(catalogue.bank, "mgmt", name="Management", levels=("m1", "m2", "m3"))
    scale = make_scale(catalogue.bank, "manager-scale", name="Management scale")
    newer = new_version(scale)
    manager = make_role(
        management,
        "manager",
        name="Infrastructure manager",
        usual_level=management.levels.get(key="m3"),
        default_scale_key="manager-scale",
    )
    return catalogue.role, manager, newer


def test_new_loop_form_offers_only_the_chosen_roles_levels(recruiter_client, two_roles):
    _, manager, _ = two_roles
    page = recruiter_client.get(url("loop_create"), {"role": manager.pk}).content.decode()
    labels = [label for value, label, _ in options(page, "id_level") if value]
    assert labels == ["M1", "M2", "M3"]


def test_new_loop_form_preselects_the_usual_level_and_the_current_default_scale(
    recruiter_client, two_roles
):
    _, manager, newer = two_roles
    page = recruiter_client.get(url("loop_create"), {"role": manager.pk}).content.decode()
    assert [label for _, label, chosen in options(page, "id_level") if chosen] == ["M3"]
    chosen_scales = [value for value, _, chosen in options(page, "id_scale") if chosen]
    assert chosen_scales == [str(newer.pk)]
    assert newer.version == 2


def test_a_role_without_defaults_preselects_neither(recruiter_client, two_roles):
    sre, _, _ = two_roles
    page = recruiter_client.get(url("loop_create"), {"role": sre.pk}).content.decode()
    assert not [label for value, label, chosen in options(page, "id_level") if chosen and value]
    assert not [value for value, _, chosen in options(page, "id_scale") if chosen and value]
    assert [label for value, label, _ in options(page, "id_level") if value] == [
        "Junior",
        "Senior",
        "Staff",
    ]


def test_changing_the_role_over_htmx_answers_with_its_fields_only(recruiter_client, two_roles):
    _, manager, _ = two_roles
    response = recruiter_client.get(
        url("loop_create"), {"role": manager.pk}, **HTMX, HTTP_HX_TARGET="role-fields"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="role-fields"')
    assert "<html" not in body and 'name="name"' not in body
    assert [label for value, label, _ in options(body, "id_level") if value] == ["M1", "M2", "M3"]


def test_the_role_select_asks_for_its_fields_without_inline_script(recruiter_client, two_roles):
    page = recruiter_client.get(url("loop_create")).content.decode()
    asking = tags(page, "div", **{"hx-target": "#role-fields"})
    assert len(asking) == 1 and asking[0]["hx-get"] == url("loop_create")
    assert asking[0]["hx-include"] == "#id_role"
    assert "<script>" not in page and "onchange" not in page


def test_an_unreadable_role_in_the_query_is_ignored(recruiter_client, two_roles):
    response = recruiter_client.get(url("loop_create"), {"role": "nope"})
    assert response.status_code == 200
    assert response.context["form"].chosen_role is None


def test_without_a_role_levels_come_grouped_by_ladder(recruiter_client, two_roles):
    page = recruiter_client.get(url("loop_create")).content.decode()
    assert [g["label"] for g in tags(page, "optgroup")] == ["Engineering", "Management"]


def test_a_level_of_another_ladder_is_refused_at_the_level(recruiter_client, two_roles):
    sre, manager, newer = two_roles
    data = {
        "name": "Manager, M3",
        "role": manager.pk,
        "level": sre.ladder.levels.get(key="senior").pk,
        "scale": newer.pk,
        "emphasis": "leadership",
    }
    response = recruiter_client.post(url("loop_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["level"] == [
        "Infrastructure manager uses the Management ladder; choose one of its levels."
    ]
    assert not Loop.objects.filter(name="Manager, M3").exists()
    # The page re-offers the chosen role's own levels.
    body = response.content.decode()
    assert [label for value, label, _ in options(body, "id_level") if value] == ["M1", "M2", "M3"]


def test_new_loop_keeps_its_emphasis(recruiter_client, two_roles):
    _, manager, newer = two_roles
    data = {
        "name": "Manager, M3",
        "role": manager.pk,
        "level": manager.usual_level.pk,
        "scale": newer.pk,
        "emphasis": "technical",
    }
    response = recruiter_client.post(url("loop_create"), data)
    loop = Loop.objects.get(name="Manager, M3")
    assert response.status_code == 302
    assert (loop.emphasis, loop.level.key, loop.scale) == ("technical", "m3", newer)


def test_new_loop_refuses_an_unknown_emphasis(recruiter_client, two_roles):
    _, manager, newer = two_roles
    data = {"name": "X", "role": manager.pk, "level": manager.usual_level.pk}
    response = recruiter_client.post(
        url("loop_create"), {**data, "scale": newer.pk, "emphasis": "loud"}
    )
    assert response.status_code == 200
    assert "emphasis" in response.context["form"].errors
    assert not Loop.objects.filter(name="X").exists()


def test_competencies_come_in_one_fieldset_per_bank(recruiter_client, catalogue):
    other = make_bank("people", name="People bank")
    make_competency(other, "coaching", name="Coaching")
    page = recruiter_client.get(url("loop_create")).content.decode()
    groups = response_groups(page)
    assert groups == {"Core bank": ["Reliability", "Security"], "People bank": ["Coaching"]}


def response_groups(page: str) -> dict[str, list[str]]:
    """Legend of each bank fieldset -> the checkbox labels inside it."""

    class Groups(HTMLParser):
        def __init__(self):
            super().__init__()
            self.groups, self.bank, self.where = {}, None, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "fieldset" and attrs.get("class") == "bank-group":
                self.bank = ""
            elif tag == "legend" and self.bank == "":
                self.where = "legend"
            elif tag == "label" and self.bank:
                self.where = "label"
                self.groups[self.bank].append("")

        def handle_data(self, data):
            if self.where == "legend":
                self.bank += data.strip()
                self.groups.setdefault(self.bank, [])
            elif self.where == "label":
                self.groups[self.bank][-1] += data.strip()

        def handle_endtag(self, tag):
            if tag in ("legend", "label"):
                self.where = None
            elif tag == "fieldset":
                self.bank = None

    parser = Groups()
    parser.feed(page)
    return parser.groups


# --- The builder -----------------------------------------------------------------------


@pytest.fixture
def outside_question(loop_world):
    """A question whose primary competency the loop does not assess."""
    devops = make_competency(loop_world.catalogue.bank, "devops", name="DevOps")
    return make_question(loop_world.catalogue.bank, "q-devops", primary=devops, title="Pipelines")


def result_titles(response) -> list[str]:
    return [q.title for q in response.context["search_page"].object_list]


# What the builder's search form sends when htmx refreshes it after a change.
EMPTY_FILTERS = {"q": "", "competency": "", "level": "", "kind": "", "tag": "", "bank": ""}


def test_search_starts_within_the_loops_competencies(
    recruiter_client, loop_world, outside_question
):
    response = recruiter_client.get(url("loop_builder", loop_world.loop))
    assert "Pipelines" not in result_titles(response)
    assert "3 questions for this loop's competencies" in response.content.decode()


def test_search_keeps_its_scope_when_the_builder_refreshes_it(
    recruiter_client, loop_world, outside_question
):
    # After adding a stage, the results refresh with the form's (empty) filters.
    recruiter_client.post(
        url("stage_add", loop_world.loop),
        {
            "new-stage-name": "Third",
            "new-stage-duration_minutes": "30",
            "new-stage-buffer_minutes": "5",
            "new-stage-panel_size": "1",
        },
        **HTMX,
    )
    for params in (EMPTY_FILTERS, {**EMPTY_FILTERS, "scope": "loop"}):
        response = recruiter_client.get(url("loop_search", loop_world.loop), params, **HTMX)
        body = response.content.decode()
        assert "Pipelines" not in result_titles(response)
        assert "3 questions for this loop's competencies" in body


def test_search_widens_only_when_the_recruiter_says_so(
    recruiter_client, loop_world, outside_question
):
    params = {**EMPTY_FILTERS, "scope": "all"}
    response = recruiter_client.get(url("loop_search", loop_world.loop), params, **HTMX)
    assert "Pipelines" in result_titles(response)
    assert "for this loop's competencies" not in response.content.decode()


def test_search_words_stay_within_the_scope(recruiter_client, loop_world, outside_question):
    make_question(
        loop_world.catalogue.bank, primary=loop_world.catalogue.reliability, title="Pipelines SLO"
    )
    params = {**EMPTY_FILTERS, "q": "Pipelines", "scope": "loop"}
    response = recruiter_client.get(url("loop_search", loop_world.loop), params, **HTMX)
    assert result_titles(response) == ["Pipelines SLO"]


def test_choosing_a_competency_searches_that_competency(
    recruiter_client, loop_world, outside_question
):
    params = {**EMPTY_FILTERS, "competency": "devops", "scope": "loop"}
    response = recruiter_client.get(url("loop_search", loop_world.loop), params, **HTMX)
    assert result_titles(response) == ["Pipelines"]


def test_the_next_page_keeps_the_scope(recruiter_client, loop_world, outside_question):
    for _ in range(10):
        make_question(loop_world.catalogue.bank, primary=loop_world.catalogue.security)
    response = recruiter_client.get(url("loop_search", loop_world.loop), {"page": "2"}, **HTMX)
    assert response.context["search_scoped"]
    assert response.context["search_page"].paginator.count == 13


def test_use_it_when_shows_only_for_backups(recruiter_client, loop_world):
    services.update_planned(
        loop_world.secrets,
        {"is_backup": True, "backup_condition": "no secrets store"},
        by=loop_world.recruiter,
    )
    page = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    conditions = {a["name"] for a in tags(page, "input") if a["name"].endswith("backup_condition")}
    assert conditions == {f"planned-{loop_world.secrets.pk}-backup_condition"}
    assert page.count("Use it when") == 1


def test_ticking_backup_without_a_condition_asks_for_it_at_the_field(recruiter_client, loop_world):
    planned = loop_world.failover
    data = {f"planned-{planned.pk}-must_ask": "on", f"planned-{planned.pk}-is_backup": "on"}
    response = recruiter_client.post(url("planned_edit", planned), data, **HTMX)
    body = response.content.decode()
    assert "Say when to use the backup question." in body
    assert tags(body, "input", name=f"planned-{planned.pk}-backup_condition")
    planned.refresh_from_db()
    assert not planned.is_backup


def table_shape(page: str, table_class: str) -> tuple[int, list[int]]:
    """Columns in the header row, and cells in each body row, of one table."""

    class Shape(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.part, self.head, self.rows = False, None, 0, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table":
                self.inside = attrs.get("class") == table_class
            elif not self.inside:
                return
            elif tag in ("thead", "tbody"):
                self.part = tag
            elif tag == "tr" and self.part == "tbody":
                self.rows.append(0)
            elif tag in ("th", "td"):
                span = int(attrs.get("colspan", 1))
                if self.part == "thead":
                    self.head += span
                else:
                    self.rows[-1] += span

        def handle_endtag(self, tag):
            if tag == "table":
                self.inside = False

    parser = Shape()
    parser.feed(page)
    return parser.head, parser.rows


def test_competency_table_has_one_cell_per_header(recruiter_client, loop_world):
    page = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    head, rows = table_shape(page, "competency-table")
    assert head == 5 and rows == [5, 5]
    # Each input sits in its own cell, tied to its row's form.
    pk = loop_world.reliability.pk
    tied = [a for a in tags(page, "input") if a.get("form") == f"competency-form-{pk}"]
    assert [a["name"] for a in tied] == [
        f"competency-{pk}-{f}" for f in ("critical", "weight", "bar")
    ]


def test_competency_row_inputs_save_through_their_form(recruiter_client, loop_world):
    item = loop_world.reliability
    data = {f"competency-{item.pk}-critical": "on", f"competency-{item.pk}-weight": "2"}
    response = recruiter_client.post(url("loop_competency_edit", item), data, **HTMX)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.critical and item.weight == 2


def test_the_coverage_pane_scrolls_with_the_keyboard(recruiter_client, loop_world):
    page = recruiter_client.get(url("loop_builder", loop_world.loop)).content.decode()
    assert tags(page, "aside", **{"aria-label": "Coverage", "tabindex": "0"})
    assert tags(page, "div", **{"class": "table-wrap", "tabindex": "0", "role": "region"})


def test_emphasis_changes_in_the_loop_settings(recruiter_client, loop_world):
    data = {"name": "SRE, Senior", "scale": loop_world.catalogue.scale.pk, "emphasis": "technical"}
    response = recruiter_client.post(url("loop_settings", loop_world.loop), data)
    assert response.status_code == 302
    loop_world.loop.refresh_from_db()
    assert loop_world.loop.emphasis == "technical"


def test_settings_save_on_a_loop_nobody_created(recruiter_client, catalogue):
    """The demo loops are loaded without an author: saving their settings used to fail."""
    loop = make_loop(role=catalogue.role, scale=catalogue.scale, by=None)
    assert loop.created_by is None
    data = {"name": "Renamed demo loop", "scale": catalogue.scale.pk, "emphasis": "balanced"}
    response = recruiter_client.post(url("loop_settings", loop), data)
    assert response.status_code == 302
    loop.refresh_from_db()
    assert loop.name == "Renamed demo loop" and loop.created_by is None


def test_update_loop_accepts_a_loop_without_author(catalogue):
    loop = make_loop(role=catalogue.role, scale=catalogue.scale, by=None)
    services.update_loop(loop, {"peers_may_read": True}, by=None)
    assert Loop.objects.get(pk=loop.pk).peers_may_read


def test_demo_loops_take_their_settings(recruiter_client, db):
    from django.core.management import call_command

    call_command("load_demo", verbosity=0)
    drafts = Loop.objects.filter(status=Loop.Status.DRAFT, created_by=None)
    loop = drafts.first() or Loop.objects.filter(created_by=None).first()
    assert loop is not None
    if not loop.is_draft:
        loop = services.new_loop_version(loop, by=None)
    data = {"name": loop.name, "scale": loop.scale_id, "emphasis": "technical"}
    response = recruiter_client.post(url("loop_settings", loop), data)
    assert response.status_code == 302
    assert Loop.objects.get(pk=loop.pk).emphasis == "technical"


# --- The fork form ---------------------------------------------------------------------


def fork_post(world, **overrides) -> dict:
    page = world.client.get(url("planned_fork", world.failover))
    return {**form_data(page.context["form"]), **overrides}


@pytest.fixture
def fork_world(loop_world, recruiter_client):
    loop_world.client = recruiter_client
    return loop_world


def test_the_fork_form_asks_no_bank_or_key_up_front(fork_world):
    page = fork_world.client.get(url("planned_fork", fork_world.failover)).content.decode()
    advanced = page.index('<details class="card advanced"')
    assert page.index('name="key"') > advanced and page.index('name="bank"') > advanced
    assert page.index('name="title"') < advanced
    assert "Advanced: bank and key" in page
    assert 'value="q-failover' not in page  # no generated key pre-filled


def test_the_forks_key_is_made_from_its_title(fork_world):
    data = fork_post(fork_world, title="Failover, with the team")
    response = fork_world.client.post(url("planned_fork", fork_world.failover), data)
    assert response.status_code == 302
    fork = Question.objects.get(title="Failover, with the team")
    assert (fork.key, fork.bank) == ("failover-with-the-team", fork_world.catalogue.bank)


def test_a_derived_key_already_taken_gets_a_number(fork_world):
    make_question(fork_world.catalogue.bank, "failover-with-the-team")
    data = fork_post(fork_world, title="Failover, with the team")
    fork_world.client.post(url("planned_fork", fork_world.failover), data)
    assert Question.objects.get(title="Failover, with the team").key == "failover-with-the-team-2"


def test_a_written_key_is_kept(fork_world):
    data = fork_post(fork_world, title="Failover, with the team", key="failover-team")
    fork_world.client.post(url("planned_fork", fork_world.failover), data)
    assert Question.objects.get(title="Failover, with the team").key == "failover-team"


@pytest.mark.parametrize(
    "key, message",
    [
        ("q-secrets", "Another question already has the key “q-secrets”. Choose another one"),
        ("Not A Key!", "A key uses only lower-case letters, digits and hyphens"),
    ],
)
def test_a_bad_key_is_explained_under_advanced_and_nothing_is_saved(fork_world, key, message):
    before = Question.objects.count()
    data = fork_post(fork_world, title="Failover, with the team", key=key)
    response = fork_world.client.post(url("planned_fork", fork_world.failover), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["key"])
    assert '<details class="card advanced" open>' in body
    assert Question.objects.count() == before
