"""The validity page: who sees it, what it counts, what it says, and its queries."""

import pytest
from django.urls import reverse

from interviews.services import new_loop_version, publish_loop, update_loop_competency
from scoring.aggregate import aggregate_application
from scoring.committee import (
    application_ratings,
    application_scorecards,
    competency_specs,
    scale_points,
)
from tests.factories import assign, make_scoring_loop, make_user
from tests.outcomes.validity_setup import cohort, hire, interviewed
from tests.scoring.committee_setup import submitted_card

URL = reverse("outcomes:validity")

# Session, user, groups; loop choices; the figures' 10 loads (newest loop, its scale,
# competencies of every version, stages, scorecards, scores, reviews, questions asked,
# the loop's questions, the interviewers' names), the viewer's excluded count and the
# stored snapshot looked for (none current here: tasks run inline, figures live).
PAGE_QUERIES = 16


def page(client, user, **query):
    client.force_login(user)
    return client.get(URL, query)


def rows(response, kind="competencies"):
    return {r.name: r.validity for r in getattr(response.context["data"], kind)}


@pytest.fixture
def loop(recruiter):
    return make_scoring_loop(by=recruiter)


def test_a_predictive_competency_is_called_so_and_a_flat_one_is_not(client, recruiter, loop):
    cohort(loop, 16, by=recruiter)

    response = page(client, recruiter, loop=loop.key)

    found = rows(response)
    assert found["Ownership"].n == 16
    assert found["Ownership"].predicts
    assert found["Systems design"].pearson.contains_zero
    assert not found["Systems design"].predicts
    text = response.content.decode()
    assert "Ownership</strong> seems to carry the loop" in text
    assert "Systems design</strong> seem" not in text
    assert response.context["data"].interviewed == 20  # 16 hires and 4 rejected


def test_too_few_hires_say_so_and_show_no_figures(client, recruiter, loop):
    cohort(loop, 6, by=recruiter)

    response = page(client, recruiter, loop=loop.key)

    text = response.content.decode()
    assert "Too few hires with a review to say anything yet" in text
    assert "seems to carry" not in text
    assert "Per interviewer" not in text


def test_a_viewer_who_owes_a_scorecard_sees_nothing_built_from_that_application(
    client, recruiter, loop
):
    hires = cohort(loop, 12, by=recruiter)
    owing = make_user("owing", groups=("recruiter", "interviewer"))
    interview = hires[0].interviews.first()
    assign(interview, owing, by=recruiter)  # an empty draft: their review is pending

    mine = page(client, owing, loop=loop.key)
    everyone = page(client, recruiter, loop=loop.key)

    assert mine.context["data"].hires == 11
    assert mine.context["data"].interviewed == 15
    assert rows(mine)["Ownership"].n == 11
    assert everyone.context["data"].hires == 12
    assert "1 application you still owe your own scorecard on is left out" in (
        mine.content.decode()
    )


def test_shadows_and_drafts_do_not_count(client, recruiter, loop):
    hires = cohort(loop, 12, by=recruiter)
    before = rows(page(client, recruiter, loop=loop.key))["Ownership"]
    for application in hires:  # wild scores, but a shadow's and an unsubmitted draft's
        submitted_card(application, "Technical", {"Ownership": 1}, role="shadow", by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 5}, submit=False, by=recruiter)

    after = rows(page(client, recruiter, loop=loop.key))["Ownership"]

    assert after == before


def test_the_weighted_score_is_the_committee_pages_with_each_versions_weights(
    client, recruiter, loop
):
    cohort(loop, 6, by=recruiter)  # version 1 weights nothing
    draft = new_loop_version(loop, by=recruiter)
    for item in draft.loop_competencies.select_related("competency"):
        weight = 3 if item.competency.name == "Ownership" else 1
        update_loop_competency(item, {"weight": weight}, by=recruiter)
    publish_loop(draft, by=recruiter, confirmed=True)
    weighted_hires = cohort(draft, 10, by=recruiter, rejected=0)

    response = page(client, recruiter, loop=loop.key)

    data = response.context["data"]
    assert data.hires == 16
    assert data.weighted.validity.n == 10  # only version 2's hires have a weighted score
    application = weighted_hires[0]
    committee = aggregate_application(
        competency_specs(draft, scale_points(draft)),
        [c.row for c in application_scorecards(application)],
        application_ratings(application),
    ).weighted.value
    from outcomes.validity import measures
    from outcomes.validity.data import card_rows, loop_specs, loop_stages, score_rows

    specs, _ = loop_specs(loop.key)
    ours = measures.weighted_scores(
        measures.competency_scores(score_rows(loop.key, recruiter, loop_stages(loop.key)[0])),
        {c.application_id: c.loop_id for c in card_rows(loop.key, recruiter)},
        specs,
    )
    assert ours[application.pk] == pytest.approx(committee)
    assert "Weighted score" in response.content.decode()


