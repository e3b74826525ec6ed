from django.contrib import admin
from django.urls import include, path

from config import views as home_views

urlpatterns = [
    path("", home_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("catalogue/", include("rubrics.urls")),
    path("loops/", include("interviews.urls")),
    path("candidates/", include("candidates.urls")),
    path("scoring/", include("scoring.urls")),
    path("admin/", admin.site.urls),
]
