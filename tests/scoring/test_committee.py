"""The committee page and the decision form: who sees what, flags first, decisions recorded."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from candidates.models import Application
from candidates.services import change_status
from rubrics.models import Level
from scoring.models import Decision
from tests.factories import make_application, make_scorecard, make_scoring_loop, make_user

from .committee_setup import submitted_card


def person(first: str, last: str):
    return make_user(groups=("interviewer",), first_name=first, last_name=last)


@pytest.fixture
def application(recruiter, committee):
    """Three submitted scorecards and a shadow's; Ownership split 5 against 2."""
    loop = make_scoring_loop(by=recruiter)
    application = make_application(loop=loop, committee=[committee], by=recruiter)
    technical = {"Ownership": 5, "Systems design": 3}
    submitted_card(
        application,
        "Technical",
        technical,
        person=person("Ada", "Alpha"),
        recommendation="strong_yes",
        evidence="Owned the outage end to end",
    )
    submitted_card(
        application,
        "Technical",
        {"Ownership": 2, "Systems design": 3},
        person=person("Ben", "Beta"),
        recommendation="no",
        evidence="Blamed another team",
    )
    submitted_card(application, "Values", {"Systems design": 4}, person=person("Cy", "Gamma"))
    submitted_card(
        application,
        "Technical",
        {"Ownership": 1, "Systems design": 1},
        person=person("Sam", "Shadow"),
        role="shadow",
        evidence="Shadow's view",
    )
    return application


def url(application) -> str:
    return reverse("scoring:committee", args=[application.pk])


def decide_url(application) -> str:
    return reverse("scoring:decision_record", args=[application.pk])


