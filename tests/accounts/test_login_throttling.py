"""Login throttling: per account, per address, reset on success, audited lockouts."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from tests.factories import PASSWORD, make_user

LOGIN = reverse("accounts:login")
LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


@pytest.fixture
def alice(db):
    return make_user("alice", groups=("interviewer",))


def sign_in(client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username: str, times: int, address: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong-password", address)
        assert response.status_code in (200, 429)


def test_failures_lock_the_account_even_from_another_address(client, alice):
    fail(client, "alice", LIMIT, address="10.0.0.1")
    response = sign_in(client, "alice", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert "Try again in 15 minutes" in response.text
    assert "_auth_user_id" not in client.session


def test_failures_across_accounts_lock_the_address(client, alice):
    for n in range(LIMIT):
        sign_in(client, f"guess{n}", "wrong-password", address="10.0.0.66")
    assert sign_in(client, "alice", PASSWORD, address="10.0.0.66").status_code == 429
    assert sign_in(client, "alice", PASSWORD, address="10.0.0.7").status_code == 302


def test_a_successful_sign_in_resets_the_count(client, alice):
    fail(client, "alice", LIMIT - 1)
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    client.logout()
    fail(client, "alice", LIMIT - 1)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_signing_in_to_ones_own_account_does_not_wash_away_guesses(client, alice):
    make_user("mallory")
    fail(client, "alice", LIMIT - 1, address="10.0.0.66")
    assert sign_in(client, "mallory", PASSWORD, address="10.0.0.66").status_code == 302
    client.logout()
    fail(client, "alice", 1, address="10.0.0.99")
    assert sign_in(client, "alice", PASSWORD, address="10.0.0.5").status_code == 429


def test_lockout_is_audited_once_and_failures_up_to_it(client, alice):
    fail(client, "alice", LIMIT + 4)
    assert AuditEntry.objects.filter(verb="login.failed").count() == LIMIT
    [locked] = AuditEntry.objects.filter(verb="login.locked_out")
    assert locked.data == {"username": "alice", "ip_address": "10.0.0.1", "failures": LIMIT}
    assert locked.target_id == str(alice.pk) and locked.actor is None
    assert not AuditEntry.objects.filter(verb__startswith="login.succeeded").exists()


def test_failures_for_unknown_usernames_are_audited_without_a_target(client, db):
    sign_in(client, "ghost", "whatever")
    entry = AuditEntry.objects.get(verb="login.failed")
    assert entry.target_id == "" and entry.data["username"] == "ghost"
    assert "whatever" not in str(entry.data)


def test_lockout_page_uses_the_lockout_status(client, alice, settings):
    fail(client, "alice", LIMIT)
    response = sign_in(client, "alice", "wrong-password")
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Too many failed sign-ins" in response.text
