"""allauth's pages Loopwright does not use, closed (mounted before allauth's own URLs).

Same paths and names as allauth's, so a link allauth renders still resolves, to a 404
or to our own page: no second signup, email, password or login-by-code door stays
open beside ours. Sign-in, sign-out, password change and reset are ours
already (accounts/urls.py comes first, same paths); two-factor pages are allauth.mfa's.
"""

from django.urls import path, re_path

from . import views

urlpatterns = [
    path("signup/", views.to_login, name="account_signup"),
    path("email/", views.closed, name="account_email"),
    path("confirm-email/", views.closed, name="account_email_verification_sent"),
    re_path(r"^confirm-email/(?P<key>[-:\w]+)/$", views.closed, name="account_confirm_email"),
    path("password/set/", views.closed, name="account_set_password"),
    path("password/reset/done/", views.closed, name="account_reset_password_done"),
    path("password/reset/key/done/", views.closed, name="account_reset_password_from_key_done"),
    re_path(
        r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        views.closed,
        name="account_reset_password_from_key",
    ),
    path("login/code/confirm/", views.closed, name="account_confirm_login_code"),
    path("reauthenticate/code/", views.closed, name="account_request_reauthentication_code"),
    path(
        "reauthenticate/code/confirm/",
        views.closed,
        name="account_confirm_reauthentication_code",
    ),
    # Connecting further identities to an account, and allauth's signup form (never
    # needed: the adapter links or refuses a taken address itself).
    path("3rdparty/", views.closed, name="socialaccount_connections"),
    path("3rdparty/signup/", views.to_login, name="socialaccount_signup"),
]
