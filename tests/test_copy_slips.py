"""Copy a reader trips over (issue 13): a scale's name said twice, a packet sentence run on.

The chart legend's clashing initials are tested with the chart (tests/scoring/test_charts.py).
"""

import pytest
from django.urls import reverse

from rubrics.models import RatingScale
from scoring import pdf
from tests.factories import make_application, make_candidate, make_scoring_loop, make_user
from tests.scoring.committee_setup import submitted_card


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Five-point anchored scale", "Five-point anchored scale"),
        ("Management Scale", "Management Scale"),
        ("DevOps individual contributor", "DevOps individual contributor scale"),
        ("Escalate", "Escalate scale"),
    ],
)
def test_a_scale_is_called_by_its_name_with_scale_said_once(name, called):
    assert RatingScale(name=name).called == called


@pytest.fixture
def anchored_loop(recruiter):
    return make_scoring_loop(scale_name="Five-point anchored scale", by=recruiter)


@pytest.mark.django_db
def test_the_scorecard_and_the_kit_say_the_scale_name_once(client, recruiter, anchored_loop):
    person = make_user(groups=("interviewer",))
    application = make_application(make_candidate(), anchored_loop, by=recruiter)
    card = submitted_card(application, "Technical", {}, person=person, submit=False)

    client.force_login(person)
    scorecard = client.get(reverse("scoring:scorecard", args=[card.pk])).content.decode()
    client.force_login(recruiter)
    kit = client.get(reverse("interviews:loop_kit", args=[anchored_loop.pk])).content.decode()

    assert "on the Five-point anchored scale." in scorecard
    assert "Five-point anchored scale</strong>." in kit
    for page in (scorecard, kit):
        assert "scale scale" not in page


@pytest.mark.django_db
def test_the_packet_says_plainly_when_nobody_scored_a_competency(recruiter, anchored_loop):
    application = make_application(make_candidate(), anchored_loop, by=recruiter)
    for _ in range(2):
        submitted_card(application, "Technical", {"Ownership": None, "Systems design": 4})
    submitted_card(application, "Values", {"Systems design": 2})

    text = " ".join(pdf.render_packet_html(application).split())

    assert "Nobody scored it: 2 marked it not assessed." in text
    assert "Nobody scored it 2" not in text


@pytest.mark.django_db
def test_the_packet_counts_who_could_not_assess_after_the_scores(recruiter, anchored_loop):
    application = make_application(make_candidate(), anchored_loop, by=recruiter)
    submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4})
    submitted_card(application, "Technical", {"Ownership": None, "Systems design": 4})

    text = " ".join(pdf.render_packet_html(application).split())

    assert "Scores 4 to 4 from 1 interviewer in 1 stage" in text
    assert "meets it. 1 marked it not assessed." in text
