"""Scheduling: interviews per stage, their time and state, and the people on them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates.models import Assignment, Interview
from candidates.schedule_view import schedule_rows
from candidates.scheduling import set_interview_state
from scoring.models import Scorecard
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
# 4 March 2030: Berlin is on CET (UTC+1), New York still on EST (UTC-5).
LOCAL_BERLIN = "2030-03-04T14:00"
STORED_UTC = datetime(2030, 3, 4, 13, 0, tzinfo=UTC)


def url(name: str, *args) -> str:
    return reverse(f"candidates:{name}", args=args)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def berlin_recruiter(db):
    return make_user(
        "rita-berlin", groups=("recruiter",), first_name="Rita", time_zone="Europe/Berlin"
    )


@pytest.fixture
def rc(berlin_recruiter) -> Client:
    return client_for(berlin_recruiter)


@pytest.fixture
def loop(db):
    return make_published_loop(stages=("Systems", "People"))


@pytest.fixture
def application(loop, committee):
    candidate = make_candidate(
        "Casey Candidate",
        links=["https://casey.example.org"],
        recruiter_notes="Private: salary expectations",
    )
    return make_application(candidate, loop, committee=[committee])


@pytest.fixture
def systems(loop):
    return loop.stages.order_by("order").first()


@pytest.fixture
def people_stage(loop):
    return loop.stages.order_by("order").last()


@pytest.fixture
def interview(application, systems):
    return make_interview(application, systems, starts_at=STORED_UTC)


@pytest.fixture
def seat(interview, interviewer):
    return assign(interview, interviewer)


def started(assignment: Assignment) -> None:
    """The person has written something (what the scorecard page will do)."""
    Scorecard.objects.filter(assignment=assignment).update(revision=3)


def submitted(assignment: Assignment) -> None:
    Scorecard.objects.filter(assignment=assignment).update(
        revision=5, status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
    )


# --- schedule -------------------------------------------------------------------------


def test_schedule_stores_the_recruiters_local_time_in_utc(rc, application, systems):
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": systems.pk, "starts_at": LOCAL_BERLIN},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{application.get_absolute_url()}#schedule"
    interview = Interview.objects.get(application=application, stage=systems)
    assert interview.starts_at == STORED_UTC
    assert interview.state == Interview.State.SCHEDULED
    with connection.cursor() as cursor:
        cursor.execute("SELECT starts_at FROM candidates_interview WHERE id = %s", [interview.pk])
        raw = cursor.fetchone()[0]
    # SQLite keeps naive UTC text, PostgreSQL a timestamptz read back in UTC.
    assert str(raw).startswith("2030-03-04 13:00:00")


def test_schedule_htmx_returns_the_region_with_the_new_interview(rc, application, systems):
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": systems.pk, "starts_at": LOCAL_BERLIN},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<section id="schedule"' in html
    assert "<html" not in html
    assert "Systems scheduled." in html
    assert "Mon 4 Mar 2030, 14:00" in html and "Europe/Berlin" in html


def test_schedule_refuses_a_missing_time_and_saves_nothing(rc, application, systems):
    response = rc.post(url("interview_schedule", application.pk), {"stage": systems.pk})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Interview.objects.exists()


def test_schedule_refuses_a_time_that_does_not_exist_in_the_recruiters_zone(
    rc, application, systems
):
    # Clocks jump from 02:00 to 03:00 in Berlin that night.
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": systems.pk, "starts_at": "2030-03-31T02:30"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Europe/Berlin" in response.content.decode()
    assert "interpreted" in response.content.decode()
    assert not Interview.objects.exists()


def test_schedule_bad_input_over_htmx_shows_the_error_in_the_region(rc, application, systems):
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": systems.pk, "starts_at": "not a date"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Enter a valid date/time." in html
    assert f'id="id_schedule-{systems.pk}_starts_at"' in html
    assert not Interview.objects.exists()


def test_schedule_refuses_a_stage_of_another_loop(rc, application):
    foreign = make_published_loop(stages=("Elsewhere",)).stages.get()
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": foreign.pk, "starts_at": LOCAL_BERLIN},
    )
    assert response.status_code == 302
    assert not Interview.objects.exists()
    assert "Choose a stage to schedule." in rc.get(response["Location"]).content.decode()


def test_schedule_refuses_a_stage_already_scheduled(rc, application, systems, interview):
    response = rc.post(
        url("interview_schedule", application.pk),
        {"stage": systems.pk, "starts_at": "2030-05-01T10:00"},
        follow=True,
    )
    assert "Systems is already scheduled." in response.content.decode()
    assert Interview.objects.get().starts_at == STORED_UTC


def test_schedule_wrong_method(rc, application):
    assert rc.get(url("interview_schedule", application.pk)).status_code == 405


def test_schedule_outsiders(client, application, systems, interviewer, other_interviewer, seat):
    data = {"stage": systems.pk, "starts_at": LOCAL_BERLIN}
    client.force_login(interviewer)  # sees the application, may not schedule
    assert client.post(url("interview_schedule", application.pk), data).status_code == 403
    client.force_login(other_interviewer)
    assert client.post(url("interview_schedule", application.pk), data).status_code == 404
    assert Interview.objects.count() == 1


# --- reschedule ---------------------------------------------------------------------------


def test_reschedule_moves_the_interview(rc, interview):
    response = rc.post(url("interview_reschedule", interview.pk), {"starts_at": "2030-03-05T09:30"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.starts_at == datetime(2030, 3, 5, 8, 30, tzinfo=UTC)


def test_reschedule_htmx_and_bad_input(rc, interview):
    response = rc.post(url("interview_reschedule", interview.pk), {"starts_at": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "This field is required." in html
    assert "schedule-manage" in html and " open>" in html  # the row's controls open on the error
    interview.refresh_from_db()
    assert interview.starts_at == STORED_UTC
    response = rc.post(
        url("interview_reschedule", interview.pk), {"starts_at": "2030-03-06T16:00"}, **HTMX
    )
    assert "Wed 6 Mar 2030, 16:00" in response.content.decode()


def test_reschedule_refuses_a_cancelled_interview(rc, interview, berlin_recruiter):
    set_interview_state(interview, Interview.State.CANCELLED, by=berlin_recruiter)
    response = rc.post(
        url("interview_reschedule", interview.pk), {"starts_at": "2030-03-06T16:00"}, follow=True
    )
    assert "cannot be moved" in response.content.decode()
    interview.refresh_from_db()
    assert interview.starts_at == STORED_UTC


def test_reschedule_wrong_method_and_outsiders(rc, client, interview, seat, interviewer, nobody):
    assert rc.get(url("interview_reschedule", interview.pk)).status_code == 405
    client.force_login(interviewer)
    data = {"starts_at": "2030-03-06T16:00"}
    assert client.post(url("interview_reschedule", interview.pk), data).status_code == 403
    client.force_login(nobody)
    assert client.post(url("interview_reschedule", interview.pk), data).status_code == 404


# --- state ------------------------------------------------------------------------------


def test_cancel_an_upcoming_interview(rc, application, systems):
    interview = make_interview(application, systems)
    response = rc.post(url("interview_state", interview.pk), {"state": "cancelled"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.state == Interview.State.CANCELLED


def test_held_and_no_show_only_once_started(rc, application, systems, people_stage):
    upcoming = make_interview(application, systems)
    response = rc.post(url("interview_state", upcoming.pk), {"state": "held"}, **HTMX)
    assert "has not started yet" in response.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.state == Interview.State.SCHEDULED
    past = make_interview(application, people_stage, starts_at=timezone.now() - timedelta(hours=2))
    response = rc.post(url("interview_state", past.pk), {"state": "no_show"}, **HTMX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    past.refresh_from_db()
    assert past.state == Interview.State.NO_SHOW


def test_state_bad_input(rc, interview):
    response = rc.post(url("interview_state", interview.pk), {"state": "postponed"})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    interview.refresh_from_db()
    assert interview.state == Interview.State.SCHEDULED


def test_state_wrong_method_and_outsiders(rc, client, interview, committee, other_committee):
    assert rc.get(url("interview_state", interview.pk)).status_code == 405
    client.force_login(committee)
    assert (
        client.post(url("interview_state", interview.pk), {"state": "cancelled"}).status_code == 403
    )
    client.force_login(other_committee)
    assert (
        client.post(url("interview_state", interview.pk), {"state": "cancelled"}).status_code == 404
    )
    interview.refresh_from_db()
    assert interview.state == Interview.State.SCHEDULED


# --- assignments --------------------------------------------------------------------------


def test_add_a_panel_and_a_shadow_each_with_an_empty_scorecard(rc, interview):
    first, second, shadow = (make_user(f"panel-{i}", groups=("interviewer",)) for i in range(3))
    for person, role in ((first, "interviewer"), (second, "interviewer"), (shadow, "shadow")):
        response = rc.post(url("assignment_add", interview.pk), {"person": person.pk, "role": role})
        assert response.status_code == 302
    seats = {a.person: a for a in interview.assignments.active()}
    assert set(seats) == {first, second, shadow}
    assert seats[shadow].role == Assignment.Role.SHADOW
    for assignment in seats.values():
        assert assignment.scorecard.is_untouched


def test_add_htmx_shows_the_person_in_the_region(rc, interview):
    person = make_user("pat", groups=("interviewer",), first_name="Pat", last_name="Panel")
    response = rc.post(
        url("assignment_add", interview.pk), {"person": person.pk, "role": "shadow"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Pat Panel is on Systems as shadow." in html
    assert interview.assignments.get().person == person


def test_add_refuses_someone_outside_the_interviewer_group(rc, interview, committee):
    inactive = make_user("gone", groups=("interviewer",), is_active=False)
    for person in (committee, inactive):
        response = rc.post(
            url("assignment_add", interview.pk), {"person": person.pk, "role": "interviewer"}
        )
        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
    assert not interview.assignments.exists()


def test_add_refuses_someone_already_on_it(rc, interview, seat, interviewer):
    response = rc.post(
        url("assignment_add", interview.pk),
        {"person": interviewer.pk, "role": "shadow"},
        **HTMX,
    )
    assert "already on this interview" in response.content.decode()
    assert interview.assignments.count() == 1


def test_add_wrong_method_and_outsiders(
    rc, client, interview, seat, interviewer, other_interviewer
):
    assert rc.get(url("assignment_add", interview.pk)).status_code == 405
    data = {"person": other_interviewer.pk, "role": "interviewer"}
    client.force_login(interviewer)
    assert client.post(url("assignment_add", interview.pk), data).status_code == 403
    client.force_login(other_interviewer)
    assert client.post(url("assignment_add", interview.pk), data).status_code == 404
    assert interview.assignments.count() == 1


def test_replace_hands_an_untouched_scorecard_over(rc, seat, other_interviewer):
    scorecard = seat.scorecard
    response = rc.post(url("assignment_replace", seat.pk), {"person": other_interviewer.pk})
    assert response.status_code == 302
    seat.refresh_from_db()
    new = seat.replaced_by
    assert new.person == other_interviewer and seat.replaced_at is not None
    scorecard.refresh_from_db()
    assert scorecard.assignment == new
    assert not Scorecard.objects.filter(assignment=seat).exists()


def test_replace_keeps_a_started_scorecard_with_its_author(rc, seat, other_interviewer):
    started(seat)
    kept = seat.scorecard
    response = rc.post(url("assignment_replace", seat.pk), {"person": other_interviewer.pk}, **HTMX)
    assert response.status_code == 200
    assert "replaces" in response.content.decode()
    kept.refresh_from_db()
    assert kept.assignment == seat and kept.revision == 3
    seat.refresh_from_db()
    fresh = Scorecard.objects.get(assignment=seat.replaced_by)
    assert fresh.pk != kept.pk and fresh.is_untouched


def test_replace_bad_input_and_outsiders(rc, client, seat, interviewer, committee):
    response = rc.post(url("assignment_replace", seat.pk), {"person": committee.pk})
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    response = rc.post(url("assignment_replace", seat.pk), {"person": interviewer.pk}, **HTMX)
    assert "already on this interview" in response.content.decode()
    seat.refresh_from_db()
    assert seat.replaced_at is None
    assert rc.get(url("assignment_replace", seat.pk)).status_code == 405
    client.force_login(interviewer)
    assert client.post(url("assignment_replace", seat.pk), {"person": 0}).status_code == 403


def test_remove_an_untouched_assignment_and_its_scorecard(rc, seat):
    response = rc.post(url("assignment_remove", seat.pk))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=seat.pk).exists()
    assert not Scorecard.objects.exists()


def test_remove_htmx(rc, seat, interviewer):
    response = rc.post(url("assignment_remove", seat.pk), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f"{interviewer} is off Systems." in html
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("progress", "says"), [(started, "has started"), (submitted, "has submitted")]
)
def test_remove_refuses_written_work(rc, seat, progress, says):
    progress(seat)
    response = rc.post(url("assignment_remove", seat.pk), follow=True)
    assert says in response.content.decode()
    assert Assignment.objects.filter(pk=seat.pk).exists()
    assert Scorecard.objects.filter(assignment=seat).exists()


def test_remove_wrong_method_and_outsiders(rc, client, seat, interviewer, other_committee):
    assert rc.get(url("assignment_remove", seat.pk)).status_code == 405
    client.force_login(interviewer)
    assert client.post(url("assignment_remove", seat.pk)).status_code == 403
    client.force_login(other_committee)
    assert client.post(url("assignment_remove", seat.pk)).status_code == 404
    assert Assignment.objects.filter(pk=seat.pk).exists()


# --- the interview page ------------------------------------------------------------------


def test_each_person_sees_the_interview_in_their_own_zone(client, interview, committee):
    berlin = make_user("ber", groups=("interviewer",), time_zone="Europe/Berlin")
    new_york = make_user("nyc", groups=("interviewer",), time_zone="America/New_York")
    assign(interview, berlin)
    assign(interview, new_york, "shadow")
    client.force_login(berlin)
    html = client.get(url("interview_detail", interview.pk)).content.decode()
    assert "Monday 4 March 2030, 14:00–14:45" in html and "(Europe/Berlin)" in html
    client.force_login(new_york)
    html = client.get(url("interview_detail", interview.pk)).content.decode()
    assert "Monday 4 March 2030, 08:00–08:45" in html and "(America/New_York)" in html
    assert 'datetime="2030-03-04T13:00:00+00:00"' in html


def test_interview_page_shows_what_an_interviewer_may_see(client, interview, seat, interviewer):
    client.force_login(interviewer)
    html = client.get(url("interview_detail", interview.pk)).content.decode()
    assert "Casey Candidate" in html
    assert interview.application.loop.role.name in html
    assert interview.application.loop.level.name in html
    assert "https://casey.example.org" in html
    assert "salary expectations" not in html
    assert "Your scorecard:</strong> not started" in html
    started(seat)
    html = client.get(url("interview_detail", interview.pk)).content.decode()
    assert "Your scorecard:</strong> draft" in html
    submitted(seat)
    html = client.get(url("interview_detail", interview.pk)).content.decode()
    assert "Your scorecard:</strong> submitted" in html


def test_interview_page_for_the_committee_has_no_scorecard_line(client, interview, seat, committee):
    client.force_login(committee)
    response = client.get(url("interview_detail", interview.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your scorecard" not in html and "salary expectations" not in html
    assert str(seat.person) in html


def test_interview_page_wrong_method(rc, interview):
    assert rc.post(url("interview_detail", interview.pk)).status_code == 405


@pytest.mark.parametrize("panel", [1, 5])
def test_interview_page_query_count_does_not_grow_with_the_panel(
    client, interview, interviewer, django_assert_num_queries, panel
):
    assign(interview, interviewer)
    for i in range(panel - 1):
        assign(interview, make_user(f"p{panel}-{i}", groups=("interviewer",)))
    client.force_login(interviewer)
    client.get(url("interview_detail", interview.pk))  # warm the session
    # session, user, interview (access), its page join, seats + people + scorecards
    with django_assert_num_queries(6):
        response = client.get(url("interview_detail", interview.pk))
    assert response.status_code == 200


# --- the interviews region ---------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 4])
def test_schedule_region_query_count_does_not_grow(
    berlin_recruiter, rf, django_assert_num_queries, size
):
    loop = make_published_loop(stages=[f"Stage {i}" for i in range(size)])
    application = make_application(make_candidate(), loop)
    for stage in loop.stages.all():
        interview = make_interview(application, stage)
        for i in range(size):
            assign(interview, make_user(f"s{size}-{stage.pk}-{i}", groups=("interviewer",)))
    # The stages, the interviews, the people on them; the assignable people once.
    with django_assert_num_queries(4):
        rows = schedule_rows(application)
        html = render_to_string(
            "candidates/_schedule.html",
            {"application": application, "stage_rows": rows, "can_schedule": True},
        )
    assert html.count("Replace<span") == size * size


def test_region_reads_only_for_non_recruiters(application, interview, seat):
    html = render_to_string(
        "candidates/_schedule.html",
        {
            "application": application,
            "stage_rows": schedule_rows(application),
            "can_schedule": False,
        },
    )
    assert "<form" not in html
    assert str(seat.person) in html


def test_a_stage_short_of_its_planned_panel_says_so(berlin_recruiter, rc, loop):
    stage = loop.stages.order_by("order").first()
    type(stage).objects.filter(pk=stage.pk).update(panel_size=2)
    application = make_application(loop=loop, by=berlin_recruiter)
    interview = make_interview(application, stage, by=berlin_recruiter)
    first, second = (make_user(groups=("interviewer",)) for _ in range(2))
    assign(interview, first, by=berlin_recruiter)
    assign(interview, make_user(groups=("interviewer",)), "shadow", by=berlin_recruiter)

    row = schedule_rows(application)[0]
    assert (row["interviewers"], row["short_of_panel"]) == (1, True)  # a shadow is no opinion
    page = rc.get(reverse("candidates:application_detail", args=[application.pk]))
    assert "1 of 2 planned interviewers assigned" in page.content.decode()

    assign(interview, second, by=berlin_recruiter)
    assert schedule_rows(application)[0]["short_of_panel"] is False
