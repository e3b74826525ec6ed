"""Just-in-time accounts, group mapping, domains, email linking, refusals (no browser).

Each sign-in runs allauth's own login flow (`complete_login`) on the claims an
identity provider would send, so the adapter is exercised as in production; only
the network round trip to the provider is left out (tests/sso/test_oidc_browser.py
has it).
"""

import pytest
from allauth.core import context
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal.flows.login import complete_login
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from accounts.models import AuditEntry, User
from accounts.permissions import role_groups
from accounts.sso import adapters
from config.sso_settings import oidc_providers, parse_group_map
from tests.factories import PASSWORD, make_user

from .conftest import PROVIDER_ID, sso_provider_settings

ISSUER = "https://idp.example.com/o"


@pytest.fixture
def sso(settings, db):
    settings.SOCIALACCOUNT_PROVIDERS = sso_provider_settings(ISSUER)
    return settings


def restrict_domains(settings, domains: list[str]) -> None:
    settings.SOCIALACCOUNT_PROVIDERS = sso_provider_settings(ISSUER, allowed_email_domains=domains)


def claims_for(sub: str, **claims) -> dict:
    return {
        "sub": sub,
        "preferred_username": sub,
        "email": f"{sub}@example.com",
        "email_verified": True,
        "given_name": sub.title(),
        "family_name": "Example",
        "groups": [],
    } | claims


