"""DESIGN's versioning rule: pinned items change only by new versions under the same key."""

import pytest

from rubrics.models import Competency, Question
from rubrics.services import lock_for_published_loop
from rubrics.versioning import editable_version, new_version
from tests.factories import make_competency, make_ladder, make_question

pytestmark = pytest.mark.django_db


def test_new_version_copies_content_and_becomes_current():
    ladder = make_ladder()
    primary = make_competency(key="rel")
    secondary = make_competency(primary.bank, key="sec")
    question = make_question(
        primary.bank,
        key="q1",
        primary=primary,
        secondary=[secondary],
        tags=["kubernetes"],
        levels=list(ladder.levels.all()),
    )
    question.anchors.create(value=5, text="Great")
    lock_for_published_loop(question)

    copy = new_version(question)

    assert (copy.key, copy.version, copy.current, copy.locked) == ("q1", 2, True, False)
    question.refresh_from_db()
    assert question.current is False and question.locked is True
    assert list(copy.secondary_competencies.all()) == [secondary]
    assert [t.key for t in copy.tags.all()] == ["kubernetes"]
    assert copy.levels.count() == ladder.levels.count()
    assert [(a.value, a.text) for a in copy.anchors.all()] == [(5, "Great")]
    assert Question.objects.current().get(key="q1") == copy


def test_editing_a_pinned_question_leaves_the_pinned_version_untouched():
    question = make_question(key="pinned", title="As published")
    lock_for_published_loop(question)

    target = editable_version(question)
    target.title = "Improved"
    target.save()

    assert Question.objects.get(key="pinned", version=1).title == "As published"
    assert Question.objects.get(key="pinned", version=2).title == "Improved"


def test_editing_an_unpinned_question_changes_it_in_place():
    question = make_question(key="free")
    assert editable_version(question).pk == question.pk
    assert Question.objects.filter(key="free").count() == 1


def test_new_competency_version_copies_anchors_and_keeps_the_old_ones():
    competency = make_competency(key="c", anchors={5: "five", 3: "three", 1: "one"})
    lock_for_published_loop(competency)
    copy = new_version(competency)
    copy.anchors.filter(value=3).update(text="three, clearer")
    assert dict(competency.anchors.values_list("value", "text"))[3] == "three"
    assert dict(copy.anchors.values_list("value", "text"))[3] == "three, clearer"
    assert Competency.objects.current().get(key="c").version == 2


def test_versions_keep_counting_from_the_latest():
    question = make_question(key="many")
    v2 = new_version(question)
    v3 = new_version(v2)
    assert [q.version for q in Question.objects.filter(key="many").order_by("version")] == [1, 2, 3]
    assert Question.objects.current().get(key="many") == v3
