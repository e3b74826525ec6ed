"""The admin's two-factor requirement: password users set up an authenticator app first.

When SignInPolicy.require_two_factor is on, a person signed in with a password who has
no authenticator app is sent to set one up (allauth's /accounts/2fa/totp/activate/)
whatever page they ask for. Still open to them: the two-factor pages themselves
(and reauthentication, which activating may ask for), signing out, static files and
the API (tokens authenticate there, and a token is made by someone already signed in).

Exempt: people signed in by single sign-on (the identity provider is their second
factor; its policy, not ours, decides how they prove it), and accounts without a
usable password (only single sign-on can sign them in).

Cost: the decision is made at sign-in and kept in the session, so pages run no extra
query; it is made again every RECHECK_SECONDS (an admin's change reaches sessions
already open within that time) and at every request while setup is still owed.
"""

import time

from allauth.account.internal.flows.login import get_authentication_records
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .mfa import has_totp, two_factor_required

SESSION_KEY = "accounts.two_factor_check"
RECHECK_SECONDS = 300
# Views a person owing setup may still reach (URL names; allauth's have no namespace).
ALLOWED_VIEWS = {
    "accounts:logout",
    "accounts:sign_in_cancel",
    "account_logout",
    "account_login",
    "account_reauthenticate",
}
ALLOWED_PREFIXES = ("mfa_",)


def signed_in_by_sso(request, user) -> bool:
    """This session's sign-in went through an identity provider (allauth's records)."""
    records = get_authentication_records(request, user)
    return any(entry.get("method") == "socialaccount" for entry in records)


def setup_owed(request, user) -> bool:
    """Whether `user`, as signed in on `request`, must set up an authenticator app now."""
    if not user.has_usable_password() or signed_in_by_sso(request, user):
        return False
    return two_factor_required() and not has_totp(user)


def remember(request, user) -> dict:
    state = {"at": int(time.time()), "owed": setup_owed(request, user)}
    request.session[SESSION_KEY] = state
    return state


def is_setup_owed(request) -> bool:
    """What the middleware last decided for this session (no query)."""
    state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return bool(isinstance(state, dict) and state.get("owed"))


def on_logged_in(sender, request, user, **kwargs) -> None:
    """Decide at sign-in (user_logged_in), while the queries are part of signing in."""
    if request is not None and hasattr(request, "session"):
        remember(request, user)


def is_allowed(request) -> bool:
    path = request.path_info
    if path.startswith(("/api/", "/" + settings.STATIC_URL.lstrip("/"))):
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.view_name in ALLOWED_VIEWS or (match.url_name or "").startswith(ALLOWED_PREFIXES)


class TwoFactorRequiredMiddleware:
    """Send people who owe two-factor setup to it before anything else (module docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not hasattr(request, "session"):
            return None
        state = request.session.get(SESSION_KEY)
        if (
            not isinstance(state, dict)
            or state.get("owed")
            or time.time() - state.get("at", 0) > RECHECK_SECONDS
        ):
            state = remember(request, user)
        if not state["owed"] or is_allowed(request):
            return None
        # The setup pages say why (templatetags/two_factor.py: two_factor_setup_owed).
        url = reverse("mfa_activate_totp")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
