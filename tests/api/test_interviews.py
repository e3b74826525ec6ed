"""/api/v1/interviews/: schedule, move, change state, and put people on an interview."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.models import Assignment, Interview
from tests.factories import assign, make_application, make_interview, make_user

URL = "/api/v1/interviews/"


def soon(days: int = 2) -> str:
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0).isoformat()


@pytest.fixture
def application(db):
    return make_application()


@pytest.mark.django_db
def test_recruiter_schedules_a_stage_with_an_offset_time(api_as, recruiter, application):
    stage = application.loop.stages.order_by("order").first()
    response = api_as(recruiter).post(
        URL,
        {
            "application_id": application.pk,
            "stage_id": stage.pk,
            "starts_at": "2030-05-04T09:30:00+02:00",
            "external_id": "gh-int-1",
        },
    )
    assert response.status_code == 201, response.content
    interview = Interview.objects.get(pk=response.json()["id"])
    assert interview.starts_at == datetime(2030, 5, 4, 7, 30, tzinfo=UTC)
    assert interview.external_id == "gh-int-1"
    assert response.json()["stage_id"] == stage.pk and response.json()["assignments"] == []
    entry = AuditEntry.objects.get(verb="interview.scheduled")
    assert entry.data["via"] == "api"


@pytest.mark.django_db
def test_schedule_refuses_what_the_service_refuses(api_as, recruiter, application):
    api = api_as(recruiter)
    stage = application.loop.stages.order_by("order").first()
    foreign = make_application().loop.stages.first()
    cases = {
        "stage_id": {"application_id": application.pk, "stage_id": foreign.pk},
        "application_id": {"application_id": 2_000_000_000, "stage_id": stage.pk},
        "starts_at": {"application_id": application.pk, "stage_id": stage.pk, "starts_at": "x"},
    }
    for field, sent in cases.items():
        response = api.post(URL, {"starts_at": soon(), **sent})
        assert response.status_code == 422, (field, response.content)
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    ok = {"application_id": application.pk, "stage_id": stage.pk, "starts_at": soon()}
    assert api.post(URL, ok).status_code == 201
    twice = api.post(URL, ok)
    assert twice.status_code == 422 and twice.json()["errors"][0]["field"] == "stage_id"
    assert Interview.objects.count() == 1


@pytest.mark.django_db
def test_move_and_cancel_tell_the_panel(api_as, recruiter, interviewer, application):
    interview = make_interview(application)
    assign(interview, interviewer)
    mail.outbox.clear()
    api = api_as(recruiter)
    moved_to = soon(5)
    with_captured = api.patch(f"{URL}{interview.pk}", {"starts_at": moved_to})
    assert with_captured.status_code == 200, with_captured.content
    interview.refresh_from_db()
    assert interview.starts_at == datetime.fromisoformat(moved_to)
    cancelled = api.patch(f"{URL}{interview.pk}", {"state": "cancelled"})
    assert cancelled.json()["state"] == "cancelled"
    # Not started yet: held is refused, as on the page.
    refused = api.patch(f"{URL}{interview.pk}", {"state": "held"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "state"
    assert {e.verb for e in AuditEntry.objects.filter(data__via="api")} == {
        "interview.rescheduled",
        "interview.state_changed",
    }


@pytest.mark.django_db
def test_assign_by_email_and_list_the_seats(api_as, recruiter, application):
    interview = make_interview(application)
    person = make_user(groups=("interviewer",), email="Ivy@Example.org")
    api = api_as(recruiter)
    response = api.post(
        f"{URL}{interview.pk}/assignments", {"person_email": "ivy@example.org", "role": "shadow"}
    )
    assert response.status_code == 201, response.content
    seat = Assignment.objects.get(pk=response.json()["id"])
    assert (seat.person, seat.role) == (person, "shadow")
    seats = api.get(f"{URL}{interview.pk}/assignments").json()["items"]
    assert [s["person_id"] for s in seats] == [person.pk]
    detail = api.get(f"{URL}{interview.pk}").json()
    assert [s["id"] for s in detail["assignments"]] == [seat.pk]
    again = api.post(f"{URL}{interview.pk}/assignments", {"person_id": person.pk})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "person_id"


@pytest.mark.django_db
def test_assign_refuses_someone_who_is_not_an_interviewer(
    api_as, recruiter, committee, application
):
    interview = make_interview(application)
    response = api_as(recruiter).post(
        f"{URL}{interview.pk}/assignments", {"person_id": committee.pk}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "person_id"
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_interviewer_reads_their_interviews_only_and_changes_nothing(
    api_as, interviewer, application
):
    mine = make_interview(application)
    assign(mine, interviewer)
    other = make_interview(make_application())
    api = api_as(interviewer)
    assert [i["id"] for i in api.get(URL).json()["items"]] == [mine.pk]
    assert api.get(f"{URL}{other.pk}").status_code == 404
    assert api.get(f"{URL}{other.pk}/assignments").status_code == 404
    assert api.patch(f"{URL}{mine.pk}", {"state": "cancelled"}).status_code == 403
    assert api.post(f"{URL}{mine.pk}/assignments", {"person_id": interviewer.pk}).status_code == 403
    mine.refresh_from_db()
    assert mine.state == "scheduled"


@pytest.mark.django_db
def test_interviews_scope_is_needed(api_as, recruiter, application):
    interview = make_interview(application)
    api = api_as(recruiter, scopes=["candidates:write"])
    assert api.get(URL).status_code == 403
    assert api.patch(f"{URL}{interview.pk}", {"state": "cancelled"}).status_code == 403


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_interviews(
    api_as, recruiter, interviewer, django_assert_num_queries
):
    api = api_as(recruiter)

    def add() -> None:
        interview = make_interview(make_application())
        assign(interview, interviewer)

    for _ in range(2):
        add()
    api.get(URL)
    with django_assert_num_queries(6) as small:
        assert len(api.get(URL).json()["items"]) == 2
    for _ in range(4):
        add()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get(URL).json()["items"]) == 6
