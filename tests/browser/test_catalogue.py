"""Recruiters browse and edit the catalogue in Chromium, as they would."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.management.commands.create_demo_users import DEMO_PASSWORD
from rubrics.models import Question
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

DEVOPS_BANK = Path(settings.BASE_DIR) / "fixtures" / "banks" / "02-devops.yaml"


@pytest.fixture
def demo(transactional_db):
    """The demo users and the built-in DevOps bank, loaded as `make run` loads them."""
    call_command("import_bank", str(DEVOPS_BANK), verbosity=0)
    call_command("create_demo_users", verbosity=0)


def sign_in_as_demo_recruiter(page: Page, site: str) -> None:
    sign_in(page, site, "recruiter", DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_demo_recruiter_filters_the_bank_and_opens_a_question(page: Page, site: str, demo):
    sign_in_as_demo_recruiter(page, site)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Catalogue").click()
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible()
    results = page.locator("#question-results")
    expect(results).to_contain_text("20 questions")

    # Filters apply as they change, without a page load.
    page.evaluate("window.__same_document = true")
    page.get_by_label("Competency").select_option(label="Reliability, SRE & metrics")
    expect(results).not_to_contain_text("20 questions")
    page.get_by_label("Search").fill("error budget")
    expect(results.get_by_role("link", name="SLOs and error budgets")).to_be_visible()
    expect(results).to_contain_text("1 question")
    assert page.evaluate("window.__same_document") is True
    # The filters are in the address, so the view can be shared or reloaded.
    expect(page).to_have_url(re.compile(r"q=error(\+|%20)budget&competency=devops-reliability"))

    results.get_by_role("link", name="SLOs and error budgets").click()
    expect(page.get_by_role("heading", name="SLOs and error budgets")).to_be_visible()
    expect(page.get_by_text("Agrees an error-budget policy with product")).to_be_visible()
    expect(page.get_by_role("heading", name="Must cover")).to_be_visible()
    page.screenshot(
        path=str(Path(settings.BASE_DIR) / "test-results" / "question-page.png"), full_page=True
    )


def test_recruiter_edits_signals_and_checklist_and_sees_them(page: Page, site: str, demo):
    question = Question.objects.get(key="devops-2f")
    sign_in_as_demo_recruiter(page, site)
    page.goto(f"{site}/catalogue/questions/{question.pk}/")
    page.get_by_role("link", name="Edit", exact=True).click()

    great = page.get_by_label("A great answer mentions")
    great.fill(great.input_value() + "\nTies each SLO to a named user journey")
    page.get_by_label("Must cover").fill("Business-facing SLIs\nError budget policy agreed")
    page.get_by_role("button", name="Save question").click()

    expect(page.get_by_text("Question saved.")).to_be_visible()
    expect(page.locator(".signals-great")).to_contain_text("Ties each SLO to a named user journey")
    checklist = page.get_by_role("heading", name="Must cover").locator("..")
    expect(checklist.get_by_role("listitem")).to_have_text(
        ["Business-facing SLIs", "Error budget policy agreed"]
    )


def test_bad_edit_shows_the_message_at_the_field_and_keeps_the_typing(page: Page, site: str, demo):
    question = Question.objects.get(key="devops-2f")
    sign_in_as_demo_recruiter(page, site)
    page.goto(f"{site}/catalogue/questions/{question.pk}/edit/")
    page.get_by_label("Warning signs").fill("")
    page.get_by_label("Goal").fill("A goal typed by hand")
    page.get_by_role("button", name="Save question").click()

    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved.")
    expect(page.get_by_text("Write at least one, one per line.")).to_be_visible()
    expect(page.get_by_label("Goal")).to_have_value("A goal typed by hand")
    question.refresh_from_db()
    assert question.negative_signals  # unchanged in the database
