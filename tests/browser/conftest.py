"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Playwright never downloads a browser here; it drives /usr/bin/chromium (CHROMIUM to
override). Without it these tests skip with the reason, and under CI=true a skip fails.
live_server serves static files itself, so pages render with their CSS as people see them.
"""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless and quiet: no GPU, no sandbox (we run as root), no calls home.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Long enough for a loaded 2-core CI machine, short enough that a hang fails fast.
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/browser/ is a browser test, marked or not: `-m "not browser"`."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: `apt-get install -y chromium` "
            "(or set CHROMIUM=/path/to/chromium)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 800},
        "locale": "en-GB",
        "timezone_id": "UTC",
    }


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return page


@pytest.fixture
def site(live_server, transactional_db) -> str:
    """The live server's base URL, over a test database its thread shares with the test.

    transactional_db: the server thread sees only committed rows (in-memory SQLite is
    shared with the thread by pytest-django; PostgreSQL and a file are shared anyway).
    """
    return live_server.url


def sign_in(page: Page, site: str, username: str, password: str = PASSWORD) -> None:
    """Fill in and submit the real login form, as a person would."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    # exact: not "Sign in with <provider>" when single sign-on is configured.
    page.get_by_role("button", name="Sign in", exact=True).click()


@pytest.fixture
def logged_in_page(page: Page, site: str) -> Callable:
    """`logged_in_page(user)`: the page, signed in as `user` through the login form.

    The user must have the factories' PASSWORD (every make_user does).
    """

    def login(user, password: str = PASSWORD) -> Page:
        sign_in(page, site, user.username, password)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return login
