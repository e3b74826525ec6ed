from django.urls import path

app_name = "candidates"

urlpatterns: list = []

from .views import applications, candidates  # noqa: E402  (candidates and applications)

urlpatterns += [
    path("", candidates.candidate_list, name="candidate_list"),
    path("new/", candidates.candidate_create, name="candidate_create"),
    path("<int:pk>/", candidates.candidate_detail, name="candidate_detail"),
    path("<int:pk>/edit/", candidates.candidate_edit, name="candidate_edit"),
    path("<int:pk>/cv/", candidates.candidate_cv, name="candidate_cv"),
    path("<int:pk>/apply/", applications.application_create, name="application_create"),
    path("applications/<int:pk>/", applications.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/status/", applications.application_status, name="application_status"
    ),
    path(
        "applications/<int:pk>/committee/",
        applications.application_committee,
        name="application_committee",
    ),
]

from .views import privacy  # noqa: E402  (erasure and subject-access export)

urlpatterns += [
    path("<int:pk>/erase/", privacy.candidate_erase, name="candidate_erase"),
    path("<int:pk>/export/", privacy.candidate_export, name="candidate_export"),
]

from .views import scheduling  # noqa: E402  (interviews and the people on them)

urlpatterns += [
    path(
        "applications/<int:pk>/interviews/schedule/",
        scheduling.interview_schedule,
        name="interview_schedule",
    ),
    path("interviews/<int:pk>/", scheduling.interview_detail, name="interview_detail"),
    path(
        "interviews/<int:pk>/reschedule/",
        scheduling.interview_reschedule,
        name="interview_reschedule",
    ),
    path("interviews/<int:pk>/state/", scheduling.interview_state, name="interview_state"),
    path("interviews/<int:pk>/assignments/add/", scheduling.assignment_add, name="assignment_add"),
    path("assignments/<int:pk>/replace/", scheduling.assignment_replace, name="assignment_replace"),
    path("assignments/<int:pk>/remove/", scheduling.assignment_remove, name="assignment_remove"),
]

from .views import imports  # noqa: E402  (the candidate CSV import)

urlpatterns += [
    path("import/", imports.import_upload, name="import_upload"),
    path("import/<int:pk>/", imports.import_preview, name="import_preview"),
    path("import/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("import/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", imports.import_discard, name="import_discard"),
]
