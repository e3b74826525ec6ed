"""A candidate self-identifies through the link a recruiter sent; the recruiter then
sees only totals of groups (issue 14, adverse impact)."""

import pytest
from playwright.sync_api import Browser, expect

from candidates.services import change_status
from outcomes.models import SelfIdAnswer, SelfIdResponse
from tests.browser.conftest import sign_in
from tests.factories import make_application, make_candidate, make_interview, make_user
from tests.outcomes.fairness_setup import cohort, ensure_default_categories

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    ensure_default_categories()
    recruiter = make_user("rina", groups=("recruiter",), first_name="Rina", last_name="Recruiter")
    loop, _ = cohort(groups={"female": (12, 5), "male": (15, 10)})
    candidate = make_candidate("Dana Applicant")
    application = make_application(candidate, loop)
    make_interview(application, loop.stages.order_by("order")[1])
    return recruiter, loop, application


def test_candidate_self_identifies_and_the_recruiter_sees_only_aggregates(
    browser: Browser, site, world
):
    recruiter, loop, application = world
    staff = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    page = staff.new_page()
    sign_in(page, site, recruiter.username)
    page.goto(f"{site}{application.get_absolute_url()}")
    page.get_by_role("button", name="Send self-identification link").click()
    link = page.get_by_label("Link to copy").input_value()
    assert "/outcomes/fairness/self-id/" in link
    path = link.split("/outcomes/", 1)[1]

    # The candidate: no account, another browser.
    candidate = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    form = candidate.new_page()
    form.goto(f"{site}/outcomes/{path}")
    expect(form.get_by_role("heading", name="Voluntary self-identification")).to_be_visible()
    sex = form.get_by_role("group", name="Sex")
    expect(sex.get_by_label("Prefer not to say")).to_be_checked()
    race = form.get_by_role("group", name="Race / ethnicity")
    expect(race.get_by_label("Prefer not to say")).to_be_checked()
    sex.get_by_label("Female").check()
    form.get_by_role("button", name="Submit").click()
    expect(form.get_by_role("heading", name="Thank you")).to_be_visible()
    answers = {
        a.category.key: a.option
        for a in SelfIdAnswer.objects.select_related("option", "category").filter(
            response__application=application
        )
    }
    assert answers["sex"].key == "female" and answers["race-ethnicity"] is None
    form.reload()
    expect(form.get_by_role("heading", name="This link has been used")).to_be_visible()
    candidate.close()

    # Decided: the application joins the year's figures.
    change_status(application, "rejected", by=None)
    assert SelfIdResponse.objects.filter(application=application).exists()

    # The recruiter: the application page says nothing of the answer ...
    page.goto(f"{site}{application.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Voluntary self-identification")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Female")
    # ... and the adverse-impact page shows groups, never people.
    page.goto(f"{site}/outcomes/fairness/?loop={loop.key}")
    main = page.locator("main")
    expect(page.get_by_role("heading", name="Hired")).to_be_visible()
    expect(main).to_contain_text("decided applications (hired or rejected")
    expect(main).not_to_contain_text("Dana Applicant")
    hired = page.get_by_role("table", name="Hired: by sex", exact=True)
    women = hired.get_by_role("row", name="Female")
    # 13 women (5 of the cohort's 12 hired, Dana not), 15 men (10 hired): .385 / .667.
    expect(women.get_by_role("cell").nth(0)).to_have_text("13")
    expect(women.get_by_role("cell").nth(1)).to_have_text("5")
    expect(women).to_contain_text("0.58")
    staff.close()
