"""A committee member requests a debrief packet, watches it progress, downloads it.

The broker is the one thing outside the machine: here it only collects the message,
and the test plays the worker between two polls of the page (claim, then render),
so each step of the progress shows without a reload.
"""

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from scoring.models import Packet
from scoring.packets import claim, finish, produce
from scoring.tasks import render_packet_task
from tests.factories import make_application, make_candidate, make_scoring_loop, make_user

pytestmark = pytest.mark.browser
pytest.importorskip("scoring.pdf", reason="scoring.pdf, the packet renderer, is missing")


@pytest.fixture
def member(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    recruiter = make_user("rosa", groups=("recruiter",), first_name="Rosa")
    member = make_user("kemal", groups=("committee",), first_name="Kemal", last_name="Aydin")
    loop = make_scoring_loop(by=recruiter)
    application = make_application(
        make_candidate("Lena Fischer"), loop, committee=[member], by=recruiter
    )
    return member, application


def test_a_committee_member_requests_watches_and_downloads_a_packet(
    logged_in_page, site, member, monkeypatch
):
    person, application = member
    sent: list[int] = []
    monkeypatch.setattr(render_packet_task, "delay", sent.append)  # the broker keeps it
    page: Page = logged_in_page(person)

    page.goto(f"{site}/candidates/applications/{application.pk}/")
    page.get_by_role("link", name="Debrief packet").click()
    expect(page.get_by_text("No packet has been rendered")).to_be_visible()
    page.get_by_role("button", name="Render the packet").click()

    status = page.locator("#packet-status")
    expect(status.get_by_text("Queued", exact=True)).to_be_visible()
    expect(page.get_by_text("Packet requested")).to_be_visible()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    packet = Packet.objects.get()
    assert sent == [packet.pk]

    mine = claim(packet.pk)  # a worker picks it up
    expect(status.get_by_text("Rendering", exact=True)).to_be_visible()
    finish(mine, *produce(mine))  # … and finishes
    download = status.get_by_role("link", name="Download the packet")
    expect(download).to_be_visible()
    assert page.evaluate("window.sameDocument === true")  # the status element swapped itself
    expect(page.get_by_role("button", name="Render again")).to_be_visible()

    with page.expect_download() as info:
        download.click()
    pdf = info.value
    assert pdf.suggested_filename.startswith("Debrief packet - Lena Fischer")
    with open(pdf.path(), "rb") as handle:
        pages = len(PdfReader(io.BytesIO(handle.read())).pages)
    packet.refresh_from_db()
    assert pages == packet.pages
