"""Two-factor authentication (TOTP via allauth.mfa): setup, the code step, the requirement.

Everything goes through the real pages: the password form, allauth's code step and
setup pages, an admin's reset. Codes are computed from the secret the setup page
shows, with allauth's own RFC 6238 implementation.
"""

import time
import uuid

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.test import Client
from django.urls import reverse

from accounts.mfa_required import SESSION_KEY
from accounts.models import AuditEntry, SignInPolicy
from tests.factories import PASSWORD, make_user

LOGIN = reverse("accounts:login")
CODE_STEP = reverse("mfa_authenticate")
ACTIVATE = reverse("mfa_activate_totp")
HOME = reverse("home")
REAUTHENTICATE = reverse("account_reauthenticate")


@pytest.fixture(autouse=True)
def own_cache(settings):
    """allauth keeps rate limits and used codes in the cache: a fresh one per test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"totp-{uuid.uuid4()}",
        }
    }


@pytest.fixture
def alice(db):
    return make_user("alice", groups=("interviewer",), first_name="Alice")


def code_for(secret: str, step: int = 0) -> str:
    """The app's code now (step 0), or one period later (still accepted: tolerance 1)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


def sign_in(client: Client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def confirmed(client: Client, response):
    """Through allauth's "confirm it is you" (the password), if it asked; else `response`.

    A GET comes back redirected to the page asked for; a POST is carried out.
    """
    if response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE):
        return client.post(response["Location"], {"password": PASSWORD})
    return response


def open_setup(client: Client):
    """The setup page; allauth first asks for the password again (confirm it is you)."""
    response = client.get(ACTIVATE)
    if response.status_code == 302 and response["Location"].startswith(REAUTHENTICATE):
        confirm = client.post(response["Location"], {"password": PASSWORD})
        assert confirm["Location"] == ACTIVATE
        response = client.get(ACTIVATE)
    assert response.status_code == 200
    return response


def turn_on_totp(client: Client, user) -> tuple[str, list[str]]:
    """Sign in, set up the app from its page, read the codes; signed out again."""
    assert sign_in(client, user.username).status_code == 302
    secret = open_setup(client).context["form"].secret
    response = client.post(ACTIVATE, {"code": code_for(secret)})
    assert response.status_code == 302, response.context["form"].errors
    codes = client.get(response["Location"]).context["unused_codes"]
    client.post(reverse("accounts:logout"))
    return secret, list(codes)


def require_two_factor(on: bool = True) -> None:
    policy = SignInPolicy.current()
    policy.require_two_factor = on
    policy.save()


# The code step of signing in


def test_without_an_app_the_password_alone_signs_in(client, alice):
    response = sign_in(client, "alice")
    assert response["Location"] == HOME
    assert is_signed_in(client)


def test_with_an_app_the_password_leads_to_the_code_step(client, alice):
    turn_on_totp(client, alice)

    response = sign_in(client, "alice")

    assert response.status_code == 302
    assert response["Location"] == CODE_STEP
    assert not is_signed_in(client)
    page = client.get(CODE_STEP)
    assert page.status_code == 200
    assert "Enter your code" in page.text
    assert '<label for="id_code">Code from your authenticator app' in page.text
    assert 'autocomplete="one-time-code"' in page.text


def test_the_right_code_signs_in_and_goes_where_asked(client, alice):
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice", next="/catalogue/")

    response = client.post(CODE_STEP, {"code": code_for(secret, step=1)})

    assert response.status_code == 302
    assert response["Location"] == "/catalogue/"
    assert is_signed_in(client)


def test_a_foreign_next_is_not_followed_after_the_code(client, alice):
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice", next="https://evil.example/")

    response = client.post(CODE_STEP, {"code": code_for(secret, step=1)})

    assert response["Location"] == HOME


def test_a_wrong_code_is_refused_with_a_message_at_the_field(client, alice):
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice")
    wrong = f"{(int(code_for(secret)) + 1) % 1_000_000:06d}"

    response = client.post(CODE_STEP, {"code": wrong})

    assert response.status_code == 200
    assert not is_signed_in(client)
    errors = response.context["form"].errors["code"]
    assert "That code is not right" in errors[0]
    assert 'aria-invalid="true"' in response.text
    assert AuditEntry.objects.filter(verb="two_factor.failed", target_id=str(alice.pk)).exists()


def test_a_code_works_only_once(client, alice):
    secret, _ = turn_on_totp(client, alice)
    code = code_for(secret, step=1)
    sign_in(client, "alice")
    client.post(CODE_STEP, {"code": code})
    assert is_signed_in(client)
    client.post(reverse("accounts:logout"))

    sign_in(client, "alice")
    response = client.post(CODE_STEP, {"code": code})

    assert response.status_code == 200
    assert not is_signed_in(client)


