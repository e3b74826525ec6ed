"""API tokens and integration accounts: the use cases behind the token pages, one verb each.

A token acts as its person and never grants more: every API operation checks the
person's own permissions (and independence rules) as the pages do, and the token's
scopes only narrow that further. A recruiter's token with `candidates:write` may write
candidates; an interviewer's token with the same scope still may not.

The secret is returned once, by create_token, and stored only as its SHA-256
(integrations.models.hash_token); the audit trail names a token by its prefix, never
its secret.
"""

import re
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import permissions
from accounts.audit import record
from accounts.models import User
from accounts.services import USERNAME_MAX
from integrations.models import ApiToken, hash_token
from integrations.scopes import SCOPES, unknown

# Expiry choices offered on the pages (days); the service accepts 1..API_TOKEN_MAX_DAYS.
EXPIRY_CHOICES = (30, 90, 180, 365)
NAME_MAX = ApiToken._meta.get_field("name").max_length
# An integration account is a User in this group (not a role: it grants nothing). It has
# no usable password, so it cannot sign in; it acts only through its tokens.
INTEGRATION_GROUP = "integration"


def is_integration_account(user: User) -> bool:
    return user.in_group(INTEGRATION_GROUP)


def integration_accounts():
    """Every integration account, with its groups in one extra query."""
    return User.objects.filter(groups__name=INTEGRATION_GROUP).prefetch_related("groups")


def max_days() -> int:
    return settings.API_TOKEN_MAX_DAYS


def expiry_choices() -> list[int]:
    """The page's choices, cut at API_TOKEN_MAX_DAYS (which is always offered)."""
    days = [d for d in EXPIRY_CHOICES if d <= max_days()]
    return days if max_days() in days else [*days, max_days()]


def check_may_hold_token(user: User, *, by: User) -> None:
    """A person creates tokens for themselves; an admin also for an integration account."""
    if user.pk == by.pk:
        return
    if permissions.is_admin(by) and is_integration_account(user):
        return
    raise PermissionDenied("You may create tokens only for yourself.")


def check_may_revoke(token: ApiToken, *, by: User) -> None:
    """Its person revokes it; an admin revokes any token (a leaked key cannot wait)."""
    if token.user_id != by.pk and not permissions.is_admin(by):
        raise PermissionDenied("You may revoke only your own tokens.")


def clean_token_input(name: str, scopes: list[str], expires_in_days: int) -> tuple[str, list]:
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the token a name that says what it is for."
    elif len(name) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters."
    scopes = list(dict.fromkeys(scopes or []))
    if not scopes:
        errors["scopes"] = "Choose at least one scope."
    elif bad := unknown(scopes):
        errors["scopes"] = f"Unknown scopes: {', '.join(sorted(bad))}."
    if not isinstance(expires_in_days, int) or not 1 <= expires_in_days <= max_days():
        errors["expires_in_days"] = f"A token expires in 1 to {max_days()} days."
    if errors:
        raise ValidationError(errors)
    # Kept in the catalogue's order, so lists read the same for every token.
    return name, [scope for scope in SCOPES if scope in scopes]


@transaction.atomic
def create_token(
    user: User, *, name: str, scopes: list[str], expires_in_days: int, by: User
) -> tuple[ApiToken, str]:
    """A new token for `user`: (token, secret). The secret is never stored or shown again."""
    check_may_hold_token(user, by=by)
    if not user.is_active:
        raise ValidationError("This account is deactivated: it cannot hold tokens.")
    name, scopes = clean_token_input(name, scopes, expires_in_days)
    prefix, secret = ApiToken.new_secret()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=hash_token(secret),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
        created_by=by,
    )
    record(
        by,
        "api_token.created",
        token,
        person=user.username,
        prefix=prefix,
        scopes=scopes,
        expires_at=token.expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: User) -> ApiToken:
    """Stop a token working at once; its request log stays."""
    check_may_revoke(token, by=by)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        record(by, "api_token.revoked", token, person=token.user.username, prefix=token.prefix)
    return token


def integration_username(name: str) -> str:
    """ "Greenhouse sync" → "integration-greenhouse-sync" (numbered if taken)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "account"
    base = f"integration-{slug}"[: USERNAME_MAX - 4]
    taken = {
        u.lower()
        for u in User.objects.filter(username__istartswith=base).values_list("username", flat=True)
    }
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transaction.atomic
def create_integration_account(*, name: str, groups=(), by: User) -> User:
    """An account for a system (an ATS, a script): no password, acts only through tokens.

    Its roles (`groups`, as on the people page) decide what its tokens may do.
    """
    if not permissions.is_admin(by):
        raise PermissionDenied("Only an admin creates integration accounts.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the account a name, e.g. “Greenhouse sync”."})
    first_name_max = User._meta.get_field("first_name").max_length
    if len(name) > first_name_max:
        raise ValidationError({"name": f"At most {first_name_max} characters."})
    account = User(username=integration_username(name), first_name=name)
    account.set_unusable_password()
    account.full_clean()
    account.save()
    group_names = sorted(g.name for g in groups)
    marker, _ = Group.objects.get_or_create(name=INTEGRATION_GROUP)
    account.groups.set([marker, *permissions.role_groups(group_names)])
    record(by, "integration_account.created", account, name=name, groups=group_names)
    return account
