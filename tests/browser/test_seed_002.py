"""Seed 002 replayed in Chromium, from a blank loop to the committee's decision (issue 13).

The recruiter builds the infrastructure manager's loop from nothing: the suggestions
show each question's categories, the bank's curated final set comes first, and it
publishes without a warning. Three interviewers score the stage (one swaps in the
backup and finds it where the question it replaced was); the committee decides.
Only the candidate's application and interview are set up through the services (the
scheduling screens have their own browser test).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from accounts.management.commands.create_demo_users import DEMO_PASSWORD
from accounts.models import User
from interviews.models import Loop
from scoring.models import Decision, Scorecard
from tests.browser.conftest import sign_in
from tests.browser.test_loop_builder import COMPETENCIES, add_stage, axe_check, stage_card
from tests.browser.test_loop_builder import catalogue as catalogue  # the banks, demo users
from tests.factories import assign, make_application, make_candidate, make_interview

pytestmark = pytest.mark.browser

FINAL_SET = "Final set: leadership and strategy first"
FINAL_QUESTIONS = [
    "Cloud and self-hosted deployments, with the team",
    "Aligning the infrastructure roadmap with the business",
    "Protecting developer productivity during infra change",
    "Automating a tedious manual process",
]
BACKUP = "Build and release pipeline, with the team (backup)"
SHOTS = Path(settings.BASE_DIR) / "test-results"


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()


def build_loop(page: Page, site: str) -> Loop:
    """The recruiter's part: a blank loop, the curated set, published with no warning."""
    sign_in(page, site, "recruiter", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Loops").click()
    page.get_by_role("link", name="New loop").click()
    page.get_by_label("Name").fill("Infrastructure manager, M3")
    page.get_by_label("Role").select_option(label="Infrastructure manager")
    page.get_by_label("Level").select_option(label="M3")
    scale = page.get_by_label("Scale")
    if not scale.input_value():
        scale.select_option(label="Five-point anchored scale")
    page.get_by_label("Emphasis").select_option(label="Primarily technical")
    bank = page.get_by_role("group", name="Infrastructure manager, M3")
    for name in COMPETENCIES:
        bank.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Create loop").click()
    expect(page.get_by_role("heading", name="Infrastructure manager, M3")).to_be_visible()

    # Seed 002's stage: the hiring manager's 30 minutes (5 for introductions) sat by a
    # panel of three, which alone gives every category three independent opinions.
    new_stage = page.locator("#new-stage")
    if not new_stage.evaluate("el => el.open"):
        new_stage.locator("summary").click()
    new_stage.get_by_label("Interviewers").fill("3")
    add_stage(page, "Hiring manager", "30", "5")
    expect(stage_card(page, "Hiring manager")).to_contain_text("panel of 3 interviewers")

    # The suggestions: the bank's final set first, every question with its categories.
    stage_card(page, "Hiring manager").get_by_role("link", name="Suggest question sets").click()
    panel = page.locator(".suggestions")
    curated = panel.locator(".alternative").first
    expect(curated.get_by_role("heading", name=re.compile(FINAL_SET))).to_be_visible()
    expect(curated).to_contain_text("25 of 25 minutes planned")
    expect(curated).to_contain_text("cover all four competencies")
    for option in panel.locator(".alternative").all():
        for question in option.locator(".suggested-question").all():
            expect(question.locator(".chip-primary")).to_have_count(1)
            expect(question.locator(".chip", has_text=re.compile(r"^\d+ min$"))).to_have_count(1)
    first = curated.locator(".suggested-question").first
    expect(first.locator(".chip-primary")).to_have_text(
        re.compile("World-class at running this team")
    )
    expect(first).to_contain_text("Operationally outstanding")
    backup = curated.locator(".suggested-question", has_text=BACKUP)
    expect(backup).to_contain_text("Use it when: The candidate has not delivered")
    axe_check(page, "suggestions")
    curated.get_by_role("button", name=f"Use “{FINAL_SET}”").click()

    expect(
        page.get_by_text(f"Hiring manager now has “{FINAL_SET}”: 4 questions and 1 backup")
    ).to_be_visible()
    titles = stage_card(page, "Hiring manager").locator(".planned-title").all_inner_texts()
    assert titles == [*FINAL_QUESTIONS, BACKUP]
    expect(page.locator("#coverage")).to_contain_text("No coverage warnings.")

    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("No coverage warnings.")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("v1 is published and frozen")
    sign_out(page)
    return Loop.objects.get(name="Infrastructure manager, M3")


def score(page: Page, site: str, card: Scorecard, *, swap_backup: bool, marks: int) -> None:
    """One interviewer's scorecard: a note, four ratings with evidence, a recommendation."""
    sign_in(page, site, card.assignment.person.username, DEMO_PASSWORD)
    page.goto(f"{site}/scoring/scorecards/{card.pk}/")
    questions = page.locator("article.sc-question")
    expect(questions).to_have_count(5)
    if swap_backup:
        backup = page.locator("article.sc-question", has_text=BACKUP)
        backup.get_by_label("Instead of").select_option(label=f"1. {FINAL_QUESTIONS[0]}")
        backup.get_by_label("Why").fill("Never shipped to self-hosted customers")
        backup.get_by_role("button", name="Swap in the backup").click()
        # In place: the backup is where the question it replaced was, first.
        expect(questions.first.get_by_role("heading").first).to_contain_text(BACKUP)
        expect(questions.first.locator(".sc-swapped")).to_contain_text(
            f"Asked instead of 1. {FINAL_QUESTIONS[0]}"
        )
    asked = questions.first
    asked.get_by_label(re.compile("^Notes")).fill("Walked through the release train.")
    expect(asked.locator(".save-status")).to_have_attribute("data-state", "saved")
    for question in questions.all():
        unused_backup = not swap_backup and BACKUP in question.inner_text()
        if unused_backup or question.get_by_label("Skipped").is_checked():
            continue
        if not question.get_by_label("Asked").is_checked():
            question.get_by_label("Asked").check()
            expect(question.locator(".save-status")).to_have_attribute("data-state", "saved")
    for name in COMPETENCIES:
        rating = page.locator(
            "section.sc-rating", has=page.get_by_role("heading", name=re.compile(f"^{name}"))
        )
        rating.get_by_role("radio", name=re.compile(f"^{marks} ")).check()
        rating.get_by_label(re.compile("^Evidence")).fill(f"Concrete example on {name.lower()}.")
        expect(rating.locator(".save-status")).to_have_attribute("data-state", "saved")
    overall = page.locator("#overall")
    overall.get_by_label("Yes", exact=True).check()
    overall.get_by_label("Summary for the committee").fill("Leads through the team; at the bar.")
    expect(overall.locator(".save-status")).to_have_attribute("data-state", "saved")
    page.get_by_role("button", name="Submit scorecard").click()
    expect(page.get_by_text("Submitted. Thank you")).to_be_visible()
    sign_out(page)


def test_seed_002_from_a_blank_loop_to_the_committees_decision(page: Page, site: str, catalogue):
    loop = build_loop(page, site)
    assert loop.status == Loop.Status.PUBLISHED

    recruiter = User.objects.get(username="recruiter")
    committee = User.objects.get(username="committee")
    application = make_application(
        make_candidate("Dana Whitfield", by=recruiter), loop, committee=[committee], by=recruiter
    )
    interview = make_interview(application, loop.stages.get(), by=recruiter)
    cards = [
        assign(interview, User.objects.get(username=f"interviewer{n}"), by=recruiter).scorecard
        for n in (1, 2, 3)
    ]
    for n, card in enumerate(cards):
        score(page, site, card, swap_backup=n == 1, marks=(4, 3, 4)[n])
    assert all(Scorecard.objects.get(pk=c.pk).is_submitted for c in cards)

    sign_in(page, site, "committee", DEMO_PASSWORD)
    page.goto(f"{site}/")
    page.locator("#home-committee").get_by_role("link", name="Committee view").click()
    expect(page.get_by_role("heading", name="Committee view: Dana Whitfield")).to_be_visible()
    expect(page.locator("#committee-readiness")).to_have_text("Ready for decision")
    decision = page.locator("#committee-decision")
    decision.get_by_label("Hire", exact=True).check()
    decision.get_by_label("Level").select_option(label="M3")
    decision.get_by_label("Rationale").fill(
        "Three consistent accounts: leads through the team and owns the release train."
    )
    decision.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Decision recorded: Hire at M3.")).to_be_visible()
    assert Decision.objects.get(application=application).outcome == "hire"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "seed-002-decided.png"), full_page=True)
