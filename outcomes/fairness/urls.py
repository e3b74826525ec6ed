from django.urls import path

from . import views

urlpatterns = [
    path("", views.fairness, name="fairness"),
    path("ll144.csv", views.fairness_csv, name="fairness_csv"),
    path(
        "applications/<int:pk>/self-id-link/", views.self_id_invite, name="fairness_self_id_invite"
    ),
    path("self-id/<str:token>/", views.self_id, name="fairness_self_id"),
]
