"""Who may sign in with a password (accounts.models.SignInPolicy) and which SSO is set up."""

from allauth.socialaccount.adapter import get_adapter

from accounts.models import SignInPolicy, User

PASSWORD_OFF = (
    "Password sign-in is switched off for Loopwright. Sign in with single sign-on instead."
)
PASSWORD_ADMINS_ONLY = (
    "Only admins may sign in with a password (break-glass access). "
    "Sign in with single sign-on instead."
)


def sso_providers(request=None) -> list:
    """The configured single sign-on providers (environment or admin), in a stable order."""
    providers = get_adapter().list_providers(request)
    return sorted(
        (p for p in providers if not p.app.settings.get("hidden")), key=lambda p: p.app.name
    )


def effective_password_login(policy: SignInPolicy, providers: list | None = None) -> str:
    """The policy's password choice, except that "off" never locks everybody out.

    The policy page refuses "off" while no provider is configured; should the provider
    disappear later (its environment variables removed), admins keep the password door.
    """
    mode = policy.password_login
    if mode != SignInPolicy.PasswordLogin.OFF:
        return mode
    configured = sso_providers() if providers is None else providers
    return mode if configured else SignInPolicy.PasswordLogin.ADMINS


def password_login_refusal(username: str, policy: SignInPolicy | None = None) -> str | None:
    """Why a password sign-in as `username` is refused, or None when it may go ahead.

    Decided before the password is checked, so a refused person learns nothing about
    the password; under "admins" only a superuser's username gets as far as that.
    """
    mode = effective_password_login(policy or SignInPolicy.current())
    if mode == SignInPolicy.PasswordLogin.OFF:
        return PASSWORD_OFF
    if mode == SignInPolicy.PasswordLogin.ADMINS:
        is_admin = User.objects.filter(
            username=username, is_superuser=True, is_active=True
        ).exists()
        if not is_admin:
            return PASSWORD_ADMINS_ONLY
    return None


def user_may_use_password(user, policy: SignInPolicy | None = None) -> bool:
    """The same rule for an already authenticated user (a second line of defence)."""
    mode = effective_password_login(policy or SignInPolicy.current())
    if mode == SignInPolicy.PasswordLogin.OFF:
        return False
    if mode == SignInPolicy.PasswordLogin.ADMINS:
        return bool(user.is_superuser)
    return True
