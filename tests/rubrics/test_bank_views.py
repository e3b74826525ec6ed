"""The Banks screen: list, export download, upload-to-import."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry
from rubrics.bankfile import export_bank
from rubrics.models import Bank, Question
from tests.factories import make_bank, make_competency, make_question

BANKS = Path(__file__).parent / "banks"
LIST = reverse("rubrics:bank_list")
IMPORT = reverse("rubrics:bank_import")


def upload(name: str = "devops.yaml", content: bytes | None = None) -> SimpleUploadedFile:
    data = content if content is not None else (BANKS / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="application/yaml")


@pytest.fixture
def as_recruiter(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.mark.django_db
def test_bank_list_shows_each_bank_with_counts_and_an_export_link(as_recruiter, catalogue):
    response = as_recruiter.get(LIST)

    assert response.status_code == 200
    row = response.content.decode()
    assert "Core bank" in row and "<code>core</code>" in row
    assert '<td class="num">1</td>\n          <td class="num">2</td>' in row
    assert reverse("rubrics:bank_export", args=["core"]) in row


@pytest.mark.django_db
def test_bank_list_runs_the_same_queries_however_many_banks(as_recruiter, catalogue):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_recruiter.get(LIST).status_code == 200
        return len(captured)

    few = queries()
    for n in range(5):
        bank = make_bank(f"extra-{n}")
        make_question(bank, primary=make_competency(bank))

    assert queries() == few


@pytest.mark.django_db
def test_export_downloads_the_bank_as_a_yaml_file(as_recruiter, catalogue):
    response = as_recruiter.get(reverse("rubrics:bank_export", args=["core"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="core.yaml"'
    assert response.content.decode() == export_bank(catalogue.bank)


@pytest.mark.django_db
def test_export_of_an_unknown_bank_is_not_found(as_recruiter):
    assert as_recruiter.get(reverse("rubrics:bank_export", args=["nope"])).status_code == 404


@pytest.mark.django_db
def test_import_creates_the_bank_and_shows_the_report(as_recruiter, recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Imported <code>devops-senior-staff</code>" in page
    assert '<th scope="row">Questions</th><td class="num">2</td>' in page
    assert Question.objects.filter(key__startswith="devops-").count() == 2
    assert AuditEntry.objects.get(verb="bank.imported").actor == recruiter


@pytest.mark.django_db
def test_import_again_says_nothing_changed(as_recruiter):
    as_recruiter.post(IMPORT, {"file": upload()})

    response = as_recruiter.post(IMPORT, {"file": upload()})

    assert "is already up to date: nothing changed" in response.content.decode()
    assert AuditEntry.objects.filter(verb="bank.imported").count() == 1


@pytest.mark.django_db
def test_import_dry_run_reports_without_writing(as_recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload(), "dry_run": "on"})

    assert "Nothing was written" in response.content.decode()
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_htmx_import_swaps_the_import_region_and_refreshes_the_table(as_recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload()}, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.lstrip().startswith('<section id="bank-import"')
    assert "<html" not in page
    assert (
        'id="bank-table" class="card" aria-labelledby="bank-table-head" hx-swap-oob="true"' in page
    )
    assert "DevOps engineer, Senior to Staff" in page


@pytest.mark.django_db
def test_import_refuses_get(as_recruiter):
    assert as_recruiter.get(IMPORT).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_import_is_forbidden_to_people_who_are_not_recruiters(client, persona_user, persona):
    client.force_login(persona_user(persona))

    response = client.post(IMPORT, {"file": upload()})

    assert response.status_code == 403
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_bad_file_lists_every_problem_at_the_field_and_imports_nothing(as_recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload("broken.yaml")})

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [
        'questions[0].kind (line 14, column 11): "technial" is not a kind of question '
        "(behavioural | situational | technical)",
        "questions[0].minutes (line 15, column 14): 500 is out of range (1–180)",
        'questions[0].competencies.primary (line 17, column 16): unknown competency "reliabilty"',
    ]
    page = response.content.decode()
    assert "Nothing was imported." in page
    assert "unknown competency &quot;reliabilty&quot;" in page
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_file_that_is_not_yaml_is_refused_at_the_field(as_recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload(content=b"format: 1\nbank: [oops\n")})

    assert response.context["form"].errors["file"][0].startswith("line 3, column 1: not valid YAML")
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_file_that_is_not_utf8_is_refused_at_the_field(as_recruiter):
    response = as_recruiter.post(IMPORT, {"file": upload(content="café".encode("latin-1"))})

    assert response.context["form"].errors["file"] == [
        "This file is not UTF-8 text. A bank file is YAML saved as UTF-8."
    ]


@pytest.mark.django_db
def test_file_over_the_size_limit_is_refused_at_the_field(as_recruiter, settings):
    settings.BANK_UPLOAD_MAX_BYTES = 1024

    response = as_recruiter.post(IMPORT, {"file": upload()})

    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert error.startswith("This file is ")
    assert error.endswith("a bank file may be at most 1.0\xa0KB.")
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_import_without_a_file_asks_for_one(as_recruiter):
    response = as_recruiter.post(IMPORT, {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This field is required."]