def sign_in(claims: dict):
    """allauth's login flow for these claims; returns the response."""
    request = RequestFactory().get("/accounts/oidc/company/login/callback/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    request._messages = FallbackStorage(request)
    # allauth's middleware sets the request context in production.
    with context.request_context(request):
        app = get_adapter().get_app(request, PROVIDER_ID)
        provider = app.get_provider(request)
        sociallogin = provider.sociallogin_from_response(request, {"userinfo": claims})
        return complete_login(request, sociallogin)


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# --- configuration ----------------------------------------------------------------------


def test_group_map_reads_pairs_and_several_roles_for_one_group():
    assert parse_group_map(" hiring=interviewer, hiring=Committee ,talent=recruiter,") == {
        "hiring": ["interviewer", "committee"],
        "talent": ["recruiter"],
    }


@pytest.mark.parametrize("raw", ["hiring", "=recruiter", "hiring=", "hiring=admin"])
def test_group_map_fails_loudly_on_a_mistake(raw):
    with pytest.raises(ImproperlyConfigured):
        parse_group_map(raw)


def test_environment_without_issuer_configures_no_provider():
    assert oidc_providers(lambda name, default="": default) == {}


def test_environment_with_issuer_but_no_secret_fails_loudly():
    env = {"OIDC_SERVER_URL": ISSUER, "OIDC_CLIENT_ID": "loopwright"}
    with pytest.raises(ImproperlyConfigured, match="OIDC_CLIENT_SECRET"):
        oidc_providers(lambda name, default="": env.get(name, default))


def test_environment_provider_carries_mapping_and_domains():
    env = {
        "OIDC_SERVER_URL": ISSUER,
        "OIDC_CLIENT_ID": "loopwright",
        "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_PROVIDER_NAME": "Okta",
        "OIDC_GROUPS_CLAIM": "roles",
        "OIDC_GROUP_MAP": "hr=recruiter",
        "OIDC_ALLOWED_EMAIL_DOMAINS": "Example.com, @example.org",
    }
    (app,) = oidc_providers(lambda name, default="": env.get(name, default))["openid_connect"][
        "APPS"
    ]
    assert app["provider_id"] == "sso" and app["name"] == "Okta"
    assert app["settings"]["groups_claim"] == "roles"
    assert app["settings"]["group_map"] == {"hr": ["recruiter"]}
    assert app["settings"]["allowed_email_domains"] == ["example.com", "example.org"]


def test_environment_provider_wins_over_an_admin_social_app_of_the_same_id(sso):
    SocialApp.objects.create(
        provider="openid_connect", provider_id=PROVIDER_ID, name="Old", client_id="old"
    )
    SocialApp.objects.create(
        provider="openid_connect", provider_id="other", name="Other", client_id="other"
    )
    apps = get_adapter().list_apps(None)
    assert sorted((a.provider_id, a.client_id) for a in apps) == [
        ("company", "loopwright-tests"),
        ("other", "other"),
    ]


def test_groups_claim_may_be_a_list_or_a_delimited_string():
    assert adapters.claimed_groups({"groups": ["a", "b "]}, "groups") == {"a", "b"}
    assert adapters.claimed_groups({"groups": "a, b c"}, "groups") == {"a", "b", "c"}
    assert adapters.claimed_groups({}, "groups") == set()


# --- just-in-time accounts and group mapping --------------------------------------------


def test_first_sign_in_makes_an_account_with_the_mapped_roles(sso):
    response = sign_in(claims_for("avery", groups=["hiring-panel", "coffee-club"]))

    assert response.status_code == 302
    avery = User.objects.get(username="avery")
    assert (avery.email, avery.first_name, avery.last_name) == (
        "avery@example.com",
        "Avery",
        "Example",
    )
    assert not avery.has_usable_password()
    assert roles(avery) == {"interviewer"}
    entries = AuditEntry.objects.filter(target_id=str(avery.pk))
    assert set(entries.values_list("verb", flat=True)) == {
        "sso.account_created",
        "sso.roles_changed",
        "sso.signed_in",
    }


def test_every_sign_in_gives_and_takes_mapped_roles_only(sso):
    sign_in(claims_for("avery", groups=["hiring-panel"]))
    avery = User.objects.get(username="avery")
    avery.groups.add(*role_groups(["committee"]))  # given by a recruiter; not mapped

    sign_in(claims_for("avery", groups=["talent"]))

    assert roles(avery) == {"recruiter", "committee"}
    change = AuditEntry.objects.filter(verb="sso.roles_changed").latest("pk")
    assert (change.data["added"], change.data["removed"]) == (["recruiter"], ["interviewer"])
    assert User.objects.count() == 1


def test_a_sign_in_without_group_changes_writes_no_group_entry(sso):
    sign_in(claims_for("avery", groups=["talent"]))
    sign_in(claims_for("avery", groups=["talent"]))

    assert AuditEntry.objects.filter(verb="sso.roles_changed").count() == 1
    assert AuditEntry.objects.filter(verb="sso.signed_in").count() == 2


def test_a_taken_username_gets_a_free_one_for_someone_else(sso):
    make_user("avery", email="someone.else@example.org")

    sign_in(claims_for("avery"))

    newcomer = User.objects.get(email="avery@example.com")
    assert newcomer.username != "avery"
    assert SocialAccount.objects.get().user == newcomer


# --- domains ----------------------------------------------------------------------------


def test_an_address_outside_the_allowed_domains_is_refused(sso):
    restrict_domains(sso, ["example.com"])

    response = sign_in(claims_for("mallory", email="mallory@evil.example"))

    assert response.status_code == 403
    assert "evil.example may not sign in" in response.content.decode()
    assert not User.objects.exists()
    assert AuditEntry.objects.get(verb="sso.refused").data["reason"] == "domain"


def test_allowed_domains_ignore_case(sso):
    restrict_domains(sso, ["example.com"])

    assert sign_in(claims_for("avery", email="Avery@EXAMPLE.com")).status_code == 302


def test_a_provider_that_shares_no_email_is_refused(sso):
    response = sign_in(claims_for("ghost", email=""))

    assert response.status_code == 403
    assert not User.objects.exists()


# --- linking to a local person ----------------------------------------------------------


def test_a_verified_email_links_the_invited_person_and_keeps_their_password(sso):
    local = make_user("blake.local", email="Blake@Example.com", groups=("committee",))

    response = sign_in(claims_for("blake", email="blake@example.com"))

    assert response.status_code == 302
    assert SocialAccount.objects.get().user == local
    assert User.objects.count() == 1
    local.refresh_from_db()
    assert local.check_password(PASSWORD)  # a break-glass admin keeps theirs
    assert AuditEntry.objects.filter(verb="sso.linked", target_id=str(local.pk)).exists()


def test_an_unverified_email_never_links_to_a_local_person(sso):
    make_user("blake.local", email="blake@example.com", is_superuser=True)

    response = sign_in(claims_for("blake", email_verified=False))

    assert response.status_code == 403
    assert "has not verified" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert User.objects.count() == 1


def test_two_local_people_with_the_address_are_not_guessed_between(sso):
    make_user("one", email="dup@example.com")
    make_user("two", email="DUP@example.com")

    response = sign_in(claims_for("dup", email="dup@example.com"))

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()


# --- deactivated people -----------------------------------------------------------------


def test_a_deactivated_person_linked_before_is_refused(sso):
    sign_in(claims_for("casey"))
    User.objects.filter(username="casey").update(is_active=False)

    response = sign_in(claims_for("casey"))

    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert AuditEntry.objects.filter(verb="sso.signed_in").count() == 1


def test_a_deactivated_local_person_is_not_linked(sso):
    make_user("casey.local", email="casey@example.com", is_active=False)

    response = sign_in(claims_for("casey"))

    assert response.status_code == 403
    assert not SocialAccount.objects.exists()
