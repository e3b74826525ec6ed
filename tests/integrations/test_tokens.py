"""API tokens: the service (create, revoke, integration accounts) and its pages."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, User
from accounts.permissions import role_groups
from integrations.models import ApiRequest, ApiToken, hash_token
from integrations.tokens import (
    INTEGRATION_GROUP,
    create_integration_account,
    create_token,
    expiry_choices,
    revoke_token,
)

LOOPS = "/api/v1/loops/"
TOKENS = reverse("integrations:tokens")
ACCOUNTS = reverse("integrations:accounts")


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def new_token(user, *, scopes=("loops:read",), days=30, by=None, name="Reporting script"):
    return create_token(user, name=name, scopes=list(scopes), expires_in_days=days, by=by or user)


def form_data(**overrides) -> dict:
    data = {"name": "Greenhouse sync", "scopes": ["loops:read"], "expires_in_days": "90"}
    return {**data, **overrides}


# --- The service ------------------------------------------------------------------------


def test_created_secret_authenticates_against_the_api(client, recruiter):
    token, secret = new_token(recruiter)

    response = client.get(LOOPS, headers=bearer(secret))

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    logged = ApiRequest.objects.get(token=token)
    assert (logged.method, logged.path, logged.status_code) == ("GET", LOOPS, 200)
    assert logged.token_name == str(token) and logged.user == recruiter


def test_secret_is_stored_only_as_its_hash(recruiter):
    token, secret = new_token(recruiter)

    assert secret.startswith(token.prefix + "_")
    assert token.key_hash == hash_token(secret) != secret
    # Nowhere in the token's row or the audit trail, in any column.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM integrations_apitoken")
        rows = cursor.fetchall()
        cursor.execute("SELECT data::text, target_repr FROM accounts_auditentry")
        audit_rows = cursor.fetchall()
    assert rows and not any(secret in str(value) for row in rows for value in row)
    assert audit_rows and not any(secret in str(value) for row in audit_rows for value in row)
    assert secret.split("_")[-1] not in str(audit_rows)


def test_expired_token_is_refused(client, recruiter):
    token, secret = new_token(recruiter)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(LOOPS, headers=bearer(secret))

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_revoked_token_is_refused_at_once(client, recruiter):
    token, secret = new_token(recruiter)
    assert client.get(LOOPS, headers=bearer(secret)).status_code == 200

    revoke_token(token, by=recruiter)

    assert client.get(LOOPS, headers=bearer(secret)).status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == recruiter


def test_token_of_deactivated_person_is_refused(client, recruiter):
    _, secret = new_token(recruiter)
    recruiter.is_active = False
    recruiter.save()

    assert client.get(LOOPS, headers=bearer(secret)).status_code == 401


def test_wrong_or_altered_secret_is_refused(client, recruiter):
    _, secret = new_token(recruiter)

    assert client.get(LOOPS, headers=bearer(secret[:-1] + "x")).status_code == 401
    assert client.get(LOOPS).status_code == 401


def test_scopes_only_narrow_what_the_person_may_do(client, recruiter, interviewer):
    # A recruiter's token without loops:read may not read loops…
    _, narrow = new_token(recruiter, scopes=["candidates:read"])
    assert client.get(LOOPS, headers=bearer(narrow)).status_code == 403
    # …and an interviewer's token with it still may not: the scope adds nothing.
    _, wide = new_token(interviewer, scopes=["loops:read"])
    assert client.get(LOOPS, headers=bearer(wide)).status_code == 403


@pytest.mark.parametrize(
    "scopes, message",
    [
        ([], "Choose at least one scope."),
        (["candidates:admin"], "Unknown scopes: candidates:admin."),
        (["loops:write"], "Unknown scopes: loops:write."),
    ],
)
def test_create_refuses_unknown_or_missing_scopes(recruiter, scopes, message):
    with pytest.raises(ValidationError) as error:
        new_token(recruiter, scopes=scopes)

    assert error.value.message_dict["scopes"] == [message]
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 366, "30"])
def test_create_refuses_expiry_outside_the_allowed_days(recruiter, days):
    with pytest.raises(ValidationError) as error:
        new_token(recruiter, days=days)

    assert "expires_in_days" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_expiry_limit_follows_the_setting(recruiter, settings):
    settings.API_TOKEN_MAX_DAYS = 60

    assert expiry_choices() == [30, 60]
    with pytest.raises(ValidationError):
        new_token(recruiter, days=90)
    token, _ = new_token(recruiter, days=60)
    assert timedelta(days=59) < token.expires_at - timezone.now() <= timedelta(days=60)


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_create_refuses_a_missing_or_long_name(recruiter, name):
    with pytest.raises(ValidationError) as error:
        new_token(recruiter, name=name)

    assert "name" in error.value.message_dict


def test_scopes_are_kept_in_catalogue_order_without_duplicates(recruiter):
    token, _ = new_token(recruiter, scopes=["loops:read", "candidates:write", "loops:read"])

    assert token.scopes == ["candidates:write", "loops:read"]


def test_a_person_creates_tokens_only_for_themselves(recruiter, interviewer, admin):
    with pytest.raises(PermissionDenied):
        new_token(interviewer, by=recruiter)
    # Not even an admin makes a token for another person: it would act as them.
    with pytest.raises(PermissionDenied):
        new_token(interviewer, by=admin)
    assert not ApiToken.objects.exists()


def test_admin_creates_a_token_for_an_integration_account(admin, client):
    account = create_integration_account(
        name="Greenhouse sync", groups=role_groups(["recruiter"]), by=admin
    )

    token, secret = new_token(account, by=admin)

    assert token.user == account and token.created_by == admin
    assert client.get(LOOPS, headers=bearer(secret)).status_code == 200


def test_others_may_not_create_or_revoke_for_an_integration_account(admin, recruiter):
    account = create_integration_account(name="Lever", by=admin)
    token, _ = new_token(account, by=admin)

    with pytest.raises(PermissionDenied):
        new_token(account, by=recruiter)
    with pytest.raises(PermissionDenied):
        revoke_token(token, by=recruiter)


def test_integration_account_cannot_sign_in_and_holds_its_roles(admin):
    account = create_integration_account(
        name="Workday HR", groups=role_groups(["interviewer"]), by=admin
    )

    assert account.username == "integration-workday-hr"
    assert not account.has_usable_password()
    assert account.sorted_group_names() == [INTEGRATION_GROUP, "interviewer"]
    again = create_integration_account(name="Workday HR", by=admin)
    assert again.username == "integration-workday-hr2"


def test_only_admins_create_integration_accounts(recruiter):
    with pytest.raises(PermissionDenied):
        create_integration_account(name="ATS", by=recruiter)


def test_creation_and_revocation_are_audited_without_the_secret(recruiter):
    token, secret = new_token(recruiter, scopes=["candidates:read"])
    revoke_token(token, by=recruiter)
    revoke_token(token, by=recruiter)  # a second revoke changes nothing, records nothing

    entries = AuditEntry.objects.filter(target_id=str(token.pk)).order_by("pk")
    assert [e.verb for e in entries] == ["api_token.created", "api_token.revoked"]
    created = entries[0]
    assert created.actor == recruiter
    assert created.data["prefix"] == token.prefix
    assert created.data["scopes"] == ["candidates:read"]
    assert secret not in str(created.data)


def test_integration_account_creation_is_audited(admin):
    account = create_integration_account(name="Ashby", by=admin)

    entry = AuditEntry.objects.get(verb="integration_account.created")
    assert entry.actor == admin and entry.target_id == str(account.pk)


# --- The pages --------------------------------------------------------------------------


def test_tokens_page_creates_a_token_and_shows_its_secret_once(client, interviewer):
    client.force_login(interviewer)

    response = client.post(TOKENS, form_data(scopes=["candidates:read", "interviews:write"]))

    assert response.status_code == 201
    token = ApiToken.objects.get(user=interviewer)
    assert token.name == "Greenhouse sync"
    assert token.scopes == ["candidates:read", "interviews:write"]
    secret = response.context["secret"]
    assert hash_token(secret) == token.key_hash
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The next visit lists the token by its prefix, never the secret.
    again = client.get(TOKENS)
    page = again.content.decode()
    assert token.prefix in page and secret not in page
    assert "Copy your new token now" not in page
    assert "no-store" in again["Cache-Control"]


def test_secret_is_in_no_url_message_or_session(client, interviewer):
    client.force_login(interviewer)

    response = client.post(TOKENS, form_data())

    secret = response.context["secret"]
    assert "Location" not in response
    assert secret not in str(dict(client.session))
    assert not list(response.context["messages"])


def test_htmx_create_swaps_only_the_token_screen(client, interviewer):
    client.force_login(interviewer)

    response = client.post(TOKENS, form_data(), headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 201
    assert html.lstrip().startswith('<div id="token-screen">')
    assert "<html" not in html
    assert response.context["secret"] in html


def test_tokens_page_refuses_bad_input_and_saves_nothing(client, interviewer):
    client.force_login(interviewer)

    response = client.post(TOKENS, form_data(name="", scopes=[], expires_in_days="1000"))

    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose at least one scope." in html
    assert "This field is required." in html
    assert "Select a valid choice." in html
    assert not ApiToken.objects.exists()


def test_tokens_page_keeps_ticked_scopes_after_an_error(client, interviewer):
    client.force_login(interviewer)

    response = client.post(TOKENS, form_data(name="", scopes=["banks:write"]))

    assert response.context["chosen_scopes"] == {"banks:write"}
    assert 'value="banks:write" id="scope-banks-write"' in response.content.decode()


def test_tokens_page_lists_only_my_tokens_with_their_state(client, interviewer, recruiter):
    mine, _ = new_token(interviewer, name="Mine")
    gone, _ = new_token(interviewer, name="Old one")
    revoke_token(gone, by=interviewer)
    new_token(recruiter, name="Theirs")
    client.force_login(interviewer)

    response = client.get(TOKENS)

    assert list(response.context["tokens"]) == [gone, mine]
    html = response.content.decode()
    assert "Revoked" in html and "Active" in html and "Theirs" not in html


def test_tokens_page_queries_do_not_grow_with_tokens(
    client, interviewer, django_assert_max_num_queries
):
    client.force_login(interviewer)
    new_token(interviewer)
    with django_assert_max_num_queries(12) as few:
        client.get(TOKENS)
    for n in range(10):
        new_token(interviewer, name=f"Token {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(TOKENS)
    assert len(response.context["tokens"]) == 11


def test_revoke_asks_first_then_revokes(client, interviewer):
    token, secret = new_token(interviewer)
    client.force_login(interviewer)
    url = reverse("integrations:token_revoke", args=[token.pk])

    confirm = client.get(url)
    assert confirm.status_code == 200 and "Revoke token" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None

    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(LOOPS, headers=bearer(secret)).status_code == 401


def test_revoke_refuses_wrong_method(client, interviewer):
    token, _ = new_token(interviewer)
    client.force_login(interviewer)

    response = client.put(reverse("integrations:token_revoke", args=[token.pk]))

    assert response.status_code == 405


def test_other_peoples_tokens_are_not_found(client, interviewer, recruiter, admin):
    token, _ = new_token(recruiter)
    for outsider in (interviewer, admin):
        client.force_login(outsider)
        for name in ("integrations:token_revoke", "integrations:token_requests"):
            url = reverse(name, args=[token.pk])
            assert client.get(url).status_code == 404
            assert client.post(url).status_code in (404, 405)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_request_log_lists_the_tokens_requests_newest_first_paginated(client, recruiter):
    token, secret = new_token(recruiter)
    other, _ = new_token(recruiter, name="Other")
    for _ in range(3):
        client.get(LOOPS, headers=bearer(secret))
    client.get(LOOPS + "?page=999", headers=bearer(secret))
    ApiRequest.objects.create(
        token=other, token_name=str(other), method="GET", path="/x", status_code=200
    )
    client.force_login(recruiter)
    url = reverse("integrations:token_requests", args=[token.pk])

    response = client.get(url)

    rows = list(response.context["page"].object_list)
    assert len(rows) == 4 and all(row.token == token for row in rows)
    assert rows[0].path.endswith("page=999")
    assert "127.0.0.1" in response.content.decode()


def test_request_log_pages_and_its_queries_stay_flat(
    client, recruiter, django_assert_max_num_queries
):
    from integrations.views.tokens import REQUESTS_PER_PAGE

    token, _ = new_token(recruiter)
    client.force_login(recruiter)
    url = reverse("integrations:token_requests", args=[token.pk])
    ApiRequest.objects.create(token=token, method="GET", path="/a", status_code=200)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    ApiRequest.objects.bulk_create(
        ApiRequest(token=token, method="GET", path=f"/p{n}", status_code=200)
        for n in range(REQUESTS_PER_PAGE + 5)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = client.get(url)
    assert first.context["page"].paginator.num_pages == 2
    second = client.get(url, {"page": 2}, headers={"HX-Request": "true"})
    assert len(second.context["page"].object_list) == 6
    assert second.content.decode().lstrip().startswith('<section id="token-requests"')


# --- Integration accounts (admins) -----------------------------------------------------


@pytest.mark.parametrize("persona", ["recruiter", "interviewer", "nobody"])
def test_integration_accounts_are_for_admins_only(client, persona_user, persona, admin):
    account = create_integration_account(name="ATS", by=admin)
    client.force_login(persona_user(persona))

    assert client.get(ACCOUNTS).status_code == 403
    assert client.post(ACCOUNTS, {"name": "Sneaky"}).status_code == 403
    detail = reverse("integrations:account", args=[account.pk])
    assert client.get(detail).status_code == 403
    assert client.post(detail, form_data()).status_code == 403
    assert not ApiToken.objects.exists()


def test_admin_creates_an_account_and_issues_its_token(client, admin):
    client.force_login(admin)
    (recruiter_group,) = role_groups(["recruiter"])

    created = client.post(ACCOUNTS, {"name": "Greenhouse sync", "groups": [recruiter_group.pk]})

    account = User.objects.get(username="integration-greenhouse-sync")
    assert created.status_code == 302
    assert created["Location"] == reverse("integrations:account", args=[account.pk])
    assert account.sorted_group_names() == [INTEGRATION_GROUP, "recruiter"]
    issued = client.post(created["Location"], form_data())
    assert issued.status_code == 201
    secret = issued.context["secret"]
    assert ApiToken.objects.get().user == account
    assert client.get(LOOPS, headers=bearer(secret)).status_code == 200
    # The admin sees its log and revokes it; back to the account's page.
    token = ApiToken.objects.get()
    assert client.get(reverse("integrations:token_requests", args=[token.pk])).status_code == 200
    revoked = client.post(reverse("integrations:token_revoke", args=[token.pk]))
    assert revoked["Location"] == created["Location"]
    listing = client.get(ACCOUNTS)
    assert [a.usable_tokens for a in listing.context["accounts"]] == [0]


def test_accounts_page_queries_do_not_grow_with_accounts(
    client, admin, django_assert_max_num_queries
):
    client.force_login(admin)
    create_integration_account(name="First", by=admin)
    with django_assert_max_num_queries(20) as few:
        client.get(ACCOUNTS)
    for n in range(6):
        account = create_integration_account(name=f"System {n}", by=admin)
        new_token(account, by=admin)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(ACCOUNTS)
    assert [a.usable_tokens for a in response.context["accounts"]].count(1) == 6


def test_account_form_refuses_a_missing_name(client, admin):
    client.force_login(admin)

    response = client.post(ACCOUNTS, {"name": ""})

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not User.objects.filter(username__startswith="integration").exists()


def test_account_page_is_only_for_integration_accounts(client, admin, recruiter):
    client.force_login(admin)

    response = client.get(reverse("integrations:account", args=[recruiter.pk]))

    assert response.status_code == 404


def test_profile_links_to_api_tokens(client, interviewer):
    client.force_login(interviewer)

    response = client.get(reverse("accounts:profile"))

    assert f'href="{TOKENS}"' in response.content.decode()