def section(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_the_page_shows_the_disagreement_first_and_leaves_the_shadow_out(
    client, committee, application
):
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    first = section(html, 'id="look-first"', "</section>")
    assert "Ownership" in first and "Disagreement" in first
    assert "Systems design" not in first  # two stages, within one point: nothing to flag
    assert "1 shadow scorecard not counted" in html
    assert "Ready for decision" in html
    detail = section(html, 'id="who-said-what"', 'id="recommendations"')
    assert detail.index("Ownership") < detail.index("Systems design")
    assert "Owned the outage end to end" in detail and "Blamed another team" in detail
    assert "Sam Shadow" not in detail and "Shadow&#x27;s view" not in detail
    scorecards = section(html, 'id="scorecards"', "</section>")
    assert "Ada Alpha" in scorecards and "Sam Shadow" not in scorecards
    assert 'class="chart chart--competency-dots"' in html


def test_the_page_shows_the_tally_the_levels_and_links_every_scorecard(
    client, committee, application
):
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    tally = section(html, 'id="recommendations"', "</section>")
    assert '<span class="committee-tally-count">1</span> Strong yes' in tally
    assert '<span class="committee-tally-count">1</span> No' in tally
    cards = application.interviews.values_list("assignments__scorecard", flat=True)
    links = [reverse("scoring:scorecard", args=[pk]) for pk in cards]
    assert sum(link in html for link in links) == 3  # not the shadow's
    levels = section(html, 'id="levels-heading"', "</section>")
    assert "Junior" in levels and "Senior" in levels  # the loop's level and the one above
    assert "junior scope" in levels and "senior scope" in levels


def test_an_incomplete_application_is_marked_with_what_is_outstanding(client, committee, recruiter):
    application = make_application(loop=make_scoring_loop(by=recruiter), committee=[committee])
    submitted_card(application, "Technical", {"Ownership": 4})
    make_scorecard(make_user(groups=("interviewer",)), application=application)
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    assert "Incomplete: 1 scorecard outstanding" in html
    assert "Ready for decision" not in html


def test_an_application_without_scores_still_shows_its_page(client, committee, recruiter):
    application = make_application(loop=make_scoring_loop(by=recruiter), committee=[committee])
    client.force_login(committee)

    response = client.get(url(application))

    assert response.status_code == 200
    assert "Incomplete: no scorecard has been submitted yet" in response.content.decode()


def test_someone_still_owing_their_own_scorecard_gets_403_whatever_their_groups(
    client, application
):
    interviewing_recruiter = make_user(groups=("recruiter", "interviewer", "committee"))
    application.committee.add(interviewing_recruiter)
    make_scorecard(interviewing_recruiter, application=application)
    client.force_login(interviewing_recruiter)

    assert client.get(url(application)).status_code == 403
    assert client.post(decide_url(application), {}).status_code == 403


def test_a_committee_member_of_another_application_gets_404(client, other_committee, application):
    client.force_login(other_committee)

    assert client.get(url(application)).status_code == 404


def test_a_peer_reads_when_the_loop_allows_but_cannot_decide(client, recruiter):
    application = make_application(loop=make_scoring_loop(peers_may_read=True, by=recruiter))
    peer = person("Pia", "Peer")
    submitted_card(application, "Technical", {"Ownership": 4}, person=peer)
    client.force_login(peer)

    html = client.get(url(application)).content.decode()

    assert "Record the decision" not in html
    assert 'id="audit"' not in html  # the audit trail is the committee's and recruiters'
    data = {"outcome": "hire", "level": application.loop.level_id, "rationale": "Strong"}
    assert client.post(decide_url(application), data).status_code == 403
    assert not Decision.objects.exists()


def test_a_peer_gets_403_when_the_loop_keeps_scorecards_apart(client, recruiter):
    application = make_application(loop=make_scoring_loop(by=recruiter))
    peer = person("Pia", "Peer")
    submitted_card(application, "Technical", {"Ownership": 4}, person=peer)
    client.force_login(peer)

    assert client.get(url(application)).status_code == 403


def test_wrong_methods_are_refused(client, committee, application):
    client.force_login(committee)

    assert client.post(url(application)).status_code == 405
    assert client.get(decide_url(application)).status_code == 405


def test_a_hire_at_another_level_is_recorded_moves_the_status_and_is_audited(
    client, committee, application
):
    staff = Level.objects.get(ladder=application.loop.level.ladder, key="senior")
    client.force_login(committee)

    response = client.post(
        decide_url(application),
        {"outcome": "hire", "level": staff.pk, "rationale": "Owns outcomes; the split is Ben's"},
    )

    assert response.status_code == 302
    assert response["Location"] == url(application) + "#decisions"
    decision = Decision.objects.get()
    assert (decision.outcome, decision.level, decision.by) == ("hire", staff, committee)
    application.refresh_from_db()
    assert application.status == Application.Status.OFFER
    assert AuditEntry.objects.filter(
        verb="decision.recorded", scope=f"application:{application.pk}"
    )
    html = client.get(response["Location"]).content.decode()
    assert "Hire</strong> at Senior" in html
    assert "decision.recorded" in section(html, 'id="audit"', "</section>")


def test_the_decision_form_offers_the_ladders_levels_with_the_loops_chosen(
    client, committee, application
):
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    form = section(html, 'class="decision-form"', "</form>")
    assert f'<option value="{application.loop.level_id}" selected>' in form
    assert form.count("<option") == 3


def test_an_htmx_decision_redirects_the_whole_page(client, committee, application):
    client.force_login(committee)
    data = {"outcome": "hold", "level": application.loop.level_id, "rationale": "Need a reference"}

    response = client.post(decide_url(application), data, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == url(application)
    application.refresh_from_db()
    assert application.status == Application.Status.ACTIVE  # hold moves nothing


def test_bad_input_shows_errors_at_their_fields_and_saves_nothing(client, committee, application):
    client.force_login(committee)

    response = client.post(
        decide_url(application), {"outcome": "maybe", "level": "", "rationale": " "}
    )

    assert response.status_code == 422
    html = response.content.decode()
    for field in ("outcome", "level", "rationale"):
        assert f'id="id_{field}_error"' in html
    assert not Decision.objects.exists()


def test_a_level_of_another_ladder_is_refused_at_the_level(client, committee, application):
    foreign = make_scoring_loop().level
    client.force_login(committee)

    response = client.post(
        decide_url(application), {"outcome": "hire", "level": foreign.pk, "rationale": "Yes"}
    )

    assert response.status_code == 422
    assert 'id="id_level_error"' in response.content.decode()
    assert not Decision.objects.exists()


def test_htmx_bad_input_swaps_only_the_decision_region(client, committee, application):
    client.force_login(committee)

    response = client.post(
        decide_url(application), {"outcome": "hire"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith(
        '<section class="card committee-decision" id="committee-decision"'
    )
    assert "<html" not in html
    assert 'id="id_rationale_error"' in html


def test_a_closed_application_refuses_a_decision_at_the_outcome(
    client, committee, recruiter, application
):
    change_status(application, Application.Status.WITHDRAWN, by=recruiter)
    client.force_login(committee)
    data = {"outcome": "hire", "level": application.loop.level_id, "rationale": "Late"}

    response = client.post(decide_url(application), data)

    assert response.status_code == 422
    assert "The application is withdrawn" in response.content.decode()
    assert not Decision.objects.exists()


def test_past_decisions_are_listed_with_who_and_when_the_latest_standing(
    client, committee, recruiter, application
):
    from scoring.services import record_decision

    level = application.loop.level
    record_decision(application, outcome="hold", level=level, rationale="Wait", by=recruiter)
    record_decision(application, outcome="no_hire", level=level, rationale="No", by=committee)
    client.force_login(committee)

    html = section(client.get(url(application)).content.decode(), 'id="decisions"', "</ol>")

    assert html.index("No hire") < html.index("Hold")
    assert "Stands" in html.split("Hold")[0]
    assert "Rita Recruiter" in html and "Cora" in html


# --- gaps: independent opinions are different people ------------------------------------


def fresh_application(recruiter, committee, *, another_stage: bool = False):
    """An application on a scoring loop; `another_stage` as the loop's setting.

    A published loop is frozen: the setting goes on a new version, as a recruiter would.
    """
    from interviews.services import new_loop_version, publish_loop, update_loop

    loop = make_scoring_loop(by=recruiter)
    if another_stage:
        loop = new_loop_version(loop, by=recruiter)
        update_loop(loop, {"second_opinion_from_another_stage": True}, by=recruiter)
        publish_loop(loop, by=recruiter, confirmed=True)
    return make_application(loop=loop, committee=[committee], by=recruiter)


def test_one_person_on_two_stages_is_one_opinion_and_shows_a_gap(client, committee, recruiter):
    application = fresh_application(recruiter, committee)
    both = person("Noa", "Twice")
    submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=both)
    submitted_card(application, "Values", {"Systems design": 4}, person=both)
    # Oli could not assess Systems design: no opinion on it.
    other = person("Oli", "Other")
    submitted_card(application, "Technical", {"Ownership": 4, "Systems design": None}, person=other)
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    first = section(html, 'id="look-first"', "</section>")
    assert "Systems design" in first and "Ownership" not in first  # two people on Ownership
    assert ">Gap · 1 opinion</span>" in first
    assert "scores from only one interviewer, on 2 stages: no independent second opinion" in first
    assert "one person on two stages gives one" in first  # the legend says why
    detail = section(html, 'id="who-said-what"', 'id="recommendations"')
    assert "2 scores from 1 interviewer on 2 stages" in detail


def test_three_interviewers_on_one_stage_show_no_gap(client, committee, recruiter):
    application = fresh_application(recruiter, committee)
    for first_name in ("Ana", "Ben", "Cy"):
        submitted_card(
            application,
            "Technical",
            {"Ownership": 4, "Systems design": 3},
            person=person(first_name, "Panel"),
        )
    client.force_login(committee)

    html = client.get(url(application)).content.decode()

    first = section(html, 'id="look-first"', "</section>")
    assert "No disagreements and no gaps" in first and "Gap ·" not in first
    detail = section(html, 'id="who-said-what"', 'id="recommendations"')
    assert "3 scores from 3 interviewers on 1 stage" in detail


def test_a_loop_demanding_another_stage_shows_a_one_stage_panel_as_a_gap(
    client, committee, recruiter
):
    application = fresh_application(recruiter, committee, another_stage=True)
    for first_name in ("Ana", "Ben", "Cy"):
        submitted_card(
            application, "Technical", {"Ownership": 4}, person=person(first_name, "Panel")
        )
    client.force_login(committee)

    first = section(client.get(url(application)).content.decode(), 'id="look-first"', "</section>")

    assert ">Gap · 1 stage</span>" in first
    assert "3 interviewers, all on one stage: this loop asks for the second opinion" in first


def test_the_packet_counts_opinions_as_the_committee_page_does(committee, recruiter):
    from scoring.pdf import render_packet_html

    application = fresh_application(recruiter, committee)
    both = person("Noa", "Twice")
    submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=both)
    submitted_card(application, "Values", {"Systems design": 4}, person=both)
    for first_name in ("Ana", "Ben"):
        submitted_card(
            application,
            "Technical",
            {"Ownership": 4, "Systems design": None},
            person=person(first_name, "P"),
        )

    html = render_packet_html(application)

    attention = section(html, 'id="attention"', "</section>")
    assert "<strong>Systems design</strong>" in attention and "Ownership" not in attention
    assert "gap · 1 opinion" in attention
    assert "Scores 4 to 4 from 1 interviewer in 2 stages (2 scores)" in attention
    assert "one person on two stages gives one" in html
