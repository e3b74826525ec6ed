"""OpenID Connect single sign-on, read from the environment (README, "Single sign-on").

Imported at the end of config/settings.py. With OIDC_SERVER_URL set, one provider is
configured here; without it, an admin may add one as a "Social application" (provider
"OpenID Connect") in Django's admin, its Settings field holding the same keys as
`oidc_app_settings()` returns. When both name the same provider id, the environment wins
(accounts.sso.adapters.SocialAccountAdapter.list_apps).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from accounts.permissions import GROUPS


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, "").strip() or default


def parse_group_map(raw: str) -> dict[str, list[str]]:
    """ "idp-a=recruiter,idp-b=interviewer" → {"idp-a": ["recruiter"], ...}.

    One identity-provider group may give several roles (list it twice). A pair without
    "=" or with an empty side is a configuration mistake and fails loudly at start.
    """
    mapping: dict[str, list[str]] = {}
    for pair in (part.strip() for part in raw.split(",")):
        if not pair:
            continue
        idp_group, sep, role = (piece.strip() for piece in pair.partition("="))
        if not sep or not idp_group or not role:
            raise ImproperlyConfigured(
                f"OIDC_GROUP_MAP: {pair!r} is not 'identity-provider group=role'"
            )
        if role.lower() not in GROUPS:
            raise ImproperlyConfigured(
                f"OIDC_GROUP_MAP: {role!r} is not one of Loopwright's roles {', '.join(GROUPS)}"
            )
        mapping.setdefault(idp_group, []).append(role.lower())
    return mapping


def oidc_app_settings(env=_env) -> dict:
    """The provider's settings: allauth's own keys and ours (groups, domains)."""
    domains = [d.strip().lower().lstrip("@") for d in env("OIDC_ALLOWED_EMAIL_DOMAINS").split(",")]
    return {
        "server_url": env("OIDC_SERVER_URL"),
        # PKCE on top of the client secret: a stolen authorization code is useless.
        "oauth_pkce_enabled": True,
        "groups_claim": env("OIDC_GROUPS_CLAIM", "groups"),
        "group_map": parse_group_map(env("OIDC_GROUP_MAP")),
        "allowed_email_domains": [d for d in domains if d],
    }


def oidc_providers(env=_env) -> dict:
    """SOCIALACCOUNT_PROVIDERS for the environment's provider, or {} when none is set."""
    if not env("OIDC_SERVER_URL"):
        return {}
    missing = [name for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not env(name)]
    if missing:
        raise ImproperlyConfigured(f"OIDC_SERVER_URL is set but {', '.join(missing)} is not")
    app = {
        "provider_id": env("OIDC_PROVIDER_ID", "sso"),
        "name": env("OIDC_PROVIDER_NAME", "single sign-on"),
        "client_id": env("OIDC_CLIENT_ID"),
        "secret": env("OIDC_CLIENT_SECRET"),
        "settings": oidc_app_settings(env),
    }
    return {"openid_connect": {"APPS": [app]}}


SOCIALACCOUNT_PROVIDERS: dict = oidc_providers()