def test_the_performance_choice_picks_the_review(client, recruiter, loop):
    panel = [make_user(groups=("interviewer",))]
    for i in range(12):
        application = interviewed(loop, {"Ownership": 1 + i % 5}, panel=panel, by=recruiter)
        hire(application, 1 + i % 5, months=12, by=recruiter)  # tracks the score
        hire(application, 5 - i % 5, months=6, by=recruiter)  # runs against it
    twelve = rows(page(client, recruiter, loop=loop.key, performance="12m"))["Ownership"]
    six = rows(page(client, recruiter, loop=loop.key, performance="6m"))["Ownership"]

    assert twelve.pearson.r == pytest.approx(1)
    assert six.pearson.r == pytest.approx(-1)
    assert six.reading == "higher scores go with lower performance"


def test_mean_performance_by_recommendation_counts_hires(client, recruiter, loop):
    cohort(loop, 16, by=recruiter)

    response = page(client, recruiter, loop=loop.key)

    groups = {g.value: g.mean for g in response.context["data"].by_recommendation}
    assert groups["strong_yes"].n == 8
    assert groups["yes"].n == 8
    assert groups["strong_no"].n == 0
    assert groups["strong_yes"].mean > groups["yes"].mean
    assert groups["strong_yes"].low is not None


def test_interviewers_and_questions_below_the_minimum_are_hidden(client, recruiter, loop):
    regular = make_user(groups=("interviewer",), first_name="Rae", last_name="Regular")
    rare = make_user(groups=("interviewer",), first_name="Ike", last_name="Infrequent")
    for i in range(12):
        application = interviewed(loop, {"Ownership": 1 + i % 5}, panel=[regular], by=recruiter)
        if i < 3:
            submitted_card(application, "Values", {"Systems design": 4}, person=rare, by=recruiter)
        hire(application, 1 + i % 5, by=recruiter)

    response = page(client, recruiter, loop=loop.key)

    data = response.context["data"]
    assert [r.name for r in data.interviewers] == ["Rae Regular"]
    assert data.hidden_interviewers == 1
    assert "Ike Infrequent" not in response.content.decode()
    assert [r.name for r in data.questions] == ["Outage you owned"]
    assert data.hidden_questions == 1  # "Hard call", asked of three hires only


def test_a_scatter_per_competency_with_a_table_and_no_inline_style(client, recruiter, loop):
    cohort(loop, 12, by=recruiter)

    text = page(client, recruiter, loop=loop.key).content.decode()

    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="validity-chart"') == 2
    assert "<desc id=" in text
    assert "Ownership: hires by score (the chart as a table)" in text
    assert "style=" not in text
    assert "<script>" not in text


def test_htmx_gets_the_results_only(client, recruiter, loop):
    cohort(loop, 12, by=recruiter)
    client.force_login(recruiter)

    response = client.get(URL, {"loop": loop.key}, headers={"HX-Request": "true"})

    text = response.content.decode()
    assert text.lstrip().startswith('<section id="validity-results"')
    assert "<html" not in text


def test_bad_choices_are_shown_at_the_form_and_nothing_computed(client, recruiter, loop):
    response = page(client, recruiter, loop="no-such-loop", performance="forever")

    assert response.status_code == 200
    assert "data" not in response.context
    errors = response.context["form"].errors
    assert "loop" in errors and "performance" in errors
    assert "Check the choices above" in response.content.decode()


@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_only_recruiters_and_admins_may_look(client, persona, request):
    response = page(client, request.getfixturevalue(persona))
    assert response.status_code == 403


@pytest.mark.parametrize("hires", [12, 40])
def test_the_page_queries_do_not_grow_with_hires(
    client, recruiter, loop, django_assert_num_queries, hires
):
    cohort(loop, hires, by=recruiter)
    client.force_login(recruiter)
    client.get(URL, {"loop": loop.key})

    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(URL, {"loop": loop.key})

    assert response.context["data"].hires == hires


def test_without_any_published_loop_the_page_says_so(client, recruiter):
    response = page(client, recruiter)

    assert response.status_code == 200
    assert "No loop has been published yet" in response.content.decode()
