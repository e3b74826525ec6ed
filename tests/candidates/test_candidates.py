"""Recruiters list, add and edit candidates; the right people read details, notes and CVs."""

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.models import Candidate
from candidates.services import update_candidate
from scoring.models import Scorecard
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

from . import HTMX, NOTES, PDF, build_people, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


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


def new_candidate(**overrides) -> dict:
    return {
        "name": "Dana Devops",
        "email": "dana@example.org",
        "links": "https://github.com/dana\nhttps://dana.example.org/talks",
        "recruiter_notes": "Referred by Priya.",
        **overrides,
    }


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# --- candidate_list --------------------------------------------------------------------


def test_list_shows_each_candidate_with_applications_and_status(recruiter_client, people):
    body = recruiter_client.get(url("candidate_list")).content.decode()
    assert "Casey Candidate" in body and "casey@example.org" in body
    assert people.loop.name in body and "Active" in body
    assert url("application_detail", people.application.pk) in body
    assert NOTES not in body


def test_list_searches_by_name_or_email(recruiter_client, people):
    make_candidate("Robin Reliable", email="robin@sre.example.net")
    by_name = recruiter_client.get(url("candidate_list"), {"q": "robin"})
    assert [c.name for c in by_name.context["page"]] == ["Robin Reliable"]
    by_email = recruiter_client.get(url("candidate_list"), {"q": "casey@example"})
    assert [c.name for c in by_email.context["page"]] == ["Casey Candidate"]
    none = recruiter_client.get(url("candidate_list"), {"q": "nobody-like-this"})
    assert "No candidate matches" in none.content.decode()


