"""The sign-in policy form, with its lockout guard."""

from django import forms

from accounts.models import SignInPolicy
from accounts.validators import SafeModelForm

NO_PROVIDER = (
    "No single sign-on provider is configured, so nobody but admins could sign in — or "
    "nobody at all. Configure a provider first (README, “Single sign-on”)."
)


class SignInPolicyForm(SafeModelForm):
    class Meta:
        model = SignInPolicy
        fields = ["password_login", "require_two_factor"]
        labels = {
            "password_login": "Who may sign in with a password",
            "require_two_factor": "Require two-factor authentication",
        }
        widgets = {"password_login": forms.RadioSelect}

    def __init__(self, *args, providers: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.providers = providers

    def clean_password_login(self) -> str:
        choice = self.cleaned_data["password_login"]
        if choice != SignInPolicy.PasswordLogin.EVERYONE and not self.providers:
            raise forms.ValidationError(NO_PROVIDER, code="no_provider")
        return choice
