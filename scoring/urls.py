from django.urls import path

app_name = "scoring"

urlpatterns: list = []

from .views import pipeline  # noqa: E402  (pipelines per loop)

urlpatterns += [
    path("pipelines/", pipeline.pipelines, name="pipelines"),
    path("pipelines/<int:pk>/", pipeline.pipeline, name="pipeline"),
]
