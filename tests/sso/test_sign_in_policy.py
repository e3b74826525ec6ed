"""The sign-in policy: its page, the password form under it, the login page, closed doors."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, SignInPolicy, User
from tests.factories import PASSWORD, make_user

from .conftest import PROVIDER_NAME, sso_provider_settings

ISSUER = "https://idp.example.com/o"
POLICY_URL = "/accounts/sign-in/"


@pytest.fixture
def sso(settings):
    settings.SOCIALACCOUNT_PROVIDERS = sso_provider_settings(ISSUER)
    return settings


def set_policy(password_login: str) -> None:
    SignInPolicy.objects.update_or_create(pk=1, defaults={"password_login": password_login})


def password_sign_in(client, username: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


# --- the policy page --------------------------------------------------------------------


def test_admin_sees_the_policy_and_the_configured_provider(client, admin, sso):
    client.force_login(admin)

    response = client.get(POLICY_URL)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Who may sign in with a password" in page
    assert PROVIDER_NAME in page and "hiring-panel" in page and "environment" in page


def test_admin_switches_passwords_to_admins_only_audited(client, admin, sso):
    client.force_login(admin)

    response = client.post(POLICY_URL, {"password_login": "admins", "require_two_factor": "on"})

    assert response.status_code == 302
    policy = SignInPolicy.current()
    assert (policy.password_login, policy.require_two_factor, policy.updated_by) == (
        "admins",
        True,
        admin,
    )
    entry = AuditEntry.objects.get(verb="sign_in_policy.changed")
    assert entry.data["before"]["password_login"] == "everyone"
    assert entry.data["after"] == {"password_login": "admins", "two_factor": True}


@pytest.mark.parametrize("choice", ["admins", "off"])
def test_without_a_provider_passwords_cannot_be_restricted(client, admin, db, choice):
    client.force_login(admin)

    response = client.post(POLICY_URL, {"password_login": choice})

    assert response.status_code == 200
    assert "No single sign-on provider is configured" in response.content.decode()
    assert SignInPolicy.current().password_login == "everyone"
    assert not AuditEntry.objects.filter(verb="sign_in_policy.changed").exists()


def test_a_recruiter_may_not_change_the_policy(client, recruiter, sso):
    client.force_login(recruiter)

    assert client.get(POLICY_URL).status_code == 403
    assert client.post(POLICY_URL, {"password_login": "off"}).status_code == 403
    assert SignInPolicy.current().password_login == "everyone"


def test_policy_page_refuses_other_methods(client, admin):
    client.force_login(admin)

    assert client.delete(POLICY_URL).status_code == 405


# --- the password form under the policy -------------------------------------------------


def test_admins_only_refuses_a_recruiter_with_the_right_password(client, recruiter, sso):
    set_policy("admins")

    response = password_sign_in(client, recruiter.username)

    assert response.status_code == 200
    assert "Only admins may sign in with a password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_admins_only_answers_the_same_to_a_wrong_password(client, recruiter, sso):
    """No password oracle: a refused person learns nothing about their password."""
    set_policy("admins")

    response = password_sign_in(client, recruiter.username, "wrong-password")

    assert "Only admins may sign in with a password" in response.content.decode()


def test_admins_only_lets_an_admin_in(client, sso, db):
    set_policy("admins")
    make_user("root", is_superuser=True, is_staff=True)

    response = password_sign_in(client, "root")

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_off_refuses_even_an_admin_and_hides_the_form(client, sso, db):
    set_policy("off")
    make_user("root", is_superuser=True, is_staff=True)

    response = password_sign_in(client, "root")

    page = response.content.decode()
    assert "Password sign-in is switched off" in page
    assert 'name="password"' not in page
    assert f"Sign in with {PROVIDER_NAME}" in page
    assert "_auth_user_id" not in client.session


def test_off_without_a_provider_still_lets_admins_in(client, db):
    """The provider's settings removed later: admins keep the break-glass door."""
    set_policy("off")
    make_user("root", is_superuser=True, is_staff=True)
    make_user("rita")

    assert password_sign_in(client, "rita").status_code == 200
    assert password_sign_in(client, "root").status_code == 302


# --- the login page ---------------------------------------------------------------------


def test_login_page_offers_the_provider_with_a_csrf_protected_post(client, sso, db):
    response = client.get("/accounts/login/?next=/candidates/")

    page = response.content.decode()
    login_url = reverse("openid_connect_login", kwargs={"provider_id": "company"})
    assert f'action="{login_url}"' in page
    assert 'name="csrfmiddlewaretoken"' in page and 'value="/candidates/"' in page
    assert (
        "form-action 'self' https://idp.example.com" in response.headers["Content-Security-Policy"]
    )


def test_login_page_without_a_provider_has_no_sso_button_and_strict_csp(client, db):
    response = client.get("/accounts/login/")

    assert "Sign in with" not in response.content.decode()
    assert "form-action 'self';" in response.headers["Content-Security-Policy"] + ";"


def test_other_pages_keep_the_strict_form_action(client, sso, recruiter):
    client.force_login(recruiter)

    response = client.get("/")

    assert "idp.example.com" not in response.headers["Content-Security-Policy"]


# --- allauth's doors we do not offer ----------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "account_email",
        "account_set_password",
        "socialaccount_connections",
        "account_confirm_login_code",
    ],
)
def test_allauth_pages_we_do_not_use_are_not_found(client, recruiter, url_name):
    client.force_login(recruiter)

    assert client.get(reverse(url_name)).status_code == 404
    assert client.post(reverse(url_name), {"email": "x@example.com"}).status_code == 404


def test_allauth_signup_sends_to_our_sign_in(client, db):
    response = client.post(reverse("account_signup"), {"username": "new", "password1": "x"})

    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert not User.objects.filter(username="new").exists()


# --- other doors ------------------------------------------------------------------------


def test_the_admin_sign_in_sends_to_ours(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/user/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/accounts/user/"


def test_the_admin_refuses_a_password_post_to_its_own_form(client, db):
    set_policy("everyone")
    make_user("root", is_superuser=True, is_staff=True)

    client.post("/admin/login/", {"username": "root", "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_an_admin_reaches_the_admin_after_our_sign_in(client, db):
    make_user("root", is_superuser=True, is_staff=True)

    password_sign_in(client, "root")

    assert client.get("/admin/").status_code == 200


def test_provider_login_asks_to_continue_before_leaving(client, sso, db):
    response = client.get(reverse("openid_connect_login", kwargs={"provider_id": "company"}))

    assert response.status_code == 200
    assert f"Continue to {PROVIDER_NAME}" in response.content.decode()
    assert "https://idp.example.com" in response.headers["Content-Security-Policy"]


def test_a_callback_without_a_started_sign_in_shows_our_error_page(client, sso, db):
    response = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": "company"}),
        {"code": "forged", "state": "forged"},
    )

    assert "Single sign-on failed" in response.content.decode()
    assert "_auth_user_id" not in client.session
