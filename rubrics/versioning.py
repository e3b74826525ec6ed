"""Versions of scales, competencies and questions.

An item that a published loop references is locked: changing it means
creating version n+1 under the same key, which becomes the current one.
Unreferenced items change in place.
"""

from django.db import transaction

from .models import Competency, Question, RatingScale, Versioned

# The rows that belong to a versioned item, copied along with it.
CHILDREN = {
    RatingScale: [("points", "scale")],
    Competency: [("anchors", "competency"), ("level_anchors", "competency")],
    Question: [("anchors", "question")],
}
M2M = {Question: ["secondary_competencies", "levels", "tags"]}


@transaction.atomic
def new_version(item: Versioned) -> Versioned:
    """Copy `item` (the current version) as version n+1 and make the copy current."""
    model = type(item)
    latest = (
        model.objects.filter(key=item.key)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    model.objects.filter(key=item.key, current=True).update(current=False)
    return copy_item(item, version=latest + 1)


@transaction.atomic
def copy_item(item: Versioned, **overrides) -> Versioned:
    """A new, unlocked, current row with the item's content, children and relations.

    `overrides` set fields of the copy (a new version number, or a new key).
    """
    model = type(item)
    original = model.objects.get(pk=item.pk)
    copy = model.objects.get(pk=item.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.current, copy.locked, copy.archived = True, False, False
    for name, value in overrides.items():
        setattr(copy, name, value)
    copy.save()
    for related_name, fk_name in CHILDREN.get(model, []):
        for child in getattr(original, related_name).all():
            child.pk = None
            child.id = None
            child._state.adding = True
            setattr(child, fk_name, copy)
            child.save()
    for field in M2M.get(model, []):
        getattr(copy, field).set(getattr(original, field).all())
    return copy


def editable_version(item: Versioned) -> Versioned:
    """The row an edit should change: the item itself, or a new version if it is locked."""
    return new_version(item) if item.locked else item
