"""/api/v1/candidates/ and /api/v1/people/: find, create, change, upsert by external id."""

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.models import Candidate
from candidates.privacy import erase_candidate
from tests.factories import assign, make_application, make_candidate, make_interview

URL = "/api/v1/candidates/"


def body(**fields) -> dict:
    return {"name": "Ada Lovelace", "email": "ada@example.org", **fields}


@pytest.mark.django_db
def test_recruiter_creates_a_candidate_audited_as_the_api(api_as, recruiter):
    response = api_as(recruiter).post(URL, body(external_id="gh-1", links=["https://ada.dev"]))
    assert response.status_code == 201, response.content
    data = response.json()
    candidate = Candidate.objects.get(pk=data["id"])
    assert (candidate.name, candidate.email, candidate.external_id) == (
        "Ada Lovelace",
        "ada@example.org",
        "gh-1",
    )
    assert data["links"] == ["https://ada.dev"] and data["external_id"] == "gh-1"
    entry = AuditEntry.objects.get(verb="candidate.created", target_id=str(candidate.pk))
    assert entry.actor == recruiter
    assert entry.data == {"via": "api", "token": "test token"}


@pytest.mark.django_db
def test_create_refuses_a_taken_external_id_with_409(api_as, recruiter):
    api = api_as(recruiter)
    assert api.post(URL, body(external_id="gh-1")).status_code == 201
    response = api.post(URL, body(email="other@example.org", external_id="gh-1"))
    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert Candidate.objects.filter(external_id="gh-1").count() == 1


@pytest.mark.django_db
def test_duplicate_email_needs_confirmation_as_on_the_page(api_as, recruiter):
    existing = make_candidate("Ada Lovelace", email="ada@example.org")
    api = api_as(recruiter)
    response = api.post(URL, body())
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "email"
    assert f"#{existing.pk}" in response.json()["errors"][0]["message"]
    assert api.post(URL, body(confirm_duplicate=True)).status_code == 201
    assert Candidate.objects.filter(email="ada@example.org").count() == 2


@pytest.mark.django_db
def test_bad_input_is_a_422_problem_at_its_field_and_saves_nothing(api_as, recruiter):
    api = api_as(recruiter)
    cases = {
        "email": body(email="not an address"),
        "links": body(links=["javascript:alert(1)"]),
        "name": body(name="Ada\x00"),
    }
    for field, sent in cases.items():
        response = api.post(URL, sent)
        assert response.status_code == 422, (field, response.content)
        problem = response.json()
        assert problem["status"] == 422
        assert field in {e["field"] for e in problem["errors"]}, problem
    assert not Candidate.objects.exists()


@pytest.mark.django_db
def test_upsert_by_external_id_is_idempotent(api_as, recruiter):
    api = api_as(recruiter)
    url = URL + "external/ats-42"
    first = api.put(url, body())
    assert first.status_code == 201, first.content
    entries = AuditEntry.objects.count()
    again = api.put(url, body())
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    # Nothing changed: nothing written, not even the audit trail.
    assert AuditEntry.objects.count() == entries
    changed = api.put(url, body(name="Ada King"))
    assert changed.status_code == 200 and changed.json()["name"] == "Ada King"
    assert Candidate.objects.get(external_id="ats-42").name == "Ada King"
    assert Candidate.objects.count() == 1


@pytest.mark.django_db
def test_upsert_keeps_what_the_ats_does_not_send(api_as, recruiter):
    api = api_as(recruiter)
    url = URL + "external/ats-43"
    api.put(url, body(recruiter_notes="Met at the meetup", links=["https://ada.dev"]))
    assert api.put(url, body(name="Ada K.")).status_code == 200
    candidate = Candidate.objects.get(external_id="ats-43")
    assert (candidate.name, candidate.recruiter_notes, candidate.links) == (
        "Ada K.",
        "Met at the meetup",
        ["https://ada.dev"],
    )


@pytest.mark.django_db
def test_patch_changes_only_what_is_sent(api_as, recruiter):
    candidate = make_candidate("Grace Hopper", recruiter_notes="Strong")
    response = api_as(recruiter).patch(f"{URL}{candidate.pk}", {"name": "Grace B. Hopper"})
    assert response.status_code == 200, response.content
    candidate.refresh_from_db()
    assert (candidate.name, candidate.recruiter_notes) == ("Grace B. Hopper", "Strong")
    entry = AuditEntry.objects.get(verb="candidate.updated")
    assert entry.data["fields"] == ["name"] and entry.data["via"] == "api"


