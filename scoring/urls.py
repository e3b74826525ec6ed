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

from .views import scorecard  # noqa: E402  (the scorecard screen: live, read-only, amend)

urlpatterns += [
    path("scorecards/<int:pk>/", scorecard.scorecard, name="scorecard"),
    path("scorecards/<int:pk>/save/", scorecard.save_part, name="part_save"),
    path("scorecards/<int:pk>/backup/", scorecard.backup_use, name="backup_use"),
    path("scorecards/<int:pk>/backup/undo/", scorecard.backup_undo, name="backup_undo"),
    path("scorecards/<int:pk>/submit/", scorecard.submit, name="submit"),
    path("scorecards/<int:pk>/amend/", scorecard.amend, name="amend"),
]

from .views import packets  # noqa: E402  (debrief packets: status, request, download)

urlpatterns += [
    path("applications/<int:pk>/packets/", packets.packets, name="packets"),
    path("applications/<int:pk>/packets/request/", packets.packet_request, name="packet_request"),
    path("packets/<int:pk>/download/", packets.packet_download, name="packet_download"),
]

from .views import committee  # noqa: E402  (the committee's view of an application, decisions)

urlpatterns += [
    path("applications/<int:pk>/committee/", committee.committee, name="committee"),
    path("applications/<int:pk>/decisions/", committee.decision_record, name="decision_record"),
]

from .views import calibration  # noqa: E402  (calibration, reliability, the ratings export)

urlpatterns += [
    path("calibration/", calibration.calibration, name="calibration"),
    path("calibration/<int:pk>/", calibration.calibration_person, name="calibration_person"),
    path("reliability/", calibration.reliability, name="reliability"),
    path("ratings.csv", calibration.ratings_csv, name="ratings_csv"),
]

from .views import questions  # noqa: E402  (question analytics: per question, per loop)

urlpatterns += [
    path("questions/<int:pk>/analytics/", questions.question_analytics, name="question_analytics"),
    path("loops/<int:pk>/questions/", questions.loop_questions, name="loop_questions"),
]
