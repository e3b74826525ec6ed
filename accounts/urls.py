from django.contrib.auth import views as auth_views
from django.urls import path

from . import forms, mfa_views, views
from .sso import views as sso_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/cancel/", mfa_views.sign_in_cancel, name="sign_in_cancel"),
    path("profile/", views.profile, name="profile"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.person_invite, name="person_invite"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", views.person_reactivate, name="person_reactivate"),
    path(
        "people/<int:pk>/two-factor/reset/",
        mfa_views.person_reset_two_factor,
        name="person_reset_two_factor",
    ),
    path("audit/", views.audit, name="audit"),
    path("sign-in/", sso_views.sign_in_policy, name="sign_in_policy"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(form_class=forms.SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
