"""Interviewers prepare from the kit of the stage they sit on (issue 13), and only that one.

A seat opens the stage's kit while it is active on a scheduled or held interview
(candidates.models.observed_seat), shadows included: a shadow sits in the same
interview. Other stages' kits, other loops' and the whole loop's kit stay refused.
"""

import pytest
from django.urls import reverse

from candidates.models import Interview
from candidates.scheduling import replace_assignment, set_interview_state
from tests.factories import make_application, make_scorecard, make_scoring_loop, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def seated(interviewer, recruiter):
    """`interviewer` on the first stage (Technical) of an application; a second loop beside."""
    loop = make_scoring_loop(by=recruiter)
    card = make_scorecard(interviewer, loop=loop, by=recruiter)
    first, second = loop.stages.order_by("order")
    other_loop = make_scoring_loop(by=recruiter)
    return {
        "loop": loop,
        "card": card,
        "first": first,
        "second": second,
        "other": other_loop.stages.order_by("order").first(),
    }


def kit(client, stage) -> int:
    return client.get(reverse("interviews:stage_kit", args=[stage.pk]))


def test_an_interviewer_opens_the_kit_of_the_stage_they_sit_on(client, interviewer, seated):
    client.force_login(interviewer)

    response = kit(client, seated["first"])

    page = response.content.decode()
    assert response.status_code == 200
    assert "Outage you owned" in page  # the stage's questions
    assert "Hard call" not in page  # not the other stage's
    # No links to what they cannot open: the builder and the whole loop's kit.
    assert reverse("interviews:loop_builder", args=[seated["loop"].pk]) not in page
    assert reverse("interviews:loop_kit", args=[seated["loop"].pk]) not in page


def test_other_stages_other_loops_and_the_whole_loop_kit_are_refused(client, interviewer, seated):
    client.force_login(interviewer)

    assert kit(client, seated["second"]).status_code == 403
    assert kit(client, seated["other"]).status_code == 403
    loop_kit = reverse("interviews:loop_kit", args=[seated["loop"].pk])
    assert client.get(loop_kit).status_code == 403


def test_a_shadow_prepares_from_the_same_kit(client, recruiter, seated):
    shadow = make_user("shadow-sam", groups=("interviewer",))
    application = seated["card"].assignment.interview.application
    make_scorecard(
        shadow, loop=seated["loop"], application=application, role="shadow", by=recruiter
    )
    client.force_login(shadow)

    assert kit(client, seated["first"]).status_code == 200
    assert kit(client, seated["second"]).status_code == 403


def test_a_replaced_seat_or_a_cancelled_interview_no_longer_opens_it(
    client, interviewer, other_interviewer, recruiter, seated
):
    client.force_login(interviewer)
    assert kit(client, seated["first"]).status_code == 200

    assignment = seated["card"].assignment
    set_interview_state(assignment.interview, Interview.State.CANCELLED, by=recruiter)
    assert kit(client, seated["first"]).status_code == 403

    set_interview_state(assignment.interview, Interview.State.SCHEDULED, by=recruiter)
    replace_assignment(assignment, other_interviewer, by=recruiter)
    assert kit(client, seated["first"]).status_code == 403
    client.force_login(other_interviewer)
    assert kit(client, seated["first"]).status_code == 200


def test_an_interviewer_on_another_application_of_the_loop_opens_it_too(
    client, interviewer, other_interviewer, recruiter, seated
):
    """The kit is the stage's plan, not the candidate's: no candidate data on it."""
    make_scorecard(
        other_interviewer,
        loop=seated["loop"],
        application=make_application(loop=seated["loop"], by=recruiter),
        by=recruiter,
    )
    client.force_login(other_interviewer)

    response = kit(client, seated["first"])
    assert response.status_code == 200
    candidate = seated["card"].assignment.interview.application.candidate
    assert candidate.name not in response.content.decode()


@pytest.mark.parametrize("extra_seats", [0, 4])
def test_an_interviewers_kit_loads_in_a_fixed_number_of_queries(
    client, interviewer, recruiter, seated, django_assert_num_queries, extra_seats
):
    for _ in range(extra_seats):
        make_scorecard(
            interviewer,
            loop=seated["loop"],
            application=make_application(loop=seated["loop"], by=recruiter),
            by=recruiter,
        )
    client.force_login(interviewer)
    with django_assert_num_queries(KIT_QUERIES):
        assert kit(client, seated["first"]).status_code == 200


# Session, user, groups, the stage, the seat check, then the kit (tests/interviews/test_kit.py).
KIT_QUERIES = 14


def test_the_scorecard_and_home_link_to_the_kit(client, interviewer, seated):
    client.force_login(interviewer)
    kit_url = reverse("interviews:stage_kit", args=[seated["first"].pk])

    scorecard = client.get(reverse("scoring:scorecard", args=[seated["card"].pk]))
    home = client.get(reverse("home"))

    assert f'href="{kit_url}"' in scorecard.content.decode()
    assert f'href="{kit_url}"' in home.content.decode()
