from django.urls import path

from .views import kit, loops, stages, suggestions

app_name = "interviews"

urlpatterns = [
    path("", loops.loop_list, name="loop_list"),
    path("new/", loops.loop_create, name="loop_create"),
    path("<int:pk>/", loops.loop_builder, name="loop_builder"),
    path("<int:pk>/search/", loops.loop_search, name="loop_search"),
    path("<int:pk>/settings/", loops.loop_settings, name="loop_settings"),
    path("<int:pk>/competencies/", loops.loop_competency_add, name="loop_competency_add"),
    path("competencies/<int:pk>/", loops.loop_competency_edit, name="loop_competency_edit"),
    path(
        "competencies/<int:pk>/remove/", loops.loop_competency_remove, name="loop_competency_remove"
    ),
    path("<int:pk>/publish/", loops.loop_publish, name="loop_publish"),
    path("<int:pk>/new-version/", loops.loop_new_version, name="loop_new_version"),
    path("<int:pk>/archive/", loops.loop_archive, name="loop_archive"),
    path("<int:pk>/adopt/", loops.loop_adopt, name="loop_adopt"),
    path("<int:pk>/stages/", stages.stage_add, name="stage_add"),
    path("<int:pk>/plan/", stages.planned_add, name="planned_add"),
    path("stages/<int:pk>/", stages.stage_edit, name="stage_edit"),
    path("stages/<int:pk>/move/", stages.stage_move, name="stage_move"),
    path("stages/<int:pk>/remove/", stages.stage_remove, name="stage_remove"),
    path("stages/<int:pk>/reorder/", stages.planned_reorder, name="planned_reorder"),
    path("stages/<int:pk>/suggest/", suggestions.stage_suggest, name="stage_suggest"),
    path(
        "stages/<int:pk>/suggest/accept/",
        suggestions.stage_suggest_accept,
        name="stage_suggest_accept",
    ),
    path(
        "stages/<int:pk>/suggest/curated/",
        suggestions.stage_curated_apply,
        name="stage_curated_apply",
    ),
    path("planned/<int:pk>/", stages.planned_edit, name="planned_edit"),
    path("planned/<int:pk>/move/", stages.planned_move, name="planned_move"),
    path("planned/<int:pk>/remove/", stages.planned_remove, name="planned_remove"),
    path("planned/<int:pk>/fork/", stages.planned_fork, name="planned_fork"),
    path("<int:pk>/kit/", kit.loop_kit, name="loop_kit"),
    path("stages/<int:pk>/kit/", kit.stage_kit, name="stage_kit"),
]