def test_the_code_step_is_throttled_per_person(client, alice):
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice")
    for _ in range(5):
        client.post(CODE_STEP, {"code": "000000"})

    # Even the right code is refused until the limit's five minutes are over.
    response = client.post(CODE_STEP, {"code": code_for(secret, step=1)})

    assert not is_signed_in(client)
    assert "Too many failed login attempts" in response.context["form"].errors["code"][0]


def test_password_failures_are_still_counted_by_axes(client, alice, settings):
    settings.AXES_FAILURE_LIMIT = 2
    turn_on_totp(client, alice)
    sign_in(client, "alice", "wrong-password")
    sign_in(client, "alice", "wrong-password")

    assert sign_in(client, "alice").status_code == 429


def test_a_recovery_code_signs_in_once(client, alice):
    _, codes = turn_on_totp(client, alice)
    assert len(codes) == 10
    sign_in(client, "alice")

    response = client.post(CODE_STEP, {"code": codes[0]})

    assert response["Location"] == HOME
    assert is_signed_in(client)
    entry = AuditEntry.objects.get(verb="two_factor.recovery_code_used")
    assert entry.data["unused_left"] == 9
    client.post(reverse("accounts:logout"))
    sign_in(client, "alice")
    assert client.post(CODE_STEP, {"code": codes[0]}).status_code == 200
    assert not is_signed_in(client)


def test_cancel_on_the_code_step_ends_the_sign_in(client, alice):
    turn_on_totp(client, alice)
    sign_in(client, "alice")

    page = client.get(CODE_STEP)
    assert f'action="{reverse("accounts:sign_in_cancel")}"' in page.text

    assert client.post(reverse("accounts:sign_in_cancel"))["Location"] == LOGIN

    assert client.get(CODE_STEP)["Location"] == LOGIN
    assert not is_signed_in(client)


# Setting up and turning off


def test_profile_says_off_and_links_to_setup(client, alice):
    sign_in(client, "alice")

    profile = client.get(reverse("accounts:profile"))

    assert "Two-factor authentication" in profile.text
    assert "Off" in profile.text
    assert f'href="{reverse("mfa_index")}">Set up two-factor authentication' in profile.text


def test_setup_page_shows_qr_code_and_key_and_refuses_a_wrong_code(client, alice):
    sign_in(client, "alice")

    page = open_setup(client)

    secret = page.context["form"].secret
    assert 'src="data:image/svg+xml;base64,' in page.text
    assert f'value="{secret}"' in page.text
    response = client.post(ACTIVATE, {"code": "123"})
    assert response.status_code == 200
    assert "Check that the app shows Loopwright" in response.context["form"].errors["code"][0]
    assert not Authenticator.objects.filter(user=alice).exists()


def test_turning_on_shows_recovery_codes_and_is_audited(
    client, alice, django_capture_on_commit_callbacks
):
    sign_in(client, "alice")
    secret = open_setup(client).context["form"].secret

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ACTIVATE, {"code": code_for(secret)}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("mfa_view_recovery_codes")
    assert response.text.count("<li><code>") == 10
    assert AuditEntry.objects.filter(verb="two_factor.enabled", actor=alice).exists()
    profile = client.get(reverse("accounts:profile"))
    assert "Manage two-factor authentication" in profile.text


def test_recovery_codes_download_as_text(client, alice):
    _, codes = turn_on_totp(client, alice)
    sign_in(client, "alice")
    client.post(CODE_STEP, {"code": codes[0]})

    download = reverse("mfa_download_recovery_codes")
    assert confirmed(client, client.get(download))["Location"] == download

    response = client.get(download)

    assert response["Content-Type"].startswith("text/plain")
    assert response.text.split() == codes[1:]


def test_turning_off_removes_the_app_and_codes(client, alice):
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice")
    client.post(CODE_STEP, {"code": code_for(secret, step=1)})

    response = confirmed(client, client.post(reverse("mfa_deactivate_totp")))

    assert response["Location"] == reverse("mfa_index")
    assert not Authenticator.objects.filter(user=alice).exists()
    assert AuditEntry.objects.filter(verb="two_factor.disabled", actor=alice).exists()


def test_under_the_requirement_the_app_cannot_be_turned_off(client, alice):
    secret, _ = turn_on_totp(client, alice)
    require_two_factor()
    sign_in(client, "alice")
    client.post(CODE_STEP, {"code": code_for(secret, step=1)})

    response = confirmed(client, client.post(reverse("mfa_deactivate_totp")))

    assert response.status_code == 200
    assert "requires two-factor authentication" in response.text
    assert Authenticator.objects.filter(user=alice, type="totp").exists()


# The admin's requirement


