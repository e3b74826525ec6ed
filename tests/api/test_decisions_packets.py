"""Decisions (read, record) and debrief packets (request, status, download) through the API."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEntry
from candidates.models import Application
from scoring.models import Decision, Packet
from scoring.services import record_decision
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_candidate,
    make_interview,
    make_scoring_loop,
    make_user,
    submit_filled_scorecard,
)

pytestmark = pytest.mark.django_db

DECISIONS = reverse("api-v1:decision_list")


def record_url(application) -> str:
    return reverse("api-v1:decision_record", kwargs={"id": application.pk})


def request_url(application) -> str:
    return reverse("api-v1:packet_request", kwargs={"id": application.pk})


def status_url(packet) -> str:
    return reverse("api-v1:packet_status", kwargs={"id": packet.pk})


def download_url(packet) -> str:
    return reverse("api-v1:packet_download", kwargs={"id": packet.pk})


@pytest.fixture
def application(committee):
    """A scored application with one submitted scorecard, `committee` on its committee."""
    loop = make_scoring_loop()
    application = make_application(make_candidate("Noor Haddad"), loop, committee=[committee])
    interview = make_interview(application, loop.stages.order_by("order").first())
    submit_filled_scorecard(assign(interview, make_user(groups=("interviewer",))).scorecard)
    return application


def pending_committee_member(application):
    """A committee member of `application` who also interviews on it, scorecard pending."""
    member = make_user(groups=("committee", "interviewer"))
    application.committee.add(member)
    fill_scorecard(assign(application.interviews.get(), member).scorecard)
    return member


# --- Decisions ---------------------------------------------------------------------


def test_the_committee_records_a_decision_which_moves_the_status_and_is_audited(
    api_as, committee, application
):
    response = api_as(committee).post(
        record_url(application), {"outcome": "hire", "rationale": "Strong evidence throughout."}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["outcome"] == "hire" and body["standing"] is True
    assert body["level_id"] == application.loop.level_id and body["by_id"] == committee.pk
    application.refresh_from_db()
    assert application.status == Application.Status.OFFER
    entry = AuditEntry.objects.get(verb="decision.recorded")
    assert entry.actor == committee
    assert entry.data["via"] == "api" and entry.data["token"] == "test token"


def test_a_committee_member_owing_their_own_scorecard_may_not_decide_or_read_decisions(
    api_as, recruiter, application
):
    member = pending_committee_member(application)
    record_decision(
        application, outcome="hold", level=application.loop.level, rationale="Wait", by=recruiter
    )
    client = api_as(member)
    refused = client.post(record_url(application), {"outcome": "hire", "rationale": "Go"})
    assert refused.status_code == 403
    assert Decision.objects.count() == 1
    assert client.get(DECISIONS).json()["items"] == []
    decision = Decision.objects.get()
    detail = reverse("api-v1:decision_detail", kwargs={"id": decision.pk})
    assert client.get(detail).status_code == 404
    # Once their own scorecard is in, they read it.
    submit_filled_scorecard(member.assignments.get().scorecard)
    assert [d["id"] for d in client.get(DECISIONS).json()["items"]] == [decision.pk]
    assert client.get(detail).json()["rationale"] == "Wait"


def test_an_interviewer_may_not_decide_and_an_outsider_learns_nothing(api_as, application):
    interviewer = application.interviews.get().assignments.get().person
    assert (
        api_as(interviewer)
        .post(record_url(application), {"outcome": "hire", "rationale": "x"})
        .status_code
        == 403
    )
    outsider = make_user(groups=("committee",))
    assert (
        api_as(outsider)
        .post(record_url(application), {"outcome": "hire", "rationale": "x"})
        .status_code
        == 404
    )
    assert not Decision.objects.exists()


def test_a_level_off_the_ladder_and_a_blank_rationale_are_refused_at_their_fields(
    api_as, recruiter, application
):
    other_level = make_scoring_loop().level
    client = api_as(recruiter)
    response = client.post(
        record_url(application), {"outcome": "hire", "level_id": other_level.pk, "rationale": "Ok"}
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["level_id"]
    response = client.post(record_url(application), {"outcome": "maybe", "rationale": " "})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"outcome"}
    assert not Decision.objects.exists()


def test_no_decision_on_a_closed_application(api_as, recruiter, application):
    client = api_as(recruiter)
    assert (
        client.post(record_url(application), {"outcome": "no_hire", "rationale": "No"}).status_code
        == 201
    )
    again = client.post(record_url(application), {"outcome": "hire", "rationale": "Yes after all"})
    assert again.status_code == 422
    assert "rejected" in again.json()["detail"]


def test_only_the_latest_decision_stands(api_as, recruiter, application):
    level = application.loop.level
    first = record_decision(application, outcome="hold", level=level, rationale="A", by=recruiter)
    second = record_decision(application, outcome="hold", level=level, rationale="B", by=recruiter)
    items = api_as(recruiter).get(DECISIONS, {"application": application.pk}).json()["items"]
    assert [(d["id"], d["standing"]) for d in items] == [(first.pk, False), (second.pk, True)]


# --- Packets -----------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_a_request_queues_a_packet_in_the_outbox_and_a_second_joins_it(
    api_as, committee, application, django_capture_on_commit_callbacks
):
    client = api_as(committee)
    with django_capture_on_commit_callbacks() as sends:
        first = client.post(request_url(application))
    assert first.status_code == 202
    body = first.json()
    assert body["status"] == "queued" and body["created"] is True and body["download_url"] is None
    # The request only queued a row and left the render to the worker, after commit.
    assert len(sends) == 1
    assert Packet.objects.get().status == Packet.Status.QUEUED
    again = client.post(request_url(application)).json()
    assert again["id"] == body["id"] and again["created"] is False
    entry = AuditEntry.objects.get(verb="packet.requested")
    assert entry.data == {"via": "api", "token": "test token"}


def test_packets_are_nobodys_business_but_those_who_may_decide(api_as, application, media):
    member = pending_committee_member(application)
    interviewer = application.interviews.get().assignments.first().person
    packet = Packet(application=application, status=Packet.Status.READY, pages=1)
    packet.file.save("p.pdf", ContentFile(b"%PDF-1.7"))
    for person in (member, interviewer, make_user()):
        client = api_as(person)
        assert client.post(request_url(application)).status_code == 404
        assert client.get(status_url(packet)).status_code == 404
        assert client.get(download_url(packet)).status_code == 404
    assert Packet.objects.count() == 1


def test_a_packet_not_ready_cannot_be_downloaded_yet(api_as, committee, application):
    packet = Packet.objects.create(application=application)
    response = api_as(committee).get(download_url(packet))
    assert response.status_code == 409
    assert "queued" in response.json()["detail"]


def test_a_ready_packet_downloads_as_a_private_pdf_and_the_download_is_audited(
    api_as, committee, application, media
):
    packet = Packet(application=application, status=Packet.Status.READY, pages=1)
    packet.file.save("p.pdf", ContentFile(b"%PDF-1.7 test"))
    client = api_as(committee)
    status = client.get(status_url(packet)).json()
    assert status["status"] == "ready"
    assert status["download_url"].endswith(download_url(packet))
    response = client.get(download_url(packet))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == b"%PDF-1.7 test"
    entry = AuditEntry.objects.get(verb="packet.downloaded")
    assert entry.data == {"via": "api", "token": "test token"}


def test_no_packet_for_an_erased_candidate(api_as, recruiter, application):
    from candidates.privacy import erase_candidate

    erase_candidate(application.candidate, by=recruiter)
    response = api_as(recruiter).post(request_url(application))
    assert response.status_code == 409
    assert not Packet.objects.exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_packet_requested_through_the_api_renders_on_a_real_worker_and_downloads(
    api_as, committee, application, media, celery_app, celery_worker
):
    from tests.scoring.test_packets_worker import sending_through, wait_for_status

    client = api_as(committee)
    with sending_through(celery_app):
        body = client.post(request_url(application)).json()
        packet = wait_for_status(Packet.objects.get(pk=body["id"]), "ready")
    status = client.get(status_url(packet)).json()
    assert status["status"] == "ready" and status["pages"] == packet.pages > 0
    response = client.get(download_url(packet))
    reader = PdfReader(io.BytesIO(b"".join(response.streaming_content)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Noor Haddad" in text


@pytest.mark.parametrize("applications", [1, 3])
def test_the_decision_list_takes_the_same_queries_however_many_decisions(
    api_as, recruiter, committee, django_assert_num_queries, applications
):
    for _ in range(applications):
        loop = make_scoring_loop()
        application = make_application(loop=loop, committee=[committee])
        for rationale in ("First", "Second"):
            record_decision(
                application, outcome="hold", level=loop.level, rationale=rationale, by=recruiter
            )
    client = api_as(committee)
    client.get(DECISIONS)  # the token's first use writes its last_used_at once
    # Token, groups, count, page (with levels and authors), which stand, the request log.
    with django_assert_num_queries(6):
        assert len(client.get(DECISIONS).json()["items"]) == 2 * applications


def test_a_read_token_cannot_decide_or_request_a_packet(api_as, committee, application):
    client = api_as(committee, ["decisions:read", "packets:read"])
    refused = client.post(record_url(application), {"outcome": "hire", "rationale": "Go"})
    assert refused.status_code == 403 and "decisions:write" in refused.json()["detail"]
    assert client.post(request_url(application)).status_code == 403
    assert not Decision.objects.exists() and not Packet.objects.exists()
    assert api_as(committee, ["candidates:read"]).get(DECISIONS).status_code == 403
