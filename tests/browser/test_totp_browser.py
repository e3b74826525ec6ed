"""Two-factor authentication end to end in Chromium: set up from the profile, sign in with a code.

The test reads the key off the setup page as a person would type it into their app,
and computes the app's codes from it (RFC 6238, allauth's implementation).
"""

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser
# Screenshots for looking at the pages (MFA_SCREENSHOTS=/some/dir); none by default.
SCREENSHOTS = os.environ.get("MFA_SCREENSHOTS", "")


@pytest.fixture(autouse=True)
def own_cache(settings):
    """allauth keeps rate limits and used codes in the cache: a fresh one per test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"totp-browser-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def page(page: Page) -> Page:
    # Two-factor flows walk through many pages; a loaded 2-core machine needs more time.
    page.set_default_timeout(30_000)
    expect.set_options(timeout=30_000)
    return page


@pytest.fixture
def tess(transactional_db):
    return make_user("tess", groups=("interviewer",), first_name="Tess", last_name="Tester")


def code_for(secret: str, step: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def shoot(page: Page, name: str) -> None:
    if not SCREENSHOTS:
        return
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def watch_csp(page: Page) -> list[str]:
    """Console messages of anything the page's Content-Security-Policy refused."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused" in message.text
            else None
        ),
    )
    return refused


def set_up_app(page: Page, site: str) -> tuple[str, list[str]]:
    """From the profile to a working app: returns the key and the recovery codes."""
    page.goto(f"{site}/accounts/profile/")
    section = page.get_by_role("region", name="Two-factor authentication")
    expect(section).to_contain_text("Off")
    section.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_role("link", name="Set up an authenticator app").click()
    # allauth asks for the password again before the second factor changes.
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    # The QR code is a data: URI the CSP allows (img-src 'self' data:): it really drew.
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    secret = page.get_by_label("Can't scan? Type this key into the app").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    shoot(page, "totp-setup")

    page.get_by_label("Code from the app").fill("000000" if code_for(secret) != "000000" else "1")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    expect(page.get_by_label("Code from the app")).to_have_attribute("aria-invalid", "true")
    shoot(page, "totp-setup-wrong-code")

    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.get_by_role("list", name="Unused recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shoot(page, "totp-recovery-codes")
    return secret, [code.strip() for code in codes.all_inner_texts()]


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_set_up_totp_then_sign_in_with_a_code_and_a_recovery_code(
    page: Page, site: str, tess
) -> None:
    refused = watch_csp(page)
    sign_in(page, site, "tess")
    expect(page.get_by_role("heading", name="Welcome, Tess")).to_be_visible()

    secret, recovery = set_up_app(page, site)
    page.goto(f"{site}/accounts/profile/")
    expect(page.get_by_role("region", name="Two-factor authentication")).to_contain_text("On")
    sign_out(page)

    # Password, then the app's code.
    sign_in(page, site, "tess")
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    code_box = page.get_by_label("Code from your authenticator app")
    code_box.fill("12345678")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    shoot(page, "totp-code-step")
    page.get_by_label("Code from your authenticator app").fill(code_for(secret, step=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Tess")).to_be_visible()
    sign_out(page)

    # No phone: a recovery code, once.
    sign_in(page, site, "tess")
    page.get_by_label("Code from your authenticator app").fill(recovery[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Tess")).to_be_visible()
    sign_out(page)
    sign_in(page, site, "tess")
    page.get_by_label("Code from your authenticator app").fill(recovery[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    assert not refused, refused


def test_the_requirement_sends_a_new_sign_in_to_setup(page: Page, site: str, tess) -> None:
    from accounts.models import SignInPolicy

    policy = SignInPolicy.current()
    policy.require_two_factor = True
    policy.save()

    sign_in(page, site, "tess")
    # allauth's "confirm it is you" comes first, then the setup page.
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.get_by_text("Your organisation requires two-factor authentication")).to_be_visible()

    # Anything else asked for leads back here (each visit shows a fresh key).
    page.goto(f"{site}/accounts/profile/")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    secret = page.get_by_label("Can't scan? Type this key into the app").input_value()
    page.get_by_label("Code from the app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Tess")).to_be_visible()
