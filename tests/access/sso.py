"""Access registry: single sign-on (allauth's account and socialaccount pages) and the policy.

allauth's pages Loopwright does not offer answer 404 for everyone, or send to our
sign-in (accounts/sso/urls.py); sign-in, sign-out, password change and reset are our
own views on allauth's paths. With no provider configured (as in CI), the provider's
login and callback answer 404: tests/sso/ covers them with one configured.
The two-factor pages (mfa_*) are in tests/access/mfa.py.
"""

from .registry import Access, admins, everyone

NOT_OFFERED = Access(expect=everyone(404, anonymous=404))
TO_SIGN_IN = Access(expect=everyone(302, anonymous=302))
PROVIDER = {"provider_id": "sso"}

ENTRIES = {
    "accounts:sign_in_policy": Access(expect=admins(200)),
    # Ours, on allauth's paths.
    "account_login": Access(expect={**everyone(302), "anonymous": 200}),
    "account_logout": Access(method="post", expect=everyone(302)),
    "account_change_password": Access(expect=everyone(200)),
    "account_reset_password": Access(expect=everyone(200, anonymous=200)),
    # allauth's, kept: the two-factor pages confirm it is you first.
    "account_reauthenticate": Access(expect=everyone(200)),
    "account_inactive": Access(expect=everyone(200, anonymous=200)),
    "socialaccount_login_cancelled": Access(expect=everyone(200, anonymous=200)),
    # allauth answers its error page 401; anonymous visitors are sent to sign in first.
    "socialaccount_login_error": Access(expect=everyone(401)),
    "openid_connect_login": Access(
        kwargs=lambda world: PROVIDER, expect=everyone(404, anonymous=404)
    ),
    "openid_connect_callback": Access(
        kwargs=lambda world: PROVIDER, expect=everyone(404, anonymous=404)
    ),
    # allauth's, closed.
    "account_signup": TO_SIGN_IN,
    "socialaccount_signup": TO_SIGN_IN,
    "socialaccount_connections": NOT_OFFERED,
    "account_email": NOT_OFFERED,
    "account_email_verification_sent": NOT_OFFERED,
    "account_confirm_email": Access(
        kwargs=lambda world: {"key": "abc"}, expect=everyone(404, anonymous=404)
    ),
    "account_set_password": NOT_OFFERED,
    "account_reset_password_done": NOT_OFFERED,
    # allauth's reset-link paths fall into our own reset link's pattern
    # (password/reset/<uidb64>/<token>/), which answers "this link is not valid".
    "account_reset_password_from_key_done": Access(expect=everyone(200, anonymous=200)),
    "account_reset_password_from_key": Access(
        kwargs=lambda world: {"uidb36": "1", "key": "abc"}, expect=everyone(200, anonymous=200)
    ),
    "account_confirm_login_code": NOT_OFFERED,
    "account_request_reauthentication_code": NOT_OFFERED,
    "account_confirm_reauthentication_code": NOT_OFFERED,
}
