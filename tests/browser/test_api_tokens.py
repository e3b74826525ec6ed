"""API tokens in Chromium: create one, see its secret once, copy it, revoke it; the API docs.

Set LOOPWRIGHT_SHOTS to a directory to keep screenshots at 1366 and 390 px.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.permissions import role_groups
from integrations.models import ApiToken, hash_token
from tests.factories import make_user

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("LOOPWRIGHT_SHOTS", "")


@pytest.fixture(autouse=True)
def patient_navigation(page: Page) -> None:
    """Page loads get a minute: the live server shares two cores with the whole suite."""
    page.set_default_navigation_timeout(60_000)


def assert_fits_a_phone(page: Page) -> None:
    """At 390 px the page scrolls only down: wide tables scroll inside their own box."""
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"


def shot(page: Page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def record_csp_violations(page: Page) -> None:
    """Every page of `page` keeps what the browser refuses under the CSP in window.refused."""
    page.add_init_script(
        "window.refused = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.refused.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )


def test_api_docs_render_under_the_strict_csp_without_signing_in(page: Page, site: str) -> None:
    record_csp_violations(page)
    # The Swagger bundle is large: a loaded machine needs longer than the default.
    response = page.goto(f"{site}/api/v1/docs/", timeout=60_000)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy, policy
    expect(page.get_by_role("heading", name=re.compile("Loopwright API"))).to_be_visible()
    # The schema loaded from our own server, and the docs' widgets work (scripts ran).
    expect(page.get_by_role("link", name="/api/v1/openapi.json")).to_be_visible()
    shot(page, "api-docs")
    # Pasting a token: the Authorize dialog opens with the bearer field.
    page.get_by_role("button", name=re.compile("Authorize")).first.click()
    expect(page.get_by_text("Available authorizations")).to_be_visible()
    expect(page.locator(".modal-ux input").first).to_be_visible()
    shot(page, "api-docs-authorize")
    page.get_by_role("button", name="Close").click()
    # Trying an operation without a token: the widget calls our API and shows its 401.
    loops = page.locator(".opblock-get").filter(
        has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/loops/$"))
    )
    loops.locator(".opblock-summary-control").click()
    page.get_by_role("button", name="Try it out").click()
    page.get_by_role("button", name="Execute").click()
    expect(page.locator(".live-responses-table tbody .response-col_status").first).to_contain_text(
        "401"
    )
    # The description says where tokens come from.
    expect(page.get_by_role("link", name="API tokens")).to_have_attribute(
        "href", "/integrations/tokens/"
    )
    assert page.evaluate("window.refused") == []


def tab_to(page: Page, selector: str, *, most: int = 40) -> None:
    """Press Tab until the element matching `selector` has focus (fails if it never does)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with Tab")


def test_person_creates_a_token_sees_it_once_copies_and_revokes_it(
    logged_in_page, site: str, transactional_db
) -> None:
    tess = make_user("tess", groups=("recruiter",), first_name="Tess", last_name="Ito")
    page = logged_in_page(tess)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site)
    record_csp_violations(page)

    page.goto(f"{site}/accounts/profile/")
    page.get_by_role("link", name="API tokens", exact=True).click()
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    expect(page.get_by_text("No tokens yet.")).to_be_visible()
    shot(page, "tokens-empty")

    # All by keyboard: name, two scopes, expiry, create.
    page.get_by_label("Name").focus()
    page.keyboard.type("Greenhouse sync")
    tab_to(page, "#scope-candidates-read")
    page.keyboard.press("Space")
    tab_to(page, "#scope-loops-read")
    page.keyboard.press("Space")
    tab_to(page, "#id_expires_in_days")
    page.keyboard.press("ArrowDown")  # 90 → 180 days
    tab_to(page, "#token-form button[type=submit]")
    page.keyboard.press("Enter")

    heading = page.get_by_role("heading", name="Copy your new token now")
    expect(heading).to_be_visible()
    field = page.get_by_label("Token “Greenhouse sync”")
    # Focus lands on the secret (the button pressed is gone), ready to copy.
    expect(field).to_be_focused()
    secret = field.input_value()
    assert re.fullmatch(r"lw_[0-9a-f]{8}_[\w-]{43}", secret), secret
    token = ApiToken.objects.get(user=tess)
    assert token.key_hash == hash_token(secret)
    assert token.scopes == ["candidates:read", "loops:read"]
    assert 179 <= (token.expires_at - token.created_at).days <= 180
    # htmx swapped the panel in: the address is still the list's, with no secret in it.
    assert page.url == f"{site}/integrations/tokens/"
    shot(page, "tokens-created")
    assert_fits_a_phone(page)

    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == secret

    # Never again: a reload shows the list with the prefix only.
    page.reload()
    expect(heading).to_have_count(0)
    assert secret not in page.content()
    row = page.get_by_role("row", name=re.compile("Greenhouse sync"))
    expect(row).to_contain_text(token.prefix)
    expect(row).to_contain_text("Active")

    row.get_by_role("link", name="Revoke Greenhouse sync").click()
    expect(page.get_by_role("heading", name="Revoke “Greenhouse sync”?")).to_be_visible()
    shot(page, "token-revoke")
    page.get_by_role("button", name="Revoke token").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("is revoked: it no longer works")).to_be_visible()
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("link", name=re.compile("Revoke"))).to_have_count(0)
    token.refresh_from_db()
    assert token.revoked_at is not None
    shot(page, "tokens-list")
    assert_fits_a_phone(page)
    assert page.evaluate("window.refused") == []


def test_admin_issues_a_token_to_an_integration_account_and_reads_its_log(
    logged_in_page, site: str, transactional_db
) -> None:
    from django.test import Client

    role_groups(["recruiter", "interviewer", "committee"])  # a transactional test flushed them
    ada = make_user("ada", is_superuser=True, first_name="Ada", last_name="Admin")
    page = logged_in_page(ada)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="Integration accounts")).to_be_visible()
    page.get_by_label("Name").fill("Greenhouse sync")
    page.get_by_label("Recruiter").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Greenhouse sync", level=1)).to_be_visible()

    page.get_by_label("Name").fill("Nightly import")
    page.get_by_role("checkbox", name="Loops (read only) Read").check()
    page.get_by_role("button", name="Create token").click()
    secret = page.get_by_label("Token “Nightly import”").input_value()

    # The system uses it; its requests show on the token's log.
    api = Client()
    assert (
        api.get("/api/v1/loops/", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )
    assert (
        api.get("/api/v1/people/", headers={"Authorization": f"Bearer {secret}"}).status_code == 403
    )
    page.get_by_role("link", name="Done: I have copied it").click()
    page.get_by_role("link", name="Requests of Nightly import").click()
    expect(page.get_by_text("2 requests")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("/api/v1/loops/")
    expect(table).to_contain_text("403")
    shot(page, "token-requests")
    assert_fits_a_phone(page)
    page.goto(f"{site}/integrations/accounts/")
    expect(page.get_by_role("row", name=re.compile("Greenhouse sync"))).to_contain_text("1")
    shot(page, "integration-accounts")
