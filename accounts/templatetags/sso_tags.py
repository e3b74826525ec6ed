"""The sign-in page's options: single sign-on buttons and whether the password form shows."""

from django import template

from accounts.models import SignInPolicy
from accounts.sso.policy import effective_password_login, sso_providers

register = template.Library()


@register.simple_tag(takes_context=True)
def sign_in_options(context) -> dict:
    request = context.get("request")
    providers = sso_providers(request)
    mode = effective_password_login(SignInPolicy.current(), providers)
    return {
        "providers": [{"name": p.name, "login_url": p.get_login_url(request)} for p in providers],
        "password_form": mode != SignInPolicy.PasswordLogin.OFF,
        "admins_only": mode == SignInPolicy.PasswordLogin.ADMINS,
    }
