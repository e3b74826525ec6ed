"""Recruiters edit rating scales (versioned), ladders and levels in the browser."""

import pytest
from django import forms
from django.urls import reverse

from accounts.models import AuditEntry
from rubrics.models import Ladder, LadderDimension, Level, LevelExpectation, RatingScale, ScalePoint
from rubrics.services import lock_for_published_loop
from tests.factories import make_bank, make_scale

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def form_data(response, *names: str) -> dict:
    """What the browser would post back for the forms and formsets of a rendered page."""
    data = {}
    for name in names:
        obj = response.context[name]
        parts = [obj.management_form, *obj.forms] if hasattr(obj, "management_form") else [obj]
        for form in parts:
            data.update(_field_values(form))
    return data


def _field_values(form) -> dict:
    values = {}
    for bound in form:
        value = bound.field.prepare_value(bound.value())
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                values[bound.html_name] = "on"
        else:
            values[bound.html_name] = "" if value is None else value
    return values


def row_of(data: dict, prefix: str, field: str, value) -> int:
    """The index of the formset row whose `field` holds `value`."""
    for key, stored in data.items():
        if key.startswith(f"{prefix}-") and key.endswith(f"-{field}") and str(stored) == str(value):
            return int(key.split("-")[1])
    raise LookupError(f"no {prefix} row with {field}={value}")


def snapshot_scales() -> list[tuple]:
    return sorted(
        ScalePoint.objects.values_list(
            "scale__key", "scale__version", "scale__name", "value", "label", "meets_bar"
        )
    )


def verbs() -> list[str]:
    return list(AuditEntry.objects.order_by("pk").values_list("verb", flat=True))


# Scale list and detail


