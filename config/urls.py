from django.contrib import admin
from django.urls import include, path

from config import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    # django-allauth (single sign-on, two-factor) after ours: where both have a path
    # (login, logout, password reset), ours answers.
    # allauth's pages we do not offer (signup, email, its password pages), closed first.
    path("accounts/", include("accounts.sso.urls")),
    path("accounts/", include("allauth.urls")),
    path("catalogue/", include("rubrics.urls")),
    path("loops/", include("interviews.urls")),
    path("candidates/", include("candidates.urls")),
    path("scoring/", include("scoring.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("api/v1/", include("integrations.api.urls")),
    path("integrations/", include("integrations.urls")),
    path("admin/", admin.site.urls),
]

# A lost database connection answers 503 "try again" (config/db_faults.py); else a 500.
handler500 = "config.db_faults.server_error"