@pytest.mark.django_db
def test_list_filters_by_email_external_id_and_updated_since(api_as, recruiter):
    ada = make_candidate("Ada", email="Ada@Example.org")
    make_candidate("Bob", email="bob@example.org")
    Candidate.objects.filter(pk=ada.pk).update(external_id="x-1")
    api = api_as(recruiter)
    assert [c["id"] for c in api.get(URL, {"email": "ada@example.org"}).json()["items"]] == [ada.pk]
    assert [c["id"] for c in api.get(URL, {"external_id": "x-1"}).json()["items"]] == [ada.pk]
    later = timezone.now()
    Candidate.objects.filter(pk=ada.pk).update(updated_at=timezone.now())
    since = api.get(URL, {"updated_since": later.isoformat()}).json()
    assert [c["id"] for c in since["items"]] == [ada.pk]


@pytest.mark.django_db
def test_interviewer_reads_their_candidate_without_email_or_notes(api_as, interviewer):
    candidate = make_candidate("Casey", recruiter_notes="Private")
    assign(make_interview(make_application(candidate)), interviewer)
    api = api_as(interviewer)
    data = api.get(f"{URL}{candidate.pk}").json()
    assert data["name"] == "Casey"
    assert data["email"] is None and data["recruiter_notes"] is None
    assert api.get(URL).status_code == 403
    assert api.patch(f"{URL}{candidate.pk}", {"name": "X"}).status_code == 403
    stranger = make_candidate("Sam")
    assert api.get(f"{URL}{stranger.pk}").status_code == 404


@pytest.mark.django_db
def test_recruiter_owing_a_scorecard_gets_no_notes(api_as, recruiter_interviewer):
    candidate = make_candidate("Casey", recruiter_notes="Private")
    assign(make_interview(make_application(candidate)), recruiter_interviewer)
    api = api_as(recruiter_interviewer)
    assert api.get(f"{URL}{candidate.pk}").json()["recruiter_notes"] is None
    listed = api.get(URL).json()["items"]
    assert listed[0]["recruiter_notes"] is None and listed[0]["email"]
    refused = api.patch(f"{URL}{candidate.pk}", {"recruiter_notes": "mine now"})
    assert refused.status_code == 403
    assert Candidate.objects.get(pk=candidate.pk).recruiter_notes == "Private"


@pytest.mark.django_db
def test_erased_candidate_is_listed_without_personal_data_and_refuses_writes(api_as, recruiter):
    candidate = make_candidate("Eve", email="eve@example.org", recruiter_notes="n")
    Candidate.objects.filter(pk=candidate.pk).update(external_id="e-1")
    erase_candidate(candidate, by=recruiter)
    api = api_as(recruiter)
    data = api.get(f"{URL}{candidate.pk}").json()
    assert data["erased"] is True
    assert "Eve" not in str(data) and "eve@example.org" not in str(data)
    assert api.put(URL + "external/e-1", body()).status_code == 422
    assert api.patch(f"{URL}{candidate.pk}", {"name": "Eve"}).status_code == 422
    assert Candidate.objects.get(pk=candidate.pk).email == ""


@pytest.mark.django_db
def test_scopes_limit_a_token(api_as, recruiter):
    reader = api_as(recruiter, scopes=["candidates:read"])
    assert reader.get(URL).status_code == 200
    refused = reader.post(URL, body())
    assert refused.status_code == 403 and "candidates:write" in refused.json()["detail"]
    assert api_as(recruiter, scopes=["loops:read"]).get(URL).status_code == 403
    assert not Candidate.objects.exists()


@pytest.mark.django_db
def test_list_queries_do_not_grow_with_candidates(api_as, recruiter, django_assert_num_queries):
    api = api_as(recruiter)
    for n in range(2):
        make_application(make_candidate(f"C{n}"))
    api.get(URL)  # token's last use written once
    with django_assert_num_queries(7) as small:
        assert len(api.get(URL).json()["items"]) == 2
    for n in range(6):
        make_application(make_candidate(f"D{n}"))
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get(URL).json()["items"]) == 8


@pytest.mark.django_db
def test_people_found_by_email_for_recruiters_only(api_as, recruiter, interviewer):
    data = api_as(recruiter).get("/api/v1/people/", {"email": "INTERVIEWER-P@example.com"})
    assert data.status_code == 200
    (person,) = data.json()["items"]
    assert (person["id"], person["roles"]) == (interviewer.pk, ["interviewer"])
    assert api_as(interviewer).get("/api/v1/people/").status_code == 403
