"""Writing a scorecard: autosaved parts, the backup swap, submission and amendments.

Each part (a question's note, a competency's rating, the overall recommendation and
summary) saves on its own with a conditional UPDATE on its revision: two tabs or two
devices never overwrite each other silently; the later save is refused with the
version it would have replaced (`StaleRevision`), so the interviewer can choose.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import F, Prefetch, prefetch_related_objects
from django.dispatch import Signal
from django.utils import timezone

from accounts.audit import record
from candidates.models import ERASED_MESSAGE
from candidates.services import change_status
from integrations import events
from interviews.models import PlannedQuestion
from rubrics.models import ScalePoint

from .models import Amendment, Decision, QuestionNote, Rating, Recommendation, Scorecard

# sender=Scorecard, scorecard=the scorecard submitted or amended (packets go stale).
scorecard_changed = Signal()
# sender=Decision, decision=the decision just recorded (packets go stale too).
decision_recorded = Signal()

NOTE_MAX_CHARS = 20_000
EVIDENCE_MAX_CHARS = 10_000


class StaleRevision(Exception):
    """A save based on a revision that is no longer the current one."""

    def __init__(self, current):
        super().__init__("This part was saved elsewhere since you loaded it.")
        self.current = current


class ScorecardLocked(Exception):
    """The scorecard is submitted: changes go through an amendment."""

    message = "This scorecard is submitted: change it through an amendment."


class ScorecardErased(ScorecardLocked):
    """The scorecard's candidate was erased: it is locked for good (`lock_drafts`)."""

    message = ERASED_MESSAGE


def locked_error(status: str) -> ScorecardLocked:
    """Why a scorecard that is no longer a draft refuses a change."""
    return ScorecardErased() if status == Scorecard.Status.LOCKED else ScorecardLocked()


def lock_drafts(scorecards) -> int:
    """Erasure: drafts become locked, which every save statement refuses (status=draft).

    Submitted scorecards stay as they are (their numbers count, anonymised); their
    amendment is refused by the application's erased status.
    """
    return scorecards.filter(status=Scorecard.Status.DRAFT).update(
        status=Scorecard.Status.LOCKED, updated_at=timezone.now()
    )


# --- Creating the parts ------------------------------------------------------------


def stage_competencies(stage) -> list:
    """The loop's competencies that the stage's questions assess (backups included), in order."""
    planned = PlannedQuestion.objects.select_related("question").prefetch_related(
        "question__secondary_competencies"
    )
    prefetch_related_objects([stage], Prefetch("planned", queryset=planned))
    assessed = stage.assessed_competency_ids()
    items = stage.loop.loop_competencies.select_related("competency").order_by("order", "pk")
    return [item.competency for item in items if item.competency_id in assessed]


def create_parts(scorecard: Scorecard) -> None:
    """One note per planned question and one rating per assessed competency (idempotent)."""
    stage = scorecard.assignment.interview.stage
    have_notes = set(scorecard.notes.values_list("planned_id", flat=True))
    QuestionNote.objects.bulk_create(
        QuestionNote(scorecard=scorecard, planned=p)
        for p in stage.planned.all()
        if p.pk not in have_notes
    )
    have_ratings = set(scorecard.ratings.values_list("competency_id", flat=True))
    Rating.objects.bulk_create(
        Rating(scorecard=scorecard, competency=c, order=i)
        for i, c in enumerate(stage_competencies(stage))
        if c.pk not in have_ratings
    )


# --- Autosaved parts ----------------------------------------------------------------


def _touch(scorecard_id: int) -> None:
    Scorecard.objects.filter(pk=scorecard_id).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )


def clean_ticks(ticks, checklist: list) -> list[int]:
    """Checklist indices, each once, in order; anything outside the checklist is refused."""
    cleaned = set()
    for tick in ticks:
        try:
            index = int(tick)
        except (TypeError, ValueError):
            raise ValidationError({"ticks": f"“{tick}” is not an item of the checklist."}) from None
        if not 0 <= index < len(checklist):
            raise ValidationError({"ticks": f"The checklist has no item {index + 1}."})
        cleaned.add(index)
    return sorted(cleaned)


