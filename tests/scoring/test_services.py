"""Writing a scorecard through the services: parts, revisions, backup, submit, amend, erasure."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEntry
from candidates.privacy import erase_candidate
from scoring import services
from scoring.models import Amendment, QuestionNote, Rating, Scorecard
from tests.factories import fill_scorecard, make_scorecard


@pytest.fixture
def card(interviewer, recruiter):
    return make_scorecard(interviewer, by=recruiter)


def notes(card) -> dict[str, QuestionNote]:
    return {n.planned.question.title: n for n in card.notes.select_related("planned__question")}


def ratings(card) -> dict[str, Rating]:
    return {r.competency.name: r for r in card.ratings.select_related("competency")}


def scale_id(card) -> int:
    return card.assignment.interview.application.loop.scale_id


def complete(card) -> None:
    """Fill in everything a submission needs, through the services."""
    fill_scorecard(
        card,
        evidence="Walked through the rollback",
        notes="Clear timeline",
        summary="Solid owner",
        every_question=False,
    )


def test_assigning_creates_a_note_per_planned_question_and_a_rating_per_competency(card):
    assert sorted(notes(card)) == ["Design a queue", "Outage you owned", "Project you rescued"]
    assert list(ratings(card)) == ["Ownership", "Systems design"]
    assert card.is_untouched


def test_a_note_saves_with_a_new_revision_and_the_scorecard_is_no_longer_untouched(card):
    note = notes(card)["Outage you owned"]

    services.save_note(
        note, text="Led the incident", state="asked", ticks=[2, 0, 2], base_revision=0
    )

    note.refresh_from_db()
    assert (note.text, note.state, note.ticks, note.revision) == (
        "Led the incident",
        "asked",
        [0, 2],
        1,
    )
    assert not Scorecard.objects.get(pk=card.pk).is_untouched


def test_a_save_on_a_stale_revision_is_refused_with_the_other_version(card):
    note = notes(card)["Outage you owned"]
    first_tab = QuestionNote.objects.get(pk=note.pk)
    services.save_note(note, text="From the laptop", state="open", ticks=[], base_revision=0)

    with pytest.raises(services.StaleRevision) as refused:
        services.save_note(
            first_tab, text="From the tablet", state="open", ticks=[], base_revision=0
        )

    assert refused.value.current.text == "From the laptop"
    assert QuestionNote.objects.get(pk=note.pk).text == "From the laptop"


def test_a_tick_outside_the_checklist_is_refused_and_nothing_saved(card):
    note = notes(card)["Outage you owned"]

    with pytest.raises(ValidationError) as error:
        services.save_note(note, text="x", state="open", ticks=[3], base_revision=0)

    assert "no item 4" in str(error.value)
    assert QuestionNote.objects.get(pk=note.pk).revision == 0


def test_a_score_off_the_scale_is_refused_with_the_scale_in_the_message(card):
    rating = ratings(card)["Ownership"]

    with pytest.raises(ValidationError) as error:
        services.save_rating(
            rating,
            score="9",
            evidence="",
            not_assessed=False,
            reason="",
            base_revision=0,
            scale_id=scale_id(card),
        )

    assert error.value.message_dict == {"score": ["“9” is not on the scale: choose 1 to 5."]}
    assert Rating.objects.get(pk=rating.pk).score is None


def test_not_assessed_clears_the_score(card):
    rating = ratings(card)["Systems design"]
    services.save_rating(
        rating,
        score=3,
        evidence="",
        not_assessed=False,
        reason="",
        base_revision=0,
        scale_id=scale_id(card),
    )

    services.save_rating(
        rating,
        score=3,
        evidence="",
        not_assessed=True,
        reason="Ran out of time",
        base_revision=1,
        scale_id=scale_id(card),
    )

    rating.refresh_from_db()
    assert (rating.score, rating.not_assessed, rating.not_assessed_reason) == (
        None,
        True,
        "Ran out of time",
    )


def test_the_backup_stands_in_for_a_planned_question_with_its_reason(card, interviewer):
    parts = notes(card)

    services.use_backup(
        parts["Project you rescued"],
        instead_of=parts["Outage you owned"],
        reason="Never on call",
        by=interviewer,
    )

    parts = notes(card)
    assert parts["Project you rescued"].backup_for == parts["Outage you owned"].planned
    assert parts["Project you rescued"].backup_reason == "Never on call"
    assert parts["Outage you owned"].state == QuestionNote.State.SKIPPED
    assert AuditEntry.objects.filter(verb="scorecard.backup_used").count() == 1


def test_a_backup_needs_a_reason(card, interviewer):
    parts = notes(card)

    with pytest.raises(ValidationError):
        services.use_backup(
            parts["Project you rescued"],
            instead_of=parts["Outage you owned"],
            reason="  ",
            by=interviewer,
        )


def test_submit_lists_every_missing_piece_at_its_place(card, interviewer):
    parts, scores = notes(card), ratings(card)

    with pytest.raises(ValidationError) as error:
        services.submit_scorecard(card, by=interviewer)

    assert set(error.value.message_dict) == {
        f"note-{parts['Outage you owned'].pk}",
        f"rating-{scores['Ownership'].pk}",
        f"rating-{scores['Systems design'].pk}",
        "recommendation",
        "summary",
    }
    assert not Scorecard.objects.get(pk=card.pk).is_submitted


def test_submit_refuses_a_score_without_evidence(card, interviewer):
    complete(card)
    rating = ratings(card)["Ownership"]
    services.save_rating(
        rating,
        score=4,
        evidence=" ",
        not_assessed=False,
        reason="",
        base_revision=rating.revision,
        scale_id=scale_id(card),
    )

    with pytest.raises(ValidationError) as error:
        services.submit_scorecard(card, by=interviewer)

    assert list(error.value.message_dict) == [f"rating-{rating.pk}-evidence"]


def test_a_submitted_scorecard_refuses_autosaves(card, interviewer):
    complete(card)
    services.submit_scorecard(card, by=interviewer)
    note = notes(card)["Outage you owned"]

    with pytest.raises(services.ScorecardLocked):
        services.save_note(
            note, text="late edit", state="asked", ticks=[], base_revision=note.revision
        )

    assert QuestionNote.objects.get(pk=note.pk).text == "Clear timeline"


def test_an_amendment_keeps_who_when_why_before_and_after(card, interviewer):
    complete(card)
    services.submit_scorecard(card, by=interviewer)
    rating = ratings(card)["Ownership"]

    amendment = services.amend_scorecard(
        card,
        by=interviewer,
        reason="Misread my notes",
        ratings={
            rating.pk: {
                "score": "2",
                "evidence": "Blamed the team",
                "not_assessed": False,
                "not_assessed_reason": "",
            }
        },
        overall={"recommendation": "no", "summary": "Solid owner"},
    )

    assert amendment.by == interviewer and amendment.reason == "Misread my notes"
    assert amendment.before == {
        "Ownership": {
            "score": 4,
            "evidence": "Walked through the rollback",
            "not_assessed": False,
            "not_assessed_reason": "",
        },
        "recommendation": "yes",
    }
    assert amendment.after["Ownership"]["score"] == 2
    assert Rating.objects.get(pk=rating.pk).score == 2
    assert Scorecard.objects.get(pk=card.pk).recommendation == "no"
    assert AuditEntry.objects.filter(verb="scorecard.amended").exists()


def test_an_amendment_needs_a_reason_and_changes_nothing_without_one(card, interviewer):
    complete(card)
    services.submit_scorecard(card, by=interviewer)

    with pytest.raises(ValidationError):
        services.amend_scorecard(
            card, by=interviewer, reason="", ratings={}, overall={"recommendation": "no"}
        )

    assert Scorecard.objects.get(pk=card.pk).recommendation == "yes"
    assert not Amendment.objects.exists()


def test_erasure_clears_notes_evidence_summary_and_amendments_but_keeps_scores(
    card, interviewer, recruiter
):
    complete(card)
    services.submit_scorecard(card, by=interviewer)
    services.amend_scorecard(
        card, by=interviewer, reason="Typo", ratings={}, overall={"summary": "Solid owner, calm"}
    )

    erase_candidate(card.assignment.interview.application.candidate, by=recruiter)

    assert set(QuestionNote.objects.values_list("text", flat=True)) == {""}
    assert set(Rating.objects.values_list("evidence", flat=True)) == {""}
    assert list(Rating.objects.values_list("score", flat=True)) == [4, 4]
    assert Scorecard.objects.get(pk=card.pk).summary == ""
    assert list(Amendment.objects.values_list("reason", "before", "after")) == [("", {}, {})]


def test_erasure_blanks_decision_rationales_and_deletes_packets_with_their_files(
    card, recruiter, django_capture_on_commit_callbacks, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from scoring.models import Decision, Packet

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    application = card.assignment.interview.application
    Decision.objects.create(
        application=application,
        outcome="hire",
        level=application.loop.level,
        rationale="Strong on Casey's incident story",
        by=recruiter,
    )
    # Saved with its file in one INSERT: the database refuses a ready packet without one.
    packet = Packet(application=application, status="ready")
    packet.file.save("packet.pdf", ContentFile(b"%PDF-1.7 about the candidate"))
    path = tmp_path / packet.file.name
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(application.candidate, by=recruiter)

    assert list(Decision.objects.values_list("outcome", "rationale")) == [("hire", "")]
    assert not Packet.objects.exists()
    assert not path.exists()


# The committee's decision -----------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "status"), [("hire", "offer"), ("no_hire", "rejected"), ("hold", "active")]
)
def test_a_decision_moves_the_application_as_design_says(card, recruiter, outcome, status):
    application = card.assignment.interview.application

    services.record_decision(
        application,
        outcome=outcome,
        level=application.loop.level,
        rationale="Consistent evidence",
        by=recruiter,
    )

    application.refresh_from_db()
    assert application.status == status
    assert AuditEntry.objects.filter(verb="decision.recorded", scope=application.audit_scope())


def test_a_decision_may_name_another_level_of_the_same_ladder(card, recruiter):
    application = card.assignment.interview.application
    higher = application.loop.level.ladder.levels.exclude(pk=application.loop.level_id).first()

    decision = services.record_decision(
        application, outcome="hire", level=higher, rationale="Operates a level up", by=recruiter
    )

    assert decision.level == higher


def test_a_decision_needs_a_rationale_and_a_level_of_the_ladder(card, recruiter):
    from scoring.models import Decision
    from tests.factories import make_ladder

    application = card.assignment.interview.application
    foreign = make_ladder().levels.first()

    with pytest.raises(ValidationError) as error:
        services.record_decision(
            application, outcome="hire", level=foreign, rationale=" ", by=recruiter
        )

    assert set(error.value.message_dict) == {"level", "rationale"}
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.status == "active"


def test_a_refused_write_changes_nothing_at_all(card, interviewer):
    note = notes(card)["Outage you owned"]
    services.save_note(note, text="kept", state="open", ticks=[], base_revision=0)
    before = Scorecard.objects.get(pk=card.pk).revision

    stale = services.write_part(QuestionNote, card.pk, note.pk, 0, {"text": "lost"})

    assert not stale
    assert Scorecard.objects.get(pk=card.pk).revision == before
    assert QuestionNote.objects.get(pk=note.pk).text == "kept"


def test_a_write_to_a_submitted_scorecard_is_refused(card, interviewer):
    complete(card)
    services.submit_scorecard(card, by=interviewer)
    note = notes(card)["Outage you owned"]

    written = services.write_part(
        QuestionNote, card.pk, note.pk, note.revision, {"text": "after", "ticks": [1]}
    )

    assert not written
    assert QuestionNote.objects.get(pk=note.pk).text == "Clear timeline"


def test_a_write_sets_json_ticks_and_text_together(card):
    note = notes(card)["Outage you owned"]

    assert services.write_part(
        QuestionNote, card.pk, note.pk, 0, {"text": "t", "state": "asked", "ticks": [0, 2]}
    )

    note.refresh_from_db()
    assert (note.text, note.state, note.ticks, note.revision) == ("t", "asked", [0, 2], 1)
