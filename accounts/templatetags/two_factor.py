"""Two-factor facts for templates: the profile's section, the two-factor pages."""

from django import template

from ..mfa import has_totp, two_factor_required

register = template.Library()


@register.simple_tag
def two_factor_on(user) -> bool:
    """Whether `user` has an authenticator app set up."""
    return bool(getattr(user, "pk", None)) and has_totp(user)


@register.simple_tag
def two_factor_policy_required() -> bool:
    """Whether the admin's sign-in policy requires an app of password users."""
    return two_factor_required()
