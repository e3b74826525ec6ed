"""Question analytics' rows from the database: counted scorecards only, and never the
applications the viewer still owes their own scorecard on (two queries per page).

The figures themselves are `scoring.question_stats`' (pure).
"""

from django.db.models import Q, QuerySet

from candidates.models import Application

from .models import QuestionNote, Rating, Scorecard
from .question_stats import NoteRow, RatingRow

APPLICATION = "scorecard__assignment__interview__application"


def _visible(queryset: QuerySet, viewer) -> QuerySet:
    """Notes or ratings of counted scorecards, minus the viewer's pending applications."""
    return queryset.filter(scorecard__in=Scorecard.objects.counted()).exclude(
        **{f"{APPLICATION}_id__in": Scorecard.objects.pending_application_ids(viewer)}
    )


NOTE_FIELDS = {
    "application_id": f"{APPLICATION}_id",
    "candidate_id": f"{APPLICATION}__candidate_id",
    "scorecard_id": "scorecard_id",
    "question_key": "planned__question__key",
    "question_title": "planned__question__title",
    "competency_key": "planned__question__primary_competency__key",
    "state": "state",
    "seconds": "seconds_spent",
    "minutes": "planned__minutes",
    "question_minutes": "planned__question__minutes",
    "backup_for_key": "backup_for__question__key",
    "question_id": "planned__question_id",
}


def note_rows(notes: QuerySet, viewer) -> list[NoteRow]:
    rows = _visible(notes, viewer).order_by("planned__stage__order", "planned__order", "pk")
    out = []
    for row in rows.values(*NOTE_FIELDS.values()):
        values = {name: row[path] for name, path in NOTE_FIELDS.items()}
        minutes, question_minutes = values.pop("minutes"), values.pop("question_minutes")
        out.append(NoteRow(**values, planned_minutes=minutes or question_minutes))
    return out


def rating_rows(applications: QuerySet, viewer) -> list[RatingRow]:
    ratings = _visible(Rating.objects.counted(), viewer).filter(
        **{f"{APPLICATION}_id__in": applications}
    )
    return [
        RatingRow(app, card, competency, score)
        for app, card, competency, score in ratings.values_list(
            f"{APPLICATION}_id", "scorecard_id", "competency__key", "score"
        )
    ]


def for_question(key: str, viewer) -> tuple[list[NoteRow], list[RatingRow]]:
    """The question's notes (and the backups asked instead of it) in every loop."""
    notes = QuestionNote.objects.filter(
        Q(planned__question__key=key) | Q(backup_for__question__key=key)
    )
    applications = (
        _visible(QuestionNote.objects.filter(planned__question__key=key, state="asked"), viewer)
        .values(f"{APPLICATION}_id")
        .distinct()
    )
    return note_rows(notes, viewer), rating_rows(applications, viewer)


def for_loop(loop_key: str, viewer) -> tuple[list[NoteRow], list[RatingRow]]:
    """Every note on every version of the loop, and the ratings of its applications."""
    notes = QuestionNote.objects.filter(planned__stage__loop__key=loop_key)
    applications = Application.objects.filter(loop__key=loop_key).values("pk")
    return note_rows(notes, viewer), rating_rows(applications, viewer)


def excluded_for_question(key: str, viewer) -> int:
    """Applications planning the question that the viewer's pending scorecards hide (1 query)."""
    return (
        Application.objects.filter(
            pk__in=Scorecard.objects.pending_application_ids(viewer),
            loop__stages__planned__question__key=key,
        )
        .distinct()
        .count()
    )


def excluded_for_loop(loop_key: str, viewer) -> int:
    """The loop's applications that the viewer's pending scorecards hide (one query)."""
    return Application.objects.filter(
        pk__in=Scorecard.objects.pending_application_ids(viewer), loop__key=loop_key
    ).count()
