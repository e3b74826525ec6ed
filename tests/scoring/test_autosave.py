"""Autosave endpoints: one part saved per request, stale saves refused, a fixed query count."""

import re

import pytest
from django.db import connection
from django.urls import reverse

from scoring import services
from scoring.models import QuestionNote, Rating, Scorecard
from tests.factories import make_application, make_scorecard, make_scoring_loop, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
# Writing a part: one statement on PostgreSQL; elsewhere two UPDATEs in a transaction,
# which inside a test's own transaction is a savepoint and its release besides.
WRITE = 1 if connection.vendor == "postgresql" else 4


@pytest.fixture
def card(interviewer, recruiter):
    return make_scorecard(interviewer, by=recruiter)


def first_note(card) -> QuestionNote:
    return card.notes.select_related("planned__question").get(
        planned__question__title="Outage you owned"
    )


def note_url(note) -> str:
    return reverse("scoring:note_save", kwargs={"scorecard": note.scorecard_id, "pk": note.pk})


def rating_url(rating) -> str:
    return reverse(
        "scoring:rating_save", kwargs={"scorecard": rating.scorecard_id, "pk": rating.pk}
    )


def overall_url(card) -> str:
    return reverse("scoring:overall_save", kwargs={"pk": card.pk})


def next_revision(response) -> int:
    return int(re.search(r'name="revision" value="(\d+)"', response.text).group(1))


def test_a_note_saves_and_answers_its_status_with_the_next_revision(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)

    response = client.post(
        note_url(note),
        {"text": "Led the incident", "state": "asked", "ticks": ["0", "2"], "revision": "0"},
        **HTMX,
    )

    assert response.status_code == 200
    assert f'id="note-{note.pk}-status"' in response.text
    assert "Saved" in response.text
    assert next_revision(response) == 1
    note.refresh_from_db()
    assert (note.text, note.state, note.ticks) == ("Led the incident", "asked", [0, 2])


def test_without_htmx_the_same_status_element_answers(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)

    response = client.post(note_url(note), {"text": "plain post", "revision": "0"})

    assert response.status_code == 200
    assert next_revision(response) == 1


def test_a_stale_save_is_refused_and_shows_the_other_version(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "From the laptop", "revision": "0"}, **HTMX)

    response = client.post(note_url(note), {"text": "From the tablet", "revision": "0"}, **HTMX)

    assert response.status_code == 409
    assert "From the laptop" in response.text
    assert next_revision(response) == 0  # typing on cannot overwrite until a choice is made
    assert 'data-their-revision="1"' in response.text
    assert QuestionNote.objects.get(pk=note.pk).text == "From the laptop"


