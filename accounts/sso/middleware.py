"""Let the sign-in pages' forms lead to the identity provider under our strict CSP.

The single sign-on button posts to allauth, which redirects to the provider's
authorization endpoint; a browser checks CSP `form-action` along the whole redirect
chain of a form submission, so `'self'` alone would stop it there. Only the pages
that carry such a form get the provider's origin added, nothing else changes.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

from .policy import sso_providers

# The pages whose forms start a single sign-on: our sign-in page and allauth's
# "continue to the provider" confirmation.
SIGN_IN_VIEWS = {"accounts:login", "openid_connect_login"}


def provider_origins(providers) -> list[str]:
    origins = []
    for provider in providers:
        app_settings = provider.app.settings
        overrides = app_settings.get("openid_configuration_overrides") or {}
        for url in (app_settings.get("server_url"), overrides.get("authorization_endpoint")):
            parts = urlsplit(url or "")
            if parts.scheme in {"http", "https"} and parts.netloc:
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in origins:
                    origins.append(origin)
    return origins


class SsoFormActionMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is None or match.view_name not in SIGN_IN_VIEWS:
            return response
        origins = provider_origins(sso_providers(request))
        if origins and settings.SECURE_CSP:
            config = getattr(response, "_csp_config", settings.SECURE_CSP)
            form_action = list(config.get("form-action", [CSP.SELF]))
            response._csp_config = {**config, "form-action": form_action + origins}
        return response
