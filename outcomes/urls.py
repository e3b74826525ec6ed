from django.urls import include, path

app_name = "outcomes"

# One module per area; each names its URLs with its own prefix (reviews_, validity_,
# fairness_) so that the three share this namespace without clashing.
urlpatterns = [
    path("reviews/", include("outcomes.reviews.urls")),
    path("validity/", include("outcomes.validity.urls")),
    path("fairness/", include("outcomes.fairness.urls")),
]