def test_requirement_sends_a_password_user_to_setup_first(client, alice):
    require_two_factor()
    sign_in(client, "alice")

    for url in (HOME, reverse("accounts:profile"), reverse("rubrics:question_list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == ACTIVATE
    page = open_setup(client)
    assert "requires two-factor authentication" in page.text


def test_requirement_leaves_setup_pages_sign_out_and_the_api_open(client, alice):
    require_two_factor()
    sign_in(client, "alice")

    assert client.get(reverse("mfa_index")).status_code == 200
    # The API answers for itself (a token, or 401), never with the setup redirect.
    assert client.get("/api/v1/candidates/").status_code == 401
    assert client.post(reverse("accounts:logout"))["Location"] == LOGIN
    assert not is_signed_in(client)


def test_requirement_is_met_once_the_app_is_set_up(client, alice):
    require_two_factor()
    sign_in(client, "alice")
    secret = open_setup(client).context["form"].secret
    client.post(ACTIVATE, {"code": code_for(secret)})

    assert client.get(HOME).status_code == 200


def test_requirement_reaches_sessions_already_open(client, alice):
    sign_in(client, "alice")
    assert client.get(HOME).status_code == 200
    require_two_factor()
    # The decision is kept in the session for a few minutes; once that has passed:
    session = client.session
    session[SESSION_KEY] = {"at": 0, "owed": False}
    session.save()

    assert client.get(HOME)["Location"] == ACTIVATE


def test_requirement_htmx_requests_redirect_the_whole_page(client, alice):
    require_two_factor()
    sign_in(client, "alice")

    response = client.get(HOME, HTTP_HX_REQUEST="true")

    assert response["HX-Redirect"] == ACTIVATE


def test_requirement_exempts_single_sign_on(client, alice):
    """The identity provider is their second factor: allauth's record of the sign-in says so."""
    require_two_factor()
    client.force_login(alice)
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "socialaccount", "at": time.time(), "provider": "idp", "uid": "a-1"}
    ]
    session["account_authentication_methods_user"] = str(alice.pk)
    session.save()

    assert client.get(HOME).status_code == 200


def test_requirement_exempts_accounts_without_a_password(client, alice):
    require_two_factor()
    alice.set_unusable_password()
    alice.save()
    client.force_login(alice)

    assert client.get(HOME).status_code == 200


def test_requirement_off_lets_everyone_in(client, alice):
    require_two_factor(False)
    sign_in(client, "alice")

    assert client.get(HOME).status_code == 200


def test_requirement_check_adds_no_query_to_pages(
    client, alice, settings, django_assert_num_queries
):
    require_two_factor()
    secret, _ = turn_on_totp(client, alice)
    sign_in(client, "alice")
    client.post(CODE_STEP, {"code": code_for(secret, step=1)})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as with_check:
        assert client.get(HOME).status_code == 200
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "accounts.mfa_required.TwoFactorRequiredMiddleware"
    ]
    with django_assert_num_queries(len(with_check)):
        assert client.get(HOME).status_code == 200


# An admin's reset (lost phone)


@pytest.fixture
def admin_client(admin):
    client = Client()
    client.force_login(admin)
    return client


def test_admin_resets_a_persons_two_factor(client, admin_client, admin, alice):
    turn_on_totp(client, alice)
    person_page = admin_client.get(reverse("accounts:person_edit", args=[alice.pk]))
    assert "Reset two-factor" in person_page.text

    response = admin_client.post(reverse("accounts:person_reset_two_factor", args=[alice.pk]))

    assert response["Location"] == reverse("accounts:person_edit", args=[alice.pk])
    assert not Authenticator.objects.filter(user=alice).exists()
    entry = AuditEntry.objects.get(verb="two_factor.reset")
    assert entry.actor == admin
    assert entry.target_id == str(alice.pk)
    assert entry.data["removed"] == ["recovery_codes", "totp"]
    # Alice signs in with her password again (and sets up her new phone).
    sign_in(client, "alice")
    assert is_signed_in(client)


def test_recruiters_may_not_reset_two_factor(client, recruiter, alice):
    turn_on_totp(client, alice)
    client.force_login(recruiter)

    page = client.get(reverse("accounts:person_edit", args=[alice.pk]))
    response = client.post(reverse("accounts:person_reset_two_factor", args=[alice.pk]))

    assert "Reset two-factor" not in page.text
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=alice).count() == 2


def test_deleting_in_the_django_admin_is_audited_and_takes_the_codes(
    client, admin_client, admin, alice
):
    turn_on_totp(client, alice)
    totp = Authenticator.objects.get(user=alice, type="totp")
    url = reverse("admin:mfa_authenticator_delete", args=[totp.pk])
    assert (
        admin_client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk])).status_code
        == 200
    )

    response = admin_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=alice).exists()
    entry = AuditEntry.objects.get(verb="two_factor.reset")
    assert (entry.actor, entry.data["via"]) == (admin, "admin")
    assert entry.data["removed"] == ["recovery_codes", "totp"]


def test_the_django_admin_never_shows_the_secret(client, admin_client, alice):
    secret, _ = turn_on_totp(client, alice)
    totp = Authenticator.objects.get(user=alice, type="totp")

    page = admin_client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))

    assert secret not in page.text
