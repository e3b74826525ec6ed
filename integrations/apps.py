from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    """The hiring stack around Loopwright: API tokens, the REST API, signed webhooks."""

    name = "integrations"