def clean_note(*, text: str, state: str, ticks: list, checklist: list) -> list[int]:
    """Check a note's fields; the cleaned ticks, or a ValidationError at the field."""
    if len(text) > NOTE_MAX_CHARS:
        raise ValidationError({"text": f"Notes are limited to {NOTE_MAX_CHARS:,} characters."})
    if state not in QuestionNote.State.values:
        raise ValidationError({"state": "Choose asked, skipped or not yet."})
    return clean_ticks(ticks, checklist)


def write_part(model, scorecard_id: int, pk: int, base_revision: int, fields: dict) -> bool:
    """Write one part of a draft scorecard if `base_revision` is current: True if written.

    No read: the scorecard row is locked (so the save is ordered against a concurrent
    submission, which locks it too) and must still be a draft; the part is updated on
    its revision; then the scorecard's revision is bumped. All or nothing; on False the
    caller reads why. On PostgreSQL it is one statement (autosave's hot path: one round
    trip instead of four); elsewhere the same in a transaction.
    """
    if connection.vendor == "postgresql":
        return _write_part_in_one_statement(model, scorecard_id, pk, base_revision, fields)
    return _write_part_in_a_transaction(model, scorecard_id, pk, base_revision, fields)


@transaction.atomic
def _write_part_in_a_transaction(model, scorecard_id, pk, base_revision, fields) -> bool:
    now = timezone.now()
    if not Scorecard.objects.filter(pk=scorecard_id, status=Scorecard.Status.DRAFT).update(
        revision=F("revision") + 1, updated_at=now
    ):
        return False
    if not model.objects.filter(pk=pk, scorecard_id=scorecard_id, revision=base_revision).update(
        **fields, revision=F("revision") + 1, updated_at=now
    ):
        transaction.set_rollback(True)
        return False
    return True


