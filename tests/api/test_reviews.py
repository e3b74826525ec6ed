"""Performance reviews through the API: the service's one rule set, and an idempotent upsert."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from outcomes.models import PerformanceReview
from outcomes.reviews.services import hired_on
from tests.factories import make_application
from tests.outcomes.reviews_setup import competencies_of, make_hire, review

pytestmark = pytest.mark.django_db

REVIEWS = reverse("api-v1:review_list")


def upsert_url(external_id: str) -> str:
    return reverse("api-v1:review_upsert", kwargs={"external_id": external_id})


@pytest.fixture
def hire(recruiter):
    return make_hire(recruiter)


def body(application, **fields) -> dict:
    start = hired_on(application) or timezone.localdate()
    return {
        "application_id": application.pk,
        "reviewed_on": (start + timedelta(days=182)).isoformat(),
        "reviewer_name": "Robin Lee",
        "overall": 4,
        **fields,
    }


def test_a_recruiter_records_a_review_with_competency_ratings(api_as, recruiter, hire):
    ownership, systems = competencies_of(hire)
    response = api_as(recruiter).post(
        REVIEWS,
        body(hire, ratings={ownership.key: 5, systems.key: 3}, external_id="wd-1", comment="Good"),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["external_id"] == "wd-1" and data["overall"] == 4 and data["scale_max"] == 5
    assert {r["competency_key"]: r["value"] for r in data["ratings"]} == {
        ownership.key: 5,
        systems.key: 3,
    }
    entry = AuditEntry.objects.get(verb="review.created")
    assert entry.data["via"] == "api" and entry.data["token"] == "test token"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"reviewed_on": "2999-01-01"}, "reviewed_on"),  # in the future
        ({"overall": 6}, "overall"),  # off the 1..5 scale
        ({"reviewed_on": "2000-01-01"}, "reviewed_on"),  # before the hire
    ],
)
def test_the_services_rules_refuse_at_their_field(api_as, recruiter, hire, fields, field):
    response = api_as(recruiter).post(REVIEWS, body(hire, **fields))
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not PerformanceReview.objects.exists()


def test_only_a_hire_is_reviewed_and_only_competencies_of_its_loop(api_as, recruiter, hire):
    client = api_as(recruiter)
    active = make_application(loop=hire.loop)
    refused = client.post(REVIEWS, body(active, reviewed_on=timezone.localdate().isoformat()))
    assert refused.status_code == 422
    assert "Only a hire is reviewed" in refused.json()["detail"]
    unknown = client.post(REVIEWS, body(hire, ratings={"not-on-the-loop": 3}))
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "ratings.not-on-the-loop"
    assert not PerformanceReview.objects.exists()


def test_creating_twice_is_refused_as_the_form_refuses(api_as, recruiter, hire):
    client = api_as(recruiter)
    assert client.post(REVIEWS, body(hire)).status_code == 201
    again = client.post(REVIEWS, body(hire))
    assert again.status_code == 422
    assert PerformanceReview.objects.count() == 1


def test_the_upsert_creates_once_then_updates_in_place(api_as, recruiter, hire):
    client = api_as(recruiter)
    first = client.put(upsert_url("wd-7"), body(hire))
    assert first.status_code == 201
    same = client.put(upsert_url("wd-7"), body(hire))
    assert same.status_code == 200 and same.json()["id"] == first.json()["id"]
    changed = client.put(upsert_url("wd-7"), body(hire, overall=2, reviewer_name="Sam Ode"))
    assert changed.status_code == 200
    review_row = PerformanceReview.objects.get()
    assert (review_row.overall, review_row.reviewer_name, review_row.external_id) == (
        2,
        "Sam Ode",
        "wd-7",
    )


def test_the_upsert_adopts_the_review_its_natural_key_names(api_as, recruiter, hire):
    existing = review(hire, recruiter)  # typed in on the page, no external id
    response = api_as(recruiter).put(upsert_url("wd-9"), body(hire, overall=3))
    assert response.status_code == 200
    assert response.json()["id"] == existing.pk
    existing.refresh_from_db()
    assert (existing.external_id, existing.overall) == ("wd-9", 3)


def test_the_upsert_refuses_to_move_a_review_or_steal_an_id(api_as, recruiter, hire):
    client = api_as(recruiter)
    client.put(upsert_url("wd-1"), body(hire))
    other = make_hire(recruiter, loop=hire.loop)
    assert client.put(upsert_url("wd-1"), body(other)).status_code == 409
    client.put(upsert_url("wd-2"), body(hire, reviewer_name="Kim Lo"))
    # Kim's review already has its own external id.
    clash = client.put(upsert_url("wd-3"), body(hire, reviewer_name="Kim Lo"))
    assert clash.status_code == 409
    assert sorted(PerformanceReview.objects.values_list("external_id", flat=True)) == [
        "wd-1",
        "wd-2",
    ]


def test_reviews_are_for_recruiters_only(api_as, interviewer, committee, hire, recruiter):
    review(hire, recruiter)
    for person in (interviewer, committee):
        client = api_as(person)
        assert client.get(REVIEWS).status_code == 403
        assert client.post(REVIEWS, body(hire)).status_code == 403
        assert client.put(upsert_url("x"), body(hire)).status_code == 403
    assert PerformanceReview.objects.count() == 1


def test_the_list_filters_by_application_external_id_and_update_time(api_as, recruiter, hire):
    client = api_as(recruiter)
    client.put(upsert_url("wd-1"), body(hire))
    other = make_hire(recruiter, loop=hire.loop)
    client.put(upsert_url("wd-2"), body(other))

    def found(**query) -> list[str]:
        return [r["external_id"] for r in client.get(REVIEWS, query).json()["items"]]

    assert found() == ["wd-1", "wd-2"]
    assert found(application=other.pk) == ["wd-2"]
    assert found(external_id="wd-1") == ["wd-1"]
    since = PerformanceReview.objects.get(external_id="wd-2").updated_at.isoformat()
    assert found(updated_since=since) == ["wd-2"]


@pytest.mark.parametrize("hires", [1, 3])
def test_the_review_list_takes_the_same_queries_however_many_reviews(
    api_as, recruiter, django_assert_num_queries, hires
):
    loop = None
    for _ in range(hires):
        application = make_hire(recruiter, loop=loop)
        loop = application.loop
        ownership, _ = competencies_of(application)
        review(application, recruiter, ratings={ownership: 4})
    client = api_as(recruiter)
    client.get(REVIEWS)  # the token's first use writes its last_used_at once
    with django_assert_num_queries(6):
        assert len(client.get(REVIEWS).json()["items"]) == hires
