"""An interviewer scores a live interview in Chromium (issue 6).

(a) a whole interview, from the first note to an amendment; (b) two pages on one
scorecard: a stale save is refused, both versions shown, then resolved; (c) the server
unreachable: the text is kept in the browser and saved once it is back.
"""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Page, expect

from scoring.models import Amendment, QuestionNote, Rating, Scorecard
from tests.factories import (
    make_application,
    make_candidate,
    make_scorecard,
    make_scoring_loop,
    make_user,
)

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
TABLET = {"width": 820, "height": 1180}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"scorecard-{name}.png"), full_page=True)


@pytest.fixture
def interview(transactional_db):
    """Ines, assigned to the Technical stage of Priya's application (CV and a link on file)."""
    recruiter = make_user("rhea", groups=("recruiter",), first_name="Rhea", last_name="Vogel")
    ines = make_user("ines", groups=("interviewer",), first_name="Ines", last_name="Okafor")
    loop = make_scoring_loop(by=recruiter)
    candidate = make_candidate(
        "Priya Raman",
        links=["https://example.com/priya"],
        cv=SimpleUploadedFile("priya-cv.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf"),
        by=recruiter,
    )
    application = make_application(candidate, loop, by=recruiter)
    card = make_scorecard(ines, loop=loop, application=application, by=recruiter)
    return {"card": card, "ines": ines, "recruiter": recruiter}


def card_url(site: str, card: Scorecard) -> str:
    return f"{site}/scoring/scorecards/{card.pk}/"


def question(page: Page, title: str):
    return page.locator(
        "article.sc-question", has=page.get_by_role("heading", name=re.compile(title))
    )


def rating(page: Page, name: str):
    return page.locator(
        "section.sc-rating", has=page.get_by_role("heading", name=re.compile(f"^{name}"))
    )


def saved(part) -> None:
    expect(part.locator(".save-status")).to_have_attribute("data-state", "saved")


def note(card: Scorecard, title: str) -> QuestionNote:
    return QuestionNote.objects.get(scorecard=card, planned__question__title=title)


