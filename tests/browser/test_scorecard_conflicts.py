"""Conflicts on typed text, both ways, in Chromium (issue 13).

Two pages on one scorecard; the stale one types and is refused. "Use the other version"
puts the other text in the field and lets typing on save at once; "Keep mine" saves the
typed text over it and typing on saves too. Notes and a rating's evidence, typed as a
person types (key by key), not only checkboxes.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from scoring.models import Rating
from tests.browser.test_scorecard import card_url, interview, note, question, rating, saved

pytestmark = pytest.mark.browser

__all__ = ["interview"]  # the fixture, shared with test_scorecard.py


def two_pages(page: Page, site: str, logged_in_page, interview):
    logged_in_page(interview["ines"])
    other = page.context.new_page()
    page.goto(card_url(site, interview["card"]))
    other.goto(card_url(site, interview["card"]))
    return page, other


def notes_field(part):
    return part.get_by_label(re.compile("^Notes"))


def test_using_the_other_version_of_a_note_lets_typing_on_save(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    laptop, tablet = two_pages(page, site, logged_in_page, interview)
    notes_field(question(laptop, "Outage you owned")).press_sequentially("From the laptop")
    saved(question(laptop, "Outage you owned"))

    on_tablet = question(tablet, "Outage you owned")
    notes_field(on_tablet).press_sequentially("Tablet")
    expect(on_tablet.locator(".save-status")).to_have_attribute("data-state", "conflict")
    on_tablet.get_by_role("button", name="Use the other version").click()
    expect(notes_field(on_tablet)).to_have_value("From the laptop")
    expect(notes_field(on_tablet)).to_be_focused()
    saved(on_tablet)

    # Typing on from the other version saves (no refusal left in place).
    with tablet.expect_response("**/notes/**") as answer:
        notes_field(on_tablet).press("End")
        notes_field(on_tablet).press_sequentially(", then the tablet")
    assert answer.value.status == 200
    saved(on_tablet)
    expect(on_tablet.locator(".save-status")).not_to_contain_text("Changed in another tab")
    assert note(card, "Outage you owned").text == "From the laptop, then the tablet"

    # And once more, after a pause: still saving, on the revision it was given.
    notes_field(on_tablet).press_sequentially(".")
    saved(on_tablet)
    tablet.wait_for_timeout(700)
    assert note(card, "Outage you owned").text == "From the laptop, then the tablet."


def test_keeping_my_note_saves_it_over_the_other_and_typing_on_saves(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    laptop, tablet = two_pages(page, site, logged_in_page, interview)
    notes_field(question(laptop, "Outage you owned")).press_sequentially("Laptop")
    saved(question(laptop, "Outage you owned"))

    on_tablet = question(tablet, "Outage you owned")
    notes_field(on_tablet).press_sequentially("Mine, from the tablet")
    expect(on_tablet.locator(".save-status")).to_have_attribute("data-state", "conflict")
    on_tablet.get_by_role("button", name="Keep mine").click()
    saved(on_tablet)
    assert note(card, "Outage you owned").text == "Mine, from the tablet"

    notes_field(on_tablet).press_sequentially(" and more")
    saved(on_tablet)
    tablet.wait_for_timeout(700)
    assert note(card, "Outage you owned").text == "Mine, from the tablet and more"


def test_using_the_other_version_of_evidence_lets_typing_on_save(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    laptop, tablet = two_pages(page, site, logged_in_page, interview)
    rating(laptop, "Ownership").get_by_label(re.compile("^Evidence")).press_sequentially("Owned it")
    saved(rating(laptop, "Ownership"))

    on_tablet = rating(tablet, "Ownership")
    evidence = on_tablet.get_by_label(re.compile("^Evidence"))
    evidence.press_sequentially("Other")
    expect(on_tablet.locator(".save-status")).to_have_attribute("data-state", "conflict")
    on_tablet.get_by_role("button", name="Use the other version").click()
    expect(evidence).to_have_value("Owned it")
    evidence.press("End")
    evidence.press_sequentially(" end to end")
    saved(on_tablet)
    tablet.wait_for_timeout(700)
    stored = Rating.objects.get(scorecard=card, competency__name="Ownership")
    assert stored.evidence == "Owned it end to end"
