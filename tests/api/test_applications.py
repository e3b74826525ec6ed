"""/api/v1/applications/: start a candidate on a published loop, read it, change its status."""

import pytest

from accounts.models import AuditEntry
from candidates.models import Application
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

URL = "/api/v1/applications/"


@pytest.fixture
def loop(db):
    return make_published_loop()


@pytest.mark.django_db
def test_start_by_external_ids_and_loop_key_with_a_committee(api_as, recruiter, loop):
    candidate = make_candidate("Ada")
    candidate.external_id = "gh-7"
    candidate.save()
    member = make_user(groups=("committee",), email="Cora@Example.org")
    response = api_as(recruiter).post(
        URL,
        {
            "candidate_external_id": "gh-7",
            "loop_key": loop.key,
            "external_id": "gh-app-7",
            "committee_emails": ["cora@example.org"],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    application = Application.objects.get(pk=data["id"])
    assert (application.candidate, application.loop, application.external_id) == (
        candidate,
        loop,
        "gh-app-7",
    )
    assert list(application.committee.all()) == [member]
    assert data["committee_ids"] == [member.pk] and data["status"] == "active"
    started = AuditEntry.objects.get(verb="application.started")
    assert started.data["via"] == "api" and started.data["token"] == "test token"


@pytest.mark.django_db
def test_start_refuses_what_the_page_refuses(api_as, recruiter, loop):
    candidate = make_candidate()
    api = api_as(recruiter)
    draft = make_published_loop()
    draft.status = "draft"
    draft.save()
    cases = {
        "loop_id": {"candidate_id": candidate.pk, "loop_id": draft.pk},
        "loop_key": {"candidate_id": candidate.pk, "loop_key": "no-such-loop"},
        "candidate_id": {"candidate_id": 2_000_000, "loop_key": loop.key},
        "committee_emails": {
            "candidate_id": candidate.pk,
            "loop_key": loop.key,
            "committee_emails": ["nobody@example.org"],
        },
        "request": {"loop_key": loop.key},
    }
    for field, sent in cases.items():
        response = api.post(URL, sent)
        assert response.status_code == 422, (field, response.content)
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert api.post(URL, {"candidate_id": candidate.pk, "loop_key": loop.key}).status_code == 201
    again = api.post(URL, {"candidate_id": candidate.pk, "loop_key": loop.key})
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "loop_id"
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_taken_external_id_is_409(api_as, recruiter, loop):
    make_application(loop=loop).__class__.objects.update(external_id="dup")
    response = api_as(recruiter).post(
        URL, {"candidate_id": make_candidate().pk, "loop_key": loop.key, "external_id": "dup"}
    )
    assert response.status_code == 409
    assert Application.objects.count() == 1


@pytest.mark.django_db
def test_status_change_goes_through_the_service(api_as, recruiter, loop):
    application = make_application(loop=loop)
    api = api_as(recruiter)
    response = api.patch(f"{URL}{application.pk}", {"status": "withdrawn"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    entry = AuditEntry.objects.get(verb="application.status_changed")
    assert (entry.data["before"], entry.data["after"], entry.data["via"]) == (
        "active",
        "withdrawn",
        "api",
    )
    assert api.patch(f"{URL}{application.pk}", {"status": "erased"}).status_code == 422
    assert api.patch(f"{URL}{application.pk}", {"status": "bogus"}).status_code == 422
    application.refresh_from_db()
    assert application.status == "withdrawn"


@pytest.mark.django_db
def test_interviewer_sees_only_theirs_without_a_status_while_owing(api_as, interviewer, loop):
    mine = make_application(loop=loop)
    assign(make_interview(mine), interviewer)
    other = make_application(loop=loop)
    api = api_as(interviewer)
    listed = api.get(URL).json()["items"]
    assert [a["id"] for a in listed] == [mine.pk]
    # Independence: the status could tell a decision while their own scorecard is owed.
    assert listed[0]["status"] is None
    assert api.get(f"{URL}{other.pk}").status_code == 404
    assert api.patch(f"{URL}{mine.pk}", {"status": "hired"}).status_code == 403
    mine.refresh_from_db()
    assert mine.status == "active"


@pytest.mark.django_db
def test_filters_by_candidate_status_and_external_id(api_as, recruiter, loop):
    first, second = make_application(loop=loop), make_application(loop=loop)
    Application.objects.filter(pk=second.pk).update(status="hired", external_id="h-1")
    api = api_as(recruiter)
    assert [a["id"] for a in api.get(URL, {"status": "hired"}).json()["items"]] == [second.pk]
    assert [a["id"] for a in api.get(URL, {"external_id": "h-1"}).json()["items"]] == [second.pk]
    by_candidate = api.get(URL, {"candidate_id": first.candidate_id}).json()["items"]
    assert [a["id"] for a in by_candidate] == [first.pk]
    assert api.get(URL, {"status": "nonsense"}).status_code == 422


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_applications(
    api_as, recruiter, loop, django_assert_num_queries
):
    api = api_as(recruiter)
    for _ in range(2):
        make_interview(make_application(loop=loop))
    api.get(URL)
    with django_assert_num_queries(8) as small:
        assert len(api.get(URL).json()["items"]) == 2
    for _ in range(5):
        make_interview(make_application(loop=loop))
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get(URL).json()["items"]) == 7


@pytest.mark.django_db
def test_a_status_change_shows_in_the_next_sync(api_as, recruiter, loop):
    from django.utils import timezone

    from candidates.services import change_status

    application = make_application(loop=loop)
    api = api_as(recruiter)
    mark = timezone.now()
    assert api.get(URL, {"updated_since": mark.isoformat()}).json()["items"] == []
    # Changed on the page (the same service): a sync by update time must see it.
    change_status(application, "offer", by=recruiter)
    items = api.get(URL, {"updated_since": mark.isoformat()}).json()["items"]
    assert [(a["id"], a["status"]) for a in items] == [(application.pk, "offer")]


@pytest.mark.django_db
def test_the_application_created_webhook_carries_the_ats_id(api_as, recruiter, loop, settings):
    """The outbox row is written as the application starts: with its external_id."""
    from integrations.models import WebhookDelivery, WebhookSubscription

    settings.CELERY_TASK_ALWAYS_EAGER = False  # the row is what is checked, not a send
    WebhookSubscription.objects.create(
        name="ATS", url="https://ats.example.org/hooks", events=["application.created"]
    )
    response = api_as(recruiter).post(
        URL, {"candidate_id": make_candidate().pk, "loop_key": loop.key, "external_id": "gh-9"}
    )
    assert response.status_code == 201, response.content
    delivery = WebhookDelivery.objects.get(event="application.created")
    assert delivery.payload["data"]["application"]["external_id"] == "gh-9"
