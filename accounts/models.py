import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/Berlin).")


class UserQuerySet(models.QuerySet):
    def for_people_list(self):
        """The people screen: groups in one extra query, whatever the page size."""
        return self.prefetch_related("groups").order_by("first_name", "last_name", "username")

    def search(self, text: str):
        query = models.Q()
        for word in text.split():
            query &= (
                models.Q(first_name__icontains=word)
                | models.Q(last_name__icontains=word)
                | models.Q(username__icontains=word)
                | models.Q(email__icontains=word)
            )
        return self.filter(query)

    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class PeopleManager(UserManager.from_queryset(UserQuerySet)):
    """Django's user manager (create_user, …) with the people screens' queries."""


class User(AbstractUser):
    """A person: recruiter, interviewer, committee member or admin (several at once)."""

    time_zone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text="Interview times are shown in this time zone.",
    )

    objects = PeopleManager()

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def in_group(self, name: str) -> bool:
        # Groups are prefetched once per request by group_names().
        return name in self.group_names()

    def group_names(self) -> frozenset[str]:
        if not hasattr(self, "_group_names"):
            # Use a prefetch (the people list) when there is one, else one query.
            cached = getattr(self, "_prefetched_objects_cache", {}).get("groups")
            names = (
                [g.name for g in cached]
                if cached is not None
                else self.groups.values_list("name", flat=True)
            )
            self._group_names = frozenset(names)
        return self._group_names

    def sorted_group_names(self) -> list[str]:
        return sorted(self.group_names())


class AuditEntryQuerySet(models.QuerySet):
    def for_listing(self):
        return self.select_related("actor").order_by("-created_at", "-pk")

    def about_target(self, text: str):
        """Entries whose target's name, kind or id contains the text."""
        text = text.strip()
        return self.filter(
            models.Q(target_repr__icontains=text)
            | models.Q(target_type__icontains=text)
            | models.Q(target_id=text)
        )

    def verbs(self) -> list[str]:
        return list(self.order_by("verb").values_list("verb", flat=True).distinct())

    def for_scope(self, scope: str):
        return self.filter(scope=scope)


class AuditEntry(models.Model):
    """Who did what to which object, when: append-only."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(max_length=200, blank=True)
    verb = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=300, blank=True)
    # Groups entries for a screen that shows "everything about X" (e.g. an application).
    scope = models.CharField(max_length=100, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_name or 'system'} {self.verb} {self.target_repr}"


class SignInPolicy(models.Model):
    """How people sign in, set by an admin (one row): password login, two-factor."""

    class PasswordLogin(models.TextChoices):
        EVERYONE = "everyone", "Everyone may sign in with a password"
        ADMINS = "admins", "Only admins (break-glass); everyone else uses single sign-on"
        OFF = "off", "Nobody: single sign-on only"

    password_login = models.CharField(
        max_length=10, choices=PasswordLogin.choices, default=PasswordLogin.EVERYONE
    )
    require_two_factor = models.BooleanField(
        default=False,
        help_text="People who sign in with a password must set up an authenticator app.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(password_login__in=["everyone", "admins", "off"]),
                name="signin_policy_password_login_valid",
            ),
        ]

    def __str__(self) -> str:
        return "Sign-in policy"

    @classmethod
    def current(cls) -> "SignInPolicy":
        """The one row; until an admin first saves the policy, the defaults (unsaved: a
        GET writes nothing)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
