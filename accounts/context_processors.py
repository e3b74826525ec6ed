from . import permissions


def navigation(request) -> dict:
    """What the top navigation offers the signed-in user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_is_recruiter": permissions.is_recruiter(user),
        "nav_is_admin": permissions.is_admin(user),
    }