def test_list_answers_htmx_with_the_results_only(recruiter_client, people):
    response = recruiter_client.get(url("candidate_list"), {"q": "casey"}, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="candidate-results"')
    assert "<html" not in body and "Casey Candidate" in body


def test_list_is_paginated_by_25(recruiter_client):
    for n in range(27):
        make_candidate(f"Person {n:02}")
    first = recruiter_client.get(url("candidate_list"))
    assert len(first.context["page"].object_list) == 25
    second = recruiter_client.get(url("candidate_list"), {"page": 2})
    assert [c.name for c in second.context["page"]] == ["Person 25", "Person 26"]
    assert "page=2" in first.content.decode()


def test_list_is_for_recruiters_only(interviewer, people):
    assert client_for(interviewer).get(url("candidate_list")).status_code == 403


def test_list_leaves_out_erased_candidates(recruiter_client, people):
    # As erasure leaves the row (the database refuses an erased row holding personal data).
    Candidate.objects.filter(pk=people.candidate.pk).update(
        erased_at=timezone.now(), email="", recruiter_notes="", cv="", cv_name=""
    )
    assert recruiter_client.get(url("candidate_list")).context["page"].paginator.count == 0


@pytest.mark.parametrize("count", [5, 40])
def test_list_queries_do_not_grow_with_candidates(
    recruiter_client, django_assert_num_queries, count
):
    loop = make_published_loop()
    for n in range(count):
        candidate = make_candidate(f"Person {n:02}")
        make_application(candidate, loop)
    # session, user, groups, count, page, applications with their loops, the viewer's
    # seats among them (independence: a status a decision set is hidden while pending)
    with django_assert_num_queries(7):
        response = recruiter_client.get(url("candidate_list"))
    assert response.content.decode().count("badge status-active") == min(count, 25)


# --- candidate_create ------------------------------------------------------------------


def test_recruiter_adds_a_candidate_with_cv_links_and_notes(recruiter_client, recruiter):
    response = recruiter_client.post(
        url("candidate_create"), {**new_candidate(), "cv": upload("Dana CV.pdf")}
    )
    candidate = Candidate.objects.get(email="dana@example.org")
    assert response.status_code == 302 and response["Location"] == candidate.get_absolute_url()
    assert candidate.links == ["https://github.com/dana", "https://dana.example.org/talks"]
    assert candidate.recruiter_notes == "Referred by Priya."
    assert candidate.cv_name == "Dana CV.pdf"
    assert candidate.cv.name.startswith("cvs/") and "Dana" not in candidate.cv.name
    assert candidate.created_by == recruiter
    entry = AuditEntry.objects.get(verb="candidate.created")
    assert entry.data == {}


def test_create_page_offers_the_form(recruiter_client):
    body = recruiter_client.get(url("candidate_create")).content.decode()
    assert 'enctype="multipart/form-data"' in body and 'name="recruiter_notes"' in body
    assert "Create anyway" not in body


def test_create_refuses_other_methods(recruiter_client):
    assert recruiter_client.put(url("candidate_create")).status_code == 405


def test_create_is_refused_to_interviewers(interviewer):
    response = client_for(interviewer).post(url("candidate_create"), new_candidate())
    assert response.status_code == 403
    assert not Candidate.objects.exists()


def test_create_over_htmx_redirects_the_whole_page(recruiter_client):
    response = recruiter_client.post(url("candidate_create"), new_candidate(), **HTMX)
    candidate = Candidate.objects.get(email="dana@example.org")
    assert response["HX-Redirect"] == candidate.get_absolute_url()


def test_create_over_htmx_with_errors_returns_the_form(recruiter_client):
    response = recruiter_client.post(url("candidate_create"), new_candidate(name=""), **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="candidate-form">')
    assert "This field is required." in body and not Candidate.objects.exists()


@pytest.mark.parametrize(
    ("links", "bad"),
    [
        ("github.com/dana", "github.com/dana"),
        ("https://ok.example.org\njavascript:alert(1)", "javascript:alert(1)"),
        ("ftp://files.example.org/cv", "ftp://files.example.org/cv"),
    ],
)
def test_create_refuses_a_link_that_is_not_a_web_address(recruiter_client, links, bad):
    response = recruiter_client.post(url("candidate_create"), new_candidate(links=links))
    assert response.status_code == 200
    assert f"“{bad}” is not a web address" in response.content.decode()
    assert not Candidate.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cv.pdf", PDF),
        ("cv.docx", docx_bytes()),
        ("cv.odt", docx_bytes()),
        ("cv.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
        ("cv.txt", "Dana — SRE, Zürich\n".encode()),
    ],
)
def test_create_accepts_each_cv_type(recruiter_client, name, content):
    response = recruiter_client.post(
        url("candidate_create"), {**new_candidate(), "cv": upload(name, content)}
    )
    assert response.status_code == 302
    assert Candidate.objects.get().cv.read() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.exe", b"MZ\x90\x00", "not “.exe”"),
        ("cv", b"%PDF-1.4", "not “.(none)”"),
        ("cv.pdf", b"MZ\x90\x00 an executable", "is not a PDF document"),
        ("cv.docx", b"%PDF-1.4", "is not a DOCX document"),
        ("cv.doc", docx_bytes(), "is not a DOC document"),
        ("cv.txt", b"caf\xe9 latin-1", "is not a TXT document"),
        ("cv.html", b"<html><script>alert(1)</script>", "not “.html”"),
    ],
)
def test_create_refuses_a_cv_of_the_wrong_type_or_content(recruiter_client, name, content, message):
    response = recruiter_client.post(
        url("candidate_create"), {**new_candidate(), "cv": upload(name, content)}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Candidate.objects.exists()


def test_create_refuses_a_cv_over_the_size_limit(recruiter_client, settings):
    settings.CV_MAX_BYTES = 1024
    response = recruiter_client.post(
        url("candidate_create"), {**new_candidate(), "cv": upload(content=PDF + b"x" * 1024)}
    )
    assert "the largest accepted is 1.0\xa0KB" in response.content.decode()
    assert not Candidate.objects.exists()


def test_duplicate_email_warns_and_saves_nothing_until_confirmed(recruiter_client, people):
    data = new_candidate(email="CASEY@example.org")
    warned = recruiter_client.post(url("candidate_create"), data)
    body = warned.content.decode()
    assert warned.status_code == 200
    assert "Someone with this email is already a candidate" in body
    assert url("candidate_detail", people.candidate.pk) in body
    assert 'name="confirm_duplicate"' in body
    assert Candidate.objects.count() == 1
    confirmed = recruiter_client.post(url("candidate_create"), {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Candidate.objects.filter(email__iexact="casey@example.org").count() == 2


def test_an_erased_candidate_does_not_count_as_a_duplicate(recruiter_client, people):
    # As erasure leaves the row (the database refuses an erased row holding personal data).
    Candidate.objects.filter(pk=people.candidate.pk).update(
        erased_at=timezone.now(), email="", recruiter_notes="", cv="", cv_name=""
    )
    response = recruiter_client.post(
        url("candidate_create"), new_candidate(email="casey@example.org")
    )
    assert response.status_code == 302


# --- candidate_edit --------------------------------------------------------------------


def test_recruiter_edits_a_candidate_and_only_changes_are_audited(recruiter_client, people):
    data = {
        "name": "Casey C. Candidate",
        "email": "casey@example.org",
        "links": "https://casey.example.org",
        "recruiter_notes": NOTES,
    }
    response = recruiter_client.post(url("candidate_edit", people.candidate.pk), data)
    assert response.status_code == 302
    people.candidate.refresh_from_db()
    assert people.candidate.name == "Casey C. Candidate"
    assert people.candidate.links == ["https://casey.example.org"]
    entry = AuditEntry.objects.filter(verb="candidate.updated").get()
    assert entry.data == {"fields": ["links", "name"]}


def test_edit_replaces_the_cv(recruiter_client, people):
    update_candidate(people.candidate, {}, by=people.recruiter, cv=upload("old.pdf"))
    old = people.candidate.cv.name
    data = {
        "name": "Casey Candidate",
        "email": "casey@example.org",
        "links": "",
        "recruiter_notes": NOTES,
        "cv": upload("new.txt", b"plain text CV"),
    }
    recruiter_client.post(url("candidate_edit", people.candidate.pk), data)
    people.candidate.refresh_from_db()
    assert people.candidate.cv_name == "new.txt" and people.candidate.cv.name != old
    assert people.candidate.cv.read() == b"plain text CV"


def test_edit_refuses_other_methods(recruiter_client, people):
    assert recruiter_client.delete(url("candidate_edit", people.candidate.pk)).status_code == 405


def test_edit_is_refused_to_the_assigned_interviewer_and_hidden_from_others(
    people, other_interviewer
):
    data = {"name": "Changed", "email": "casey@example.org"}
    assert (
        client_for(people.interviewer)
        .post(url("candidate_edit", people.candidate.pk), data)
        .status_code
        == 403
    )
    assert (
        client_for(other_interviewer)
        .post(url("candidate_edit", people.candidate.pk), data)
        .status_code
        == 404
    )
    people.candidate.refresh_from_db()
    assert people.candidate.name == "Casey Candidate"


def test_edit_over_htmx_redirects_the_whole_page(recruiter_client, people):
    data = {"name": "Casey Renamed", "email": "casey@example.org", "recruiter_notes": NOTES}
    response = recruiter_client.post(url("candidate_edit", people.candidate.pk), data, **HTMX)
    assert response["HX-Redirect"] == people.candidate.get_absolute_url()


def test_edit_with_bad_input_saves_nothing(recruiter_client, people):
    data = {"name": "", "email": "not-an-email", "recruiter_notes": "Overwritten"}
    response = recruiter_client.post(url("candidate_edit", people.candidate.pk), data)
    body = response.content.decode()
    assert response.status_code == 200 and "Enter a valid email address." in body
    people.candidate.refresh_from_db()
    assert (people.candidate.name, people.candidate.recruiter_notes) == ("Casey Candidate", NOTES)


def test_edit_warns_when_the_new_email_belongs_to_someone_else(recruiter_client, people):
    make_candidate("Robin Reliable", email="robin@example.org")
    data = {"name": "Casey Candidate", "email": "robin@example.org", "recruiter_notes": NOTES}
    response = recruiter_client.post(url("candidate_edit", people.candidate.pk), data)
    assert "Someone with this email is already a candidate" in response.content.decode()
    people.candidate.refresh_from_db()
    assert people.candidate.email == "casey@example.org"


def test_edit_without_changes_records_nothing(recruiter_client, people):
    data = {"name": "Casey Candidate", "email": "casey@example.org", "recruiter_notes": NOTES}
    response = recruiter_client.post(url("candidate_edit", people.candidate.pk), data)
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(verb="candidate.updated").exists()


def recruiter_interviewing(people):
    """A recruiter who also interviews Casey, scorecard not submitted yet."""
    person = make_user("recruiting-interviewer", groups=("recruiter", "interviewer"))
    second = people.loop.stages.order_by("order")[1]
    interview = make_interview(people.application, second, by=people.recruiter)
    return person, assign(interview, person, by=people.recruiter)


def test_a_recruiter_awaiting_their_own_review_edits_without_the_notes(people):
    person, _ = recruiter_interviewing(people)
    client = client_for(person)
    page = client.get(url("candidate_edit", people.candidate.pk)).content.decode()
    assert NOTES not in page and 'name="recruiter_notes"' not in page
    data = {"name": "Casey Candidate", "email": "casey@example.org", "recruiter_notes": "Gone"}
    client.post(url("candidate_edit", people.candidate.pk), data)
    people.candidate.refresh_from_db()
    assert people.candidate.recruiter_notes == NOTES


# --- candidate_detail ------------------------------------------------------------------


def test_recruiter_sees_everything_including_the_notes(recruiter_client, people):
    body = recruiter_client.get(url("candidate_detail", people.candidate.pk)).content.decode()
    assert "Casey Candidate" in body and "casey@example.org" in body
    assert NOTES in body and "Recruiter notes" in body
    assert url("candidate_edit", people.candidate.pk) in body
    assert url("application_create", people.candidate.pk) in body


@pytest.mark.parametrize("who", ["interviewer", "committee"])
def test_interviewers_and_committee_never_see_the_notes(people, who):
    update_candidate(
        people.candidate,
        {"links": ["https://casey.example.org"]},
        by=people.recruiter,
        cv=upload("Casey.pdf"),
    )
    body = (
        client_for(getattr(people, who))
        .get(url("candidate_detail", people.candidate.pk))
        .content.decode()
    )
    assert NOTES not in body and "Recruiter notes" not in body
    assert "Casey Candidate" in body and "https://casey.example.org" in body
    assert url("candidate_cv", people.candidate.pk) in body
    assert people.loop.role.name in body and people.loop.level.name in body
    assert url("candidate_edit", people.candidate.pk) not in body
    # Contact details are for recruiters: an interviewer sees name, role, level, CV, links.
    assert "casey@example.org" not in body


def test_a_recruiter_interviewing_the_candidate_sees_no_notes_until_submitted(people):
    person, assignment = recruiter_interviewing(people)
    client = client_for(person)
    assert NOTES not in client.get(url("candidate_detail", people.candidate.pk)).content.decode()
    # The scoring app's submit screen arrives later; the row is what it will change.
    Scorecard.objects.filter(assignment=assignment).update(
        status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
    )
    assert NOTES in client.get(url("candidate_detail", people.candidate.pk)).content.decode()


def test_interviewer_sees_only_the_applications_they_sit_on(people):
    other = make_application(people.candidate, make_published_loop(), by=people.recruiter)
    body = (
        client_for(people.interviewer)
        .get(url("candidate_detail", people.candidate.pk))
        .content.decode()
    )
    assert url("application_detail", people.application.pk) in body
    assert url("application_detail", other.pk) not in body


def test_an_unassigned_interviewer_cannot_reach_the_candidate(people, other_interviewer):
    client = client_for(other_interviewer)
    assert client.get(url("candidate_detail", people.candidate.pk)).status_code == 404
    assert client.get(url("candidate_cv", people.candidate.pk)).status_code == 404


@pytest.mark.parametrize("applications", [1, 4])
def test_detail_queries_do_not_grow_with_applications(
    recruiter_client, people, django_assert_num_queries, applications
):
    for _ in range(applications - 1):
        make_application(people.candidate, make_published_loop())
    # session, user, groups, candidate, assigned applications (notes), applications
    # ... and one for whether the recruiter still owes a scorecard (export and erasure).
    with django_assert_num_queries(7):
        response = recruiter_client.get(url("candidate_detail", people.candidate.pk))
    assert response.content.decode().count("badge status-") == applications


# --- candidate_cv ----------------------------------------------------------------------


def test_cv_downloads_as_an_attachment_under_its_original_name(recruiter_client, people):
    update_candidate(people.candidate, {}, by=people.recruiter, cv=upload("Casey Résumé.pdf"))
    response = recruiter_client.get(url("candidate_cv", people.candidate.pk))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Casey%20R%C3%A9sum%C3%A9.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(verb="candidate.cv_downloaded")
    assert entry.target_id == str(people.candidate.pk) and entry.data == {}
    assert entry.actor == people.recruiter


@pytest.mark.parametrize("who", ["interviewer", "committee"])
def test_cv_is_open_to_the_candidates_interviewer_and_committee(people, who):
    update_candidate(people.candidate, {}, by=people.recruiter, cv=upload("cv.txt", b"CV"))
    response = client_for(getattr(people, who)).get(url("candidate_cv", people.candidate.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"CV"


def test_cv_of_a_candidate_without_one_is_not_found(recruiter_client, people):
    assert recruiter_client.get(url("candidate_cv", people.candidate.pk)).status_code == 404
    assert not AuditEntry.objects.filter(verb="candidate.cv_downloaded").exists()


def test_cv_refuses_other_methods(recruiter_client, people):
    assert recruiter_client.post(url("candidate_cv", people.candidate.pk)).status_code == 405


def test_top_navigation_offers_candidates_to_recruiters_only(recruiter_client, people):
    body = recruiter_client.get(url("candidate_list")).content.decode()
    assert f'<a href="{url("candidate_list")}" aria-current="page">Candidates</a>' in body
    other = client_for(people.interviewer).get(url("candidate_detail", people.candidate.pk))
    assert f'href="{url("candidate_list")}"' not in other.content.decode()
