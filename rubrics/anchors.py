"""The anchor text a loop shows at each scale point: one rule for scorecard, kit and packet.

A competency has its own anchors (`CompetencyAnchor`, score -> behaviour) and may
have anchors written for one level (`LevelAnchor`). On a loop at that level the
level's anchor takes the place of the competency's own at that point; the other
points keep the competency's. Everything is fetched in one query, however many
competencies, anchors or levels there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import CharField, Value

from .models import CompetencyAnchor, LevelAnchor


@dataclass(frozen=True)
class Anchor:
    """One point's anchor text on a loop; `level` names the level it was written for, if any."""

    value: int
    text: str
    level: str = ""

    @property
    def for_level(self) -> bool:
        return bool(self.level)


def loop_anchors(loop) -> dict[int, dict[int, Anchor]]:
    """{competency id: {scale value: Anchor}} for each competency the loop assesses.

    The loop's level's `LevelAnchor` overrides the competency's own anchor at the
    same value. Keys are the ids of the competency versions the loop pins (the ids
    its ratings use). One query (a UNION of both kinds), whatever the size of the loop.
    """
    ids = loop.loop_competencies.values("competency_id")
    own = (
        CompetencyAnchor.objects.filter(competency_id__in=ids)
        .annotate(level_name=Value("", output_field=CharField()))
        .values_list("competency_id", "value", "text", "level_name")
        .order_by()
    )
    for_level = (
        LevelAnchor.objects.filter(competency_id__in=ids, level_id=loop.level_id)
        .values_list("competency_id", "value", "text", "level__name")
        .order_by()
    )
    rows = list(own.union(for_level, all=True))
    result: dict[int, dict[int, Anchor]] = {}
    # The competency's own first, so that the level's replace them at the same value.
    for competency_id, value, text, level_name in sorted(rows, key=lambda r: bool(r[3])):
        result.setdefault(competency_id, {})[value] = Anchor(value, text, level_name)
    return result
