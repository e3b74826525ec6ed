"""/api/v1/loops/ (read) and /api/v1/banks/ (list, export, import the bank file)."""

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import AuditEntry
from rubrics.bankfile import export_bank
from rubrics.models import Bank
from tests.factories import make_published_loop

BANKS = "/api/v1/banks/"


@pytest.mark.django_db
def test_loop_detail_names_stage_ids_and_competencies(api_as, recruiter):
    loop = make_published_loop(stages=("Systems", "People"))
    api = api_as(recruiter)
    listed = api.get("/api/v1/loops/", {"status": "published"}).json()["items"]
    assert [item["id"] for item in listed] == [loop.pk]
    data = api.get(f"/api/v1/loops/{loop.pk}").json()
    assert [s["name"] for s in data["stages"]] == ["Systems", "People"]
    assert {s["id"] for s in data["stages"]} == set(loop.stages.values_list("pk", flat=True))
    assert [c["key"] for c in data["competencies"]] == [
        c.competency.key for c in loop.loop_competencies.all()
    ]
    assert data["role"]["key"] == loop.role.key and data["version"] == 1


@pytest.mark.django_db
def test_loops_are_for_recruiters(api_as, interviewer, recruiter):
    loop = make_published_loop()
    assert api_as(interviewer).get("/api/v1/loops/").status_code == 403
    assert api_as(interviewer).get(f"/api/v1/loops/{loop.pk}").status_code == 403
    assert api_as(recruiter, scopes=["banks:read"]).get("/api/v1/loops/").status_code == 403
    assert api_as(recruiter).get("/api/v1/loops/2147483000").status_code == 404


@pytest.mark.django_db
def test_loop_list_queries_do_not_grow(api_as, recruiter, django_assert_num_queries):
    api = api_as(recruiter)
    make_published_loop()
    api.get("/api/v1/loops/")
    with django_assert_num_queries(5) as small:
        assert len(api.get("/api/v1/loops/").json()["items"]) == 1
    for _ in range(3):
        make_published_loop()
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api.get("/api/v1/loops/").json()["items"]) == 4


@pytest.mark.django_db
def test_export_is_the_catalogues_bank_file(api_as, recruiter, catalogue):
    response = api_as(recruiter).get(f"{BANKS}core/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response.content.decode() == export_bank(catalogue.bank)
    listed = api_as(recruiter).get(BANKS).json()["items"]
    assert [(b["key"], b["question_count"]) for b in listed] == [("core", 1)]
    assert api_as(recruiter).get(f"{BANKS}nope/export").status_code == 404


def renamed_copy(text: str) -> str:
    """The exported file as a new bank (key "copy") with its question renamed."""
    data = yaml.safe_load(text)
    data["bank"]["key"], data["bank"]["name"] = "copy", "Copy bank"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.django_db
def test_import_as_json_then_again_changes_nothing(api_as, recruiter, catalogue):
    text = export_bank(catalogue.bank)
    api = api_as(recruiter)
    dry = api.post(f"{BANKS}import", {"text": text, "dry_run": True})
    assert dry.status_code == 200, dry.content
    assert dry.json()["dry_run"] is True and dry.json()["changed"] is False
    updated = text.replace("Core bank", "Core bank, renamed")
    done = api.post(f"{BANKS}import", {"text": updated})
    assert done.status_code == 200, done.content
    assert done.json()["changed"] is True and done.json()["counts"]["bank"]["updated"] == 1
    assert Bank.objects.get(key="core").name == "Core bank, renamed"
    entry = AuditEntry.objects.get(verb="bank.imported")
    assert entry.data["via"] == "api" and entry.data["token"] == "test token"


@pytest.mark.django_db
def test_import_as_a_multipart_file(api_as, recruiter, catalogue, client):
    api = api_as(recruiter)
    upload = SimpleUploadedFile("core.yaml", export_bank(catalogue.bank).encode())
    response = client.post(f"{BANKS}import", {"file": upload}, headers=api.headers)
    assert response.status_code == 200, response.content
    assert response.json()["bank_key"] == "core" and response.json()["changed"] is False


@pytest.mark.django_db
def test_a_bad_file_lists_each_problem_at_its_place_and_imports_nothing(
    api_as, recruiter, catalogue
):
    text = export_bank(catalogue.bank).replace("Core bank", "Core bank, renamed")
    broken = text + "\nquestions:\n  - key: Not A Key!\n"
    response = api_as(recruiter).post(f"{BANKS}import", {"text": broken})
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    assert errors and all(e["field"] and e["message"] for e in errors)
    assert Bank.objects.get(key="core").name == "Core bank"
    not_yaml = api_as(recruiter).post(f"{BANKS}import", {"text": "a: [unclosed"})
    assert not_yaml.status_code == 422
    assert any("line" in e["field"] for e in not_yaml.json()["errors"]), not_yaml.json()
    missing = api_as(recruiter).post(f"{BANKS}import", {"dry_run": True})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "text"


@pytest.mark.django_db
def test_banks_are_for_recruiters_with_the_banks_scope(api_as, interviewer, recruiter, catalogue):
    text = export_bank(catalogue.bank)
    assert api_as(interviewer).get(BANKS).status_code == 403
    assert api_as(interviewer).post(f"{BANKS}import", {"text": text}).status_code == 403
    reader = api_as(recruiter, scopes=["banks:read"])
    assert reader.get(f"{BANKS}core/export").status_code == 200
    assert reader.post(f"{BANKS}import", {"text": text}).status_code == 403