def test_scale_list_shows_points_and_the_bar(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:scale_list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Scale five" in body
    assert "Point 3" in body and "Definition of 3" in body
    assert body.count('badge-ok">meets the bar<') == 1
    assert 'aria-current="page">Scales<' in body


def test_scale_list_hides_archived_scales_unless_asked(recruiter_client, catalogue):
    make_scale(catalogue.bank, "old-four", name="Old four-point scale", archived=True)
    listing = recruiter_client.get(reverse("rubrics:scale_list")).content.decode()
    with_archived = recruiter_client.get(
        reverse("rubrics:scale_list"), {"archived": "1"}
    ).content.decode()
    assert "Old four-point scale" not in listing
    assert "Old four-point scale" in with_archived


@pytest.mark.parametrize("size", [2, 20])
def test_scale_list_query_count_does_not_grow(recruiter_client, django_assert_num_queries, size):
    bank = make_bank("scales")
    for i in range(size):
        make_scale(bank, f"scale-{i}", values=(4, 3, 2, 1))
    # session, user, groups; scales with their bank; their points.
    with django_assert_num_queries(5):
        response = recruiter_client.get(reverse("rubrics:scale_list"))
    assert len(response.context["scales"]) == size


def test_scale_page_shows_points_and_versions(
    recruiter_client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = recruiter_client.get(reverse("rubrics:scale_detail", args=[catalogue.scale.pk]))
    body = response.content.decode()
    assert "Definition of 5" in body and "v1" in body
    assert reverse("rubrics:scale_edit", args=[catalogue.scale.pk]) in body


def test_missing_scale_is_404(recruiter_client, catalogue):
    for name in ("rubrics:scale_detail", "rubrics:scale_edit"):
        assert recruiter_client.get(reverse(name, args=[999999])).status_code == 404


# Creating a scale


def new_scale_data(**overrides) -> dict:
    data = {
        "key": "four",
        "name": "Four-point",
        "description": "Even, no fence-sitting.",
        "points-TOTAL_FORMS": "5",
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "0",
        "points-MAX_NUM_FORMS": "1000",
    }
    for i, (value, label) in enumerate([(4, "Strong"), (3, "Meets"), (2, "Mixed"), (1, "Weak")]):
        data |= {
            f"points-{i}-value": str(value),
            f"points-{i}-label": label,
            f"points-{i}-definition": f"{label} evidence",
        }
    data["points-1-meets_bar"] = "on"
    return data | overrides


def test_recruiter_creates_a_scale_with_its_points(recruiter_client, catalogue):
    data = new_scale_data(bank=str(catalogue.bank.pk))
    response = recruiter_client.post(reverse("rubrics:scale_create"), data)
    scale = RatingScale.objects.get(key="four")
    assert response.status_code == 302
    assert response.url == reverse("rubrics:scale_detail", args=[scale.pk])
    assert [(p.value, p.label, p.meets_bar) for p in scale.points.all()] == [
        (4, "Strong", False),
        (3, "Meets", True),
        (2, "Mixed", False),
        (1, "Weak", False),
    ]
    assert scale.version == 1 and scale.bank == catalogue.bank
    entry = AuditEntry.objects.get(verb="scale.created")
    assert entry.target_id == str(scale.pk) and entry.data["points"] == 4


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"points-3-value": "2"}, "points-2-value", "Another point also has the value 2"),
        ({"points-0-meets_bar": "on"}, "points-0-meets_bar", "Only one point can meet the bar."),
        (
            {
                "points-1-value": "",
                "points-1-label": "",
                "points-1-definition": "",
                "points-1-meets_bar": "",
                "points-2-value": "",
                "points-2-label": "",
                "points-2-definition": "",
                "points-3-value": "",
                "points-3-label": "",
                "points-3-definition": "",
            },
            None,
            "A scale needs at least two points.",
        ),
        ({"key": "Four Point!"}, "key", "valid “slug”"),
        ({"key": "five"}, "key", "A scale with the key “five” already exists"),
        ({"points-2-label": ""}, "points-2-label", "This field is required."),
    ],
)
def test_scale_create_refuses_bad_input_and_saves_nothing(
    recruiter_client, catalogue, overrides, field, message
):
    before = snapshot_scales()
    data = new_scale_data(bank=str(catalogue.bank.pk)) | overrides
    response = recruiter_client.post(reverse("rubrics:scale_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "Nothing was saved." in body
    if field:
        # The message sits at its own field: Django ties it to the input by id.
        assert f'id="id_{field}_error"' in body
    assert snapshot_scales() == before
    assert not AuditEntry.objects.filter(verb__startswith="scale.").exists()


def test_an_empty_post_shows_errors_and_saves_nothing(recruiter_client, catalogue):
    response = recruiter_client.post(reverse("rubrics:scale_create"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert RatingScale.objects.count() == 1


# Editing a scale


def test_unlocked_scale_edits_in_place(recruiter_client, catalogue):
    scale = catalogue.scale
    page = recruiter_client.get(reverse("rubrics:scale_edit", args=[scale.pk]))
    assert "Used by a published loop" not in page.content.decode()
    data = form_data(page, "form", "points")
    data["name"] = "Five-point (revised)"
    # Move the bar from 3 to 4: saved row by row this would briefly hold two bars.
    data.pop(f"points-{row_of(data, 'points', 'value', 3)}-meets_bar")
    data[f"points-{row_of(data, 'points', 'value', 4)}-meets_bar"] = "on"
    data[f"points-{row_of(data, 'points', 'value', 1)}-DELETE"] = "on"
    data |= {"points-5-value": "0", "points-5-label": "No evidence"}
    response = recruiter_client.post(reverse("rubrics:scale_edit", args=[scale.pk]), data)
    assert response.status_code == 302
    scale.refresh_from_db()
    assert (scale.name, scale.version, scale.current) == ("Five-point (revised)", 1, True)
    assert [(p.value, p.meets_bar) for p in scale.points.all()] == [
        (5, False),
        (4, True),
        (3, False),
        (2, False),
        (0, False),
    ]
    assert RatingScale.objects.count() == 1
    entry = AuditEntry.objects.get(verb="scale.updated")
    assert entry.data["fields"] == ["name"]


def test_swapping_two_point_values_keeps_the_rows(recruiter_client, catalogue):
    scale = catalogue.scale
    five, four = scale.points.get(value=5), scale.points.get(value=4)
    data = form_data(
        recruiter_client.get(reverse("rubrics:scale_edit", args=[scale.pk])), "form", "points"
    )
    row5, row4 = row_of(data, "points", "value", 5), row_of(data, "points", "value", 4)
    data |= {f"points-{row5}-value": "4", f"points-{row4}-value": "5"}
    recruiter_client.post(reverse("rubrics:scale_edit", args=[scale.pk]), data)
    assert ScalePoint.objects.get(pk=five.pk).value == 4
    assert ScalePoint.objects.get(pk=four.pk).value == 5


def test_editing_a_locked_scale_creates_version_two(recruiter_client, catalogue):
    v1 = catalogue.scale
    lock_for_published_loop(v1)
    before = snapshot_scales()
    page = recruiter_client.get(reverse("rubrics:scale_edit", args=[v1.pk]))
    assert (
        "Used by a published loop: saving creates version 2; the loop keeps version 1."
        in page.content.decode()
    )
    data = form_data(page, "form", "points")
    data["description"] = "Now with sharper definitions."
    data[f"points-{row_of(data, 'points', 'value', 3)}-label"] = "Meets the level"
    data[f"points-{row_of(data, 'points', 'value', 1)}-DELETE"] = "on"
    response = recruiter_client.post(reverse("rubrics:scale_edit", args=[v1.pk]), data)

    v2 = RatingScale.objects.get(key="five", version=2)
    assert response.url == reverse("rubrics:scale_detail", args=[v2.pk])
    assert (v2.current, v2.locked, v2.description) == (True, False, "Now with sharper definitions.")
    assert [(p.value, p.label) for p in v2.points.all()] == [
        (5, "Point 5"),
        (4, "Point 4"),
        (3, "Meets the level"),
        (2, "Point 2"),
    ]
    assert v2.meets_point().value == 3
    # Version 1 is exactly as the published loop pinned it.
    assert [row for row in snapshot_scales() if row[1] == 1] == before
    v1.refresh_from_db()
    assert (v1.current, v1.locked) == (False, True)
    entry = AuditEntry.objects.get(verb="scale.versioned")
    assert entry.target_id == str(v2.pk)
    assert entry.data == {
        "key": "five",
        "version": 2,
        "previous_version": 1,
        "fields": ["description"],
    }


def test_bad_input_on_a_locked_scale_creates_no_version(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.scale)
    data = form_data(
        recruiter_client.get(reverse("rubrics:scale_edit", args=[catalogue.scale.pk])),
        "form",
        "points",
    )
    data[f"points-{row_of(data, 'points', 'value', 5)}-meets_bar"] = "on"
    response = recruiter_client.post(reverse("rubrics:scale_edit", args=[catalogue.scale.pk]), data)
    assert "Only one point can meet the bar." in response.content.decode()
    assert RatingScale.objects.filter(key="five").count() == 1


def test_saving_an_unchanged_locked_scale_makes_no_version(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.scale)
    url = reverse("rubrics:scale_edit", args=[catalogue.scale.pk])
    recruiter_client.post(url, form_data(recruiter_client.get(url), "form", "points"))
    assert RatingScale.objects.filter(key="five").count() == 1
    assert not AuditEntry.objects.exists()


def test_editing_a_superseded_version_goes_to_the_current_one(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.scale)
    url = reverse("rubrics:scale_edit", args=[catalogue.scale.pk])
    data = form_data(recruiter_client.get(url), "form", "points") | {"name": "Renamed"}
    recruiter_client.post(url, data)
    v2 = RatingScale.objects.get(key="five", current=True)
    response = recruiter_client.get(url)
    assert response.url == reverse("rubrics:scale_edit", args=[v2.pk])


# Archiving


def test_archive_toggles_and_is_audited(recruiter_client, catalogue):
    url = reverse("rubrics:scale_archive", args=[catalogue.scale.pk])
    response = recruiter_client.post(url)
    assert response.url == reverse("rubrics:scale_detail", args=[catalogue.scale.pk])
    catalogue.scale.refresh_from_db()
    assert catalogue.scale.archived
    assert not recruiter_client.get(reverse("rubrics:scale_list")).context["scales"]
    recruiter_client.post(url)
    catalogue.scale.refresh_from_db()
    assert not catalogue.scale.archived
    assert verbs() == ["scale.archived", "scale.unarchived"]


def test_a_pinned_scale_can_still_be_archived(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.scale)
    recruiter_client.post(reverse("rubrics:scale_archive", args=[catalogue.scale.pk]))
    catalogue.scale.refresh_from_db()
    assert catalogue.scale.archived and catalogue.scale.locked


# Method and permission guards


EDIT_URLS = [
    ("rubrics:scale_create", None),
    ("rubrics:scale_edit", "scale"),
    ("rubrics:ladder_create", None),
    ("rubrics:ladder_edit", "ladder"),
    ("rubrics:level_create", "ladder"),
    ("rubrics:level_edit", "level"),
]


def _url(catalogue, name: str, target: str | None) -> str:
    objects = {
        "scale": catalogue.scale,
        "ladder": catalogue.ladder,
        "level": catalogue.ladder.levels.first(),
    }
    return reverse(name, args=[objects[target].pk] if target else [])


@pytest.mark.parametrize(("name", "target"), EDIT_URLS)
def test_edit_pages_refuse_other_methods(recruiter_client, catalogue, name, target):
    assert recruiter_client.delete(_url(catalogue, name, target)).status_code == 405


def test_archive_refuses_get(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:scale_archive", args=[catalogue.scale.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize(("name", "target"), [*EDIT_URLS, ("rubrics:scale_archive", "scale")])
def test_interviewers_cannot_change_the_catalogue(client, interviewer, catalogue, name, target):
    client.force_login(interviewer)
    before = (snapshot_scales(), list(Ladder.objects.values()), list(Level.objects.values()))
    data = {"name": "Hijacked", "key": "hijacked", "order": "9", "bank": catalogue.bank.pk}
    response = client.post(_url(catalogue, name, target), data)
    assert response.status_code == 403
    assert (
        snapshot_scales(),
        list(Ladder.objects.values()),
        list(Level.objects.values()),
    ) == before
    assert not AuditEntry.objects.exists()


# Ladders


def new_ladder_data(bank, **overrides) -> dict:
    return {
        "key": "mgmt",
        "name": "Management",
        "description": "People leads.",
        "bank": str(bank.pk),
        "dimensions-TOTAL_FORMS": "4",
        "dimensions-INITIAL_FORMS": "0",
        "dimensions-MIN_NUM_FORMS": "0",
        "dimensions-MAX_NUM_FORMS": "1000",
        "dimensions-0-key": "people",
        "dimensions-0-name": "People",
        "dimensions-0-order": "0",
        "dimensions-1-key": "delivery",
        "dimensions-1-name": "Delivery",
        "dimensions-1-order": "1",
        "dimensions-2-order": "2",
        "dimensions-3-order": "3",  # untouched blank rows
    } | overrides


def test_recruiter_creates_a_ladder_with_dimensions(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:ladder_create"), new_ladder_data(catalogue.bank)
    )
    ladder = Ladder.objects.get(key="mgmt")
    assert response.url == reverse("rubrics:ladder_detail", args=[ladder.pk])
    assert [(d.key, d.order) for d in ladder.dimensions.all()] == [("people", 0), ("delivery", 1)]
    assert verbs() == ["ladder.created"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"dimensions-1-key": "people"}, "Another dimension also has the key “people”."),
        ({"dimensions-1-order": "0"}, "Another dimension is also at position 0."),
        ({"key": "eng"}, "A ladder with this key already exists"),
        ({"key": "not a slug"}, "valid “slug”"),
    ],
)
def test_ladder_create_refuses_bad_input(recruiter_client, catalogue, overrides, message):
    before = (Ladder.objects.count(), LadderDimension.objects.count())
    response = recruiter_client.post(
        reverse("rubrics:ladder_create"), new_ladder_data(catalogue.bank, **overrides)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (Ladder.objects.count(), LadderDimension.objects.count()) == before


def test_ladder_edit_renames_reorders_adds_and_deletes_dimensions(recruiter_client, catalogue):
    ladder = catalogue.ladder
    scope, autonomy = ladder.dimensions.get(key="scope"), ladder.dimensions.get(key="autonomy")
    url = reverse("rubrics:ladder_edit", args=[ladder.pk])
    data = form_data(recruiter_client.get(url), "form", "dimensions")
    data["name"] = "Engineering IC"
    scope_row = row_of(data, "dimensions", "key", "scope")
    autonomy_row = row_of(data, "dimensions", "key", "autonomy")
    # Swap the two positions and rename a key: only the whole set must be unique.
    data |= {
        f"dimensions-{scope_row}-order": "1",
        f"dimensions-{autonomy_row}-order": "0",
        f"dimensions-{autonomy_row}-key": "ownership",
        f"dimensions-{autonomy_row}-name": "Ownership",
    }
    data |= {"dimensions-2-key": "influence", "dimensions-2-name": "Influence"}
    response = recruiter_client.post(url, data)
    assert response.status_code == 302
    ladder.refresh_from_db()
    assert ladder.name == "Engineering IC"
    assert [(d.pk, d.key, d.order) for d in ladder.dimensions.all()] == [
        (autonomy.pk, "ownership", 0),
        (scope.pk, "scope", 1),
        (ladder.dimensions.last().pk, "influence", 2),
    ]
    # Expectations stay with their (renamed) dimension.
    assert (
        LevelExpectation.objects.get(level__key="senior", dimension=autonomy).text
        == "senior autonomy"
    )

    data = form_data(recruiter_client.get(url), "form", "dimensions")
    data[f"dimensions-{row_of(data, 'dimensions', 'key', 'scope')}-DELETE"] = "on"
    recruiter_client.post(url, data)
    assert list(ladder.dimensions.values_list("key", flat=True)) == ["ownership", "influence"]
    assert not LevelExpectation.objects.filter(dimension_id=scope.pk).exists()
    assert verbs() == ["ladder.updated", "ladder.updated"]


def test_ladder_edit_refuses_duplicate_dimension_keys(recruiter_client, catalogue):
    url = reverse("rubrics:ladder_edit", args=[catalogue.ladder.pk])
    data = form_data(recruiter_client.get(url), "form", "dimensions")
    data |= {"name": "Renamed", "dimensions-2-key": "scope", "dimensions-2-name": "Scope again"}
    response = recruiter_client.post(url, data)
    assert "Another dimension also has the key “scope”." in response.content.decode()
    catalogue.ladder.refresh_from_db()
    assert catalogue.ladder.name == "Engineering"
    assert catalogue.ladder.dimensions.count() == 2


def test_ladder_pages_link_to_editing(recruiter_client, catalogue):
    ladder = catalogue.ladder
    detail = recruiter_client.get(reverse("rubrics:ladder_detail", args=[ladder.pk]))
    body = detail.content.decode()
    assert reverse("rubrics:ladder_edit", args=[ladder.pk]) in body
    assert reverse("rubrics:level_create", args=[ladder.pk]) in body
    assert reverse("rubrics:level_edit", args=[ladder.levels.get(key="staff").pk]) in body
    listing = recruiter_client.get(reverse("rubrics:ladder_list")).content.decode()
    assert reverse("rubrics:ladder_create") in listing


# Levels


def test_recruiter_adds_a_level_with_expectations_and_lists(recruiter_client, catalogue):
    ladder = catalogue.ladder
    scope, autonomy = ladder.dimensions.get(key="scope"), ladder.dimensions.get(key="autonomy")
    page = recruiter_client.get(reverse("rubrics:level_create", args=[ladder.pk]))
    assert page.context["form"]["order"].value() == 3
    data = form_data(page, "form") | {
        "key": "principal",
        "name": "Principal",
        "summary": "Sets direction.",
        "litmus": "Others copy their designs.",
        f"expectation_{scope.pk}": "Several teams",
        "readiness_signals": "Leads cross-team work\n\n  Mentors staff engineers  \n",
        "anti_patterns": "Hero mode",
    }
    response = recruiter_client.post(reverse("rubrics:level_create", args=[ladder.pk]), data)
    level = ladder.levels.get(key="principal")
    assert response.url == reverse("rubrics:ladder_detail", args=[ladder.pk]) + "#level-principal"
    assert level.order == 3
    assert level.readiness_signals == ["Leads cross-team work", "Mentors staff engineers"]
    assert level.anti_patterns == ["Hero mode"]
    assert {e.dimension_id: e.text for e in level.expectations.all()} == {scope.pk: "Several teams"}
    assert not level.expectations.filter(dimension=autonomy).exists()
    assert verbs() == ["level.created"]


def test_level_edit_changes_expectations_per_dimension(recruiter_client, catalogue):
    level = catalogue.ladder.levels.get(key="senior")
    scope = catalogue.ladder.dimensions.get(key="scope")
    autonomy = catalogue.ladder.dimensions.get(key="autonomy")
    url = reverse("rubrics:level_edit", args=[level.pk])
    page = recruiter_client.get(url)
    body = page.content.decode()
    assert "senior scope" in body and f'for="id_expectation_{scope.pk}"' in body
    data = form_data(page, "form") | {
        f"expectation_{scope.pk}": "A whole product area",
        f"expectation_{autonomy.pk}": "   ",
        "anti_patterns": "Gold-plating\nAvoids conflict",
    }
    recruiter_client.post(url, data)
    level.refresh_from_db()
    assert {e.dimension_id: e.text for e in level.expectations.all()} == {
        scope.pk: "A whole product area"
    }
    assert level.anti_patterns == ["Gold-plating", "Avoids conflict"]
    assert level.litmus == "senior litmus"
    entry = AuditEntry.objects.get(verb="level.updated")
    assert entry.data["fields"] == ["anti_patterns"]
    assert sorted(entry.data["expectations"]) == sorted([scope.pk, autonomy.pk])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"key": "junior"}, "This ladder already has a level with the key “junior”."),
        ({"order": "0"}, "Another level of this ladder is already at position 0."),
        ({"key": "Senior Engineer"}, "valid “slug”"),
    ],
)
def test_level_edit_refuses_clashes_and_saves_nothing(
    recruiter_client, catalogue, overrides, message
):
    level = catalogue.ladder.levels.get(key="senior")
    url = reverse("rubrics:level_edit", args=[level.pk])
    before = (list(Level.objects.values()), list(LevelExpectation.objects.values()))
    data = form_data(recruiter_client.get(url), "form") | {"summary": "changed"} | overrides
    response = recruiter_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (list(Level.objects.values()), list(LevelExpectation.objects.values())) == before


def test_the_same_level_key_is_fine_on_another_ladder(recruiter_client, catalogue):
    from tests.factories import make_ladder

    other = make_ladder(catalogue.bank, "mgmt", levels=("lead",))
    page = recruiter_client.get(reverse("rubrics:level_create", args=[other.pk]))
    data = form_data(page, "form") | {"key": "senior", "name": "Senior"}
    response = recruiter_client.post(reverse("rubrics:level_create", args=[other.pk]), data)
    assert response.status_code == 302
    assert other.levels.filter(key="senior").exists()
