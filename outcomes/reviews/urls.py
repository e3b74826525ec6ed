from django.urls import path

from . import views

urlpatterns = [
    path("hire/<int:pk>/", views.hire_reviews, name="reviews_for_hire"),
    path("hire/<int:pk>/new/", views.review_create, name="reviews_create"),
    path("<int:pk>/edit/", views.review_edit, name="reviews_edit"),
    path("<int:pk>/delete/", views.review_delete, name="reviews_delete"),
    path("import/", views.review_import, name="reviews_import"),
]
