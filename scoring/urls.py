from django.urls import path

app_name = "scoring"

urlpatterns: list = []

from .views import pipeline  # noqa: E402  (pipelines per loop)

urlpatterns += [
    path("pipelines/", pipeline.pipelines, name="pipelines"),
    path("pipelines/<int:pk>/", pipeline.pipeline, name="pipeline"),
]

from .views import autosave  # noqa: E402  (autosaved parts of a scorecard)

urlpatterns += [
    path("scorecards/<int:scorecard>/notes/<int:pk>/", autosave.save_note, name="note_save"),
    path("scorecards/<int:scorecard>/ratings/<int:pk>/", autosave.save_rating, name="rating_save"),
    path("scorecards/<int:pk>/overall/", autosave.save_overall, name="overall_save"),
]
