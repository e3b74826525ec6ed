"""Two-factor facts for templates: the profile's section, the two-factor pages."""

from django import template

from ..mfa import has_totp, two_factor_required
from ..mfa_required import is_setup_owed

register = template.Library()


@register.simple_tag
def two_factor_on(user) -> bool:
    """Whether `user` has an authenticator app set up."""
    return bool(getattr(user, "pk", None)) and has_totp(user)


@register.simple_tag
def two_factor_policy_required() -> bool:
    """Whether the admin's sign-in policy requires an app of password users."""
    return two_factor_required()


@register.simple_tag(takes_context=True)
def two_factor_setup_owed(context) -> bool:
    """Whether this person was sent here to set up an app before anything else."""
    request = context.get("request")
    return request is not None and is_setup_owed(request)
