"""A recruiter builds a structured loop from nothing in Chromium (seed 002's workflow)."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.management.commands.create_demo_users import DEMO_PASSWORD
from interviews.models import Loop
from rubrics.models import Question
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

BANKS = Path(settings.BASE_DIR) / "fixtures" / "banks"
AXE = Axe()
COMPETENCIES = [
    "World-class at running this team",
    "Operationally outstanding",
    "Sets strategic direction",
    "Effective team member",
]


@pytest.fixture
def catalogue(transactional_db):
    for name in ("02-devops.yaml", "03-infrastructure-manager.yaml"):
        call_command("import_bank", str(BANKS / name), verbosity=0)
    call_command("create_demo_users", verbosity=0)


def axe_check(page: Page, screen: str) -> None:
    """No serious or critical axe-core violation on the screen as it is now."""
    results = AXE.run(page)
    bad = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"{screen}: {bad}"


def add_stage(page: Page, name: str, minutes: str, buffer: str) -> None:
    new_stage = page.locator("#new-stage")
    if not new_stage.evaluate("el => el.open"):
        new_stage.locator("summary").click()
    new_stage.get_by_label(re.compile(r"^Name")).fill(name)
    new_stage.get_by_label(re.compile(r"^Minutes")).fill(minutes)
    new_stage.get_by_label("Buffer (minutes)").fill(buffer)
    new_stage.get_by_role("button", name="Add stage").click()
    expect(page.get_by_role("heading", name=re.compile(rf"\d\. {name}$"))).to_be_visible()


def add_from_search(page: Page, title: str, stage: str) -> None:
    search = page.locator("#question-search")
    search.get_by_role("searchbox", name="Search").fill(title)
    result = search.locator(".search-result", has=page.get_by_role("link", name=title, exact=True))
    expect(result).to_have_count(1)
    result.get_by_label(f"Stage for “{title}”").select_option(label=stage)
    result.get_by_role("button", name=f"Add “{title}”").click()
    expect(stage_card(page, stage).get_by_role("link", name=title, exact=True)).to_be_visible()


def stage_card(page: Page, name: str):
    return page.locator(
        "section.stage", has=page.get_by_role("heading", name=re.compile(rf"\d\. {name}$"))
    )


def planned_titles(page: Page, stage: str) -> list[str]:
    return stage_card(page, stage).locator(".planned-title").all_inner_texts()


def test_recruiter_builds_and_publishes_a_loop(page: Page, site: str, catalogue):
    coverage = page.locator("#coverage")
    sign_in(page, site, "recruiter", DEMO_PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # Role and level, scale and the four hiring-committee categories.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Loops").click()
    page.get_by_role("link", name="New loop").click()
    page.get_by_label("Name").fill("Infrastructure manager, M3")
    level = page.get_by_label("Level")
    expect(level.locator("optgroup")).not_to_have_count(0)  # every ladder, grouped
    page.get_by_label("Role").select_option(label="Infrastructure manager")
    # The role's ladder's levels only, fetched by htmx (no inline script).
    expect(level.locator("optgroup")).to_have_count(0)
    level_names = level.locator("option").all_inner_texts()
    assert "M3" in level_names and "Senior" not in level_names
    level.select_option(label="M3")
    page.get_by_label("Scale").select_option(label="Five-point anchored scale")
    page.get_by_label("Emphasis").select_option(label="Primarily leadership and people")
    axe_check(page, "new loop")
    bank = page.get_by_role("group", name="Infrastructure manager, M3")
    for name in COMPETENCIES:
        bank.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Create loop").click()
    expect(page.get_by_role("heading", name="Infrastructure manager, M3")).to_be_visible()
    expect(coverage).to_contain_text("Effective team member is assessed by no stage")

    # Two stages; the hiring manager's 30 minutes keep 5 for introductions.
    add_stage(page, "Hiring manager", "30", "5")
    add_stage(page, "People management", "45", "5")
    # The search kept its loop scope through both changes.
    results = page.locator("#search-results")
    expect(results).to_contain_text("for this loop's competencies")
    page.get_by_label("Show").select_option(label="Every bank")
    expect(results).not_to_contain_text("for this loop's competencies")
    page.get_by_label("Show").select_option(label="This loop's competencies")
    expect(results).to_contain_text("for this loop's competencies")
    axe_check(page, "builder")

    # Questions found through search, added to the hiring manager's stage.
    for title in [
        "Cloud and self-hosted deployments, with the team",
        "Aligning the infrastructure roadmap with the business",
        "Protecting developer productivity during infra change",
        "Automating a tedious manual process",
    ]:
        add_from_search(page, title, "Hiring manager")
    expect(stage_card(page, "Hiring manager")).to_contain_text("25 of 25 min must-ask")
    expect(coverage).to_contain_text("assessed by 1 interviewer (Hiring manager)")

    # A question probing the same ground (automation) in the same stage: a strong
    # warning, and the stage now overruns; removing it clears both.
    add_from_search(page, "Approach to automating a manual deployment step", "Hiring manager")
    expect(coverage).to_contain_text("probe the same ground (#automation)")
    expect(coverage).to_contain_text("must-ask questions take 31 min but only 25")
    stage_card(page, "Hiring manager").get_by_role(
        "button", name="Remove “Approach to automating a manual deployment step”"
    ).click()
    expect(coverage).not_to_contain_text("probe the same ground")
    expect(coverage).not_to_contain_text("must-ask questions take")

    # Reorder with the keyboard-accessible buttons, and by dragging.
    stage_card(page, "Hiring manager").get_by_role(
        "button", name="Move “Automating a tedious manual process” up"
    ).click()
    expect(stage_card(page, "Hiring manager").locator(".planned-title").nth(2)).to_have_text(
        "Automating a tedious manual process"
    )
    handles = stage_card(page, "Hiring manager").locator(".drag-handle")
    handles.nth(2).drag_to(handles.nth(3))
    expect(stage_card(page, "Hiring manager").locator(".planned-title").nth(3)).to_have_text(
        "Automating a tedious manual process"
    )

    # A backup question needs its condition: refused at the field until given.
    backup_title = "Build and release pipeline, with the team (backup)"
    add_from_search(page, backup_title, "Hiring manager")
    row = page.locator("li.planned", has=page.get_by_role("link", name=backup_title))
    expect(row.get_by_label("Use it when")).to_have_count(0)  # only backups say when
    row.get_by_label("Backup").check()
    expect(row).to_contain_text("Say when to use the backup question.")
    row.get_by_label("Use it when").fill("for candidates without self-hosted experience")
    row.get_by_role("button", name="Save").click()
    row = page.locator("li.planned", has=page.get_by_role("link", name=backup_title))
    expect(row).to_contain_text("Backup — for candidates without self-hosted experience")
    expect(stage_card(page, "Hiring manager")).to_contain_text("25 of 25 min must-ask")

    # Fork a question into the loop: a "you and your team" rewording.
    stage_card(page, "Hiring manager").get_by_role(
        "link", name="Fork “Protecting developer productivity during infra change”"
    ).click()
    expect(page.get_by_label("Key")).not_to_be_visible()  # under "Advanced", closed
    axe_check(page, "fork")
    page.get_by_label("Title").fill("Developer productivity during change, you and your team")
    prompt = page.get_by_label("Prompt")
    prompt.fill(
        "You and your team changed infrastructure that developers rely on. "
        "How did you keep them productive while it happened?"
    )
    page.get_by_role("button", name=re.compile("Save the fork")).click()
    expect(
        stage_card(page, "Hiring manager").get_by_role(
            "link",
            name="Developer productivity during change, you and your team",
            exact=True,
        )
    ).to_be_visible()
    fork = Question.objects.get(title="Developer productivity during change, you and your team")
    assert fork.derived_from.key == "infra-q3"
    assert fork.key == "developer-productivity-during-change-you-and-your-team"

    # A suggested set for the people-management stage gives every category a second opinion.
    people = stage_card(page, "People management")
    people.get_by_role("link", name="Suggest question sets").click()
    expect(people.locator(".alternative")).to_have_count(3)
    people.get_by_role("button", name="Use option 1").click()
    expect(stage_card(page, "People management").locator(".planned")).not_to_have_count(0)
    expect(coverage).not_to_contain_text("no independent second opinion")
    expect(coverage).to_contain_text("No coverage warnings.")

    # Publish: nothing left to warn about, so a plain confirmation.
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("No coverage warnings.")).to_be_visible()
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("v1 is published and frozen")
    expect(page.locator(".loop-head .badge")).to_have_text("Published")
    loop = Loop.objects.get(name="Infrastructure manager, M3")
    assert loop.status == Loop.Status.PUBLISHED
    assert Question.objects.get(pk=fork.pk).locked
    page.screenshot(
        path=str(Path(settings.BASE_DIR) / "test-results" / "loop-builder.png"), full_page=True
    )
