"""People management: the use cases behind the people screens, one verb each.

Each records what it did in the audit trail. Rules that protect the installation
(nobody locks themselves out, only admins change admins) live here, so that every
caller — views, commands, tests — meets them.
"""

import re

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from . import permissions
from .audit import record
from .models import User

USERNAME_MAX = User._meta.get_field("username").max_length


def username_from_email(email: str) -> str:
    """A free username made from the address's local part: "ana.lima", "ana.lima2", …"""
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0].lower())[: USERNAME_MAX - 4] or "user"
    taken = set(User.objects.filter(username__istartswith=base).values_list("username", flat=True))
    taken = {name.lower() for name in taken}
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


def check_may_change(person: User, *, by: User) -> None:
    """Only admins change an admin (a recruiter could otherwise lock the admins out)."""
    if person.is_superuser and not permissions.is_admin(by):
        raise PermissionDenied("Only an admin can change an admin.")


def invitation_link(person: User, *, site_root: str) -> str:
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return site_root.rstrip("/") + path


def send_invitation(person: User, *, by: User, site_root: str) -> None:
    context = {"person": person, "by": by, "link": invitation_link(person, site_root=site_root)}
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


@transaction.atomic
def invite_person(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str = "",
    username: str = "",
    groups=(),
    time_zone: str = "UTC",
    site_root: str,
) -> User:
    """Create a person without a password and email them a link to choose one."""
    if User.objects.with_email(email).exists():
        raise ValidationError({"email": "Someone already uses this email address."})
    person = User(
        username=username or username_from_email(email),
        email=email.strip(),
        first_name=first_name,
        last_name=last_name,
        time_zone=time_zone,
    )
    person.set_unusable_password()
    person.full_clean()
    person.save()
    group_names = sorted(g.name for g in groups)
    person.groups.set(permissions.role_groups(group_names))
    record(by, "person.invited", person, email=person.email, groups=group_names)
    # Email only once the person surely exists: a rolled-back invitation sends nothing.
    transaction.on_commit(lambda: send_invitation(person, by=by, site_root=site_root))
    return person


@transaction.atomic
def update_person(
    person: User, *, by: User, first_name: str, last_name: str, groups, time_zone: str
) -> User:
    """Change a person's names, time zone and groups; the groups change is audited apart."""
    check_may_change(person, by=by)
    # A bound ModelForm may already have written the new values onto this instance.
    person.refresh_from_db(fields=["first_name", "last_name", "time_zone"])
    before_groups = sorted(person.group_names())
    after_groups = sorted(g.name for g in groups)
    if (
        person.pk == by.pk
        and not by.is_superuser
        and permissions.RECRUITER in before_groups
        and permissions.RECRUITER not in after_groups
    ):
        raise ValidationError(
            {
                "groups": "You cannot remove your own recruiter role: "
                "ask another recruiter or an admin."
            }
        )
    changes = {}
    for field, value in (
        ("first_name", first_name),
        ("last_name", last_name),
        ("time_zone", time_zone),
    ):
        if getattr(person, field) != value:
            changes[field] = {"before": getattr(person, field), "after": value}
            setattr(person, field, value)
    if changes:
        person.full_clean()
        person.save(update_fields=list(changes))
        record(by, "person.updated", person, **changes)
    if before_groups != after_groups:
        # Keep groups that are not ours to manage (e.g. ones an admin added).
        kept = person.groups.exclude(name__in=permissions.GROUPS)
        person.groups.set([*kept, *permissions.role_groups(after_groups)])
        person.__dict__.pop("_group_names", None)
        record(by, "person.groups_changed", person, before=before_groups, after=after_groups)
    return person


@transaction.atomic
def deactivate_person(person: User, *, by: User) -> User:
    """Stop a person signing in; their scorecards and history stay."""
    check_may_change(person, by=by)
    if person.pk == by.pk:
        raise ValidationError("You cannot deactivate yourself: ask another recruiter or an admin.")
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        record(by, "person.deactivated", person)
    return person


@transaction.atomic
def reactivate_person(person: User, *, by: User) -> User:
    check_may_change(person, by=by)
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        record(by, "person.reactivated", person)
    return person
