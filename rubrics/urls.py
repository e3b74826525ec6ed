from django.urls import path

from . import bank_views
from .views import browse, edit_questions, edit_scales_ladders

app_name = "rubrics"

urlpatterns = [
    path("questions/", browse.question_list, name="question_list"),
    path("questions/<int:pk>/", browse.question_detail, name="question_detail"),
    path("competencies/", browse.competency_list, name="competency_list"),
    path("competencies/<int:pk>/", browse.competency_detail, name="competency_detail"),
    path("questions/new/", edit_questions.question_create, name="question_create"),
    path("questions/<int:pk>/edit/", edit_questions.question_edit, name="question_edit"),
    path(
        "questions/<int:pk>/duplicate/",
        edit_questions.question_duplicate,
        name="question_duplicate",
    ),
    path("questions/<int:pk>/archive/", edit_questions.question_archive, name="question_archive"),
    path("competencies/new/", edit_questions.competency_create, name="competency_create"),
    path("competencies/<int:pk>/edit/", edit_questions.competency_edit, name="competency_edit"),
    path(
        "competencies/<int:pk>/archive/",
        edit_questions.competency_archive,
        name="competency_archive",
    ),
    path("ladders/", browse.ladder_list, name="ladder_list"),
    path("ladders/<int:pk>/", browse.ladder_detail, name="ladder_detail"),
    path("banks/", bank_views.bank_list, name="bank_list"),
    path("banks/import/", bank_views.bank_import, name="bank_import"),
    path("banks/<slug:key>/export/", bank_views.bank_export, name="bank_export"),
    path("scales/", edit_scales_ladders.scale_list, name="scale_list"),
    path("scales/new/", edit_scales_ladders.scale_create, name="scale_create"),
    path("scales/<int:pk>/", edit_scales_ladders.scale_detail, name="scale_detail"),
    path("scales/<int:pk>/edit/", edit_scales_ladders.scale_edit, name="scale_edit"),
    path("scales/<int:pk>/archive/", edit_scales_ladders.scale_archive, name="scale_archive"),
    path("ladders/new/", edit_scales_ladders.ladder_create, name="ladder_create"),
    path("ladders/<int:pk>/edit/", edit_scales_ladders.ladder_edit, name="ladder_edit"),
    path("ladders/<int:pk>/levels/new/", edit_scales_ladders.level_create, name="level_create"),
    path("levels/<int:pk>/edit/", edit_scales_ladders.level_edit, name="level_edit"),
]
