"""People on an interview get an email with an .ics invitation: assigned, moved, called off."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from candidates.models import Interview
from candidates.scheduling import (
    replace_assignment,
    reschedule_interview,
    set_interview_state,
    unassign,
)
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

STARTS = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)  # 08:00 in New York, 14:00 in Berlin


@pytest.fixture
def interview(recruiter):
    loop = make_published_loop(stages=("Systems design",))
    application = make_application(make_candidate("Casey Candidate"), loop)
    return make_interview(application, starts_at=STARTS, by=recruiter)


@pytest.fixture
def new_yorker(db):
    return make_user("nia", groups=("interviewer",), first_name="Nia", time_zone="America/New_York")


@pytest.fixture
def berliner(db):
    return make_user("bert", groups=("interviewer",), first_name="Bert", time_zone="Europe/Berlin")


def invite(message) -> Calendar:
    """The attached invite.ics, parsed back."""
    parts = [
        part for part in message.message().walk() if part.get_content_type() == "text/calendar"
    ]
    assert len(parts) == 1
    assert parts[0].get_filename() == "invite.ics"
    return Calendar.from_ical(parts[0].get_content())


def event(calendar: Calendar):
    (found,) = calendar.walk("VEVENT")
    return found


def sent_to(person) -> list:
    return [m for m in mail.outbox if m.to == [person.email]]


def test_assigning_emails_the_person_an_invitation(
    interview, new_yorker, recruiter, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://loops.example.com"
    settings.DEFAULT_FROM_EMAIL = "Loopwright <hiring@example.com>"
    with django_capture_on_commit_callbacks(execute=True):
        assign(interview, new_yorker, by=recruiter)
    (message,) = mail.outbox
    assert message.to == [new_yorker.email]
    assert message.subject == "Systems design interview with Casey Candidate"
    assert "Stage: Systems design" in message.body
    assert "Candidate: Casey Candidate" in message.body
    # The reader's own zone, named: 13:00 UTC is 08:00 in New York that day.
    assert "Monday 4 March 2030, 08:00–08:45 (America/New_York)" in message.body
    link = f"https://loops.example.com/candidates/interviews/{interview.pk}/"
    assert link in message.body

    calendar = invite(message)
    assert str(calendar["METHOD"]) == "REQUEST"
    vevent = event(calendar)
    assert vevent.decoded("DTSTART") == STARTS
    assert vevent.decoded("DTSTART").utcoffset() == timedelta(0)
    assert vevent.decoded("DTEND") == STARTS + timedelta(minutes=45)
    assert "Z" in vevent["DTSTART"].to_ical().decode()
    assert str(vevent["SUMMARY"]) == "Systems design interview with Casey Candidate"
    assert "Casey Candidate" in str(vevent["DESCRIPTION"])
    assert str(vevent["ORGANIZER"]) == "mailto:hiring@example.com"
    assert str(vevent["ATTENDEE"]) == f"mailto:{new_yorker.email}"
    assert str(vevent["URL"]) == link
    assert (
        str(vevent["UID"]) == f"interview-{interview.pk}-person-{new_yorker.pk}@loops.example.com"
    )


def test_the_email_leaves_only_once_the_change_commits(
    interview, new_yorker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        assign(interview, new_yorker, by=None)
        assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_rolled_back_assignment_emails_nobody(
    interview, new_yorker, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        assign(interview, new_yorker, by=None)
        raise RuntimeError("something later failed")
    assert mail.outbox == []
    assert not interview.assignments.exists()


def test_rescheduling_updates_everyone_in_their_zone_with_a_higher_sequence(
    interview, new_yorker, berliner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(interview, new_yorker, by=None)
        assign(interview, berliner, "shadow", by=None)
    first = {m.to[0]: event(invite(m)) for m in mail.outbox}
    mail.outbox.clear()
    moved = STARTS + timedelta(days=1, hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        reschedule_interview(interview, moved, by=None)
    assert len(mail.outbox) == 2
    for person, local in ((new_yorker, "10:00"), (berliner, "16:00")):
        (message,) = sent_to(person)
        assert message.subject.startswith("Moved: ")
        assert f"Tuesday 5 March 2030, {local}" in message.body
        assert person.time_zone in message.body
        calendar = invite(message)
        assert str(calendar["METHOD"]) == "REQUEST"
        updated = event(calendar)
        before = first[person.email]
        assert str(updated["UID"]) == str(before["UID"])
        assert int(updated["SEQUENCE"]) > int(before["SEQUENCE"])
        assert updated.decoded("DTSTART") == moved
    shadow = event(invite(sent_to(berliner)[0]))
    assert shadow["ATTENDEE"].params["ROLE"] == "OPT-PARTICIPANT"


def test_cancelling_sends_a_cancellation_for_the_same_event(
    interview, new_yorker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(interview, new_yorker, by=None)
    invited = event(invite(mail.outbox[0]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_interview_state(interview, Interview.State.CANCELLED, by=None)
    (message,) = mail.outbox
    assert message.subject.startswith("Cancelled: ")
    calendar = invite(message)
    assert str(calendar["METHOD"]) == "CANCEL"
    cancelled = event(calendar)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(invited["UID"])
    assert int(cancelled["SEQUENCE"]) > int(invited["SEQUENCE"])


def test_reinstating_invites_again_and_marking_held_emails_nobody(
    interview, new_yorker, django_capture_on_commit_callbacks
):
    past = make_interview(
        make_application(make_candidate(), interview.application.loop),
        starts_at=datetime(2020, 1, 1, 9, 0, tzinfo=UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign(past, new_yorker, by=None)
        set_interview_state(past, Interview.State.HELD, by=None)
    assert len(mail.outbox) == 1  # the assignment only
    with django_capture_on_commit_callbacks(execute=True):
        set_interview_state(interview, Interview.State.CANCELLED, by=None)
        assign(interview, make_user("late", groups=("interviewer",)), by=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        set_interview_state(interview, Interview.State.SCHEDULED, by=None)
    (message,) = mail.outbox
    assert str(invite(message)["METHOD"]) == "REQUEST"


def test_replacing_invites_the_new_person_and_cancels_for_the_old(
    interview, new_yorker, berliner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seat = assign(interview, new_yorker, by=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        replace_assignment(seat, berliner, by=None)
    assert str(invite(sent_to(berliner)[0])["METHOD"]) == "REQUEST"
    assert "14:00" in sent_to(berliner)[0].body
    (gone,) = sent_to(new_yorker)
    assert gone.subject.startswith("You are no longer on: ")
    assert str(invite(gone)["METHOD"]) == "CANCEL"


def test_removing_sends_the_person_a_cancellation(
    interview, new_yorker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seat = assign(interview, new_yorker, by=None)
    invited = event(invite(mail.outbox[0]))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unassign(seat, by=None)
    (message,) = mail.outbox
    cancelled = event(invite(message))
    assert str(cancelled["UID"]) == str(invited["UID"])
    assert int(cancelled["SEQUENCE"]) > int(invited["SEQUENCE"])


def test_adding_through_the_page_emails_the_person(
    interview, recruiter, new_yorker, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("candidates:assignment_add", args=[interview.pk]),
            {"person": new_yorker.pk, "role": "interviewer"},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == [new_yorker.email]
    assert event(invite(message)).decoded("DTSTART") == STARTS
