"""Integrations pages: API tokens, webhook subscriptions and deliveries."""

from django.urls import path

from integrations.views import tokens

app_name = "integrations"

urlpatterns: list = [
    # API tokens (integrations/views/tokens.py)
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("tokens/<int:pk>/requests/", tokens.token_requests, name="token_requests"),
    path("accounts/", tokens.accounts, name="accounts"),
    path("accounts/<int:pk>/", tokens.account, name="account"),
]
