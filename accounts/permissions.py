"""Who may do what: the helpers every view's fetch-and-authorise function uses.

An object the user may not see raises Http404; a visible object with a
forbidden action raises PermissionDenied (403).
"""

from django.core.exceptions import PermissionDenied

RECRUITER = "recruiter"
INTERVIEWER = "interviewer"
COMMITTEE = "committee"
GROUPS = (RECRUITER, INTERVIEWER, COMMITTEE)


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_recruiter(user) -> bool:
    """Recruiters and admins manage the catalogue, loops, people and the audit trail."""
    return bool(user.is_authenticated and (user.is_superuser or user.in_group(RECRUITER)))


def is_interviewer(user) -> bool:
    return bool(user.is_authenticated and user.in_group(INTERVIEWER))


def is_committee(user) -> bool:
    return bool(user.is_authenticated and user.in_group(COMMITTEE))


def require(allowed: bool) -> None:
    """Raise 403 unless the action is allowed on an object the user may see."""
    if not allowed:
        raise PermissionDenied


def require_recruiter(user) -> None:
    require(is_recruiter(user))


def role_groups(names) -> list:
    """The Group rows for role names, created if missing.

    A data migration creates them; this keeps assignment right after a database
    flush (transactional tests) or a hand-pruned installation.
    """
    from django.contrib.auth.models import Group

    unknown = set(names) - set(GROUPS)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    return [Group.objects.get_or_create(name=name)[0] for name in names]
