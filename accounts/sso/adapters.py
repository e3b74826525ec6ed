"""django-allauth adapters: nobody signs themselves up; single sign-on makes accounts.

Every single sign-on goes through `SocialAccountAdapter.pre_social_login` (a person
already known) or `save_user` (a person new to Loopwright, made just in time). Both
check the email domain, refuse deactivated people, map the identity provider's groups
onto Loopwright's roles and write the audit trail.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.datakit import parse_bool_safely
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.db import transaction
from django.shortcuts import render

from accounts.audit import record
from accounts.models import User
from accounts.permissions import GROUPS, role_groups

log = logging.getLogger(__name__)

REFUSALS = {
    "no_email": "Your identity provider did not tell us your email address, "
    "so Loopwright cannot know who you are. Ask your IT team to release the email claim.",
    "domain": "Addresses at {domain} may not sign in to Loopwright. "
    "Sign in with your work account.",
    "inactive": "Your Loopwright account has been deactivated. "
    "Ask a recruiter or an admin to reactivate it.",
    "unverified": "A Loopwright account with the address {email} already exists, but your "
    "identity provider has not verified that this address is yours, so it cannot be linked. "
    "Ask your IT team to verify the address, or an admin to help.",
    "ambiguous": "Several Loopwright accounts use the address {email}, so we cannot tell "
    "which one is yours. Ask an admin to fix the duplicate.",
}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People are invited by a recruiter (accounts.services.invite_person).
        return False


# --- Pure rules (tested without a browser: tests/sso/test_adapters.py) ------------------


def provider_settings(app) -> dict:
    """Our keys in a provider's settings, with their defaults (config/sso_settings.py)."""
    raw = getattr(app, "settings", None) or {}
    domains = raw.get("allowed_email_domains") or []
    if isinstance(domains, str):
        domains = domains.split(",")
    group_map = raw.get("group_map") or {}
    return {
        "groups_claim": raw.get("groups_claim") or "groups",
        "group_map": {
            idp: [roles] if isinstance(roles, str) else list(roles)
            for idp, roles in group_map.items()
        },
        "allowed_email_domains": [d.strip().lower().lstrip("@") for d in domains if d.strip()],
    }


def claims_of(extra_data: dict) -> dict:
    """The person's claims: the ID token's, overridden by the userinfo endpoint's."""
    if "userinfo" not in extra_data and "id_token" not in extra_data:
        return dict(extra_data)  # allauth before 65.11 stored the userinfo flat
    return {**(extra_data.get("id_token") or {}), **(extra_data.get("userinfo") or {})}


def claimed_groups(claims: dict, claim: str) -> set[str]:
    """The groups claim as a set; identity providers send a list or a delimited string."""
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return {str(group).strip() for group in value if str(group).strip()}


def mapped_roles(idp_groups: set[str], group_map: dict[str, list[str]]) -> set[str]:
    """Loopwright roles the person's identity-provider groups give (unknown roles dropped)."""
    roles = {role.lower() for group in idp_groups for role in group_map.get(group, [])}
    unknown = roles - set(GROUPS)
    if unknown:
        log.warning("SSO group map names unknown roles %s; ignored", sorted(unknown))
    return roles & set(GROUPS)


def managed_roles(group_map: dict[str, list[str]]) -> set[str]:
    """The roles single sign-on decides; every other role is left as a recruiter set it."""
    return {role.lower() for roles in group_map.values() for role in roles} & set(GROUPS)


def email_domain_allowed(email: str, allowed: list[str]) -> bool:
    if not allowed:
        return True
    return email.rpartition("@")[2].lower() in allowed


def email_verified(claims: dict) -> bool:
    return parse_bool_safely(claims.get("email_verified"))


# --- Side effects ----------------------------------------------------------------------


