"""Webhooks in Chromium: an admin subscribes a local endpoint, copies the secret shown once,
sends a test event, and reads the delivery in the log; the endpoint verifies its signature
with the code docs/webhooks.md prints. Tasks run inline here (no worker)."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.celery_fixtures import tasks_eager
from tests.factories import make_user
from tests.integrations.webhook_receiver import Receiver

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def inline_tasks():
    yield from tasks_eager(True)


@pytest.fixture(autouse=True)
def patient_navigation(page: Page) -> None:
    page.set_default_navigation_timeout(60_000)


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


def serious_axe_violations(page: Page) -> list[str]:
    found = Axe().run(page).response["violations"]
    return [f"{v['id']}: {v['help']}" for v in found if v["impact"] in {"serious", "critical"}]


def fits_a_phone(page: Page) -> bool:
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    return width <= 390


def test_an_admin_subscribes_an_endpoint_and_sends_it_a_test_event(
    logged_in_page, site, receiver, settings
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = True
    page = logged_in_page(make_user("webhook-browser-admin", is_superuser=True))

    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="New subscription").click()
    expect(page.get_by_role("heading", name="New webhook subscription")).to_be_visible()
    assert serious_axe_violations(page) == []
    page.get_by_label("Name").fill("Local ATS")
    page.get_by_label("Address (URL)").fill(receiver.url)
    page.get_by_label("Candidate erased").uncheck()
    page.get_by_role("button", name="Create subscription").click()

    expect(page.get_by_role("heading", name="Copy the signing secret now")).to_be_visible()
    secret = page.get_by_label("Secret of “Local ATS”").input_value()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    page.get_by_role("link", name="Done: I have copied it").click()
    expect(page.get_by_label("Secret of “Local ATS”")).to_have_count(0)
    expect(page.get_by_label("Candidate erased")).not_to_be_checked()
    expect(page.get_by_label("Decision recorded")).to_be_checked()

    page.get_by_role("button", name="Send test event").click()

    log = page.get_by_role("region", name="Delivery log")
    expect(log.get_by_text("Delivered")).to_be_visible()
    expect(log.get_by_text("HTTP 200")).to_be_visible()
    assert receiver.verdicts == [True]
    assert receiver.requests[0].headers["Loopwright-Event"] == "webhook.test"
    assert fits_a_phone(page)
    assert serious_axe_violations(page) == []
    page.get_by_role("link", name="Webhooks", exact=True).first.click()
    expect(page.get_by_role("link", name="Local ATS")).to_be_visible()
    assert fits_a_phone(page)
    assert serious_axe_violations(page) == []
