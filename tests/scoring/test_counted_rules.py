"""One definition each: which scorecards count, whose own review is pending, who may review.

Every screen and export must agree, so each rule is checked where it is used: the
committee page, the packet's loader, reliability, calibration, the export, home pages
and the application page.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.scheduling import replace_assignment, set_interview_state
from scoring import committee as loaders
from scoring import pdf
from scoring.access import may_decide, may_review
from scoring.models import Rating, Scorecard
from tests.factories import make_application, make_scoring_loop, make_user

from .committee_setup import interview_at, submitted_card


def person(first: str):
    return make_user(groups=("interviewer",), first_name=first)


@pytest.fixture
def committee(db):
    """A committee member who also interviews (the persona where holes were)."""
    return make_user("committee-interviewer", groups=("committee", "interviewer"))


@pytest.fixture
def recruiter(db):
    """A recruiter who also interviews."""
    return make_user("recruiter-interviewer", groups=("recruiter", "interviewer"))


@pytest.fixture
def application(recruiter, committee):
    """Two submitted Technical scorecards and one on Values."""
    loop = make_scoring_loop(by=recruiter)
    application = make_application(loop=loop, committee=[committee], by=recruiter)
    for stage in ("Technical", "Values"):  # held two days ago
        interview_at(application, stage, starts_at=timezone.now() - timedelta(days=2))
    submitted_card(
        application, "Technical", {"Ownership": 5, "Systems design": 4}, person=person("Ada")
    )
    submitted_card(
        application, "Technical", {"Ownership": 3, "Systems design": 3}, person=person("Ben")
    )
    submitted_card(application, "Values", {"Systems design": 2}, person=person("Cy"))
    return application


def counted_everywhere(application, recruiter) -> dict[str, int]:
    """How many scorecards each consumer counts for the application."""
    key = application.loop.key
    return {
        "queryset": Scorecard.objects.counted()
        .filter(assignment__interview__application=application)
        .count(),
        "committee": loaders.committee_data(application).aggregate.submitted,
        "packet": pdf._counted_scorecards(application).count(),
        "reliability": len({r[2] for r in loaders.reliability_rows(key, recruiter)}),
        "export": len({row[3] for row in loaders.export_rows(key, recruiter)}),
        "calibration": len(
            {c.scorecard_id for c in loaders.calibration_rows(key, recruiter)[0] if c.submitted_at}
        ),
    }


@pytest.mark.parametrize("state", ["cancelled", "no_show"])
def test_a_cancelled_or_missed_interview_counts_nowhere(application, recruiter, state):
    assert set(counted_everywhere(application, recruiter).values()) == {3}
    set_interview_state(interview_at(application, "Values"), state, by=recruiter)
    counts = counted_everywhere(application, recruiter)
    assert set(counts.values()) == {2}, counts
    assert (
        not Rating.objects.counted()
        .filter(scorecard__assignment__interview__stage__name="Values")
        .exists()
    )


def test_a_held_interview_still_counts(application, recruiter):
    set_interview_state(interview_at(application, "Values"), "held", by=recruiter)
    assert set(counted_everywhere(application, recruiter).values()) == {3}


@pytest.fixture
def replaced_member(application, recruiter, committee):
    """The committee member interviewed, started their scorecard, then was replaced."""
    seat = submitted_card(
        application, "Values", {"Systems design": 3}, person=committee, submit=False
    ).assignment
    replace_assignment(seat, person("Dee"), by=recruiter)
    return committee


def test_a_replaced_seat_with_a_started_scorecard_is_still_pending(
    application, replaced_member, client
):
    assert not may_review(replaced_member, application)
    assert not may_decide(replaced_member, application)
    client.force_login(replaced_member)
    assert client.get(reverse("scoring:committee", args=[application.pk])).status_code == 403
    assert client.get(reverse("scoring:packets", args=[application.pk])).status_code == 404
    colleague = (
        Scorecard.objects.counted().filter(assignment__interview__application=application).first()
    )
    assert client.get(reverse("scoring:scorecard", args=[colleague.pk])).status_code == 404


def test_once_the_replaced_member_submits_they_review_again(application, replaced_member, client):
    from scoring import services

    own = Scorecard.objects.get(assignment__person=replaced_member)
    services.submit_scorecard(own, by=replaced_member)
    application.refresh_from_db()
    assert may_review(replaced_member, application)
    client.force_login(replaced_member)
    assert client.get(reverse("scoring:committee", args=[application.pk])).status_code == 200


def test_a_draft_on_a_cancelled_interview_holds_nobody_back(application, recruiter, committee):
    card = submitted_card(
        application, "Values", {"Systems design": 3}, person=committee, submit=False
    )
    assert not may_review(committee, application)
    set_interview_state(card.assignment.interview, "cancelled", by=recruiter)
    application = type(application).objects.get(pk=application.pk)
    assert may_review(committee, application)


def test_home_tells_a_pending_committee_member_to_submit_first(application, committee, client):
    submitted_card(application, "Values", {"Systems design": 3}, person=committee, submit=False)
    client.force_login(committee)
    page = client.get("/").content.decode()
    assert "submit your own scorecard first" in page
    assert reverse("scoring:committee", args=[application.pk]) not in page


def test_the_application_page_links_peers_to_the_committee_view_when_the_loop_allows(
    recruiter, client
):
    loop = make_scoring_loop(peers_may_read=True, by=recruiter)
    application = make_application(loop=loop, by=recruiter)
    peer = person("Eve")
    submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=peer)
    client.force_login(peer)
    page = client.get(reverse("candidates:application_detail", args=[application.pk]))
    html = page.content.decode()
    assert reverse("scoring:committee", args=[application.pk]) in html
    # Peers read; they do not decide, so no packet link.
    assert reverse("scoring:packets", args=[application.pk]) not in html


def test_the_application_page_hides_links_from_a_recruiter_who_owes_a_scorecard(
    application, recruiter, client
):
    submitted_card(application, "Values", {"Systems design": 3}, person=recruiter, submit=False)
    client.force_login(recruiter)
    html = client.get(reverse("candidates:application_detail", args=[application.pk])).content
    assert reverse("scoring:committee", args=[application.pk]).encode() not in html
    assert b"opens once your own scorecard" in html


def test_a_screen_answers_htmx_with_its_region_and_a_history_restore_with_the_page(
    application, recruiter, client
):
    client.force_login(recruiter)
    url = reverse("scoring:committee", args=[application.pk])
    region = client.get(url, headers={"HX-Request": "true"})
    restore = client.get(url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    full = client.get(url)
    assert "HX-Request" in region["Vary"] and "HX-Request" in full["Vary"]
    assert b"<html" not in region.content
    assert b"<html" in restore.content and b"<html" in full.content


def test_counted_ratings_are_those_of_submitted_interviewer_seats(application, recruiter):
    submitted_card(
        application, "Values", {"Systems design": 1}, person=person("Sam"), role="shadow"
    )
    ratings = Rating.objects.counted().filter(
        scorecard__assignment__interview__application=application
    )
    # Two competencies on each Technical scorecard, one on Values; the shadow's is out.
    assert ratings.count() == 5


def test_a_replaced_author_finds_their_started_scorecard_on_home(
    application, replaced_member, client
):
    own = Scorecard.objects.get(assignment__person=replaced_member)
    client.force_login(replaced_member)
    assert reverse("scoring:scorecard", args=[own.pk]) in client.get("/").content.decode()


def test_no_export_or_erase_link_for_a_recruiter_who_owes_a_scorecard(
    application, recruiter, client
):
    submitted_card(application, "Values", {"Systems design": 3}, person=recruiter, submit=False)
    client.force_login(recruiter)
    candidate = application.candidate
    html = client.get(reverse("candidates:candidate_detail", args=[candidate.pk])).content
    assert reverse("candidates:candidate_export", args=[candidate.pk]).encode() not in html
    assert reverse("candidates:candidate_erase", args=[candidate.pk]).encode() not in html
    assert b"open once your own scorecard" in html
