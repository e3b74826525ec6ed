"""A loop's anchors: the loop level's own anchor replaces the competency's at that point."""

import pytest
from django.urls import reverse

from rubrics.anchors import loop_anchors
from rubrics.models import LevelAnchor
from rubrics.versioning import new_version
from rubrics.views.browse import anchored_scale, scale_rows
from tests.factories import (
    make_bank,
    make_competency,
    make_ladder,
    make_loop,
    make_role,
    make_scale,
)

pytestmark = pytest.mark.django_db


def _texts(anchors: dict) -> dict[int, str]:
    return {value: a.text for value, a in anchors.items()}


@pytest.fixture
def setup():
    bank = make_bank()
    ladder = make_ladder(bank, levels=("l5", "l6", "l7"))
    role = make_role(ladder)
    scale = make_scale(bank)
    ownership = make_competency(
        bank, "ownership", anchors={5: "Owns across teams", 3: "Owns the team", 1: "Waits"}
    )
    hiring = make_competency(bank, "hiring", anchors={5: "Builds the bar", 1: "Hires in haste"})
    l6 = ladder.levels.get(key="l6")
    l7 = ladder.levels.get(key="l7")
    LevelAnchor.objects.create(competency=ownership, level=l6, value=3, text="Owns a whole org")
    LevelAnchor.objects.create(competency=ownership, level=l7, value=3, text="Owns several orgs")
    LevelAnchor.objects.create(competency=hiring, level=l6, value=3, text="Hires managers well")
    return bank, role, scale, ownership, hiring, l6, l7


def test_the_loop_levels_anchor_overrides_the_competencys_own_at_that_point(setup):
    _, role, scale, ownership, hiring, l6, _ = setup
    loop = make_loop(role=role, level=l6, scale=scale, competencies=[ownership, hiring])

    anchors = loop_anchors(loop)

    assert _texts(anchors[ownership.pk]) == {
        5: "Owns across teams",
        3: "Owns a whole org",
        1: "Waits",
    }
    assert anchors[ownership.pk][3].level == "L6"
    assert anchors[ownership.pk][5].level == ""
    # A point the competency leaves open is filled by the level's anchor.
    assert _texts(anchors[hiring.pk]) == {
        5: "Builds the bar",
        3: "Hires managers well",
        1: "Hires in haste",
    }


def test_another_levels_anchors_do_not_show(setup):
    _, role, scale, ownership, hiring, _, l7 = setup
    l5 = role.ladder.levels.get(key="l5")
    at_l5 = make_loop(role=role, level=l5, scale=scale, competencies=[ownership, hiring])
    at_l7 = make_loop(role=role, level=l7, scale=scale, competencies=[ownership])

    assert _texts(loop_anchors(at_l5)[ownership.pk])[3] == "Owns the team"
    assert 3 not in loop_anchors(at_l5)[hiring.pk]
    assert _texts(loop_anchors(at_l7)[ownership.pk])[3] == "Owns several orgs"
    # Only the loop's competencies are given.
    assert set(loop_anchors(at_l7)) == {ownership.pk}


def test_loop_anchors_takes_one_query_whatever_the_loop_size(setup, django_assert_num_queries):
    bank, role, scale, ownership, hiring, l6, _ = setup
    small = make_loop(role=role, level=l6, scale=scale, competencies=[ownership])
    more = [make_competency(bank) for _ in range(6)]
    for competency in more:
        LevelAnchor.objects.create(competency=competency, level=l6, value=4, text="Level text")
    large = make_loop(role=role, level=l6, scale=scale, competencies=[ownership, hiring, *more])

    with django_assert_num_queries(1):
        small_anchors = loop_anchors(small)
    with django_assert_num_queries(1):
        large_anchors = loop_anchors(large)
    assert len(small_anchors) == 1 and len(large_anchors) == 8


def test_scale_rows_and_anchored_scale_show_the_loops_anchors(setup):
    _, role, scale, ownership, _, l6, _ = setup
    loop = make_loop(role=role, level=l6, scale=scale, competencies=[ownership])
    points = list(scale.points.order_by("-value"))
    anchors = loop_anchors(loop)[ownership.pk]

    rows = {r["value"]: r for r in scale_rows(ownership, points, 3, anchors=anchors)}
    assert rows[3]["anchor"] == "Owns a whole org" and rows[3]["anchor_level"] == "L6"
    assert rows[5]["anchor"] == "Owns across teams" and rows[5]["anchor_level"] == ""
    assert rows[4]["anchor"] == ""
    laid = {r["value"]: r["anchor"] for r in anchored_scale(ownership, points, anchors=anchors)}
    assert laid[3] == "Owns a whole org"
    # Without a loop's anchors, the competency's own.
    assert {r["value"]: r["anchor"] for r in scale_rows(ownership, points)}[3] == "Owns the team"


def test_a_new_version_of_a_competency_keeps_its_level_anchors(setup):
    _, _, _, ownership, _, l6, l7 = setup
    copy = new_version(ownership)

    assert sorted(copy.level_anchors.values_list("level_id", "value", "text")) == sorted(
        [(l6.pk, 3, "Owns a whole org"), (l7.pk, 3, "Owns several orgs")]
    )
    assert ownership.level_anchors.count() == 2


def test_the_competency_page_lists_its_anchors_per_level(setup, client, recruiter):
    _, _, _, ownership, _, _, _ = setup
    client.force_login(recruiter)

    response = client.get(reverse("rubrics:competency_detail", args=[ownership.pk]))

    body = response.content.decode()
    assert "For particular levels" in body
    groups = response.context["level_anchors"]
    assert [g["level"].key for g in groups] == ["l6", "l7"]
    assert [a.text for a in groups[0]["anchors"]] == ["Owns a whole org"]
    assert body.index("Owns a whole org") < body.index("Owns several orgs")