@transaction.atomic
def sync_roles(user: User, idp_groups: set[str], group_map: dict[str, list[str]]) -> dict:
    """Give and take the mapped roles; returns {"added": [...], "removed": [...]}."""
    managed = managed_roles(group_map)
    wanted = mapped_roles(idp_groups, group_map)
    held = set(user.groups.filter(name__in=managed).values_list("name", flat=True))
    added, removed = sorted(wanted - held), sorted(held - wanted)
    if added:
        user.groups.add(*role_groups(added))
    if removed:
        user.groups.remove(*role_groups(removed))
    if added or removed:
        user.__dict__.pop("_group_names", None)
    return {"added": added, "removed": removed}


def refuse(request, reason: str, sociallogin, **context) -> None:
    """Stop the sign-in with a page saying why (and write why into the audit trail)."""
    message = REFUSALS[reason].format(**context)
    record(
        None,
        "sso.refused",
        sociallogin.user if sociallogin.is_existing else None,
        reason=reason,
        provider=sociallogin.account.provider,
        uid=sociallogin.account.uid,
        **context,
    )
    response = render(request, "socialaccount/refused.html", {"message": message}, status=403)
    raise ImmediateHttpResponse(response)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        # Just-in-time accounts for people the identity provider vouches for.
        return True

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        # Never allauth's signup form: pre_social_login links or refuses a taken address
        # and populate_user picks a free username, so nothing is left to ask.
        return True

    def list_apps(self, request, provider=None, client_id=None) -> list:
        """The environment's provider wins over an admin's SocialApp of the same id."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        from_settings = {app.provider_id or app.provider for app in apps if app.pk is None}
        return [
            app
            for app in apps
            if app.pk is None or (app.provider_id or app.provider) not in from_settings
        ]

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        wanted = (user.username or "").strip()
        if not wanted or User.objects.filter(username__iexact=wanted).exists():
            # A local person may already use the identity provider's username.
            user.username = get_account_adapter(request).generate_unique_username(
                [wanted, user.email, user.first_name, "user"]
            )
        return user

    def pre_social_login(self, request, sociallogin) -> None:
        config = provider_settings(sociallogin.account.get_provider().app)
        claims = claims_of(sociallogin.account.extra_data)
        email = (claims.get("email") or "").strip()
        if not email:
            refuse(request, "no_email", sociallogin)
        if not email_domain_allowed(email, config["allowed_email_domains"]):
            refuse(request, "domain", sociallogin, domain=email.rpartition("@")[2])
        if not sociallogin.is_existing:
            self._link_local_person(request, sociallogin, email, claims)
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                refuse(request, "inactive", sociallogin)
            self._signed_in(sociallogin, claims, config)

    def _link_local_person(self, request, sociallogin, email: str, claims: dict) -> None:
        """A local person with the same address becomes this identity, if it is proven theirs."""
        matches = list(User.objects.with_email(email)[:2])
        if not matches:
            return  # someone new: save_user makes the account
        if len(matches) > 1:
            refuse(request, "ambiguous", sociallogin, email=email)
        person = matches[0]
        if not email_verified(claims):
            refuse(request, "unverified", sociallogin, email=email)
        if not person.is_active:
            sociallogin.user = person
            refuse(request, "inactive", sociallogin)
        sociallogin.connect(request, person)
        record(person, "sso.linked", person, provider=sociallogin.account.provider, email=email)

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        record(
            user,
            "sso.account_created",
            user,
            provider=sociallogin.account.provider,
            username=user.username,
            email=user.email,
        )
        config = provider_settings(sociallogin.account.get_provider().app)
        self._signed_in(sociallogin, claims_of(sociallogin.account.extra_data), config)
        return user

    def _signed_in(self, sociallogin, claims: dict, config: dict) -> None:
        user = sociallogin.user
        idp_groups = claimed_groups(claims, config["groups_claim"])
        changes = sync_roles(user, idp_groups, config["group_map"])
        if changes["added"] or changes["removed"]:
            record(user, "sso.roles_changed", user, **changes, idp_groups=sorted(idp_groups))
        record(user, "sso.signed_in", user, provider=sociallogin.account.provider)
