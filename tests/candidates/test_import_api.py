"""POST /api/v1/imports/candidates: the import through the API, refusals as 422 problems."""

import pytest

from accounts.models import AuditEntry
from candidates.models import Application, Candidate
from tests.api import conftest as api_conftest
from tests.candidates import import_setup
from tests.candidates.import_setup import NATIVE_HEADER, csv_bytes, native_file, native_row

loop, api_as = import_setup.loop, api_conftest.api_as  # fixtures
URL = "/api/v1/imports/candidates"


def text(content: bytes) -> str:
    return content.decode()


def test_a_dry_run_answers_the_preview_and_writes_nothing(api_as, recruiter, loop):
    response = api_as(recruiter).post(URL, {"text": text(native_file(loop.key)), "dry_run": True})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True
    assert body["counts"]["new"] == 3 and body["counts"]["applications"] == 3
    assert [row["action"] for row in body["rows"]] == ["new", "new", "new"]
    assert not Candidate.objects.exists()


def test_an_import_saves_and_a_second_says_unchanged(api_as, recruiter, loop):
    client = api_as(recruiter)
    first = client.post(URL, {"text": text(native_file(loop.key))}).json()

    second = client.post(URL, {"text": text(native_file(loop.key))}).json()

    assert first["counts"]["new"] == 3 and Candidate.objects.count() == 3
    assert all(row["candidate_id"] for row in first["rows"])
    assert second["counts"] == {**second["counts"], "new": 0, "updated": 0, "unchanged": 3}
    assert Application.objects.count() == 3
    entry = AuditEntry.objects.filter(verb="candidates.imported").first()
    assert entry.data["source"] == "api"


def test_a_refused_file_is_a_422_problem_with_located_errors(api_as, recruiter):
    content = csv_bytes(NATIVE_HEADER, native_row(1), native_row(2, email="not-an-address"))

    response = api_as(recruiter).post(URL, {"text": text(content)})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["errors"] == [
        {"field": "row 3, column email", "message": "“not-an-address” is not an email address."}
    ]
    assert "nothing was imported" in body["detail"]
    assert not Candidate.objects.exists()


def test_a_preset_and_a_manual_mapping(api_as, recruiter):
    greenhouse = csv_bytes(
        ["Candidate ID", "First Name", "Last Name", "Email"], ["7", "Ada", "L", "ada@example.org"]
    )
    manual = csv_bytes(["Who", "Mail"], ["Grace Hopper", "grace@example.org"])
    client = api_as(recruiter)

    assert client.post(URL, {"text": text(greenhouse), "preset": "greenhouse"}).status_code == 200
    response = client.post(
        URL, {"text": text(manual), "preset": "manual", "mapping": {"name": "Who", "email": "Mail"}}
    )

    assert response.status_code == 200
    assert set(Candidate.objects.values_list("name", flat=True)) == {"Ada L", "Grace Hopper"}


def test_an_unknown_preset_is_a_422_at_the_preset(api_as, recruiter):
    response = api_as(recruiter).post(URL, {"text": "name,email\n", "preset": "taleo"})

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "preset"


@pytest.mark.parametrize(
    "body, where",
    [
        ({"text": ""}, "row 1"),
        ({"text": "name;email\nA;a@example.org\n"}, "row 1"),
        # A lone surrogate: JSON parsers refuse it before the file is read.
        ({"text": "name,email\n\ud800,a@example.org\n"}, "request"),
        ({"text": "name,email\nA\x00,a@example.org\n"}, "row 2"),
    ],
)
def test_an_unreadable_file_is_a_422_at_its_row(api_as, recruiter, body, where):
    response = api_as(recruiter).post(URL, body)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == where


def test_a_missing_text_is_a_422(api_as, recruiter):
    response = api_as(recruiter).post(URL, {"preset": "loopwright"})

    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "text"


def test_an_interviewer_gets_403_and_nothing_is_saved(api_as, interviewer):
    response = api_as(interviewer).post(URL, {"text": text(native_file())})

    assert response.status_code == 403 and not Candidate.objects.exists()


def test_a_token_without_candidates_write_gets_403(api_as, recruiter):
    response = api_as(recruiter, scopes=["candidates:read"]).post(
        URL, {"text": text(native_file())}
    )

    assert response.status_code == 403 and not Candidate.objects.exists()


def test_the_operation_is_in_the_schema_with_its_problems(api_as, recruiter):
    schema = api_as(recruiter).get("/api/v1/openapi.json").json()

    operation = schema["paths"]["/api/v1/imports/candidates"]["post"]
    assert {"200", "403", "422"} <= set(operation["responses"])
