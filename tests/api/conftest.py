"""API test helpers: a token for a person, and a client that sends it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import ApiToken, hash_token
from integrations.scopes import SCOPES


def make_token(user, scopes=None, *, name="test token", days=30) -> str:
    """A usable token for `user` (every scope unless `scopes`); returns the secret."""
    prefix, secret = ApiToken.new_secret()
    ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(secret),
        scopes=list(SCOPES) if scopes is None else list(scopes),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return secret


class ApiClient:
    """Django's test client with `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, client, token: str | None):
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, headers=self.headers)

    def send(self, method: str, path: str, body=None):
        return self.client.generic(
            method,
            path,
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=self.headers,
        )

    def post(self, path: str, body=None):
        return self.send("POST", path, body)

    def patch(self, path: str, body=None):
        return self.send("PATCH", path, body)

    def put(self, path: str, body=None):
        return self.send("PUT", path, body)

    def delete(self, path: str):
        return self.client.delete(path, headers=self.headers)


@pytest.fixture
def api_as(client):
    """`api_as(user, scopes=None)` → an ApiClient with a fresh token of `user`'s."""

    def build(user, scopes=None) -> ApiClient:
        return ApiClient(client, make_token(user, scopes) if user is not None else None)

    return build
