"""The candidate import pages: upload → preview → confirm, the manual mapping, refusals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEntry
from candidates.models import Application, Candidate, CandidateImport
from tests.candidates import import_setup
from tests.candidates.import_setup import NATIVE_HEADER, csv_bytes, native_file, native_row
from tests.factories import make_candidate

loop, member = import_setup.loop, import_setup.member  # fixtures
UPLOAD = reverse("candidates:import_upload")


def upload(client, content: bytes, *, preset="loopwright", default_loop="", name="people.csv"):
    return client.post(
        UPLOAD,
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "preset": preset,
            "default_loop": default_loop,
        },
    )


@pytest.fixture
def as_recruiter(client, recruiter):
    client.force_login(recruiter)
    return client


def test_the_candidate_list_links_to_the_import(as_recruiter):
    page = as_recruiter.get(reverse("candidates:candidate_list"))

    assert f'href="{UPLOAD}"' in page.content.decode()


def test_upload_preview_confirm_imports_the_file(as_recruiter, recruiter, loop):
    response = upload(as_recruiter, native_file(loop.key))

    stored = CandidateImport.objects.get()
    assert response.status_code == 302 and response["Location"] == stored.get_absolute_url()
    assert (stored.by, stored.filename, stored.is_pending) == (recruiter, "people.csv", True)
    preview = as_recruiter.get(response["Location"])
    text = preview.content.decode()
    assert "3 candidate rows checked: 3 new, 0 updated, 0 unchanged" in text
    assert "new application on" in text and not Candidate.objects.exists()

    done = as_recruiter.post(reverse("candidates:import_confirm", args=[stored.pk]))

    assert done.status_code == 302 and Candidate.objects.count() == 3
    assert Application.objects.count() == 3
    stored.refresh_from_db()
    assert stored.status == "imported" and bytes(stored.content) == b""
    assert stored.summary["new"] == 3
    entry = AuditEntry.objects.get(verb="candidates.imported")
    assert (entry.actor, entry.data["source"], entry.data["new"]) == (recruiter, "page", 3)
    assert "Imported" in as_recruiter.get(stored.get_absolute_url()).content.decode()


def test_the_preview_marks_each_row_new_update_unchanged_or_error(as_recruiter, recruiter):
    from candidates.importing import run_import

    run_import(native_file(n=2), by=recruiter)
    make_candidate("Someone", email="person3@example.org")
    content = csv_bytes(
        NATIVE_HEADER,
        native_row(1),
        native_row(2, name="Person Two Renamed"),
        native_row(3),
        native_row(4),
        native_row(5, email="nope"),
    )

    page = as_recruiter.get(upload(as_recruiter, content)["Location"])

    text = page.content.decode()
    for action in ("unchanged", "update", "new", "error"):
        assert f'class="import-row-{action}"' in text
    assert "Changes: name" in text
    assert "row 6, column “email” (B): “nope” is not an email address." in text
    assert "Import 5 rows" not in text  # no confirm while anything is wrong


def test_confirm_checks_again_and_refuses_what_changed_since_the_preview(
    as_recruiter, recruiter, loop
):
    stored = CandidateImport.objects.get(
        pk=CandidateImport.objects.create(
            content=native_file(loop.key, n=2), preset="loopwright", by=recruiter
        ).pk
    )
    # Between the preview and the confirm, someone else takes the second row's email twice.
    make_candidate("Twin", email="person2@example.org")
    make_candidate("Twin", email="person2@example.org")

    response = as_recruiter.post(reverse("candidates:import_confirm", args=[stored.pk]))

    assert response.status_code == 422
    assert "row 3, column “email” (B): 2 candidates have this email" in response.content.decode()
    assert Candidate.objects.count() == 2  # the twins only: nothing imported
    stored.refresh_from_db()
    assert stored.is_pending


def test_a_second_confirm_imports_nothing_more(as_recruiter, loop):
    location = upload(as_recruiter, native_file(loop.key))["Location"]
    stored = CandidateImport.objects.get()
    as_recruiter.post(reverse("candidates:import_confirm", args=[stored.pk]))

    again = as_recruiter.post(reverse("candidates:import_confirm", args=[stored.pk]))

    assert again.status_code == 409 and Candidate.objects.count() == 3
    assert location


def test_an_unreadable_file_is_refused_on_the_upload_page_and_not_stored(as_recruiter):
    response = upload(as_recruiter, "name,email\nRenée,r@example.org\n".encode("cp1252"))

    assert response.status_code == 422
    text = response.content.decode()
    assert "row 2: The file is not UTF-8 text" in text and "Nothing was imported" in text
    assert not CandidateImport.objects.exists()


def test_an_oversized_upload_is_refused_before_reading(as_recruiter):
    response = upload(as_recruiter, b"name,email\n" + b"x" * (3 * 1024 * 1024))

    assert response.status_code == 422 and "at most 2,097,152" in response.content.decode()
    assert not CandidateImport.objects.exists()


def test_a_preset_missing_a_column_offers_the_manual_mapping(as_recruiter, loop):
    content = csv_bytes(
        ["Full name", "E-mail", "Ref"], ["Grace Hopper", "grace@example.org", "X-9"]
    )
    location = upload(as_recruiter, content, preset="greenhouse", default_loop=loop.key)["Location"]
    stored = CandidateImport.objects.get()

    page = as_recruiter.get(location).content.decode()
    assert "The email column is missing" in page and "Choose the columns" in page

    response = as_recruiter.post(
        reverse("candidates:import_mapping", args=[stored.pk]),
        {"name": "Full name", "email": "E-mail", "external_id": "Ref"},
    )
    assert response.status_code == 302
    stored.refresh_from_db()
    assert stored.preset == "manual" and stored.mapping["email"] == "E-mail"
    assert "1 new" in as_recruiter.get(location).content.decode()

    as_recruiter.post(reverse("candidates:import_confirm", args=[stored.pk]))
    candidate = Candidate.objects.get()
    assert (candidate.external_id, candidate.applications.get().loop) == ("X-9", loop)


def test_a_mapping_without_email_is_refused_with_the_field_marked(as_recruiter):
    content = csv_bytes(["Full name", "E-mail"], ["Grace Hopper", "grace@example.org"])
    upload(as_recruiter, content, preset="manual")
    stored = CandidateImport.objects.get()

    response = as_recruiter.post(
        reverse("candidates:import_mapping", args=[stored.pk]), {"name": "Full name"}
    )

    assert response.status_code == 422
    assert "Choose the column that holds the email." in response.content.decode()


def test_discard_drops_the_file(as_recruiter):
    upload(as_recruiter, native_file())
    stored = CandidateImport.objects.get()

    response = as_recruiter.post(reverse("candidates:import_discard", args=[stored.pk]))

    stored.refresh_from_db()
    assert response.status_code == 302
    assert (stored.status, bytes(stored.content)) == ("discarded", b"")
    assert not Candidate.objects.exists()


def test_hostile_cells_are_shown_as_text(as_recruiter):
    content = csv_bytes(NATIVE_HEADER, native_row(1, name="<script>alert(1)</script>"))

    page = as_recruiter.get(upload(as_recruiter, content)["Location"]).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_non_recruiters_may_not_upload_or_confirm(client, persona_user, persona, recruiter):
    client.force_login(persona_user(persona))
    stored = CandidateImport.objects.create(
        content=native_file(), preset="loopwright", by=recruiter
    )

    assert upload(client, native_file()).status_code == 403
    assert client.post(reverse("candidates:import_confirm", args=[stored.pk])).status_code == 403
    assert not Candidate.objects.exists()


def test_the_confirm_is_a_post(as_recruiter, recruiter):
    stored = CandidateImport.objects.create(
        content=native_file(), preset="loopwright", by=recruiter
    )

    assert (
        as_recruiter.get(reverse("candidates:import_confirm", args=[stored.pk])).status_code == 405
    )


def test_the_preview_takes_a_fixed_number_of_queries(
    as_recruiter, recruiter, loop, django_assert_max_num_queries
):
    small = CandidateImport.objects.create(
        content=native_file(loop.key, n=3), preset="loopwright", by=recruiter
    )
    large = CandidateImport.objects.create(
        content=native_file(loop.key, n=300), preset="loopwright", by=recruiter
    )
    with django_assert_max_num_queries(14):
        assert as_recruiter.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(14):
        assert as_recruiter.get(large.get_absolute_url()).status_code == 200
