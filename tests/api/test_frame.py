"""The API's frame as clients meet it: tokens, scopes, rate limit, pages, sync, error bodies."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from candidates.models import Candidate
from integrations.api.core import api
from integrations.models import ApiToken
from tests.api.conftest import ApiClient, make_token
from tests.factories import make_candidate

URL = "/api/v1/candidates/"
PROBLEM = "application/problem+json"


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    return body


@pytest.mark.django_db
def test_no_token_or_a_wrong_one_is_401_with_www_authenticate(client):
    for headers in ({}, {"Authorization": "Bearer lw_nope_nope"}, {"Authorization": "Basic x"}):
        response = client.get(URL, headers=headers)
        assert_problem(response, 401)
        assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.django_db
def test_expired_revoked_or_deactivated_tokens_are_refused(client, recruiter):
    secret = make_token(recruiter)
    api_client = ApiClient(client, secret)
    assert api_client.get(URL).status_code == 200
    token = ApiToken.objects.get(user=recruiter)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_problem(api_client.get(URL), 401)
    ApiToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() + timedelta(days=1), revoked_at=timezone.now()
    )
    assert_problem(api_client.get(URL), 401)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)
    assert api_client.get(URL).status_code == 200
    recruiter.is_active = False
    recruiter.save()
    assert_problem(api_client.get(URL), 401)


@pytest.mark.django_db
def test_a_scope_the_token_lacks_is_403_naming_it(api_as, recruiter):
    body = assert_problem(api_as(recruiter, scopes=["interviews:read"]).get(URL), 403)
    assert "candidates:read" in body["detail"]
    # Write implies read.
    assert api_as(recruiter, scopes=["candidates:write"]).get(URL).status_code == 200


@pytest.mark.django_db
def test_a_scope_never_adds_a_permission(api_as, interviewer):
    assert_problem(api_as(interviewer).post(URL, {"name": "A", "email": "a@example.org"}), 403)
    assert not Candidate.objects.exists()


@pytest.fixture
def tight_rate_limit(settings):
    """Two requests a minute (API_RATE_LIMIT's throttle, changed in place)."""
    settings.API_RATE_LIMIT = "2/m"
    (throttle,) = api.throttle
    saved = throttle.rate, throttle.num_requests, throttle.duration
    throttle.rate = "2/m"
    throttle.num_requests, throttle.duration = throttle.parse_rate("2/m")
    cache.clear()
    yield
    throttle.rate, throttle.num_requests, throttle.duration = saved
    cache.clear()


@pytest.mark.django_db
def test_over_the_rate_limit_is_429_with_retry_after(api_as, recruiter, tight_rate_limit):
    first = api_as(recruiter)
    assert first.get(URL).status_code == 200
    assert first.get(URL).status_code == 200
    refused = first.get(URL)
    body = assert_problem(refused, 429)
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "2/m" in body["detail"]
    # Counted per token: another token of the same person is not held back.
    assert api_as(recruiter).get(URL).status_code == 200


@pytest.mark.django_db
def test_pages_link_next_and_previous_and_keep_filters(api_as, recruiter):
    for n in range(5):
        make_candidate(f"Page {n}")
    api_client = api_as(recruiter)
    first = api_client.get(URL, {"page_size": 2, "email": ""}).json()
    assert first["count"] == 5 and len(first["items"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    last = api_client.get(URL, {"page": 3, "page_size": 2}).json()
    assert len(last["items"]) == 1 and last["next"] is None and "page=2" in last["previous"]
    seen = [
        c["id"]
        for p in (1, 2, 3)
        for c in api_client.get(URL, {"page": p, "page_size": 2}).json()["items"]
    ]
    assert sorted(seen) == sorted(Candidate.objects.values_list("pk", flat=True))
    beyond = api_client.get(URL, {"page": 9, "page_size": 2}).json()
    assert beyond["items"] == [] and beyond["next"] is None


@pytest.mark.django_db
def test_updated_since_walks_changes_oldest_first(api_as, recruiter):
    old, newer = make_candidate("Old"), make_candidate("Newer")
    base = timezone.now()
    Candidate.objects.filter(pk=old.pk).update(updated_at=base - timedelta(days=2))
    Candidate.objects.filter(pk=newer.pk).update(updated_at=base - timedelta(hours=1))
    since = (base - timedelta(days=1)).isoformat()
    items = api_as(recruiter).get(URL, {"updated_since": since}).json()["items"]
    assert [c["id"] for c in items] == [newer.pk]
    everything = api_as(recruiter).get(URL).json()["items"]
    assert [c["id"] for c in everything] == [old.pk, newer.pk]


@pytest.mark.django_db
def test_bad_input_is_a_422_problem_naming_the_field(api_as, recruiter):
    api_client = api_as(recruiter)
    cases = {
        "updated_since": api_client.get(URL, {"updated_since": "yesterday"}),
        "page_size": api_client.get(URL, {"page_size": 100000}),
        "page": api_client.get(URL, {"page": 0}),
        "id": api_client.get(f"{URL}99999999999999999999"),
        "name": api_client.post(URL, {"email": "x@example.org"}),
    }
    for field, response in cases.items():
        body = assert_problem(response, 422)
        assert field in {e["field"] for e in body["errors"]}, (field, body)
    far = api_client.get(URL, {"updated_since": "9999-12-31T23:59:59-12:00"})
    assert_problem(far, 422)
    broken = api_client.client.post(
        URL, "{not json", content_type="application/json", headers=api_client.headers
    )
    assert broken.status_code in (400, 422) and broken["Content-Type"] == PROBLEM


@pytest.mark.django_db
def test_unknown_paths_answer_a_404_problem_not_a_page(api_as, recruiter, client):
    for path in ("/api/v1/", "/api/v1/nothing", "/api/v1/candidates", "/api/v1/candidates/1/x"):
        body = assert_problem(api_as(recruiter).get(path), 404)
        assert "docs" in body["detail"]
    assert_problem(client.get("/api/v1/nothing"), 404)
    assert_problem(api_as(recruiter).get(f"{URL}2147483647"), 404)
