"""Forms of the API token and integration account pages."""

from django import forms

from accounts.forms import GroupChoiceField, manageable_groups
from accounts.validators import SafeForm
from integrations.scopes import AREAS, READ_ONLY_AREAS, SCOPES
from integrations.tokens import NAME_MAX, expiry_choices, max_days


def scope_rows() -> list[dict]:
    """One row per area for the scope table: its label, read scope, write scope (or None)."""
    return [
        {
            "area": area,
            "label": label,
            "read": f"{area}:read",
            "write": None if area in READ_ONLY_AREAS else f"{area}:write",
        }
        for area, label in AREAS.items()
    ]


class TokenForm(SafeForm):
    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="What it is for, e.g. “Greenhouse sync” or “my reporting script”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=list(SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Write includes read. A scope never adds to what your account may do.",
        error_messages={"required": "Choose at least one scope."},
    )
    expires_in_days = forms.TypedChoiceField(
        label="Expires in",
        coerce=int,
        choices=(),
        help_text="",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = expiry_choices()
        self.fields["expires_in_days"].choices = [(d, f"{d} days") for d in days]
        self.fields["expires_in_days"].initial = 90 if 90 in days else days[0]
        self.fields[
            "expires_in_days"
        ].help_text = f"At most {max_days()} days; make a new token before this one expires."

    def chosen_scopes(self) -> set[str]:
        """The boxes to show ticked: what was posted, or nothing on a fresh form."""
        if self.is_bound:
            return set(self.data.getlist("scopes"))
        return set()


class IntegrationAccountForm(SafeForm):
    name = forms.CharField(
        max_length=150,
        help_text="The system it stands for, e.g. “Greenhouse sync”. Shown in the audit trail.",
    )
    groups = GroupChoiceField(
        queryset=None,
        required=False,
        label="Roles",
        widget=forms.CheckboxSelectMultiple,
        help_text="What its tokens may do, as for a person with these roles.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = manageable_groups()
