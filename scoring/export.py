"""What scoring holds about a candidate, for their subject-access export (candidates.privacy).

Submitted scorecards go out in full: notes, checklist, ratings with evidence, the
recommendation and summary, and every amendment. A scorecard not yet submitted goes out
as "in progress (N notes withheld until submitted)" and nothing of its content: the
export may be run only by someone who owes no scorecard on the candidate (README:
"Erasure and subject access"), but an author's unfinished notes are not yet what the
company holds as its assessment, and releasing them would let a reader of the export see
one interviewer's view before the panel has decided independently. They go out in the
export run once the scorecard is submitted. The committee's decisions go out with their
rationale.
"""

from .models import Decision, QuestionNote, Rating, Scorecard

SCORECARD_PREFETCH = (
    "scorecard__notes__planned__question",
    "scorecard__ratings__competency",
    "scorecard__amendments__by",
)

DECISION_PREFETCH = ("decisions__level", "decisions__by")


def scorecard_export(assignment) -> dict:
    """The assignment's scorecard: in full once submitted, else only that it is in progress."""
    scorecard = getattr(assignment, "scorecard", None)
    if scorecard is None:
        return {}
    if not scorecard.is_submitted:
        return {"scorecard": withheld(scorecard)}
    return {"scorecard": submitted_scorecard(scorecard)}


def written_parts(scorecard: Scorecard) -> int:
    """How many parts of an unsubmitted scorecard hold something (from prefetched rows)."""
    notes = sum(1 for note in scorecard.notes.all() if note_written(note))
    ratings = sum(1 for rating in scorecard.ratings.all() if rating_written(rating))
    overall = 1 if scorecard.recommendation or scorecard.summary.strip() else 0
    return notes + ratings + overall


def note_written(note: QuestionNote) -> bool:
    return bool(note.text.strip() or note.ticks or note.backup_reason.strip())


def rating_written(rating: Rating) -> bool:
    return bool(
        rating.score is not None
        or rating.not_assessed
        or rating.evidence.strip()
        or rating.not_assessed_reason.strip()
    )


def withheld(scorecard: Scorecard) -> dict:
    count = written_parts(scorecard)
    label = "locked" if scorecard.status == Scorecard.Status.LOCKED else "in progress"
    noun = "note" if count == 1 else "notes"
    return {
        "status": scorecard.status,
        "submitted_at": None,
        "content": f"{label} ({count} {noun} withheld until submitted)",
        "withheld_notes": count,
    }


def submitted_scorecard(scorecard: Scorecard) -> dict:
    return {
        "status": scorecard.status,
        "submitted_at": scorecard.submitted_at.isoformat(),
        "recommendation": scorecard.recommendation,
        "summary": scorecard.summary,
        "questions": [
            {
                "question": note.planned.question.title,
                "state": note.state,
                "notes": note.text,
                "checklist_covered": [
                    note.planned.question.checklist[i]
                    for i in note.ticks
                    if i < len(note.planned.question.checklist)
                ],
                "backup_reason": note.backup_reason,
            }
            for note in scorecard.notes.all()
        ],
        "ratings": [
            {
                "competency": rating.competency.name,
                "score": rating.score,
                "not_assessed": rating.not_assessed,
                "not_assessed_reason": rating.not_assessed_reason,
                "evidence": rating.evidence,
            }
            for rating in scorecard.ratings.all()
        ],
        "amendments": [
            {
                "at": amendment.at.isoformat(),
                "by": amendment.by.username,
                "reason": amendment.reason,
                "before": amendment.before,
                "after": amendment.after,
            }
            for amendment in scorecard.amendments.all()
        ],
    }


def decisions_export(application) -> dict:
    """Every decision recorded on the application, oldest first, with its rationale."""
    decisions: list[Decision] = sorted(application.decisions.all(), key=lambda d: (d.at, d.pk))
    return {
        "decisions": [
            {
                "at": decision.at.isoformat(),
                "by": decision.by.username,
                "outcome": decision.get_outcome_display(),
                "level": decision.level.name,
                "rationale": decision.rationale,
            }
            for decision in decisions
        ]
    }
