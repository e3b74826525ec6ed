"""Single sign-on through the browser against a real OpenID Connect provider."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import AuditEntry, SignInPolicy, User
from accounts.permissions import role_groups
from tests.factories import PASSWORD, make_user

from .conftest import IDP_PASSWORD, PROVIDER_NAME

pytestmark = pytest.mark.browser


def sign_in_with_sso(page: Page, site: str, username: str) -> None:
    """Loopwright's SSO button, then the provider's login form if it asks who we are."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    signed_in = page.get_by_role("button", name="Sign out")
    idp_login = page.get_by_role("button", name="Log in to the identity provider")
    expect(signed_in.or_(idp_login)).to_be_visible()
    if idp_login.is_visible():
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(IDP_PASSWORD)
        idp_login.click()
    expect(signed_in).to_be_visible()


def sign_in_with_password(page: Page, site: str, username: str) -> None:
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()


def roles(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_sso_makes_an_account_and_maps_groups_at_every_sign_in(page: Page, site, sso_app):
    sso_app.person("avery", groups=("hiring-panel", "coffee-club"), first_name="Avery")

    sign_in_with_sso(page, site, "avery")

    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_role("link", name="Avery Example")).to_be_visible()
    avery = User.objects.get(username="avery")
    assert avery.email == "avery@example.com"
    assert not avery.has_usable_password()
    assert roles("avery") == {"interviewer"}
    verbs = set(AuditEntry.objects.filter(target_id=str(avery.pk)).values_list("verb", flat=True))
    assert {"sso.account_created", "sso.roles_changed", "sso.signed_in"} <= verbs

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()

    # Meanwhile: IT moves Avery from the panel to talent; a recruiter gave a committee
    # seat by hand (committee is not mapped, so single sign-on leaves it alone).
    sso_app.person("avery", groups=("talent",), first_name="Avery")
    avery.groups.add(*role_groups(["committee"]))

    sign_in_with_sso(page, site, "avery")

    assert roles("avery") == {"recruiter", "committee"}
    expect(page.get_by_role("link", name="Candidates")).to_be_visible()
    change = AuditEntry.objects.filter(verb="sso.roles_changed").order_by("-pk").first()
    assert change.data["added"] == ["recruiter"] and change.data["removed"] == ["interviewer"]
    assert User.objects.filter(username__startswith="avery").count() == 1


def test_sso_links_an_invited_person_with_the_same_verified_email(page: Page, site, sso_app):
    invited = make_user("blake.local", email="Blake@Example.com", groups=("committee",))
    sso_app.person("blake", email="blake@example.com")

    sign_in_with_sso(page, site, "blake")

    assert User.objects.filter(email__iexact="blake@example.com").count() == 1
    assert invited.socialaccount_set.count() == 1
    assert roles("blake.local") == {"committee"}


def test_sso_refuses_a_deactivated_person(page: Page, site, sso_app):
    make_user("casey", email="casey@example.com", is_active=False)
    sso_app.person("casey")

    page.goto(f"{site}/accounts/login/")
    page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}").click()
    page.get_by_label("Username").fill("casey")
    page.get_by_label("Password").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Log in to the identity provider").click()

    expect(page.get_by_role("heading", name="Sign-in refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("deactivated")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_password_login_under_admins_only_refuses_others_and_lets_an_admin_in(
    page: Page, site, sso_app
):
    policy = SignInPolicy.current()
    policy.password_login = SignInPolicy.PasswordLogin.ADMINS
    policy.save()
    make_user("dana", groups=("recruiter",))
    make_user("root", is_superuser=True, is_staff=True)

    sign_in_with_password(page, site, "dana")
    expect(page.get_by_text("Only admins may sign in with a password")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    sign_in_with_password(page, site, "root")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_password_form_is_gone_when_passwords_are_off(page: Page, site, sso_app):
    policy = SignInPolicy.current()
    policy.password_login = SignInPolicy.PasswordLogin.OFF
    policy.save()

    page.goto(f"{site}/accounts/login/")

    expect(page.get_by_role("button", name=f"Sign in with {PROVIDER_NAME}")).to_be_visible()
    expect(page.get_by_label("Password")).to_have_count(0)
