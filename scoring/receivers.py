"""Scorecards follow assignments (candidates.signals): one per assignment.

When a candidate is erased, the free text written about them goes with them.
"""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from candidates.models import Interview
from candidates.signals import (
    assignment_created,
    assignment_removed,
    assignment_replaced,
    candidate_erasing,
)

from .models import Amendment, Decision, Packet, Scorecard
from .packets import mark_stale
from .services import create_parts, decision_recorded, lock_drafts, scorecard_changed


@receiver(assignment_created, dispatch_uid="scoring-create-scorecard")
def create_scorecard(sender, assignment, **kwargs) -> None:
    """The empty scorecard, with a note per planned question and a rating per competency."""
    scorecard, _ = Scorecard.objects.get_or_create(assignment=assignment)
    create_parts(scorecard)


@receiver(scorecard_changed, dispatch_uid="scoring-packets-stale-on-scorecard")
def packets_stale_on_scorecard(sender, scorecard, **kwargs) -> None:
    """A scorecard submitted or amended: the application's packets no longer say so."""
    mark_stale(scorecard.assignment.interview.application_id)


@receiver(scorecard_changed, dispatch_uid="scoring-analytics-on-scorecard")
def analytics_on_scorecard(sender, scorecard, **kwargs) -> None:
    """Calibration and reliability count submitted scorecards: ask for a new snapshot."""
    from .snapshots import request_refresh

    request_refresh(scorecard.assignment.interview.application.loop.key)


@receiver(post_save, sender=Interview, dispatch_uid="scoring-analytics-on-interview-state")
def analytics_on_interview_state(sender, instance, update_fields=None, **kwargs) -> None:
    """A no-show or a cancellation stops an interview's scorecards counting (and back)."""
    if update_fields is not None and "state" in update_fields:
        from .snapshots import request_refresh

        request_refresh(instance.application.loop.key)


@receiver(decision_recorded, dispatch_uid="scoring-packets-stale-on-decision")
def packets_stale_on_decision(sender, decision, **kwargs) -> None:
    mark_stale(decision.application_id)


@receiver(assignment_replaced, dispatch_uid="scoring-hand-over-scorecard")
def hand_over_scorecard(sender, old, new, **kwargs) -> None:
    """An untouched scorecard moves to the replacement; a started one stays with its author."""
    scorecard = Scorecard.objects.filter(assignment=old).first()
    if scorecard is not None and scorecard.is_untouched:
        scorecard.assignment = new
        scorecard.save(update_fields=["assignment", "updated_at"])
    else:
        create_scorecard(sender, new)


@receiver(assignment_removed, dispatch_uid="scoring-drop-untouched-scorecard")
def drop_untouched_scorecard(sender, assignment, **kwargs) -> None:
    """Only an untouched scorecard goes with its assignment; written work is never dropped."""
    scorecard = Scorecard.objects.filter(assignment=assignment).first()
    if scorecard is None:
        return
    if scorecard.is_submitted:
        raise ValidationError(
            f"{assignment.person} has submitted their scorecard: it stays on the record."
        )
    if not scorecard.is_untouched:
        raise ValidationError(
            f"{assignment.person} has started their scorecard: replace them, and it stays theirs."
        )
    scorecard.delete()


def own_review_pending(user, application) -> bool:
    """The user's own scorecard on the application is pending (`models.pending_review`)."""
    return (
        Scorecard.objects.pending_of(user)
        .filter(assignment__interview__application=application)
        .exists()
    )


def free_text_fields(model, *, kinds=(models.TextField, models.CharField)) -> list[str]:
    """Fields of `model` that hold free text: text or char fields without choices."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, kinds) and not field.choices and not field.primary_key
    ]


def blank_values(model, names: list[str]) -> dict:
    return {name: None if model._meta.get_field(name).null else "" for name in names}


@receiver(candidate_erasing, dispatch_uid="scoring-erase-candidate-text")
def erase_scorecard_text(sender, candidate, **kwargs) -> None:
    """Clear what interviewers wrote about the candidate, lock the drafts; scores stay.

    Covers the scorecard's own free-text fields, and the text fields of every scoring
    model that points at a scorecard (notes, evidence, amendments), whatever they are
    called: a model added later is covered without changing this receiver.
    """
    scorecards = Scorecard.objects.filter(assignment__interview__application__candidate=candidate)
    own = free_text_fields(Scorecard)
    if own:
        scorecards.update(**blank_values(Scorecard, own))
    for relation in Scorecard._meta.related_objects:
        related = relation.related_model
        # Text fields only: a related model's char field may be a key, not prose.
        names = free_text_fields(related, kinds=(models.TextField,))
        if related._meta.app_label == "scoring" and names:
            related.objects.filter(**{f"{relation.field.name}__in": scorecards}).update(
                **blank_values(related, names)
            )
    # An amendment's before and after hold the evidence and summary it changed.
    Amendment.objects.filter(scorecard__in=scorecards).update(before={}, after={})
    Decision.objects.filter(application__candidate=candidate).update(rationale="")
    # Erasure is final: no save statement writes to a locked draft again.
    lock_drafts(scorecards)
    delete_packets(Packet.objects.filter(application__candidate=candidate))


def delete_packets(packets) -> None:
    """Packets go whole: their rows now, their files once the erasure has committed."""
    names = [name for name in packets.values_list("file", flat=True) if name]
    packets.delete()
    if names:
        storage = Packet._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
