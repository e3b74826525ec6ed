"""Use cases for rating scales, ladders and levels as recruiters edit them in the browser.

Rows arrive as plain data: ``{"pk": stored pk or None, <field>: value, ...}``
for the rows to keep, and the pks of the rows to delete.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Cast, Concat

from accounts.audit import record

from .ladder_forms import DIMENSION_FIELDS, POINT_FIELDS
from .models import (
    PARKED_VALUE_BASE,
    Ladder,
    LadderDimension,
    Level,
    LevelExpectation,
    RatingScale,
    ScalePoint,
)
from .versioning import new_version

# Rows being rewritten are parked outside the real range first, so that swapping
# two values or moving the bar never trips a unique constraint half-way.
PARKED_ORDER_BASE = 1_000_000


@transaction.atomic
def create_scale(*, by, fields: dict, points: list[dict]) -> RatingScale:
    scale = RatingScale.objects.create(**fields)
    _save_points(scale, points, deleted=())
    record(by, "scale.created", scale, key=scale.key, points=len(points))
    return scale


@transaction.atomic
def edit_scale(
    scale: RatingScale, *, by, changes: dict, points: list[dict], deleted: Iterable[int] = ()
) -> RatingScale:
    """Apply an edit to a scale and return the row that now holds it.

    A scale pinned by a published loop stays as it is: the edit lands on a new
    version (n+1), which becomes the current one; the loop keeps version n.
    """
    if not scale.locked:
        target = scale
    else:
        target = new_version(scale)
        target.archived = scale.archived
        moved = _copied_point_pks(scale, target)
        points = [{**row, "pk": moved.get(row["pk"])} for row in points]
        deleted = [moved[pk] for pk in deleted if pk in moved]
    for name, value in changes.items():
        setattr(target, name, value)
    target.save()
    _save_points(target, points, deleted)
    if target.pk == scale.pk:
        record(
            by,
            "scale.updated",
            target,
            key=target.key,
            version=target.version,
            fields=sorted(changes),
        )
    else:
        record(
            by,
            "scale.versioned",
            target,
            key=target.key,
            version=target.version,
            previous_version=scale.version,
            fields=sorted(changes),
        )
    return target


@transaction.atomic
def toggle_scale_archived(scale: RatingScale, *, by) -> RatingScale:
    """Archive an active scale or bring an archived one back (allowed even when pinned)."""
    scale.archived = not scale.archived
    scale.save(update_fields=["archived", "updated_at"])
    record(
        by,
        "scale.archived" if scale.archived else "scale.unarchived",
        scale,
        key=scale.key,
        version=scale.version,
    )
    return scale


def _copied_point_pks(original: RatingScale, copy: RatingScale) -> dict[int, int]:
    """Map the original's point pks to the copy's: values are unique within a scale."""
    copy_by_value = dict(copy.points.values_list("value", "pk"))
    return {pk: copy_by_value[value] for pk, value in original.points.values_list("pk", "value")}


def _save_points(scale: RatingScale, rows: list[dict], deleted: Iterable[int]) -> None:
    ScalePoint.objects.filter(scale=scale, pk__in=list(deleted)).delete()
    kept = [row["pk"] for row in rows if row["pk"]]
    ScalePoint.objects.filter(scale=scale, pk__in=kept).update(
        value=PARKED_VALUE_BASE - F("pk"), meets_bar=False
    )
    for row in rows:
        point = ScalePoint(pk=row["pk"], scale=scale, **{name: row[name] for name in POINT_FIELDS})
        point.save(force_update=bool(row["pk"]), force_insert=not row["pk"])


@transaction.atomic
def create_ladder(*, by, fields: dict, dimensions: list[dict]) -> Ladder:
    ladder = Ladder.objects.create(**fields)
    _save_dimensions(ladder, dimensions, deleted=())
    record(by, "ladder.created", ladder, key=ladder.key, dimensions=len(dimensions))
    return ladder


@transaction.atomic
def edit_ladder(
    ladder: Ladder, *, by, changes: dict, dimensions: list[dict], deleted: Iterable[int] = ()
) -> Ladder:
    """Change a ladder and its dimensions; deleting a dimension deletes its expectations."""
    for name, value in changes.items():
        setattr(ladder, name, value)
    ladder.save()
    deleted = list(deleted)
    _save_dimensions(ladder, dimensions, deleted)
    record(
        by,
        "ladder.updated",
        ladder,
        key=ladder.key,
        fields=sorted(changes),
        dimensions=len(dimensions),
        deleted_dimensions=len(deleted),
    )
    return ladder


def _save_dimensions(ladder: Ladder, rows: list[dict], deleted: Iterable[int]) -> None:
    LadderDimension.objects.filter(ladder=ladder, pk__in=list(deleted)).delete()
    kept = [row["pk"] for row in rows if row["pk"]]
    LadderDimension.objects.filter(ladder=ladder, pk__in=kept).update(
        order=PARKED_ORDER_BASE + F("pk"),
        key=Concat(Value("parked-"), Cast("pk", output_field=CharField())),
    )
    for row in rows:
        dimension = LadderDimension(
            pk=row["pk"], ladder=ladder, **{name: row[name] for name in DIMENSION_FIELDS}
        )
        dimension.save(force_update=bool(row["pk"]), force_insert=not row["pk"])


@transaction.atomic
def save_level(
    ladder: Ladder, level: Level | None, *, by, fields: dict, expectations: dict[int, str]
) -> Level:
    """Create (level=None) or change a level and its expectations, keyed by dimension pk.

    Only the given fields and expectations change; a blank expectation removes
    the stored one.
    """
    created = level is None
    level = Level(ladder=ladder) if created else level
    for name, value in fields.items():
        setattr(level, name, value)
    level.save()
    for dimension_pk, text in expectations.items():
        if text:
            LevelExpectation.objects.update_or_create(
                level=level, dimension_id=dimension_pk, defaults={"text": text}
            )
        else:
            LevelExpectation.objects.filter(level=level, dimension_id=dimension_pk).delete()
    record(
        by,
        "level.created" if created else "level.updated",
        level,
        ladder=ladder.key,
        key=level.key,
        fields=sorted(fields),
        expectations=sorted(expectations),
    )
    return level
