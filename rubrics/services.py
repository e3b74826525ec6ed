"""Use cases of the catalogue that touch several models."""

from django.db import transaction

from accounts.audit import record

from .models import Bank, Competency, Ladder, Question, RatingScale, Role, Tag, Versioned
from .versioning import copy_item, editable_version


def catalogue_counts() -> dict[str, int]:
    return {
        "banks": Bank.objects.count(),
        "questions": Question.objects.active().count(),
        "competencies": Competency.objects.active().count(),
        "scales": RatingScale.objects.active().count(),
        "ladders": Ladder.objects.count(),
        "roles": Role.objects.count(),
    }


@transaction.atomic
def lock_for_published_loop(*items) -> None:
    """Freeze what a published loop pins: later changes make new versions.

    Called by the interviews app when a loop is published.
    """
    for item in items:
        if not item.locked:
            type(item).objects.filter(pk=item.pk).update(locked=True)
            item.locked = True


def unique_key(model, base: str) -> str:
    """`base` if free, else base-2, base-3, … (keys are stable names, never reused)."""
    candidate, n = base, 2
    while model.objects.filter(key=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _replace_anchors(item, anchors: dict[int, str]) -> None:
    current = {a.value: a.text for a in item.anchors.all()}
    if current == anchors:
        return
    item.anchors.all().delete()
    for value, text in sorted(anchors.items(), reverse=True):
        item.anchors.create(value=value, text=text)


def _tags(keys: list[str]) -> list[Tag]:
    existing = {t.key: t for t in Tag.objects.filter(key__in=keys)}
    return [existing.get(k) or Tag.objects.create(key=k, name=k.replace("-", " ")) for k in keys]


def _target_for_edit(model, item, data: dict) -> tuple:
    """The row a save writes (new, the item, or its version n+1) and the audit verb."""
    noun = model._meta.model_name
    if item is None:
        return model(bank=data["bank"], key=data["key"]), f"{noun}.created"
    target = editable_version(item)
    return target, f"{noun}.versioned" if target.pk != item.pk else f"{noun}.updated"


@transaction.atomic
def save_question(question: Question | None, data: dict, *, by) -> Question:
    """Create a question, or change one: in place, or as version n+1 when it is pinned."""
    target, verb = _target_for_edit(Question, question, data)
    for name in Question.TEXT_FIELDS:
        setattr(target, name, data[name])
    target.primary_competency = data["primary_competency"]
    target.save()
    target.secondary_competencies.set(data["secondary_competencies"])
    target.levels.set(data["levels"])
    target.tags.set(_tags(data["tags"]))
    _replace_anchors(target, data["anchors"])
    record(by, verb, target, key=target.key, version=target.version)
    return target


@transaction.atomic
def duplicate_question(question: Question, *, by) -> Question:
    """A new, independent question with the same content, linked to its origin."""
    copy = copy_item(
        question,
        key=unique_key(Question, f"{question.key}-copy"),
        version=1,
        title=f"Copy of {question.title}"[:200],
        derived_from=question,
    )
    record(by, "question.duplicated", copy, origin=question.key)
    return copy


@transaction.atomic
def save_competency(competency: Competency | None, data: dict, *, by) -> Competency:
    target, verb = _target_for_edit(Competency, competency, data)
    target.name = data["name"]
    target.description = data["description"]
    target.save()
    _replace_anchors(target, data["anchors"])
    record(by, verb, target, key=target.key, version=target.version)
    return target


@transaction.atomic
def set_archived(item: Versioned, archived: bool, *, by) -> None:
    """Archive (hide from the bank and from new loops) or restore; pinned versions stay valid."""
    if item.archived == archived:
        return
    item.archived = archived
    item.save(update_fields=["archived", "updated_at"])
    noun = item._meta.model_name
    record(by, f"{noun}.{'archived' if archived else 'restored'}", item, key=item.key)


@transaction.atomic
def fork_question(origin: Question, data: dict, *, by) -> Question:
    """A new bank question made from `origin` (reworded, combined, extended), linked to it."""
    fork = save_question(None, data, by=by)
    fork.derived_from = origin
    fork.save(update_fields=["derived_from", "updated_at"])
    record(by, "question.forked", fork, origin=origin.key)
    return fork


def merged_question_initial(first: Question, second: Question) -> dict:
    """What a question combining two others starts from: both prompts, both sets of signals."""

    def union(a: list[str], b: list[str]) -> list[str]:
        return a + [x for x in b if x not in a]

    tags = list(first.tags.all()) + [t for t in second.tags.all() if t not in first.tags.all()]
    secondary = {
        c.key: c
        for c in [
            *first.secondary_competencies.all(),
            second.primary_competency,
            *second.secondary_competencies.all(),
        ]
    }
    secondary.pop(first.primary_competency.key, None)
    return {
        "title": f"{first.title} + {second.title}"[:200],
        "prompt": f"{first.prompt}\n\n{second.prompt}",
        "goal": f"{first.goal} {second.goal}",
        "follow_ups": union(first.follow_ups, second.follow_ups),
        "great_signals": union(first.great_signals, second.great_signals),
        "negative_signals": union(first.negative_signals, second.negative_signals),
        "checklist": union(first.checklist, second.checklist),
        "technologies": union(first.technologies, second.technologies),
        "minutes": first.minutes + second.minutes,
        "tags": tags,
        "secondary_competencies": list(secondary.values()),
    }
