"""Access registry: two-factor pages (allauth.mfa, /accounts/2fa/) and an admin's reset.

The personas here are signed in with force_login: no authenticator app, and no
sign-in recorded in the session, so pages that change the second factor ask them to
confirm it is them first (allauth's reauthentication, a redirect). Pages about an
app or codes they do not have answer 404. The code step of sign-in belongs to a
sign-in in progress: anyone else is sent on (302).
"""

from tests.factories import make_user

from .registry import Access, admins, everyone


def someone(world) -> dict:
    return {"pk": make_user(groups=("interviewer",)).pk}


ENTRIES = {
    "mfa_index": Access(expect=everyone(200)),
    "mfa_authenticate": Access(expect=everyone(302, anonymous=302)),
    "mfa_reauthenticate": Access(expect=everyone(302)),
    "mfa_activate_totp": Access(expect=everyone(302)),
    "mfa_deactivate_totp": Access(expect=everyone(404)),
    "mfa_view_recovery_codes": Access(expect=everyone(404)),
    "mfa_generate_recovery_codes": Access(expect=everyone(302)),
    "mfa_download_recovery_codes": Access(expect=everyone(404)),
    # Leaving the code step: anyone may (nothing to leave is fine too).
    "accounts:sign_in_cancel": Access(method="post", expect=everyone(302, anonymous=302)),
    "accounts:person_reset_two_factor": Access(
        method="post", kwargs=someone, expect=admins(302, others=403)
    ),
}
