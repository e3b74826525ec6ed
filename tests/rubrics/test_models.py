"""Model rules and database constraints, exercised without forms."""

import pytest
from django.db import IntegrityError, transaction

from rubrics.models import (
    CompetencyAnchor,
    ImmutableError,
    Level,
    Question,
    ScalePoint,
)
from rubrics.services import lock_for_published_loop
from tests.factories import (
    make_bank,
    make_competency,
    make_ladder,
    make_question,
    make_scale,
)

pytestmark = pytest.mark.django_db


def test_scale_refuses_two_points_with_the_same_value():
    scale = make_scale(values=(1, 2, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        ScalePoint.objects.create(scale=scale, value=2, label="Again")


def test_scale_has_at_most_one_point_meeting_the_bar():
    scale = make_scale(values=(1, 2, 3), meets=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ScalePoint.objects.create(scale=scale, value=4, label="Also meets", meets_bar=True)
    assert scale.meets_point().value == 2


def test_competency_anchor_values_are_unique():
    competency = make_competency(anchors={5: "great"})
    with pytest.raises(IntegrityError), transaction.atomic():
        CompetencyAnchor.objects.create(competency=competency, value=5, text="again")


def test_question_cannot_exist_without_a_primary_competency():
    bank = make_bank()
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.create(bank=bank, key="orphan", title="t", prompt="p", goal="g")


def test_level_key_is_unique_within_its_ladder_but_not_across_ladders():
    first = make_ladder(levels=("senior",))
    second = make_ladder(levels=("senior",))
    assert Level.objects.filter(key="senior").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Level.objects.create(ladder=first, key="senior", name="Senior again", order=9)
    assert second.levels.get().key == "senior"


def test_only_one_current_version_per_key():
    question = make_question(key="dup")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(bank=question.bank, key="dup", primary=question.primary_competency, version=2)


def test_key_and_version_are_unique_together():
    question = make_question(key="kv")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(
            bank=question.bank, key="kv", primary=question.primary_competency, current=False
        )


def test_question_minutes_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_question(minutes=0)


def test_locked_question_refuses_changes_in_place():
    question = make_question(title="Original")
    lock_for_published_loop(question)
    question.title = "Changed"
    with pytest.raises(ImmutableError):
        question.save()
    assert Question.objects.get(pk=question.pk).title == "Original"


def test_locked_question_refuses_changed_tags_and_competencies():
    question = make_question(tags=["a"])
    lock_for_published_loop(question)
    # Django's m2m methods run without a savepoint: give the refusal one of its own.
    with pytest.raises(ImmutableError), transaction.atomic():
        question.tags.clear()
    other = make_competency(question.bank)
    with pytest.raises(ImmutableError), transaction.atomic():
        question.secondary_competencies.add(other)
    assert list(question.secondary_competencies.all()) == []
    assert [t.key for t in question.tags.all()] == ["a"]


def test_locked_competency_refuses_anchor_edits_and_deletion():
    competency = make_competency(anchors={5: "great", 1: "poor"})
    lock_for_published_loop(competency)
    anchor = competency.anchors.get(value=5)
    anchor.text = "rewritten"
    with pytest.raises(ImmutableError):
        anchor.save()
    with pytest.raises(ImmutableError):
        anchor.delete()
    with pytest.raises(ImmutableError):
        CompetencyAnchor.objects.create(competency=competency, value=3, text="new")
    with pytest.raises(ImmutableError):
        competency.delete()
    assert competency.anchors.get(value=5).text == "great"


def test_locked_item_may_still_be_archived():
    question = make_question()
    lock_for_published_loop(question)
    question.archived = True
    question.save()
    assert Question.objects.get(pk=question.pk).archived is True


def test_unlocked_question_edits_in_place():
    question = make_question(title="Draft")
    question.title = "Better"
    question.save()
    assert Question.objects.get(key=question.key).title == "Better"
    assert Question.objects.filter(key=question.key).count() == 1
