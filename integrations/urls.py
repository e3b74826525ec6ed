"""Integrations pages: API tokens, webhook subscriptions and deliveries."""

app_name = "integrations"

urlpatterns: list = []
