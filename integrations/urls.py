"""Integrations pages: API tokens, webhook subscriptions and deliveries."""

from django.urls import path

from integrations.views import tokens, webhooks

app_name = "integrations"

urlpatterns: list = [
    # API tokens (integrations/views/tokens.py)
    path("tokens/", tokens.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("tokens/<int:pk>/requests/", tokens.token_requests, name="token_requests"),
    path("accounts/", tokens.accounts, name="accounts"),
    path("accounts/<int:pk>/", tokens.account, name="account"),
    # Webhook subscriptions and their delivery log (integrations/views/webhooks.py)
    path("webhooks/", webhooks.webhooks_list, name="webhooks"),
    path("webhooks/new/", webhooks.webhook_create, name="webhook_create"),
    path("webhooks/<int:pk>/", webhooks.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:pk>/rotate/", webhooks.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:pk>/deactivate/", webhooks.webhook_deactivate, name="webhook_deactivate"),
    path("webhooks/<int:pk>/reactivate/", webhooks.webhook_reactivate, name="webhook_reactivate"),
    path("webhooks/<int:pk>/test/", webhooks.webhook_test, name="webhook_test"),
    path("webhooks/deliveries/<int:pk>/resend/", webhooks.webhook_resend, name="webhook_resend"),
]
