"""Applications: started on published loops, their page, status and committee (views)."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from candidates.models import Application
from candidates.schedule_view import schedule_rows
from candidates.scheduling import replace_assignment
from interviews.services import archive_loop, new_loop_version
from tests.factories import assign, make_interview, make_published_loop, make_user

from . import HTMX, NOTES, build_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(recruiter, interviewer, committee):
    return build_people(recruiter, interviewer, committee)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def recruiter_client(recruiter) -> Client:
    return client_for(recruiter)


def url(name: str, *args) -> str:
    return reverse(f"candidates:{name}", args=args)


def state(application: Application) -> tuple:
    fresh = Application.objects.get(pk=application.pk)
    return (
        fresh.status,
        fresh.status_changed_by_id,
        sorted(fresh.committee.values_list("pk", flat=True)),
    )


# --- application_create ----------------------------------------------------------------


def test_recruiter_starts_an_application_with_a_committee(recruiter_client, people, recruiter):
    loop = make_published_loop()
    reviewer = make_user("reviewer", groups=("committee",))
    response = recruiter_client.post(
        url("application_create", people.candidate.pk),
        {"loop": loop.pk, "committee": [reviewer.pk, people.committee.pk]},
    )
    application = people.candidate.applications.get(loop=loop)
    assert response.status_code == 302 and response["Location"] == application.get_absolute_url()
    assert set(application.committee.all()) == {reviewer, people.committee}
    assert application.created_by == recruiter
    assert AuditEntry.objects.filter(
        verb="application.started", scope=application.audit_scope()
    ).exists()


def test_start_page_offers_only_published_loops(recruiter_client, people):
    draft = new_loop_version(make_published_loop(), by=None)
    archived = make_published_loop()
    archive_loop(archived, by=None)
    archived.name = "Archived loop"
    body = recruiter_client.get(url("application_create", people.candidate.pk)).content.decode()
    assert f'<option value="{people.loop.pk}"' in body
    assert f'<option value="{draft.pk}"' not in body
    assert f'<option value="{archived.pk}"' not in body
    assert people.committee.get_full_name() in body


@pytest.mark.parametrize("kind", ["draft", "archived"])
def test_start_refuses_a_loop_that_is_not_published(recruiter_client, people, kind):
    loop = make_published_loop()
    if kind == "draft":
        loop = new_loop_version(loop, by=None)
    else:
        archive_loop(loop, by=None)
    response = recruiter_client.post(
        url("application_create", people.candidate.pk), {"loop": loop.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not people.candidate.applications.filter(loop=loop).exists()


def test_start_refuses_a_committee_member_outside_the_committee_group(
    recruiter_client, people, other_interviewer
):
    loop = make_published_loop()
    response = recruiter_client.post(
        url("application_create", people.candidate.pk),
        {"loop": loop.pk, "committee": [other_interviewer.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not people.candidate.applications.filter(loop=loop).exists()


def test_start_refuses_a_second_open_application_on_the_same_loop(recruiter_client, people):
    response = recruiter_client.post(
        url("application_create", people.candidate.pk), {"loop": people.loop.pk}
    )
    assert "already going through this loop version" in response.content.decode()
    assert people.candidate.applications.count() == 1


def test_start_refuses_other_methods(recruiter_client, people):
    assert recruiter_client.put(url("application_create", people.candidate.pk)).status_code == 405


def test_start_is_refused_to_the_interviewer_and_hidden_from_outsiders(people, other_interviewer):
    loop = make_published_loop()
    target = url("application_create", people.candidate.pk)
    assert client_for(people.interviewer).post(target, {"loop": loop.pk}).status_code == 403
    assert client_for(other_interviewer).post(target, {"loop": loop.pk}).status_code == 404
    assert people.candidate.applications.count() == 1


def test_start_over_htmx_redirects_the_whole_page(recruiter_client, people):
    loop = make_published_loop()
    response = recruiter_client.post(
        url("application_create", people.candidate.pk), {"loop": loop.pk}, **HTMX
    )
    application = people.candidate.applications.get(loop=loop)
    assert response["HX-Redirect"] == application.get_absolute_url()


def test_start_over_htmx_with_errors_returns_the_form(recruiter_client, people):
    response = recruiter_client.post(url("application_create", people.candidate.pk), {}, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="application-form">')
    assert "This field is required." in body


# --- application_detail ----------------------------------------------------------------


def test_recruiter_sees_status_committee_schedule_and_forms(recruiter_client, people):
    body = recruiter_client.get(url("application_detail", people.application.pk)).content.decode()
    assert reverse("interviews:loop_builder", args=[people.loop.pk]) in body
    assert url("application_status", people.application.pk) in body
    assert url("application_committee", people.application.pk) in body
    assert people.committee.get_full_name() in body
    assert "Systems" in body and "People" in body and "Not scheduled" in body
    assert str(people.interviewer) in body
    assert "mailto:casey@example.org" in body
    assert NOTES not in body


def test_status_shows_who_set_it_and_when_in_the_viewers_zone(people, recruiter):
    recruiter.time_zone = "Asia/Tokyo"
    recruiter.save()
    Application.objects.filter(pk=people.application.pk).update(
        status_changed_at=datetime(2030, 1, 15, 23, 30, tzinfo=UTC)
    )
    body = client_for(recruiter).get(url("application_detail", people.application.pk))
    text = body.content.decode()
    assert "since 16 Jan 2030, 08:30 (Asia/Tokyo), set by Rita Recruiter" in text


def test_interview_time_shows_in_each_viewers_zone(people, recruiter):
    people.interview.starts_at = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)
    people.interview.save()
    recruiter.time_zone = "America/New_York"
    recruiter.save()
    people.interviewer.time_zone = "Asia/Kolkata"
    people.interviewer.save()
    target = url("application_detail", people.application.pk)
    in_new_york = client_for(recruiter).get(target).content.decode()
    in_kolkata = client_for(people.interviewer).get(target).content.decode()
    assert "Tue 15 Jan 2030, 04:00" in in_new_york and "Times in America/New_York" in in_new_york
    assert "Tue 15 Jan 2030, 14:30" in in_kolkata and "Times in Asia/Kolkata" in in_kolkata
    assert 'datetime="2030-01-15T09:00:00+00:00"' in in_kolkata


@pytest.mark.parametrize("who", ["interviewer", "committee"])
def test_interviewer_and_committee_read_the_application_without_controls(people, who):
    body = (
        client_for(getattr(people, who))
        .get(url("application_detail", people.application.pk))
        .content.decode()
    )
    assert "Casey Candidate" in body and people.loop.name in body
    assert reverse("interviews:loop_builder", args=[people.loop.pk]) not in body
    assert url("application_status", people.application.pk) not in body
    assert url("application_committee", people.application.pk) not in body
    assert NOTES not in body
    # Contact details are for recruiters: an interviewer sees name, role, level, CV, links.
    assert "casey@example.org" not in body


def test_outsiders_cannot_reach_the_application(people, other_interviewer, other_committee):
    target = url("application_detail", people.application.pk)
    assert client_for(other_interviewer).get(target).status_code == 404
    assert client_for(other_committee).get(target).status_code == 404


def grow_schedule(people, extra_stages: int) -> None:
    """More stages, each scheduled with an interviewer and a shadow."""
    loop = make_published_loop(stages=[f"Stage {n}" for n in range(1 + extra_stages)])
    application = people.application
    Application.objects.filter(pk=application.pk).update(loop=loop)
    application.refresh_from_db()
    application.interviews.all().delete()
    shadow = make_user(groups=("interviewer",))
    for stage in loop.stages.all():
        interview = make_interview(application, stage)
        assign(interview, people.interviewer)
        assign(interview, shadow, "shadow")


def test_detail_queries_do_not_grow_with_the_schedule(
    recruiter_client, people, django_assert_num_queries
):
    # The interviews section belongs to scheduling, which may add its own (fixed) queries:
    # the count at one stage is the measure for four.
    grow_schedule(people, 0)
    target = url("application_detail", people.application.pk)
    with CaptureQueriesContext(connection) as small:
        recruiter_client.get(target)
    grow_schedule(people, 3)
    with django_assert_num_queries(len(small.captured_queries)):
        response = recruiter_client.get(target)
    assert response.content.decode().count('<li class="schedule-row') == 4


# --- application_status ----------------------------------------------------------------


def test_recruiter_changes_the_status(recruiter_client, people, recruiter):
    response = recruiter_client.post(
        url("application_status", people.application.pk), {"status": "offer"}
    )
    assert response.status_code == 302
    assert state(people.application)[:2] == ("offer", recruiter.pk)
    entry = AuditEntry.objects.get(verb="application.status_changed")
    assert entry.data == {"before": "active", "after": "offer"}


def test_status_over_htmx_returns_the_status_region(recruiter_client, people):
    response = recruiter_client.post(
        url("application_status", people.application.pk), {"status": "withdrawn"}, **HTMX
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="application-status"')
    assert "Status set to withdrawn." in body and "set by Rita Recruiter" in body
    assert state(people.application)[0] == "withdrawn"


def test_status_refuses_get(recruiter_client, people):
    assert recruiter_client.get(url("application_status", people.application.pk)).status_code == 405


def test_status_is_refused_to_the_interviewer_and_committee(people, other_interviewer):
    target = url("application_status", people.application.pk)
    assert client_for(people.interviewer).post(target, {"status": "hired"}).status_code == 403
    assert client_for(people.committee).post(target, {"status": "hired"}).status_code == 403
    assert client_for(other_interviewer).post(target, {"status": "hired"}).status_code == 404
    assert state(people.application)[0] == "active"


@pytest.mark.parametrize("htmx", [False, True])
def test_status_refuses_an_unknown_status(recruiter_client, people, htmx):
    before = state(people.application)
    response = recruiter_client.post(
        url("application_status", people.application.pk),
        {"status": "promoted"},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 200
    assert "Select a valid choice. promoted is not one" in response.content.decode()
    assert state(people.application) == before


# --- application_committee -------------------------------------------------------------


def test_recruiter_sets_the_committee(recruiter_client, people):
    reviewer = make_user("reviewer", groups=("committee",))
    response = recruiter_client.post(
        url("application_committee", people.application.pk), {"committee": [reviewer.pk]}
    )
    assert response.status_code == 302
    assert state(people.application)[2] == [reviewer.pk]
    entry = AuditEntry.objects.filter(verb="application.committee_changed").latest("pk")
    assert entry.data == {"before": ["committee-p"], "after": ["reviewer"]}


def test_committee_over_htmx_returns_the_committee_region(recruiter_client, people):
    reviewer = make_user("reviewer", groups=("committee",), first_name="Rene")
    response = recruiter_client.post(
        url("application_committee", people.application.pk),
        {"committee": [reviewer.pk, people.committee.pk]},
        **HTMX,
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="application-committee"')
    assert "Committee saved." in body and "Rene" in body


def test_committee_offers_only_committee_group_members(recruiter_client, people, other_interviewer):
    body = recruiter_client.get(url("application_detail", people.application.pk)).content.decode()
    assert f'name="committee" value="{people.committee.pk}"' in body
    assert f'name="committee" value="{other_interviewer.pk}"' not in body


def test_committee_refuses_get(recruiter_client, people):
    target = url("application_committee", people.application.pk)
    assert recruiter_client.get(target).status_code == 405


def test_committee_is_refused_to_its_members_and_hidden_from_outsiders(people, other_committee):
    target = url("application_committee", people.application.pk)
    data = {"committee": [other_committee.pk]}
    assert client_for(people.committee).post(target, data).status_code == 403
    assert client_for(other_committee).post(target, data).status_code == 404
    assert state(people.application)[2] == [people.committee.pk]


@pytest.mark.parametrize("htmx", [False, True])
def test_committee_refuses_someone_outside_the_committee_group(
    recruiter_client, people, other_interviewer, htmx
):
    response = recruiter_client.post(
        url("application_committee", people.application.pk),
        {"committee": [other_interviewer.pk]},
        **(HTMX if htmx else {}),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert state(people.application)[2] == [people.committee.pk]


# --- schedule_rows ---------------------------------------------------------------------


def test_schedule_rows_list_every_stage_in_order_with_active_assignments(people, recruiter):
    newcomer = make_user("newcomer", groups=("interviewer",))
    replace_assignment(people.assignment, newcomer, by=recruiter)
    rows = schedule_rows(people.application)
    assert [row["stage"].name for row in rows] == ["Systems", "People"]
    assert rows[0]["interview"] == people.interview
    assert [a.person for a in rows[0]["assignments"]] == [newcomer]
    assert rows[1]["interview"] is None and rows[1]["assignments"] == []


def test_someone_owing_their_own_scorecard_gets_no_link_to_the_others_views(client, recruiter):
    """A recruiter who interviews on the application sees no committee or packet link."""
    from django.urls import reverse

    from tests.factories import assign, make_application, make_interview, make_user

    both = make_user(groups=("recruiter", "interviewer"))
    application = make_application(by=recruiter)
    assign(make_interview(application, by=recruiter), both, by=recruiter)
    client.force_login(both)

    page = client.get(reverse("candidates:application_detail", args=[application.pk])).text

    assert reverse("scoring:committee", args=[application.pk]) not in page
    assert reverse("scoring:packets", args=[application.pk]) not in page
    client.force_login(recruiter)  # a recruiter not on the panel gets both links
    page = client.get(reverse("candidates:application_detail", args=[application.pk])).text
    assert reverse("scoring:committee", args=[application.pk]) in page
    assert reverse("scoring:packets", args=[application.pk]) in page
