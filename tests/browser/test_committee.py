"""A committee member weighs an application and decides; a recruiter reads calibration.

Set LOOPWRIGHT_SHOTS to a directory to keep screenshots of each page (for a person to
look at: calm, readable, nothing clipped).
"""

import os
import random
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from scoring.models import Decision
from tests.factories import make_application, make_candidate, make_scoring_loop, make_user
from tests.scoring.committee_setup import submitted_card

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LOOPWRIGHT_SHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def interviewer(first: str, last: str):
    return make_user(f"{first.lower()}", groups=("interviewer",), first_name=first, last_name=last)


@pytest.fixture
def review(transactional_db):
    recruiter = make_user("rosa", groups=("recruiter",), first_name="Rosa", last_name="Reyes")
    member = make_user("kemal", groups=("committee",), first_name="Kemal", last_name="Aydin")
    loop = make_scoring_loop(by=recruiter)
    application = make_application(
        make_candidate("Lena Fischer"), loop, committee=[member], by=recruiter
    )
    submitted_card(
        application,
        "Technical",
        {"Ownership": 5, "Systems design": 4},
        person=interviewer("Ada", "Lovelace"),
        recommendation="strong_yes",
        evidence="Ran the incident review herself and shipped the follow-ups",
    )
    submitted_card(
        application,
        "Technical",
        {"Ownership": 2, "Systems design": 3},
        person=interviewer("Ben", "Okafor"),
        recommendation="no",
        evidence="Pointed at the platform team for the outage",
    )
    submitted_card(
        application,
        "Values",
        {"Systems design": 4},
        person=interviewer("Chen", "Wu"),
        evidence="Weighed the trade-off between consistency and speed out loud",
    )
    submitted_card(
        application,
        "Technical",
        {"Ownership": 1, "Systems design": 1},
        person=interviewer("Sam", "Shadowman"),
        role="shadow",
        recommendation="strong_no",
        evidence="Shadow notes",
    )
    return recruiter, member, application


def test_a_committee_member_sees_the_split_first_and_records_a_hire_at_another_level(
    logged_in_page, site, review
):
    _, member, _ = review
    page: Page = logged_in_page(member)

    page.goto(f"{site}/")
    page.locator("#home-committee").get_by_role("link", name="Committee view").click()
    expect(page.get_by_role("heading", name="Committee view: Lena Fischer")).to_be_visible()
    expect(page.locator("#committee-readiness")).to_have_text("Ready for decision")

    first = page.locator("#look-first")
    expect(first.get_by_role("link", name="Ownership")).to_be_visible()
    expect(first.get_by_text("Disagreement", exact=True)).to_be_visible()
    detail = page.locator("#who-said-what")
    competencies = detail.locator("article h3")
    expect(competencies.first).to_have_text("Ownership")  # the split comes first
    expect(
        detail.get_by_text("Pointed at the platform team for the outage on Ownership")
    ).to_be_visible()
    expect(detail.get_by_text("Sam Shadowman")).to_have_count(0)
    expect(page.locator("#scorecards").get_by_text("Sam Shadowman")).to_have_count(0)
    expect(page.get_by_text("1 shadow scorecard not counted")).to_be_visible()
    shot(page, "committee")

    decision = page.locator("#committee-decision")
    decision.get_by_label("Hire", exact=True).check()
    decision.get_by_label("Level").select_option(label="Senior")
    decision.get_by_role("button", name="Record the decision").click()
    expect(decision.get_by_text("Give the committee's rationale")).to_be_visible()
    assert not Decision.objects.exists()

    decision = page.locator("#committee-decision")
    decision.get_by_label("Rationale").fill(
        "Strong ownership in two of three accounts; the level above fits her scope."
    )
    decision.get_by_role("button", name="Record the decision").click()

    expect(page.get_by_text("Decision recorded: Hire at Senior.")).to_be_visible()
    standing = page.locator("#decisions li").first
    expect(standing).to_contain_text("Hire at Senior")
    expect(standing).to_contain_text("Kemal Aydin")
    audit = page.locator("#audit")
    recorded = audit.locator("tbody tr", has_text="decision.recorded")
    expect(recorded).to_contain_text("Kemal Aydin")
    expect(recorded).to_contain_text("Senior")
    decision_row = Decision.objects.get()
    assert (decision_row.outcome, decision_row.level.key) == ("hire", "senior")
    shot(page, "committee-decided")


@pytest.fixture
def history(review):
    """Twelve more candidates on the loop: Ada runs high, Ben low, Chen in between."""
    recruiter, _, application = review
    rng = random.Random(7)
    ada, ben, chen = (User.objects.get(username=u) for u in ("ada", "ben", "chen"))
    for n in range(12):
        other = make_application(make_candidate(f"Candidate {n}"), application.loop, by=recruiter)
        truth = rng.choice([2, 3, 3, 4, 4, 5])
        submitted_card(
            other,
            "Technical",
            {"Ownership": clamp(truth + 1), "Systems design": clamp(truth + rng.choice([0, 1]))},
            person=ada,
        )
        submitted_card(
            other,
            "Technical",
            {"Ownership": clamp(truth - 1), "Systems design": clamp(truth - rng.choice([0, 1]))},
            person=ben,
        )
        submitted_card(
            other,
            "Values",
            {"Systems design": clamp(truth + rng.choice([-1, 0, 0, 1]))},
            person=chen,
        )
    return recruiter


def clamp(value: int) -> int:
    return max(1, min(5, value))


def test_a_recruiter_reads_calibration_and_reliability(logged_in_page, site, history):
    page: Page = logged_in_page(history)

    page.goto(f"{site}/scoring/calibration/")
    rows = page.locator("table.calibration tbody tr")
    expect(rows.first).to_contain_text("Ada Lovelace")
    expect(rows.first).to_contain_text("lenient")
    expect(page.locator("tr.is-shadow")).to_contain_text("Sam Shadowman")
    shot(page, "calibration")

    rows.first.get_by_role("link", name="Ada Lovelace").click()
    expect(page.get_by_role("heading", name="Ada Lovelace: calibration")).to_be_visible()
    expect(page.locator("svg.chart--leniency")).to_be_visible()
    shot(page, "calibration-person")

    page.goto(f"{site}/scoring/reliability/")
    expect(page.get_by_role("heading", name="Systems design")).to_be_visible()
    expect(page.get_by_text("over 13 candidates").first).to_be_visible()
    shot(page, "reliability")
