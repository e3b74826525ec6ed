"""Debrief packets: the page, requests, downloads, rendering, requeue and staleness.

Without REDIS_URL the task runs inline when the request's transaction commits, so a
request renders before the response; `django_capture_on_commit_callbacks(execute=...)`
decides here whether it does. tests/scoring/test_packets_worker.py runs a real worker.
"""

import io
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEntry
from scoring import packets as packet_service
from scoring.models import Packet
from tests.factories import assign, make_scorecard, make_user, submit_filled_scorecard

pytestmark = pytest.mark.django_db
# The renderer is built alongside (scoring/pdf.py); until it is there, these wait.
pdf = pytest.importorskip("scoring.pdf", reason="scoring.pdf, the packet renderer, is missing")


@pytest.fixture(autouse=True)
def inline_tasks():
    """Tasks run inline, as without REDIS_URL, even where CI sets it (the app reads it once)."""
    from celery import current_app

    from config.celery import app

    previous, saved = current_app._get_current_object(), app.conf.task_always_eager
    app.set_current()
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved
    previous.set_current()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def card(interviewer, recruiter):
    return make_scorecard(interviewer, by=recruiter)


@pytest.fixture
def application(card, committee):
    application = card.assignment.interview.application
    application.committee.add(committee)
    return application


def complete_and_submit(card, by) -> None:
    """Fill in what a submission needs, through the services, and submit."""
    submit_filled_scorecard(
        card,
        by=by,
        evidence="Walked through the rollback",
        notes="Clear timeline",
        ticks=(),
        summary="Solid owner",
    )


def page_url(application) -> str:
    return reverse("scoring:packets", kwargs={"pk": application.pk})


def request_url(application) -> str:
    return reverse("scoring:packet_request", kwargs={"pk": application.pk})


def download_url(packet) -> str:
    return reverse("scoring:packet_download", kwargs={"pk": packet.pk})


def ready_packet(application, by=None) -> Packet:
    """A packet rendered through the real path (request, then the render)."""
    packet, _ = packet_service.request_packet(application, by=by)
    assert packet_service.render_packet(packet.pk) == Packet.Status.READY
    packet.refresh_from_db()
    return packet


# --- The page ------------------------------------------------------------------------


def test_the_page_offers_a_first_packet_to_a_recruiter(client, recruiter, application):
    client.force_login(recruiter)
    response = client.get(page_url(application))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No packet has been rendered" in body
    assert "Render the packet" in body
    assert 'hx-trigger="every 2s"' not in body


def test_the_application_page_links_to_its_packets(client, recruiter, application):
    client.force_login(recruiter)
    url = reverse("candidates:application_detail", kwargs={"pk": application.pk})
    assert page_url(application) in client.get(url).content.decode()


@pytest.mark.parametrize("packets", [1, 3])
def test_the_page_takes_the_same_queries_however_many_packets(
    client, recruiter, application, django_assert_num_queries, packets
):
    for _ in range(packets):
        ready_packet(application, by=recruiter)
    client.force_login(recruiter)
    client.get(page_url(application))  # session and groups warmed the same way each time
    # Session, user, groups, application, own review pending?, packets.
    with django_assert_num_queries(6):
        response = client.get(page_url(application))
    assert response.content.decode().count("Download") == packets + (packets > 1)


# --- Requesting ----------------------------------------------------------------------


def test_a_request_renders_the_packet_and_the_page_offers_the_download(
    client, committee, application, django_capture_on_commit_callbacks
):
    client.force_login(committee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(application))
    assert response.status_code == 302
    assert response["Location"] == page_url(application)

    packet = Packet.objects.get()
    assert (packet.status, packet.attempts, packet.requested_by) == ("ready", 1, committee)
    assert packet.pages and packet.file.name.startswith("packets/packet-")
    assert len(packet.fingerprint) == 64
    assert AuditEntry.objects.filter(verb="packet.requested", actor=committee).count() == 1
    body = client.get(page_url(application)).content.decode()
    assert download_url(packet) in body
    assert "Render again" in body


def test_a_request_refuses_get(client, recruiter, application):
    client.force_login(recruiter)
    assert client.get(request_url(application)).status_code == 405
    assert not Packet.objects.exists()


def test_the_page_refuses_post(client, recruiter, application):
    client.force_login(recruiter)
    assert client.post(page_url(application)).status_code == 405


