"""A recruiter reads a question's figures on its catalogue page and the loop's table."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from scoring.models import QuestionNote
from tests.factories import make_scoring_loop, make_user
from tests.scoring.test_question_views import OUTAGE, first_stage, scored_interview

pytestmark = pytest.mark.browser


@pytest.fixture
def scored(site):
    loop = make_scoring_loop()
    for minutes, own in ((18, 4), (20, 3), (25, 5)):
        scored_interview(loop, {"Ownership": own, "Systems design": 3}, minutes={OUTAGE: minutes})
    assert QuestionNote.objects.filter(seconds_spent__gt=0).count() == 3
    return loop


def test_the_question_page_loads_its_figures_and_the_builder_links_the_table(
    page: Page, site: str, logged_in_page, scored
):
    recruiter = make_user("rosa", groups=("recruiter",))
    logged_in_page(recruiter)
    question = first_stage(scored).planned.get(question__title=OUTAGE).question
    page.goto(site + reverse("rubrics:question_detail", args=[question.pk]))
    figures = page.locator("#question-analytics")
    # Loaded in place by htmx: the fallback link is replaced by the figures.
    expect(figures).to_contain_text("20.0 min median vs 15 planned")
    expect(figures).to_contain_text("3 candidates have heard it")
    expect(figures.get_by_role("link", name="Times asked")).to_have_count(0)

    page.goto(site + reverse("interviews:loop_builder", args=[scored.pk]))
    page.get_by_role("link", name="Question analytics").click()
    table = page.get_by_role("region", name=f"Questions of {scored.name}")
    row = table.get_by_role("row", name=OUTAGE)
    expect(row).to_contain_text("3 of 3")
    expect(row).to_contain_text("n = 3 timed")