def test_the_other_version_renders_script_as_text(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    payload = "<script>alert('x')</script>"
    client.post(note_url(note), {"text": payload, "revision": "0"}, **HTMX)

    response = client.post(note_url(note), {"text": "mine", "revision": "0"}, **HTMX)

    assert payload not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_tick_outside_the_checklist_is_refused_with_a_message(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)

    response = client.post(note_url(note), {"text": "x", "ticks": ["7"], "revision": "0"}, **HTMX)

    assert response.status_code == 422
    assert "Not saved" in response.text
    assert QuestionNote.objects.get(pk=note.pk).revision == 0


def test_an_out_of_scale_score_is_refused_and_nothing_saved(client, card, interviewer):
    client.force_login(interviewer)
    rating = card.ratings.first()

    response = client.post(
        rating_url(rating), {"score": "6", "evidence": "strong", "revision": "0"}, **HTMX
    )

    assert response.status_code == 422
    assert "is not on the scale: choose 1 to 5" in response.text
    rating.refresh_from_db()
    assert (rating.score, rating.evidence, rating.revision) == (None, "", 0)


def test_a_rating_saves_score_and_evidence(client, card, interviewer):
    client.force_login(interviewer)
    rating = card.ratings.first()

    response = client.post(
        rating_url(rating), {"score": "4", "evidence": "Rolled back fast", "revision": "0"}
    )

    assert response.status_code == 200
    rating.refresh_from_db()
    assert (rating.score, rating.evidence, rating.revision) == (4, "Rolled back fast", 1)


def test_the_overall_part_saves_recommendation_and_summary(client, card, interviewer):
    client.force_login(interviewer)

    response = client.post(
        overall_url(card), {"recommendation": "yes", "summary": "Calm", "revision": "0"}, **HTMX
    )

    assert response.status_code == 200
    card.refresh_from_db()
    assert (card.recommendation, card.summary, card.overall_revision) == ("yes", "Calm", 1)


def test_an_unknown_recommendation_is_refused(client, card, interviewer):
    client.force_login(interviewer)

    response = client.post(
        overall_url(card), {"recommendation": "maybe", "summary": "x", "revision": "0"}, **HTMX
    )

    assert response.status_code == 422
    assert Scorecard.objects.get(pk=card.pk).summary == ""


@pytest.mark.parametrize("url", [note_url, rating_url])
def test_get_is_not_allowed(client, card, interviewer, url):
    client.force_login(interviewer)
    part = first_note(card) if url is note_url else card.ratings.first()

    assert client.get(url(part)).status_code == 405


def test_a_colleague_cannot_learn_a_draft_exists(client, card, other_interviewer, recruiter):
    note = first_note(card)
    for person in (other_interviewer, recruiter):
        client.force_login(person)
        response = client.post(note_url(note), {"text": "hijack", "revision": "0"}, **HTMX)
        assert response.status_code == 404
    assert QuestionNote.objects.get(pk=note.pk).text == ""


def test_a_note_id_from_another_scorecard_is_not_found(client, card, interviewer, recruiter):
    other = make_scorecard(make_user(groups=("interviewer",)), by=recruiter)
    client.force_login(interviewer)
    foreign = first_note(other)

    url = reverse("scoring:note_save", kwargs={"scorecard": card.pk, "pk": foreign.pk})
    response = client.post(url, {"text": "x", "revision": "0"})

    assert response.status_code == 404


def test_a_submitted_scorecard_answers_locked(client, card, interviewer):
    client.force_login(interviewer)
    scale_id = card.assignment.interview.application.loop.scale_id
    for rating in card.ratings.all():
        services.save_rating(
            rating,
            score=3,
            evidence="e",
            not_assessed=False,
            reason="",
            base_revision=0,
            scale_id=scale_id,
        )
    note = first_note(card)
    services.save_note(note, text="t", state="asked", ticks=[], base_revision=0)
    services.save_overall(card, recommendation="yes", summary="s", base_revision=0)
    services.submit_scorecard(card, by=interviewer)

    response = client.post(note_url(note), {"text": "after", "revision": "1"}, **HTMX)

    assert response.status_code == 409
    assert "has been submitted" in response.text
    assert QuestionNote.objects.get(pk=note.pk).text == "t"


def test_a_recruiter_reading_a_submitted_scorecard_may_not_write_it(
    client, card, interviewer, recruiter
):
    card.status, card.submitted_at = Scorecard.Status.SUBMITTED, card.created_at
    card.save()
    client.force_login(recruiter)

    response = client.post(rating_url(card.ratings.first()), {"score": "1", "revision": "0"})

    assert response.status_code == 403
    assert Rating.objects.get(pk=card.ratings.first().pk).score is None


def autosave_queries(client, interviewer, note, django_assert_num_queries, count: int):
    with django_assert_num_queries(count):
        response = client.post(note_url(note), {"text": "q", "revision": str(note.revision)})
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 3])
def test_an_autosave_costs_the_same_few_queries_however_much_exists(
    client, interviewer, recruiter, django_assert_num_queries, extra
):
    """Session, user, the note with its scorecard, then the write (WRITE statements)."""
    loop = make_scoring_loop(by=recruiter)
    for _ in range(extra):  # more applications, scorecards and notes around it
        make_scorecard(make_user(groups=("interviewer",)), loop=loop, by=recruiter)
    card = make_scorecard(interviewer, application=make_application(loop=loop), by=recruiter)
    client.force_login(interviewer)

    autosave_queries(client, interviewer, first_note(card), django_assert_num_queries, 3 + WRITE)


def test_a_second_save_of_a_part_skips_the_read(
    client, card, interviewer, django_assert_num_queries
):
    """The first save checks ownership; later ones are only the write after session and user."""
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "first", "revision": "0"})

    with django_assert_num_queries(2 + WRITE):
        response = client.post(note_url(note), {"text": "second", "revision": "1"})

    assert response.status_code == 200
    assert next_revision(response) == 2
    assert QuestionNote.objects.get(pk=note.pk).text == "second"


def test_the_fast_path_still_refuses_a_stale_revision(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "laptop", "revision": "0"})

    response = client.post(note_url(note), {"text": "tablet", "revision": "0"})

    assert response.status_code == 409
    assert "laptop" in response.text
    assert QuestionNote.objects.get(pk=note.pk).text == "laptop"


def test_the_fast_path_never_serves_another_person(client, card, interviewer, other_interviewer):
    note = first_note(card)
    client.force_login(interviewer)
    client.post(note_url(note), {"text": "mine", "revision": "0"})
    client.force_login(other_interviewer)

    response = client.post(note_url(note), {"text": "theirs", "revision": "1"})

    assert response.status_code == 404
    assert QuestionNote.objects.get(pk=note.pk).text == "mine"


def test_a_second_rating_save_checks_the_scale_too(client, card, interviewer):
    client.force_login(interviewer)
    rating = card.ratings.first()
    client.post(rating_url(rating), {"score": "3", "revision": "0"})

    response = client.post(rating_url(rating), {"score": "8", "revision": "1"})

    assert response.status_code == 422
    assert Rating.objects.get(pk=rating.pk).score == 3


def test_a_save_after_submission_is_locked_on_the_fast_path_too(client, card, interviewer):
    client.force_login(interviewer)
    client.post(overall_url(card), {"recommendation": "yes", "summary": "s", "revision": "0"})
    Scorecard.objects.filter(pk=card.pk).update(status="submitted", submitted_at=card.created_at)

    response = client.post(
        overall_url(card), {"recommendation": "no", "summary": "s", "revision": "1"}
    )

    assert response.status_code == 409
    assert "has been submitted" in response.text
    assert Scorecard.objects.get(pk=card.pk).recommendation == "yes"