def test_an_interviewer_scores_a_whole_interview(page: Page, site: str, logged_in_page, interview):
    card = interview["card"]
    logged_in_page(interview["ines"])
    page.goto(card_url(site, card))
    expect(page.get_by_role("heading", name="Priya Raman", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("CV"))).to_be_visible()
    expect(page.get_by_text("The bar for this level")).to_contain_text("3 Point 3")

    # The clock runs; asking the first question marks it asked and times it.
    page.get_by_role("button", name="Start the clock").click()
    outage = question(page, "Outage you owned")
    outage.get_by_role("button", name="Now asking").click()
    expect(outage.get_by_role("button", name="Asking now")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(page.locator("[data-clock-question-title]")).to_have_text("Now: Outage you owned")
    expect(outage.get_by_label("Asked")).to_be_checked()

    outage.get_by_label(re.compile("^Notes")).fill("Led the 2023 queue outage; clear timeline.")
    outage.get_by_label("Timeline").check()
    outage.get_by_label("Root cause").check()
    saved(outage)
    queue = question(page, "Design a queue")
    queue.get_by_label(re.compile("^Notes")).fill(
        "Partitioning by tenant, <b>idempotent</b> consumers."
    )
    saved(queue)

    # Guidance folds away for the whole page, and comes back.
    page.get_by_role("button", name="Hide all guidance").click()
    expect(outage.locator("details.sc-guidance")).not_to_have_attribute("open", "")
    page.get_by_role("button", name="Show all guidance").click()
    expect(outage.locator("details.sc-guidance")).to_have_attribute("open", "")

    # Notes survive a reload; the clock keeps its time.
    page.reload()
    outage = question(page, "Outage you owned")
    expect(outage.get_by_label(re.compile("^Notes"))).to_have_value(
        "Led the 2023 queue outage; clear timeline."
    )
    expect(outage.get_by_label("Timeline")).to_be_checked()
    expect(outage.get_by_label("Follow-up actions")).not_to_be_checked()
    expect(question(page, "Design a queue").get_by_label(re.compile("^Notes"))).to_have_value(
        "Partitioning by tenant, <b>idempotent</b> consumers."
    )
    expect(page.get_by_role("button", name="Pause the clock")).to_be_visible()
    expect(page.locator("[data-clock-question-title]")).to_have_text("Now: Outage you owned")
    shot(page, "live-laptop")

    # The backup stands in for the if-time-allows question, with the reason.
    backup = question(page, "Project you rescued")
    backup.get_by_label("Instead of").select_option(label="2. Design a queue")
    backup.get_by_label("Why").fill("No distributed systems on the CV")
    backup.get_by_role("button", name="Swap in the backup").click()
    backup = question(page, "Project you rescued")
    expect(backup.locator(".sc-swapped")).to_contain_text("Asked instead of 2. Design a queue")
    expect(question(page, "Design a queue").locator(".sc-swapped")).to_contain_text(
        "Replaced by the backup"
    )
    expect(question(page, "Design a queue").get_by_label("Skipped")).to_be_checked()
    backup.get_by_label(re.compile("^Notes")).fill("Rescued a migration that was 3 months late.")
    saved(backup)

    # Submitting too early names each missing piece at its place.
    page.get_by_role("button", name="Submit scorecard").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Not submitted yet: 4 things to finish")
    expect(summary).to_be_focused()
    ownership = rating(page, "Ownership")
    expect(ownership.locator(".field-error-text")).to_have_text(
        "Choose a score, or mark it not assessed with a reason."
    )
    expect(page.locator("#overall-summary-error")).to_have_text(
        "Write a summary for the committee."
    )
    summary.get_by_role("link", name="Systems design").click()
    expect(
        rating(page, "Systems design").get_by_role("radio", name=re.compile("^5 "))
    ).to_be_focused()
    shot(page, "missing-laptop")

    # Rate every competency with evidence; a number key picks one score.
    ownership.get_by_role("radio", name=re.compile("^4 ")).check()
    ownership.get_by_label(re.compile("^Evidence")).fill("Owned the incident end to end.")
    saved(ownership)
    systems = rating(page, "Systems design")
    systems.get_by_role("radio", name=re.compile("^1 ")).focus()
    page.keyboard.press("3")
    expect(systems.get_by_role("radio", name=re.compile("^3 "))).to_be_checked()
    expect(systems.get_by_role("radio", name=re.compile("^3 "))).to_be_focused()
    systems.get_by_label(re.compile("^Evidence")).fill(
        "Partitioned the queue; missed back-pressure."
    )
    saved(systems)
    overall = page.locator("#overall")
    overall.get_by_label("Yes", exact=True).check()
    overall.get_by_label("Summary for the committee").fill("A strong owner; design is at the bar.")
    saved(overall)
    page.set_viewport_size(TABLET)
    shot(page, "complete-tablet")
    page.set_viewport_size({"width": 1280, "height": 800})

    # What this browser kept (the clock, say) goes once the scorecard is submitted.
    prefix = f"loopwright:scorecard:{card.pk}:"
    page.evaluate(f"localStorage.setItem('{prefix}clock', '{{\"running\": false}}')")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Submitted. Thank you")).to_be_visible()
    expect(page.get_by_role("textbox")).to_have_count(0)
    kept = f"Object.keys(localStorage).filter(k => k.startsWith('{prefix}'))"
    assert page.evaluate(kept) == []
    expect(page.locator("#ratings")).to_contain_text("4 Point 4")
    expect(page.locator("#questions")).to_contain_text(
        "Partitioning by tenant, <b>idempotent</b> consumers."
    )
    card.refresh_from_db()
    assert card.is_submitted
    assert Rating.objects.get(scorecard=card, competency__name="Systems design").score == 3
    assert note(card, "Outage you owned").ticks == [0, 1]
    shot(page, "read-laptop")

    # Amend with a reason: kept and shown, before and after.
    page.get_by_role("link", name="Amend this scorecard").click()
    page.get_by_role("group", name=re.compile("^Systems design")).get_by_role(
        "radio", name=re.compile("^4 ")
    ).check()
    page.get_by_role("button", name="Save the amendment").click()
    expect(page.locator("#amend-reason-error")).to_have_text(
        "Say why you amend a submitted scorecard."
    )
    page.get_by_label("Why you amend it").fill("Re-read my notes: back-pressure was covered.")
    page.get_by_role("button", name="Save the amendment").click()
    amendments = page.locator("#amendments")
    expect(amendments).to_contain_text("Re-read my notes: back-pressure was covered.")
    expect(amendments.get_by_role("row", name=re.compile("Systems design"))).to_contain_text(
        "3 Point 3"
    )
    expect(amendments.get_by_role("row", name=re.compile("Systems design"))).to_contain_text(
        "4 Point 4"
    )
    assert Amendment.objects.get(scorecard=card).by == interview["ines"]
    page.set_viewport_size(TABLET)
    shot(page, "read-tablet")


def test_a_stale_save_from_a_second_page_is_refused_and_both_versions_are_shown(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    logged_in_page(interview["ines"])
    laptop = page
    tablet = page.context.new_page()
    laptop.goto(card_url(site, card))
    tablet.goto(card_url(site, card))

    question(laptop, "Outage you owned").get_by_label(re.compile("^Notes")).fill("From the laptop")
    saved(question(laptop, "Outage you owned"))

    # The tablet still has revision 0: its save is refused, nothing is overwritten.
    on_tablet = question(tablet, "Outage you owned")
    on_tablet.get_by_label(re.compile("^Notes")).fill("From the tablet")
    status = on_tablet.locator(".save-status")
    expect(status).to_have_attribute("data-state", "conflict")
    expect(status).to_contain_text("Changed in another tab or device")
    expect(status.locator(".save-status__theirs")).to_contain_text("From the laptop")
    expect(on_tablet.get_by_label(re.compile("^Notes"))).to_have_value("From the tablet")
    assert note(card, "Outage you owned").text == "From the laptop"
    tablet.set_viewport_size(TABLET)
    on_tablet.scroll_into_view_if_needed()
    tablet.screenshot(path=str(SHOTS / "scorecard-conflict-tablet.png"))

    # Typing on does not slip past the refusal; keeping mine is a deliberate choice.
    with tablet.expect_response("**/notes/**") as refused:
        on_tablet.get_by_label(re.compile("^Notes")).fill("From the tablet, merged with the laptop")
    assert refused.value.status == 409
    expect(status).to_have_attribute("data-state", "conflict")
    assert note(card, "Outage you owned").text == "From the laptop"
    on_tablet.get_by_role("button", name="Keep mine").click()
    saved(on_tablet)
    assert note(card, "Outage you owned").text == "From the tablet, merged with the laptop"

    # Now the laptop is stale: it takes the other version instead.
    on_laptop = question(laptop, "Outage you owned")
    on_laptop.get_by_label("Root cause").check()
    expect(on_laptop.locator(".save-status")).to_have_attribute("data-state", "conflict")
    on_laptop.get_by_role("button", name="Use the other version").click()
    expect(on_laptop.get_by_label(re.compile("^Notes"))).to_have_value(
        "From the tablet, merged with the laptop"
    )
    expect(on_laptop.get_by_label("Root cause")).not_to_be_checked()
    saved(on_laptop)
    # And carries on from it without a conflict.
    on_laptop.get_by_label("Timeline").check()
    expect(on_laptop.locator(".save-status")).to_contain_text("Saved")
    saved(on_laptop)
    final = note(card, "Outage you owned")
    assert (final.text, final.ticks) == ("From the tablet, merged with the laptop", [0])


def test_unsaved_text_is_kept_in_the_browser_while_the_server_is_unreachable(
    page: Page, site: str, logged_in_page, interview
):
    card = interview["card"]
    logged_in_page(interview["ines"])
    page.goto(card_url(site, card))
    page.route("**/notes/**", lambda route: route.abort("internetdisconnected"))

    outage = question(page, "Outage you owned")
    outage.get_by_label(re.compile("^Notes")).fill("Typed while the network was down")
    status = outage.locator(".save-status")
    expect(status).to_have_text("Not saved — kept in this browser, retrying")
    kept = page.evaluate("Object.keys(localStorage).filter(k => k.includes(':note-'))")
    assert len(kept) == 1
    assert "Typed while the network was down" in page.evaluate(f"localStorage.getItem('{kept[0]}')")
    assert note(card, "Outage you owned").text == ""
    page.set_viewport_size(TABLET)
    outage.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "scorecard-offline-tablet.png"))

    # A reload while still cut off puts the text back from the browser.
    page.reload()
    outage = question(page, "Outage you owned")
    expect(outage.get_by_label(re.compile("^Notes"))).to_have_value(
        "Typed while the network was down"
    )
    expect(outage.locator(".save-status")).to_have_text(
        "Not saved — kept in this browser, retrying"
    )

    # The server is back: the retry sends it, and the browser lets go of its copy.
    page.unroute("**/notes/**")
    saved(outage)
    assert note(card, "Outage you owned").text == "Typed while the network was down"
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes(':note-'))") == []


def test_digits_typed_together_pick_a_two_digit_score(
    page: Page, site: str, logged_in_page, transactional_db
):
    """On a 0–10 scale, "1" then "0" picks 10; a digit after a pause starts afresh."""
    recruiter = make_user("rory", groups=("recruiter",))
    person = make_user("ivo", groups=("interviewer",))
    loop = make_scoring_loop(scale_values=range(10, -1, -1), by=recruiter)
    card = make_scorecard(person, loop=loop, by=recruiter)
    logged_in_page(person)
    page.goto(card_url(site, card))
    ownership = rating(page, "Ownership")
    ownership.get_by_role("radio", name=re.compile("^0 ")).focus()

    page.keyboard.press("1")
    page.keyboard.press("0")
    expect(ownership.get_by_role("radio", name=re.compile("^10 "))).to_be_checked()
    page.wait_for_timeout(900)
    page.keyboard.press("7")
    expect(ownership.get_by_role("radio", name=re.compile("^7 "))).to_be_checked()
    saved(ownership)
    assert Rating.objects.get(scorecard=card, competency__name="Ownership").score == 7
