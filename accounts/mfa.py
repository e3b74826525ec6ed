"""Two-factor authentication (allauth.mfa): our wording, our rules, our audit trail.

allauth keeps the authenticators (TOTP app, recovery codes) and runs the code step
of sign-in; this module says what may be removed, how errors read, and records
each change in the audit trail. An admin resets a person who lost their phone
(reset_two_factor), from the person's page or the Django admin.
"""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts.validators import SafeInputMixin

from .audit import record
from .models import SignInPolicy, User


def two_factor_required() -> bool:
    """The admin's sign-in policy asks password users for an authenticator app."""
    required = SignInPolicy.objects.filter(pk=1).values_list("require_two_factor", flat=True)
    return bool(required.first())


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code is not right. Enter the code your app shows now (if codes keep "
            "failing, check the phone's clock), or a recovery code."
        ),
        "cannot_delete_authenticator": _(
            "Your organisation requires two-factor authentication, so it cannot be turned "
            "off. Lost or replaced your phone? Ask an admin to reset it, then set it up again."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Under the requirement a person keeps their app; a new phone goes through an
        # admin's reset (audited), so nobody quietly signs in with a password alone.
        is_app = authenticator.type == Authenticator.Type.TOTP
        return not (is_app and two_factor_required())


def code_field(label: str, help_text: str) -> forms.CharField:
    """The code box: digits on a phone's keypad, filled in by password managers."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


SIGN_IN_HELP = "The 6 digits your authenticator app shows now, or one of your recovery codes."


class CodeForm(SafeInputMixin, AuthenticateForm):
    """The second step of signing in (MFA_FORMS["authenticate"])."""

    code = code_field("Code from your authenticator app", SIGN_IN_HELP)


class ConfirmCodeForm(SafeInputMixin, ReauthenticateForm):
    """Confirming it is you before a change (MFA_FORMS["reauthenticate"])."""

    code = code_field("Code from your authenticator app", SIGN_IN_HELP)


class ActivateForm(SafeInputMixin, ActivateTOTPForm):
    """Turning the app on proves it works: its current code (MFA_FORMS["activate_totp"])."""

    code = code_field(
        "Code from the app", "After adding Loopwright to the app, enter the 6 digits it shows."
    )

    def clean_code(self) -> str:
        try:
            return super().clean_code()
        except forms.ValidationError as error:
            if error.code != "incorrect_code":
                raise
            # No recovery codes yet at setup: say what usually went wrong instead.
            raise forms.ValidationError(
                "That code is not right. Check that the app shows Loopwright and that the "
                "phone sets its clock automatically, then enter the 6 digits it shows now.",
                code="incorrect_code",
            ) from None


@transaction.atomic
def reset_two_factor(person: User, *, by: User) -> int:
    """Remove every authenticator of `person` (lost phone): they sign in with a password.

    Under the requirement they are sent to set up a new app at once. Returns how many
    authenticators were removed (0: nothing to reset, nothing recorded).
    """
    kinds = sorted(Authenticator.objects.filter(user_id=person.pk).values_list("type", flat=True))
    if not kinds:
        return 0
    Authenticator.objects.filter(user_id=person.pk).delete()
    record(by, "two_factor.reset", person, removed=kinds)
    return len(kinds)


def on_added(sender, request, user, authenticator, **kwargs) -> None:
    record(user, "two_factor.enabled", user, type=authenticator.type)


def on_removed(sender, request, user, authenticator, **kwargs) -> None:
    # allauth removes the recovery codes with the app; the app's removal says it all.
    if authenticator.type == Authenticator.Type.TOTP:
        record(user, "two_factor.disabled", user, type=authenticator.type)


def on_reset(sender, request, user, authenticator, **kwargs) -> None:
    record(user, "two_factor.recovery_codes_generated", user)


def on_used(sender, request, user, authenticator, **kwargs) -> None:
    # Codes from the app are used at every sign-in (not worth an entry); a recovery code
    # used is rare and says the phone is missing.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        # allauth marks the code used on a fresh copy of the row (locked): read it back.
        codes = Authenticator.objects.get(pk=authenticator.pk).wrap()
        unused = len(codes.get_unused_codes())
        record(user, "two_factor.recovery_code_used", user, unused_left=unused)


def on_failed(sender, request, user, authenticator, **kwargs) -> None:
    # Bounded: allauth refuses more than 5 wrong codes per person in 5 minutes.
    record(None, "two_factor.failed", user, reauthentication=kwargs.get("reauthentication", False))


def connect() -> None:
    """Audit receivers and the audited admin; called once from AccountsConfig.ready()."""
    from allauth.mfa import signals
    from django.contrib import admin

    from .mfa_admin import AuditedAuthenticatorAdmin

    signals.authenticator_added.connect(on_added, dispatch_uid="accounts.mfa.added")
    signals.authenticator_removed.connect(on_removed, dispatch_uid="accounts.mfa.removed")
    signals.authenticator_reset.connect(on_reset, dispatch_uid="accounts.mfa.reset")
    signals.authenticator_used.connect(on_used, dispatch_uid="accounts.mfa.used")
    signals.authentication_failed.connect(on_failed, dispatch_uid="accounts.mfa.failed")
    # allauth.mfa's admin (autodiscovered when the admin app became ready) deletes without
    # a trace in our audit trail: ours records who reset whom.
    if admin.site.is_registered(Authenticator):
        admin.site.unregister(Authenticator)
    admin.site.register(Authenticator, AuditedAuthenticatorAdmin)
