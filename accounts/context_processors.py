from functools import partial

from . import permissions


def navigation(request) -> dict:
    """What the top navigation offers the signed-in user.

    Callables, which templates call only when they use them: an htmx fragment that
    shows no navigation costs no query for the user's groups.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_recruiter": partial(permissions.is_recruiter, user),
        "nav_is_admin": partial(permissions.is_admin, user),
    }
