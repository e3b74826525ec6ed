"""Access registry: API tokens and integration accounts (integrations/views/tokens.py)."""

from integrations.tokens import create_integration_account, create_token
from tests.factories import make_user

from .registry import Access, admins, everyone

ALL_SCOPES = ["candidates:read"]


def integration_account(world):
    """An integration account made by an admin (the persona checks its own access)."""
    admin = make_user(is_superuser=True)
    return create_integration_account(name="Registry ATS", by=admin)


def account_token(world) -> dict:
    """A token of an integration account: admins manage it, nobody else sees it (404)."""
    account = integration_account(world)
    admin = make_user(is_superuser=True)
    token, _ = create_token(account, name="ATS", scopes=ALL_SCOPES, expires_in_days=30, by=admin)
    return {"pk": token.pk}


ENTRIES = {
    "integrations:tokens": Access(expect=everyone(200)),
    "integrations:token_revoke": Access(kwargs=account_token, expect=admins(200, others=404)),
    "integrations:token_requests": Access(kwargs=account_token, expect=admins(200, others=404)),
    "integrations:accounts": Access(expect=admins(200)),
    # The API's schema and browsable docs: public, they describe and hold no data.
    "api-v1:openapi-json": Access(expect=everyone(200, anonymous=200)),
    "api-v1:openapi-view": Access(expect=everyone(200, anonymous=200)),
    "integrations:account": Access(
        kwargs=lambda world: {"pk": integration_account(world).pk}, expect=admins(200)
    ),
}
