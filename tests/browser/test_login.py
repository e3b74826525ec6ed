"""Signing in through the real login form in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def rhea(transactional_db):
    return make_user("rhea", groups=("recruiter",), first_name="Rhea", last_name="Recruiter")


def test_recruiter_signs_in_and_lands_on_home_with_catalogue(page: Page, site: str, rhea) -> None:
    page.goto(f"{site}/")
    # Anonymous visitors are sent to the form, and come back where they wanted to go.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert_stylesheet_applied(page)

    sign_in(page, site, "rhea")

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("heading", name="Welcome, Rhea")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Catalogue")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_stylesheet_applied(page)


def test_wrong_password_shows_error_at_form(page: Page, site: str, rhea) -> None:
    sign_in(page, site, "rhea", "not-the-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    form = page.locator("form", has=page.get_by_role("button", name="Sign in"))
    expect(form).to_contain_text("Please enter a correct username and password")
    # The username survives the round trip; the password never does.
    expect(page.get_by_label("Username")).to_have_value("rhea")
    expect(page.get_by_label("Password")).to_have_value("")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_logged_in_page_helper_signs_in_through_the_form(logged_in_page, rhea) -> None:
    page = logged_in_page(rhea)

    expect(page.get_by_role("heading", name="Welcome, Rhea")).to_be_visible()


def assert_stylesheet_applied(page: Page) -> None:
    """The live server served app.css: the top bar has the dark brand colour, not the default."""
    background = page.locator("header.topbar").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert background == "rgb(29, 35, 48)", background
