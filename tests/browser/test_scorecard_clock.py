"""The live clock saves each question's time on its note (issue 13), in Chromium.

Time is Playwright's installed clock (run_for fires every timer on the way), so 30 s pass
in an instant and the figures are exact. The clock's own saves keep only the seconds:
no revision, no "Saving…".
"""

import re

import pytest
from playwright.sync_api import Page, expect

from scoring.models import QuestionNote
from tests.browser.test_scorecard import card_url, interview, note, question, saved

pytestmark = pytest.mark.browser

__all__ = ["interview"]  # the fixture, shared with test_scorecard.py


def seconds(card, title: str) -> int:
    return note(card, title).seconds_spent


def wait_for_seconds(page: Page, card, title: str, expected: int) -> None:
    """The note's kept time reaches `expected`: the clock's jumps, plus up to 2 s of real
    time (the installed clock still flows between jumps, more so on a loaded machine)."""
    for _ in range(50):
        if expected <= seconds(card, title) <= expected + 2:
            return
        page.wait_for_timeout(100)
    assert expected <= seconds(card, title) <= expected + 2


def test_the_clock_keeps_each_questions_time_on_its_note(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    logged_in_page(interview["ines"])
    page.clock.install()
    page.goto(card_url(site, card))
    first, second = question(page, "Outage you owned"), question(page, "Design a queue")

    first.get_by_role("button", name="Now asking").click()
    saved(first)  # marked asked: an ordinary save
    revision = note(card, "Outage you owned").revision
    page.clock.run_for("00:45")
    # Every 30 s while it is the current question, its time so far is kept.
    wait_for_seconds(page, card, "Outage you owned", 30)

    # Moving on keeps the first question's whole time; no revision, no conflict.
    page.clock.run_for("00:20")
    second.get_by_role("button", name="Now asking").click()
    wait_for_seconds(page, card, "Outage you owned", 65)
    assert note(card, "Outage you owned").revision == revision
    expect(first.locator(".save-status")).to_have_attribute("data-state", "saved")

    # A typed save carries the current question's time with it.
    page.clock.run_for("00:12")
    second.get_by_label(re.compile("^Notes")).fill("Bounded queue, back-pressure")
    saved(second)
    wait_for_seconds(page, card, "Design a queue", 12)

    # Pausing keeps the time so far; a fresh browser starts from what was kept.
    page.clock.run_for("00:05")
    page.get_by_role("button", name="Pause the clock").click()
    wait_for_seconds(page, card, "Design a queue", 17)
    page.evaluate("localStorage.clear()")
    page.reload()
    expect(question(page, "Outage you owned").locator("[data-qtime]")).to_have_text(
        re.compile(r"^1:0[5-7] of 15 min$")
    )


def test_resetting_the_clock_sets_every_timed_question_back_to_zero(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    logged_in_page(interview["ines"])
    page.clock.install()
    page.goto(card_url(site, card))
    first = question(page, "Outage you owned")
    first.get_by_role("button", name="Now asking").click()
    saved(first)
    page.clock.run_for("00:40")
    wait_for_seconds(page, card, "Outage you owned", 30)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset").click()

    for _ in range(50):
        if seconds(card, "Outage you owned") == 0:
            break
        page.wait_for_timeout(100)
    assert seconds(card, "Outage you owned") == 0
    assert QuestionNote.objects.get(pk=note(card, "Outage you owned").pk).text == ""


def test_on_a_phone_the_pinned_clock_keeps_to_one_line(
    page: Page, site: str, logged_in_page, interview
):
    """390×844: the button, the stage's time, the question's and Reset side by side."""
    logged_in_page(interview["ines"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(card_url(site, interview["card"]))
    question(page, "Outage you owned").get_by_role("button", name="Now asking").click()
    clock = page.locator("[data-clock]")
    expect(clock.locator("[data-clock-question]")).to_have_text(re.compile(r"^\d+:\d\d$"))

    parts = [
        clock.get_by_role("button", name="Pause the clock"),
        clock.locator("[data-clock-stage-box]"),
        clock.locator("[data-clock-question-box]"),
        clock.get_by_role("button", name="Reset"),
    ]
    boxes = [part.bounding_box() for part in parts]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 4, boxes  # one line
    toolbar = page.locator("#sc-toolbar").bounding_box()
    assert toolbar["height"] < 60
    assert max(box["x"] + box["width"] for box in boxes) <= 390  # nothing off the screen
    # The names stay whole for screen readers.
    expect(clock.locator("[data-clock-question-title]")).to_have_text("Now: Outage you owned")
