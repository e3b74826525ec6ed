"""GET /api/v1/scorecards/: submitted scorecards only, by the pages' independence rules."""

import pytest
from django.urls import reverse

from scoring.access import may_read
from scoring.models import Scorecard
from tests.access.test_url_personas import build_world
from tests.conftest import PERSONAS
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_interview,
    make_scoring_loop,
    make_user,
    submit_filled_scorecard,
)

pytestmark = pytest.mark.django_db

LIST = reverse("api-v1:scorecard_list")


def detail(card) -> str:
    return reverse("api-v1:scorecard_detail", kwargs={"id": card.pk})


def panel(*, peers_may_read=True, committee=()):
    """An application with two interviewers on its scored stage: (application, ann, ben)."""
    loop = make_scoring_loop(peers_may_read=peers_may_read)
    application = make_application(loop=loop, committee=committee)
    interview = make_interview(application, loop.stages.order_by("order").first())
    ann = make_user(groups=("interviewer",), first_name="Ann")
    ben = make_user(groups=("interviewer",), first_name="Ben")
    return application, assign(interview, ann).scorecard, assign(interview, ben).scorecard


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_a_colleagues_scorecard_is_refused_until_ones_own_is_submitted(api_as):
    """Independence through the API: Ben's submitted card is hidden from Ann until hers is in."""
    _, ann_card, ben_card = panel(peers_may_read=True)
    submit_filled_scorecard(ben_card, evidence="BEN-EVIDENCE on {competency}")
    fill_scorecard(ann_card)  # Ann has started, not submitted
    ann = api_as(ann_card.assignment.person, ["scorecards:read"])

    assert ids(ann.get(LIST)) == []  # her own draft is not served either
    refused = ann.get(detail(ben_card))
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"
    assert "BEN-EVIDENCE" not in refused.text

    submit_filled_scorecard(ann_card)
    assert sorted(ids(ann.get(LIST))) == sorted([ann_card.pk, ben_card.pk])
    body = ann.get(detail(ben_card)).json()
    assert body["person_name"] == "Ben" and body["recommendation"] == "yes"
    assert [r["evidence"] for r in body["ratings"]] == [
        "BEN-EVIDENCE on Ownership",
        "BEN-EVIDENCE on Systems design",
    ]


def test_without_peer_reading_a_submitted_interviewer_reads_only_their_own(api_as):
    _, ann_card, ben_card = panel(peers_may_read=False)
    submit_filled_scorecard(ann_card)
    submit_filled_scorecard(ben_card)
    ann = api_as(ann_card.assignment.person)
    assert ids(ann.get(LIST)) == [ann_card.pk]
    assert ann.get(detail(ben_card)).status_code == 404


def test_a_committee_member_who_interviews_sees_nothing_while_their_own_is_pending(api_as):
    member = make_user("cyd", groups=("committee", "interviewer"))
    application, ann_card, _ = panel(peers_may_read=False, committee=[member])
    submit_filled_scorecard(ann_card)
    interview = application.interviews.get()
    own = assign(interview, member).scorecard
    as_member = api_as(member)
    assert ids(as_member.get(LIST)) == []
    assert as_member.get(detail(ann_card)).status_code == 404
    submit_filled_scorecard(own)
    assert sorted(ids(as_member.get(LIST))) == sorted([ann_card.pk, own.pk])


def test_the_list_serves_exactly_what_the_pages_let_each_persona_read(
    catalogue, request, persona_user, api_as
):
    """Every persona of the access registry's world: listed ⇔ submitted and `may_read`."""
    world = build_world(catalogue, request)
    colleague = assign(world.interview, make_user(groups=("interviewer",))).scorecard
    submit_filled_scorecard(colleague)
    submitted = list(Scorecard.objects.submitted().select_related("assignment__interview"))
    assert len(submitted) >= 2
    for persona in PERSONAS:
        user = persona_user(persona)
        if user is None:
            assert api_as(None).get(LIST).status_code == 401
            continue
        expected = sorted(card.pk for card in submitted if may_read(user, card))
        assert sorted(ids(api_as(user).get(LIST))) == expected, persona


def test_drafts_are_never_served_not_even_to_their_author(api_as):
    _, ann_card, _ = panel()
    fill_scorecard(ann_card)
    ann = api_as(ann_card.assignment.person)
    assert ann.get(detail(ann_card)).status_code == 404


def test_a_shadows_scorecard_is_served_but_not_counted(api_as, recruiter):
    application, ann_card, _ = panel()
    shadow = make_user("sid", groups=("interviewer",))
    shadow_card = assign(application.interviews.get(), shadow, "shadow").scorecard
    submit_filled_scorecard(ann_card)
    submit_filled_scorecard(shadow_card)
    items = api_as(recruiter).get(LIST, {"application": application.pk}).json()["items"]
    assert {item["id"]: (item["role"], item["counted"]) for item in items} == {
        ann_card.pk: ("interviewer", True),
        shadow_card.pk: ("shadow", False),
    }


def test_filters_by_application_and_update_time(api_as, recruiter):
    first, ann_card, _ = panel()
    _, other_card, _ = panel()
    submit_filled_scorecard(ann_card)
    submit_filled_scorecard(other_card)
    client = api_as(recruiter)
    assert ids(client.get(LIST, {"application": first.pk})) == [ann_card.pk]
    other_card.refresh_from_db()
    since = other_card.updated_at.isoformat()
    assert ids(client.get(LIST, {"updated_since": since})) == [other_card.pk]


def test_a_token_without_the_scope_is_refused(api_as, recruiter):
    response = api_as(recruiter, ["candidates:read"]).get(LIST)
    assert response.status_code == 403
    assert "scorecards:read" in response.json()["detail"]


@pytest.mark.parametrize("cards", [1, 4])
def test_the_list_takes_the_same_queries_however_many_scorecards(
    api_as, recruiter, django_assert_num_queries, cards
):
    client = api_as(recruiter)
    for _ in range(cards):
        _, card, _ = panel()
        submit_filled_scorecard(card)
    client.get(LIST)  # the token's first use writes its last_used_at once
    # Token, groups, count, page, ratings, notes, the request log: the same at both sizes.
    with django_assert_num_queries(7):
        assert len(ids(client.get(LIST))) == cards
