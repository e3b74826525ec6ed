"""The live clock's time per question, kept on its note through autosave (issue 13).

A typed save carries the seconds with it, under its revision as before; the clock's
own save (`clock_only`) keeps only the seconds, checks and bumps no revision (so the
clock never makes another device's save a conflict), costs one UPDATE on the fast path,
and is refused once the scorecard is submitted.
"""

import pytest

from scoring.models import QuestionNote, Scorecard
from tests.scoring.test_autosave import HTMX, WRITE, first_note, next_revision, note_url


@pytest.fixture
def card(interviewer, recruiter):
    from tests.factories import make_scorecard

    return make_scorecard(interviewer, by=recruiter)


def stored(note) -> QuestionNote:
    return QuestionNote.objects.get(pk=note.pk)


def test_a_typed_save_keeps_the_seconds_with_the_words(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)

    response = client.post(note_url(note), {"text": "Led it", "seconds": "95", "revision": "0"})

    assert response.status_code == 200
    assert next_revision(response) == 1
    assert (stored(note).text, stored(note).seconds_spent) == ("Led it", 95)
    # On the fast path too (the part is known now).
    client.post(note_url(note), {"text": "Led it well", "seconds": "140", "revision": "1"})
    assert (stored(note).text, stored(note).seconds_spent) == ("Led it well", 140)


def test_a_save_without_seconds_leaves_them_alone(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "a", "seconds": "60", "revision": "0"})

    client.post(note_url(note), {"text": "b", "revision": "1"})  # e.g. posted without JS

    assert (stored(note).text, stored(note).seconds_spent) == ("b", 60)


def test_the_clocks_own_save_keeps_only_the_seconds_and_no_revision(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "Typed", "revision": "0"})

    response = client.post(
        note_url(note),
        {"text": "not this", "seconds": "42", "clock_only": "1", "revision": "1"},
        **HTMX,
    )

    assert response.status_code == 200
    assert next_revision(response) == 1  # unchanged: the next typed save builds on it
    note_now = stored(note)
    assert (note_now.text, note_now.revision, note_now.seconds_spent) == ("Typed", 1, 42)
    assert Scorecard.objects.get(pk=card.pk).revision == 1


def test_the_clock_from_a_stale_page_is_no_conflict(client, card, interviewer):
    """Another device typed meanwhile: the clock's time is kept, the words are not touched."""
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "From the laptop", "revision": "0"})

    response = client.post(
        note_url(note), {"seconds": "30", "clock_only": "1", "revision": "0"}, **HTMX
    )

    assert response.status_code == 200
    assert (stored(note).text, stored(note).seconds_spent) == ("From the laptop", 30)


def test_a_stale_typed_save_keeps_no_seconds_either(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "laptop", "revision": "0"})

    response = client.post(note_url(note), {"text": "tablet", "seconds": "99", "revision": "0"})

    assert response.status_code == 409
    assert (stored(note).text, stored(note).seconds_spent) == ("laptop", 0)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"seconds": "-5", "clock_only": "1"}, "greater than or equal to 0"),
        ({"seconds": "86401", "clock_only": "1"}, "less than or equal to 86400"),
        ({"seconds": "soon", "clock_only": "1"}, "Enter a whole number"),
        ({"clock_only": "1"}, "The clock sent no time to keep."),
    ],
)
def test_bad_seconds_are_refused_with_a_message_and_nothing_kept(
    client, card, interviewer, data, message
):
    client.force_login(interviewer)
    note = first_note(card)

    response = client.post(note_url(note), {**data, "revision": "0"}, **HTMX)

    assert response.status_code == 422
    assert message in response.text
    assert stored(note).seconds_spent == 0


def test_the_clock_is_refused_once_the_scorecard_is_submitted(client, card, interviewer):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"seconds": "10", "clock_only": "1", "revision": "0"})
    Scorecard.objects.filter(pk=card.pk).update(status="submitted", submitted_at=card.created_at)

    response = client.post(note_url(note), {"seconds": "50", "clock_only": "1", "revision": "0"})

    assert response.status_code == 409
    assert "has been submitted" in response.text
    assert stored(note).seconds_spent == 10


def test_a_colleague_cannot_set_the_clock_on_a_draft(client, card, other_interviewer):
    client.force_login(other_interviewer)
    note = first_note(card)

    response = client.post(note_url(note), {"seconds": "50", "clock_only": "1", "revision": "0"})

    assert response.status_code == 404
    assert stored(note).seconds_spent == 0


def test_the_clocks_save_costs_one_update_on_the_fast_path(
    client, card, interviewer, django_assert_num_queries
):
    client.force_login(interviewer)
    note = first_note(card)
    client.post(note_url(note), {"text": "first", "revision": "0"})

    with django_assert_num_queries(2 + 1):  # session, user, the UPDATE
        response = client.post(note_url(note), {"seconds": "7", "clock_only": "1", "revision": "1"})
    assert response.status_code == 200
    # A typed save with seconds costs what a typed save costs.
    with django_assert_num_queries(2 + WRITE):
        client.post(note_url(note), {"text": "second", "seconds": "9", "revision": "1"})
    assert (stored(note).text, stored(note).seconds_spent) == ("second", 9)
