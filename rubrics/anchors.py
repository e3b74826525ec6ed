"""The anchor text a loop shows at each scale point: one rule for scorecard, kit and packet.

A competency has its own anchors (`CompetencyAnchor`, score -> behaviour) and may
have anchors written for one level (`LevelAnchor`). On a loop at that level the
level's anchor takes the place of the competency's own at that point; the other
points keep the competency's. Everything is fetched in two queries, however many
competencies, anchors or levels there are.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    its ratings use). Two queries, whatever the size of the loop.
    """
    ids = loop.loop_competencies.values("competency_id")
    result: dict[int, dict[int, Anchor]] = {}
    for competency_id, value, text in CompetencyAnchor.objects.filter(
        competency_id__in=ids
    ).values_list("competency_id", "value", "text"):
        result.setdefault(competency_id, {})[value] = Anchor(value, text)
    rows = LevelAnchor.objects.filter(competency_id__in=ids, level_id=loop.level_id).values_list(
        "competency_id", "value", "text", "level__name"
    )
    for competency_id, value, text, level_name in rows:
        result.setdefault(competency_id, {})[value] = Anchor(value, text, level_name)
    return result
