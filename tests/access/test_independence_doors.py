"""Doors the leak check's markers cannot see: what a filter finds, what a replaced seat keeps."""

from django.urls import reverse

from candidates.scheduling import replace_assignment
from scoring.services import record_decision
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_candidate,
    make_interview,
    make_scoring_loop,
    make_user,
    submit_filled_scorecard,
)


def rejected_application(recruiter, pending_person, *, replaced: bool = False):
    """A colleague's scorecard in, No hire recorded (status: rejected); `pending_person`'s
    own scorecard still a draft (started, and their seat replaced, if `replaced`)."""
    loop = make_scoring_loop()
    candidate = make_candidate("Pat Pending", recruiter_notes="Notes about Pat")
    application = make_application(candidate, loop)
    interview = make_interview(application, loop.stages.order_by("order").first())
    submit_filled_scorecard(assign(interview, make_user(groups=("interviewer",))).scorecard)
    card = assign(interview, pending_person).scorecard
    if replaced:
        fill_scorecard(card)
        replace_assignment(card.assignment, make_user(groups=("interviewer",)), by=recruiter)
    record_decision(
        application, outcome="no_hire", level=loop.level, rationale="Not yet", by=recruiter
    )
    return application


def test_pipeline_status_filter_finds_no_application_whose_own_scorecard_is_pending(
    client, recruiter, recruiter_interviewer
):
    application = rejected_application(recruiter, recruiter_interviewer)
    url = reverse("scoring:pipeline", kwargs={"pk": application.loop.pk})

    def listed(user, **query) -> list:
        client.force_login(user)
        return [row.application for row in client.get(url, query).context["page"].object_list]

    # Whatever status is asked for, the pending application answers none of them.
    for status in ("active", "rejected", "offer"):
        assert application not in listed(recruiter_interviewer, status=status)
    rows = client.get(url).context["page"].object_list
    assert [row.status_hidden for row in rows] == [True]
    assert "Rejected" not in client.get(url).text.split("<tbody>")[1]
    # Another recruiter finds it where it is.
    assert listed(recruiter, status="rejected") == [application]


def test_a_replaced_recruiter_still_owing_their_started_scorecard_reads_no_notes_or_status(
    client, recruiter, recruiter_interviewer
):
    application = rejected_application(recruiter, recruiter_interviewer, replaced=True)
    client.force_login(recruiter_interviewer)
    page = client.get(reverse("candidates:candidate_detail", args=[application.candidate_id]))
    assert page.status_code == 200
    assert "Notes about Pat" not in page.text and "status-rejected" not in page.text
    client.force_login(recruiter)
    page = client.get(reverse("candidates:candidate_detail", args=[application.candidate_id]))
    assert "Notes about Pat" in page.text and "status-rejected" in page.text
