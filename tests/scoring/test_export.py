"""The subject-access export carries what submitted scorecards hold about the candidate.

Drafts are withheld until submitted (README: "Erasure and subject access");
tests/candidates/test_privacy.py covers that and the decisions.
"""

import json

import pytest
from django.urls import reverse

from scoring import services
from tests.factories import (
    fill_scorecard,
    make_application,
    make_scorecard,
    make_scoring_loop,
    make_user,
)


def write(card, text: str) -> None:
    note = card.notes.get(planned__question__title="Outage you owned")
    services.save_note(note, text=text, state="asked", ticks=[1], base_revision=note.revision)
    rating = card.ratings.first()
    services.save_rating(
        rating,
        score=4,
        evidence=f"Evidence: {text}",
        not_assessed=False,
        reason="",
        base_revision=rating.revision,
        scale_id=card.assignment.interview.application.loop.scale_id,
    )


def export(client, recruiter, candidate) -> dict:
    client.force_login(recruiter)
    response = client.get(reverse("candidates:candidate_export", args=[candidate.pk]))
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_export_holds_notes_ticks_and_evidence(client, interviewer, recruiter):
    card = fill_scorecard(make_scorecard(interviewer, by=recruiter))
    write(card, "Kept a calm timeline")
    services.submit_scorecard(card, by=interviewer)
    candidate = card.assignment.interview.application.candidate

    data = export(client, recruiter, candidate)

    (assignment,) = data["applications"][0]["interviews"][0]["assignments"]
    questions = {q["question"]: q for q in assignment["scorecard"]["questions"]}
    assert questions["Outage you owned"]["notes"] == "Kept a calm timeline"
    assert questions["Outage you owned"]["checklist_covered"] == ["Root cause"]
    assert assignment["scorecard"]["ratings"][0]["evidence"] == "Evidence: Kept a calm timeline"


@pytest.mark.parametrize("panel", [1, 4])
def test_export_queries_do_not_grow_with_scorecards(
    client, recruiter, django_assert_num_queries, panel
):
    loop = make_scoring_loop(by=recruiter)
    application = make_application(loop=loop, by=recruiter)
    for n in range(panel):
        write(
            make_scorecard(
                make_user(groups=("interviewer",)), application=application, by=recruiter
            ),
            f"note {n}",
        )
    client.force_login(recruiter)
    url = reverse("candidates:candidate_export", args=[application.candidate.pk])
    client.get(url)  # warm the session

    # 27: the export also carries performance reviews (outcomes), one prefetch.
    with django_assert_num_queries(27):
        assert client.get(url).status_code == 200