def test_a_second_request_joins_the_one_in_flight(
    client, recruiter, committee, application, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks() as first:  # not run: the packet stays queued
        client.post(request_url(application))
    client.force_login(committee)
    with django_capture_on_commit_callbacks() as second:
        response = client.post(request_url(application), follow=True)

    assert Packet.objects.count() == 1
    assert (len(first), len(second)) == (1, 0)  # one render sent, not two
    assert "already on its way" in response.content.decode()
    assert AuditEntry.objects.filter(verb="packet.requested").count() == 1


def test_htmx_request_swaps_the_panel_which_polls_until_the_packet_is_done(
    client, recruiter, application, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks():
        response = client.post(request_url(application), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="packets"')
    assert 'hx-trigger="every 2s"' in body and "Queued" in body
    assert "Packet requested" in body

    poll = {"HX-Request": "true", "HX-Target": "packet-status"}
    body = client.get(page_url(application), headers=poll).content.decode()
    assert body.lstrip().startswith('<div id="packet-status"')
    assert 'hx-trigger="every 2s"' in body

    packet_service.render_packet(Packet.objects.get().pk)
    body = client.get(page_url(application), headers=poll).content.decode()
    assert "hx-trigger" not in body  # done: the swapped-in element polls no more
    assert "Download the packet" in body


def test_a_request_while_the_broker_is_unreachable_keeps_the_row_queued(
    client, recruiter, application, django_capture_on_commit_callbacks, monkeypatch
):
    from kombu.exceptions import OperationalError

    from scoring.tasks import render_packet_task

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(render_packet_task, "delay", broker_down)
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(application))
    assert response.status_code == 302
    assert Packet.objects.get().status == "queued"


# --- Downloading ---------------------------------------------------------------------


def test_a_download_is_a_private_audited_pdf_attachment(client, committee, application):
    packet = ready_packet(application)
    client.force_login(committee)
    response = client.get(download_url(packet))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    assert len(PdfReader(io.BytesIO(content)).pages) == packet.pages
    entry = AuditEntry.objects.get(verb="packet.downloaded")
    assert (entry.actor, entry.target_id, entry.scope) == (
        committee,
        str(packet.pk),
        application.audit_scope(),
    )


def test_a_packet_not_ready_has_nothing_to_download(client, recruiter, application):
    packet, _ = packet_service.request_packet(application, by=recruiter)
    client.force_login(recruiter)
    assert client.get(download_url(packet)).status_code == 404
    assert not AuditEntry.objects.filter(verb="packet.downloaded").exists()


# --- Who may --------------------------------------------------------------------------


OUTSIDERS = ["interviewer", "other_interviewer", "other_committee", "nobody"]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_people_without_a_seat_on_the_committee_get_404_everywhere(
    client, persona_user, application, persona
):
    packet = ready_packet(application)
    client.force_login(persona_user(persona))
    assert client.get(page_url(application)).status_code == 404
    assert client.post(request_url(application)).status_code == 404
    assert client.get(download_url(packet)).status_code == 404
    assert Packet.objects.count() == 1


def test_a_committee_member_owing_their_own_scorecard_sees_no_packet_until_they_submit(
    client, application, recruiter
):
    """Independence, whatever their groups: here a committee member who also interviews."""
    packet = ready_packet(application)
    member = make_user("member-who-interviews", groups=("committee", "interviewer"))
    application.committee.add(member)
    own = assign(application.interviews.first(), member, by=recruiter).scorecard
    client.force_login(member)
    urls = [page_url(application), download_url(packet)]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(request_url(application)).status_code == 404

    complete_and_submit(own, by=member)
    assert [client.get(url).status_code for url in urls] == [200, 200]


def test_a_recruiter_who_interviews_is_an_interviewer_for_that_application(
    client, application, recruiter
):
    packet = ready_packet(application)
    busy = make_user("busy-recruiter", groups=("recruiter", "interviewer"))
    assign(application.interviews.first(), busy, by=recruiter)
    client.force_login(busy)
    assert client.get(page_url(application)).status_code == 404
    assert client.get(download_url(packet)).status_code == 404


# --- Rendering ------------------------------------------------------------------------


def test_rendering_twice_changes_nothing(application):
    packet = ready_packet(application)
    assert packet_service.render_packet(packet.pk) == "ready"
    again = Packet.objects.get(pk=packet.pk)
    assert (again.file.name, again.attempts, again.finished_at) == (
        packet.file.name,
        1,
        packet.finished_at,
    )


def test_a_failed_render_says_why_and_leaves_no_file(
    client, recruiter, application, media, monkeypatch
):
    def broken(application):
        raise ValueError("the chart has no competencies")

    monkeypatch.setattr(pdf, "render_packet_pdf", broken)
    packet, _ = packet_service.request_packet(application, by=recruiter)
    assert packet_service.render_packet(packet.pk) == "failed"
    packet.refresh_from_db()
    assert packet.error == "It could not be rendered: ValueError: the chart has no competencies"
    assert not packet.file and not list(media.rglob("*.pdf"))

    client.force_login(recruiter)
    body = client.get(page_url(application)).content.decode()
    assert "the chart has no competencies" in body and "Render again" in body


def test_a_transient_error_requeues_for_the_retry_and_fails_on_the_last_attempt(
    recruiter, application, monkeypatch
):
    def disk_full(application):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "render_packet_pdf", disk_full)
    packet, _ = packet_service.request_packet(application, by=recruiter)
    with pytest.raises(OSError):
        packet_service.render_packet(packet.pk, retry=True)
    packet.refresh_from_db()
    assert packet.status == "queued" and "No space left" in packet.error

    assert packet_service.render_packet(packet.pk, retry=False) == "failed"
    packet.refresh_from_db()
    assert packet.attempts == 2 and "No space left on device" in packet.error


def test_a_redelivered_message_takes_up_a_render_its_dead_worker_left(recruiter, application):
    packet, _ = packet_service.request_packet(application, by=recruiter)
    packet_service.claim(packet.pk)  # the worker that claimed it was killed
    assert packet_service.render_packet(packet.pk) == "rendering"  # a duplicate: left alone
    assert packet_service.render_packet(packet.pk, redelivered=True) == "ready"
    assert Packet.objects.get(pk=packet.pk).attempts == 2


def test_a_render_taken_over_meanwhile_deletes_its_own_file(recruiter, application, media):
    packet, _ = packet_service.request_packet(application, by=recruiter)
    mine = packet_service.claim(packet.pk)
    name, pages, fingerprint = packet_service.produce(mine)
    packet_service.claim(packet.pk, redelivered=True)  # another render took it over
    assert packet_service.finish(mine, name, pages, fingerprint) == "rendering"
    assert not (media / name).exists()


# --- Requeue ------------------------------------------------------------------------


def test_requeue_sends_old_queued_rows_and_resets_stuck_renders(
    recruiter, application, settings, django_capture_on_commit_callbacks
):
    settings.PACKET_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks():  # the broker "lost" the first message
        packet, _ = packet_service.request_packet(application, by=recruiter)
    assert packet_service.requeue_stale_packets() == 0  # too recent to call lost

    later = timezone.now() + timedelta(minutes=2)
    assert packet_service.requeue_stale_packets(now=later) == 1
    assert Packet.objects.get().status == "ready"  # inline here: sent means rendered

    # Times from one fixed start: a slow inline render must not move the limit.
    started = timezone.now()
    past_limit = started + timedelta(seconds=packet_service.hard_time_limit() + 31)
    Packet.objects.update(status="rendering", started_at=started, attempts=1)
    assert packet_service.requeue_stale_packets(now=started + timedelta(minutes=2)) == 0
    assert packet_service.requeue_stale_packets(now=past_limit) == 1
    assert Packet.objects.get().attempts == 2

    Packet.objects.update(status="rendering", started_at=started)
    packet_service.requeue_stale_packets(now=past_limit)
    packet.refresh_from_db()
    assert packet.status == "failed" and "stopped 2 times" in packet.error


def test_the_requeue_command_prints_one_summary_line(
    recruiter, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        packet_service.request_packet(application, by=recruiter)
    Packet.objects.update(requested_at=timezone.now() - timedelta(minutes=5))
    out = io.StringIO()
    call_command("requeue_packets", stdout=out)
    assert out.getvalue() == "Sent 1 packet(s) to the workers again.\n"


def test_beat_requeues_packets_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-packets"]
    assert entry == {"task": "scoring.tasks.requeue_stale_packets_task", "schedule": 60.0}


def test_settings_refuse_a_visibility_timeout_below_the_time_limit():
    env = {"CELERY_VISIBILITY_TIMEOUT": "200", "PACKET_TIME_LIMIT_SECONDS": "120"}
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        env={**__import__("os").environ, **env},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CELERY_VISIBILITY_TIMEOUT must stay well above" in result.stderr


# --- Staleness -----------------------------------------------------------------------


def test_a_scorecard_submitted_after_rendering_makes_the_packet_stale(
    client, recruiter, application, card, interviewer
):
    packet = ready_packet(application)
    assert not packet.stale
    complete_and_submit(card, by=interviewer)
    packet.refresh_from_db()
    assert packet.stale

    client.force_login(recruiter)
    body = client.get(page_url(application)).content.decode()
    assert "Stale" in body and "Re-render with the changes" in body


def test_a_new_render_is_not_stale(recruiter, application, card, interviewer):
    ready_packet(application)
    complete_and_submit(card, by=interviewer)
    fresh = ready_packet(application)
    assert not fresh.stale
    assert Packet.objects.filter(stale=True).count() == 1