def _write_part_in_one_statement(model, scorecard_id, pk, base_revision, fields) -> bool:
    names = sorted(fields)
    part, card = model._meta, Scorecard._meta
    assignments = ", ".join(f"{_column(model, name)} = %s" for name in names)
    sql = f"""
        WITH card AS (
            SELECT id FROM {card.db_table} WHERE id = %s AND status = %s FOR UPDATE
        ), part AS (
            UPDATE {part.db_table} SET {assignments}, revision = revision + 1, updated_at = %s
            WHERE id = %s AND revision = %s AND scorecard_id IN (SELECT id FROM card)
            RETURNING scorecard_id
        )
        UPDATE {card.db_table} SET revision = revision + 1, updated_at = %s
        WHERE id IN (SELECT scorecard_id FROM part)
        RETURNING id
    """
    now = timezone.now()
    values = [_db_value(model, name, fields[name]) for name in names]
    params = [scorecard_id, Scorecard.Status.DRAFT, *values, now, pk, base_revision, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _db_value(model, name: str, value):
    """The value as the database takes it (a JSON list goes through the field's adapter)."""
    field = model._meta.get_field(name)
    return field.get_db_prep_save(value, connection)


def save_note(
    note: QuestionNote,
    *,
    text: str,
    state: str,
    ticks: list,
    base_revision: int,
    seconds_spent: int | None = None,
) -> QuestionNote:
    """Save a question's note, state and ticks if `base_revision` is still current.

    `note` is the row as loaded with its planned question (for the checklist); the
    UPDATE itself decides, so a concurrent save between load and write is caught too.
    `seconds_spent` (the live clock's time on the question), when given, goes with it.
    """
    ticks = clean_note(
        text=text, state=state, ticks=ticks, checklist=note.planned.question.checklist
    )
    fields = {"text": text, "state": state, "ticks": ticks}
    if seconds_spent is not None:
        fields["seconds_spent"] = seconds_spent
    if not write_part(QuestionNote, note.scorecard_id, note.pk, base_revision, fields):
        _refuse(QuestionNote, note)
    note.text, note.state, note.ticks = text, state, ticks
    if seconds_spent is not None:
        note.seconds_spent = seconds_spent
    note.revision = base_revision + 1
    return note


def record_seconds(scorecard_id: int, pk: int, seconds: int) -> bool:
    """The live clock's time on a question, kept on its note of a draft: True if kept.

    Not the interviewer's words: no revision is checked or bumped, so the clock ticking
    on one device never makes another device's next save a conflict. One UPDATE.
    """
    return bool(
        QuestionNote.objects.filter(
            pk=pk, scorecard_id=scorecard_id, scorecard__status=Scorecard.Status.DRAFT
        ).update(seconds_spent=seconds)
    )


def _refuse(model, part) -> None:
    """Tell a stale save from a save on a submitted or locked scorecard; raise accordingly."""
    current = model.objects.select_related("scorecard").get(pk=part.pk)
    if current.scorecard.status != Scorecard.Status.DRAFT:
        raise locked_error(current.scorecard.status)
    raise StaleRevision(current)


_scale_values: dict[int, frozenset[int]] = {}


def scale_values(scale_id: int) -> frozenset[int]:
    """The points of a scale (cached: a published loop's scale is locked, never changes)."""
    if scale_id not in _scale_values:
        _scale_values[scale_id] = frozenset(
            ScalePoint.objects.filter(scale_id=scale_id).values_list("value", flat=True)
        )
    return _scale_values[scale_id]


def clean_rating(
    *, score, evidence: str, not_assessed: bool, reason: str, scale_id: int
) -> dict[str, Any]:
    """The rating's fields as they will be saved, or a ValidationError at the field."""
    if len(evidence) > EVIDENCE_MAX_CHARS:
        raise ValidationError(
            {"evidence": f"Evidence is limited to {EVIDENCE_MAX_CHARS:,} characters."}
        )
    if not_assessed:
        return {
            "score": None,
            "evidence": evidence,
            "not_assessed": True,
            "not_assessed_reason": reason,
        }
    if score in (None, ""):
        score = None
    else:
        values = scale_values(scale_id)
        try:
            number = int(score)
        except (TypeError, ValueError):
            number = None
        if number not in values:
            _out_of_scale(score, values)
        score = number
    return {
        "score": score,
        "evidence": evidence,
        "not_assessed": False,
        "not_assessed_reason": reason,
    }


def _out_of_scale(score, values) -> None:
    low, high = min(values), max(values)
    raise ValidationError({"score": f"“{score}” is not on the scale: choose {low} to {high}."})


def save_rating(
    rating: Rating,
    *,
    score,
    evidence: str,
    not_assessed: bool,
    reason: str,
    base_revision: int,
    scale_id: int,
) -> Rating:
    """Save a competency's rating if `base_revision` is still current."""
    fields = clean_rating(
        score=score, evidence=evidence, not_assessed=not_assessed, reason=reason, scale_id=scale_id
    )
    if not write_part(Rating, rating.scorecard_id, rating.pk, base_revision, fields):
        _refuse(Rating, rating)
    for name, value in fields.items():
        setattr(rating, name, value)
    rating.revision = base_revision + 1
    return rating


def clean_overall(*, recommendation: str, summary: str) -> None:
    if recommendation not in ("", *Recommendation.values):
        raise ValidationError({"recommendation": "Choose strong no, no, yes or strong yes."})
    if len(summary) > NOTE_MAX_CHARS:
        raise ValidationError(
            {"summary": f"The summary is limited to {NOTE_MAX_CHARS:,} characters."}
        )


def write_overall(scorecard_id: int, base_revision: int, recommendation: str, summary: str) -> bool:
    """One UPDATE: the overall part of a draft scorecard, if `base_revision` is current."""
    return bool(
        Scorecard.objects.filter(
            pk=scorecard_id, overall_revision=base_revision, status=Scorecard.Status.DRAFT
        ).update(
            recommendation=recommendation,
            summary=summary,
            overall_revision=F("overall_revision") + 1,
            revision=F("revision") + 1,
            updated_at=timezone.now(),
        )
    )


def save_overall(
    scorecard: Scorecard, *, recommendation: str, summary: str, base_revision: int
) -> Scorecard:
    """Save the recommendation and summary if `base_revision` is still current."""
    clean_overall(recommendation=recommendation, summary=summary)
    if not write_overall(scorecard.pk, base_revision, recommendation, summary):
        current = Scorecard.objects.get(pk=scorecard.pk)
        if current.status != Scorecard.Status.DRAFT:
            raise locked_error(current.status)
        raise StaleRevision(current)
    scorecard.recommendation, scorecard.summary = recommendation, summary
    scorecard.overall_revision = base_revision + 1
    scorecard.revision += 1
    return scorecard


# --- The backup question ------------------------------------------------------------


@transaction.atomic
def use_backup(backup: QuestionNote, *, instead_of: QuestionNote, reason: str, by) -> None:
    """Ask the backup question instead of a planned one, recording why.

    The replaced question is marked skipped; its notes stay. Only a backup may stand in,
    for a question of the same scorecard that is not itself a backup.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Say why the backup is asked (e.g. no on-call experience)."}
        )
    scorecard = Scorecard.objects.select_for_update().get(pk=backup.scorecard_id)
    if scorecard.status != Scorecard.Status.DRAFT:
        raise locked_error(scorecard.status)
    if not backup.planned.is_backup:
        raise ValidationError({"backup": "Only a backup question can be swapped in."})
    if instead_of.scorecard_id != backup.scorecard_id or instead_of.planned.is_backup:
        raise ValidationError({"instead_of": "Choose one of this interview's planned questions."})
    now = timezone.now()
    QuestionNote.objects.filter(pk=backup.pk).update(
        backup_for=instead_of.planned,
        backup_reason=reason,
        state=QuestionNote.State.ASKED,
        revision=F("revision") + 1,
        updated_at=now,
    )
    QuestionNote.objects.filter(pk=instead_of.pk).update(
        state=QuestionNote.State.SKIPPED, revision=F("revision") + 1, updated_at=now
    )
    _touch(scorecard.pk)
    record(
        by,
        "scorecard.backup_used",
        scorecard,
        backup=backup.planned.question.title,
        instead_of=instead_of.planned.question.title,
    )


@transaction.atomic
def undo_backup(backup: QuestionNote, *, by) -> None:
    """Put the replaced question back; the backup's notes stay."""
    scorecard = Scorecard.objects.select_for_update().get(pk=backup.scorecard_id)
    if scorecard.status != Scorecard.Status.DRAFT:
        raise locked_error(scorecard.status)
    if backup.backup_for_id is None:
        return
    now = timezone.now()
    QuestionNote.objects.filter(scorecard=scorecard, planned_id=backup.backup_for_id).update(
        state=QuestionNote.State.OPEN, revision=F("revision") + 1, updated_at=now
    )
    QuestionNote.objects.filter(pk=backup.pk).update(
        backup_for=None, backup_reason="", revision=F("revision") + 1, updated_at=now
    )
    _touch(scorecard.pk)
    record(by, "scorecard.backup_undone", scorecard, backup=backup.planned.question.title)


# --- Submission and amendments ------------------------------------------------------


def missing_pieces(scorecard: Scorecard, notes=None, ratings=None) -> dict[str, str]:
    """What stops the scorecard from being submitted, keyed by the place it belongs.

    Keys: `rating-<id>` and `rating-<id>-evidence`, `note-<id>`, `recommendation`, `summary`.
    """
    notes = list(scorecard.notes.select_related("planned")) if notes is None else notes
    ratings = list(scorecard.ratings.select_related("competency")) if ratings is None else ratings
    missing: dict[str, str] = {}
    replaced = {n.backup_for_id for n in notes if n.backup_for_id}
    for note in notes:
        planned: PlannedQuestion = note.planned
        if planned.is_backup or not planned.must_ask or planned.pk in replaced:
            continue
        if note.state == QuestionNote.State.OPEN and not note.text.strip():
            missing[f"note-{note.pk}"] = "Mark this question asked or skipped."
    for rating in ratings:
        if rating.not_assessed:
            if not rating.not_assessed_reason.strip():
                missing[f"rating-{rating.pk}"] = "Say why this competency was not assessed."
        elif rating.score is None:
            missing[f"rating-{rating.pk}"] = (
                "Choose a score, or mark it not assessed with a reason."
            )
        elif not rating.evidence.strip():
            missing[f"rating-{rating.pk}-evidence"] = "Give the evidence for this score."
    if not scorecard.recommendation:
        missing["recommendation"] = "Choose a recommendation."
    if not scorecard.summary.strip():
        missing["summary"] = "Write a summary for the committee."
    return missing


@transaction.atomic
def submit_scorecard(scorecard: Scorecard, *, by) -> Scorecard:
    """Submit a complete scorecard; a ValidationError lists every missing piece at its place."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status != Scorecard.Status.DRAFT:
        raise locked_error(scorecard.status)
    missing = missing_pieces(scorecard)
    if missing:
        raise ValidationError(missing)
    scorecard.status = Scorecard.Status.SUBMITTED
    scorecard.submitted_at = timezone.now()
    scorecard.save(update_fields=["status", "submitted_at", "updated_at"])
    record(by, "scorecard.submitted", scorecard, recommendation=scorecard.recommendation)
    events.scorecard_submitted(scorecard)
    scorecard_changed.send(sender=Scorecard, scorecard=scorecard)
    return scorecard


@transaction.atomic
def amend_scorecard(
    scorecard: Scorecard, *, by, reason: str, ratings: dict[int, dict], overall: dict
) -> Amendment | None:
    """Change a submitted scorecard with a reason; the before and after are kept.

    `ratings`: {rating id: {score, evidence, not_assessed, not_assessed_reason}};
    `overall`: {recommendation, summary}. Nothing changed → no amendment (None). The
    result must still be complete, as at submission.
    """
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status == Scorecard.Status.LOCKED:
        raise ValidationError(ERASED_MESSAGE)
    if not scorecard.is_submitted:
        raise ValidationError("Only a submitted scorecard is amended; a draft is simply edited.")
    # Erasure locks the scorecards' rows too, so this read sees an erasure that won the race.
    scorecard.assignment.interview.application.refuse_if_erased()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why you amend a submitted scorecard."})
    scale_id = scorecard.assignment.interview.application.loop.scale_id
    current = {r.pk: r for r in scorecard.ratings.select_related("competency")}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for pk, values in ratings.items():
        rating = current.get(pk)
        if rating is None:
            continue
        try:
            fields = clean_rating(
                score=values.get("score"),
                evidence=values.get("evidence", ""),
                not_assessed=values.get("not_assessed", False),
                reason=values.get("not_assessed_reason", ""),
                scale_id=scale_id,
            )
        except ValidationError as error:
            errors.update({f"rating-{pk}": m[0] for m in error.message_dict.values()})
            continue
        old = rating.form_values()
        if fields != old:
            before[rating.competency.name], after[rating.competency.name] = old, fields
            for name, value in fields.items():
                setattr(rating, name, value)
    if overall.get("recommendation", scorecard.recommendation) not in Recommendation.values:
        errors["recommendation"] = "Choose strong no, no, yes or strong yes."
    if errors:
        raise ValidationError(errors)
    for name in ("recommendation", "summary"):
        value = overall.get(name, getattr(scorecard, name))
        if value != getattr(scorecard, name):
            before[name], after[name] = getattr(scorecard, name), value
            setattr(scorecard, name, value)
    if not after:
        return None
    missing = missing_pieces(
        scorecard,
        ratings=list(current.values()),
        notes=list(scorecard.notes.select_related("planned")),
    )
    if missing:
        raise ValidationError(missing)
    now = timezone.now()
    for rating in current.values():
        if rating.competency.name in after:
            rating.revision += 1
            rating.save(update_fields=[*rating.form_values(), "revision", "updated_at"])
    scorecard.revision += 1
    scorecard.save(update_fields=["recommendation", "summary", "revision", "updated_at"])
    amendment = Amendment.objects.create(
        scorecard=scorecard, by=by, reason=reason, before=before, after=after
    )
    record(by, "scorecard.amended", scorecard, reason=reason, changed=sorted(after), at=now)
    scorecard_changed.send(sender=Scorecard, scorecard=scorecard)
    return amendment


# --- The committee's decision -------------------------------------------------------

# Recording a decision moves the application (DESIGN): Hold leaves it as it is.
STATUS_AFTER = {"hire": "offer", "no_hire": "rejected"}


@transaction.atomic
def record_decision(application, *, outcome: str, level, rationale: str, by) -> Decision:
    """The committee's Hire / No hire / Hold at a level, with why; moves the status; audited.

    The level may differ from the loop's, but stays on the loop's ladder.
    """
    application.refuse_if_erased(NON_FIELD_ERRORS)
    errors = {}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = "Choose hire, no hire or hold."
    if level is None or level.ladder_id != application.loop.level.ladder_id:
        errors["level"] = "Choose a level of this role's ladder."
    if not rationale.strip():
        errors["rationale"] = "Give the committee's rationale."
    if application.is_closed:
        errors["outcome"] = f"The application is {application.get_status_display().lower()}."
    if errors:
        raise ValidationError(errors)
    decision = Decision.objects.create(
        application=application, outcome=outcome, level=level, rationale=rationale.strip(), by=by
    )
    record(by, "decision.recorded", application, outcome=outcome, level=level.name)
    if outcome in STATUS_AFTER:
        change_status(application, STATUS_AFTER[outcome], by=by)
    events.decision_recorded(decision)
    decision_recorded.send(sender=Decision, decision=decision)
    return decision
