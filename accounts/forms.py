import zoneinfo

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.models import Group

from . import permissions
from .models import AuditEntry, User
from .validators import SafeForm, SafeInputMixin, SafeModelForm


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(zoneinfo.available_timezones())]


class ProfileForm(SafeModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Interview times are shown in this time zone."
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "time_zone"]


class SetPasswordForm(SafeInputMixin, auth_forms.SetPasswordForm):
    """Django's form; named here so invitations and resets share one place to change."""


class LoginForm(SafeInputMixin, auth_forms.AuthenticationForm):
    """Django's sign-in form, its input screened like every other form's.

    The sign-in policy (accounts.sso.policy) may allow passwords to admins only or to
    nobody: that is checked before the password, and again on the authenticated user.
    """

    def clean(self):
        from .sso.policy import password_login_refusal

        refusal = password_login_refusal(self.cleaned_data.get("username") or "")
        if refusal:
            raise forms.ValidationError(refusal, code="password_login_refused")
        return super().clean()

    def confirm_login_allowed(self, user) -> None:
        from .sso.policy import PASSWORD_ADMINS_ONLY, user_may_use_password

        super().confirm_login_allowed(user)
        if not user_may_use_password(user):
            raise forms.ValidationError(PASSWORD_ADMINS_ONLY, code="password_login_refused")


class PasswordChangeForm(SafeInputMixin, auth_forms.PasswordChangeForm):
    """Django's password change form, its input screened like every other form's."""


class PasswordResetForm(SafeInputMixin, auth_forms.PasswordResetForm):
    """Django's form, but invited people (no password yet) may ask for a new link too.

    Django skips users without a usable password; here that only means someone
    invited whose invitation link has expired.
    """

    def get_users(self, email):
        return User.objects.with_email(email).filter(is_active=True)


def manageable_groups():
    return Group.objects.filter(name__in=permissions.GROUPS).order_by("name")


class GroupChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return obj.name.capitalize()


class PeopleFilterForm(SafeForm):
    """The people list's filters: a plain GET form, so every filtered view has a URL."""

    ACTIVE_CHOICES = [("", "Everyone"), ("active", "Active"), ("inactive", "Deactivated")]

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
        help_text="Name, username or email.",
    )
    group = forms.ModelChoiceField(
        queryset=None, required=False, label="Role", empty_label="Any role", to_field_name="name"
    )
    status = forms.ChoiceField(label="Status", choices=ACTIVE_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = manageable_groups()
        self.fields["group"].label_from_instance = lambda g: g.name.capitalize()

    def filter(self, people):
        if not self.is_valid():
            return people.none()
        data = self.cleaned_data
        if data["q"]:
            people = people.search(data["q"])
        if data["group"]:
            people = people.filter(groups=data["group"])
        if data["status"]:
            people = people.filter(is_active=data["status"] == "active")
        return people


class PersonForm(SafeModelForm):
    """What a recruiter may change about a person: names, groups, time zone."""

    groups = GroupChoiceField(
        queryset=None,
        required=False,
        label="Roles",
        widget=forms.CheckboxSelectMultiple,
        help_text="A person may hold several roles.",
    )
    time_zone = forms.ChoiceField(
        choices=time_zone_choices, help_text="Interview times are shown in this time zone."
    )

    class Meta:
        model = User
        fields = ["first_name", "last_name", "groups", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = manageable_groups()


class InviteForm(PersonForm):
    """A new person: they choose their own password from the emailed link."""

    class Meta(PersonForm.Meta):
        fields = ["email", "first_name", "last_name", "username", "groups", "time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
        self.fields["first_name"].required = True
        self.fields["username"].required = False
        self.fields["username"].help_text = (
            "Optional: made from the email address when left empty. "
            "Letters, digits and @/./+/-/_ only."
        )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if User.objects.with_email(email).exists():
            raise forms.ValidationError("Someone already uses this email address.")
        return email

    def validate_unique(self) -> None:
        # An empty username is derived later; only check one that was typed.
        if self.cleaned_data.get("username"):
            super().validate_unique()


class AuditFilterForm(SafeForm):
    """The audit trail's filters; dates are days in the viewer's time zone."""

    verb = forms.ChoiceField(required=False, label="Action")
    actor = forms.ModelChoiceField(queryset=None, required=False, label="Who", empty_label="Anyone")
    target = forms.CharField(
        required=False,
        max_length=100,
        label="Target contains",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, entries=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The actions offered are those of the entries the viewer may read.
        entries = AuditEntry.objects.all() if entries is None else entries
        self.fields["verb"].choices = [("", "Any action")] + [
            (verb, verb) for verb in entries.verbs()
        ]
        self.fields["actor"].queryset = User.objects.order_by("first_name", "last_name", "username")

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filter(self, entries):
        if not self.is_valid():
            return entries.none()
        data = self.cleaned_data
        if data["verb"]:
            entries = entries.filter(verb=data["verb"])
        if data["actor"]:
            entries = entries.filter(actor=data["actor"])
        if data["target"]:
            entries = entries.about_target(data["target"])
        if data["since"]:
            entries = entries.filter(created_at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(created_at__date__lte=data["until"])
        return entries
