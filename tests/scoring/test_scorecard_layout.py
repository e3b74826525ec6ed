"""The live scorecard's layout (issue 13): a swapped-in backup in its place, ratings in the
loop's order with critical competencies first, the level's anchor at the bar point, and
question keys in interviewer-facing text read as the questions' titles."""

import re

import pytest
from django.urls import reverse

from interviews.services import (
    add_stage,
    create_loop,
    plan_question,
    publish_loop,
    update_loop_competency,
    update_planned,
)
from rubrics.models import LevelAnchor
from scoring import services
from tests.factories import (
    fill_scorecard,
    make_bank,
    make_competency,
    make_ladder,
    make_question,
    make_role,
    make_scale,
    make_scorecard,
)


def page_of(client, card) -> str:
    response = client.get(reverse("scoring:scorecard", args=[card.pk]))
    assert response.status_code == 200
    return response.content.decode()


def heading_order(page: str, titles: list[str]) -> list[str]:
    """The given question titles in the order their cards' headings appear on the page."""
    found = {t: page.index(f"</span> {t}") for t in titles if f"</span> {t}" in page}
    return sorted(found, key=found.get)


def rating_order(page: str) -> list[str]:
    return re.findall(r'<h3 id="rating-\d+-head">([^<]+?)\s*(?:<|\n)', page)


def make_loop(
    *, critical: str = "", level_anchor: str = "", notes: str = "", condition: str = "", by
):
    """A published loop assessing, in this order, Systems design then Ownership.

    Alphabetical order would put Ownership first; `critical` names the critical one.
    `level_anchor`: Ownership's anchor at the bar (3) written for the loop's level; the
    competency itself has anchors at 5 and 1 only. `notes`/`condition`: the first
    question's interviewer notes and the backup's condition, which may name keys.
    """
    bank = make_bank()
    systems = make_competency(bank, name="Systems design", anchors={5: "Designs for failure"})
    ownership = make_competency(
        bank, name="Ownership", anchors={5: "Owns the outcome", 1: "Waits to be told"}
    )
    ladder = make_ladder(bank)
    level, other_level = ladder.levels.order_by("order")[:2]
    if level_anchor:
        LevelAnchor.objects.create(competency=ownership, level=level, value=3, text=level_anchor)
        LevelAnchor.objects.create(
            competency=ownership, level=other_level, value=3, text="Another level's anchor"
        )
    loop = create_loop(
        name="Ordered loop",
        role=make_role(ladder),
        level=level,
        scale=make_scale(bank),
        competencies=[systems, ownership],
        by=by,
    )
    for item in loop.loop_competencies.select_related("competency"):
        if item.competency.name == critical:
            update_loop_competency(item, {"critical": True}, by=by)
    stage = add_stage(loop, name="Technical", duration_minutes=45, buffer_minutes=5, by=by)
    first = make_question(
        bank,
        "q-outage",
        primary=ownership,
        title="Outage you owned",
        prompt="Tell me about an outage.",
        interviewer_notes=notes,
    )
    plan_question(stage, first, by=by)
    plan_question(stage, make_question(bank, primary=systems, title="Design a queue"), by=by)
    backup = plan_question(
        stage,
        make_question(
            bank, "q-rescue", primary=ownership, title="Project you rescued", prompt="A rescue?"
        ),
        by=by,
    )
    update_planned(
        backup, {"is_backup": True, "backup_condition": condition or "No on-call"}, by=by
    )
    publish_loop(loop, by=by, confirmed=True)
    return loop


def test_a_swapped_in_backup_takes_the_place_of_the_question_it_replaced(
    client, interviewer, recruiter
):
    card = make_scorecard(interviewer, by=recruiter)
    notes = {n.planned.question.title: n for n in card.notes.select_related("planned__question")}
    client.force_login(interviewer)
    titles = ["Outage you owned", "Design a queue", "Project you rescued"]
    assert heading_order(page_of(client, card), titles) == titles

    services.use_backup(
        notes["Project you rescued"],
        instead_of=notes["Outage you owned"],
        reason="No on-call experience",
        by=interviewer,
    )
    page = page_of(client, card)

    # The backup is first, where question 1 was; question 1 follows it, marked replaced.
    assert heading_order(page, titles) == [
        "Project you rescued",
        "Outage you owned",
        "Design a queue",
    ]
    assert '1.</span> Project you rescued <span class="badge">backup</span>' in page
    assert '1.</span> Outage you owned <span class="badge">replaced</span>' in page
    assert "Backup question" not in page  # no backup left to swap in


def test_the_read_only_page_keeps_the_backup_in_its_place(client, interviewer, recruiter):
    card = make_scorecard(interviewer, by=recruiter)
    notes = {n.planned.question.title: n for n in card.notes.select_related("planned__question")}
    services.use_backup(
        notes["Project you rescued"],
        instead_of=notes["Design a queue"],
        reason="Short on time",
        by=interviewer,
    )
    fill_scorecard(card, every_question=False)
    services.submit_scorecard(card, by=interviewer)
    client.force_login(interviewer)
    page = page_of(client, card)

    assert "sc-read" in page
    titles = ["Outage you owned", "Design a queue", "Project you rescued"]
    found = {t: page.index(f"{t} <span") for t in titles}
    assert sorted(found, key=found.get) == [
        "Outage you owned",
        "Project you rescued",
        "Design a queue",
    ]
    assert '2. <span class="badge">backup</span> Project you rescued' in page


@pytest.mark.parametrize(
    "critical, expected",
    [("", ["Systems design", "Ownership"]), ("Ownership", ["Ownership", "Systems design"])],
)
def test_ratings_follow_the_loops_order_with_critical_competencies_first(
    client, interviewer, recruiter, critical, expected
):
    card = make_scorecard(
        interviewer, loop=make_loop(critical=critical, by=recruiter), by=recruiter
    )
    client.force_login(interviewer)

    assert rating_order(page_of(client, card)) == expected


def test_the_bar_point_shows_the_anchor_written_for_the_loops_level(client, interviewer, recruiter):
    loop = make_loop(level_anchor="Owns a whole service end to end", by=recruiter)
    card = make_scorecard(interviewer, loop=loop, by=recruiter)
    ownership = card.ratings.get(competency__name="Ownership")
    client.force_login(interviewer)
    page = page_of(client, card)

    bar_row = page[page.index(f'id="rating-{ownership.pk}-score-3"') :]
    bar_row = bar_row[: bar_row.index("</label>")]
    assert "the bar" in bar_row
    assert "Owns a whole service end to end" in bar_row
    assert f"(written for {loop.level.name})" in bar_row
    assert "Between its neighbours" not in bar_row
    assert "Another level's anchor" not in page
    # The points with neither kind of anchor still say so.
    point_2 = page[page.index(f'id="rating-{ownership.pk}-score-2"') :]
    assert "Between its neighbours" in point_2[: point_2.index("</label>")]


def test_question_keys_in_interviewer_facing_text_read_as_titles(client, interviewer, recruiter):
    loop = make_loop(
        notes="If they have no on-call, use q-rescue instead.",
        condition="The candidate cannot answer q-outage (no on-call).",
        by=recruiter,
    )
    card = make_scorecard(interviewer, loop=loop, by=recruiter)
    client.force_login(interviewer)
    page = page_of(client, card)

    assert "use “Project you rescued” instead." in page
    assert "cannot answer “Outage you owned” (no on-call)." in page
    assert "q-rescue" not in page
    assert "q-outage" not in page
