"""Serialising installed items (the one shape export writes and import compares) and export."""

from typing import Any

import yaml

from ..models import Bank, Competency, CuratedSet, Ladder, Question, RatingScale, Role, Tag
from .base import FORMAT, SECTIONS


def bank_entry(bank: Bank) -> dict:
    return {
        "key": bank.key,
        "name": bank.name,
        "version": bank.version,
        "description": bank.description,
    }


def scale_entry(scale: RatingScale) -> dict:
    points = sorted(scale.points.all(), key=lambda p: -p.value)
    return {
        "key": scale.key,
        "name": scale.name,
        "description": scale.description,
        "points": [
            {
                "value": p.value,
                "label": p.label,
                "definition": p.definition,
                "meets_bar": p.meets_bar,
            }
            for p in points
        ],
    }


def _anchor_map(anchors) -> dict[int, str]:
    return {a.value: a.text for a in sorted(anchors, key=lambda a: -a.value)}


def competency_entry(competency: Competency) -> dict:
    return {
        "key": competency.key,
        "name": competency.name,
        "description": competency.description,
        "anchors": _anchor_map(competency.anchors.all()),
        "level_anchors": _level_anchor_map(competency.level_anchors.all()),
    }


def _level_anchor_map(anchors) -> dict[str, dict[int, str]]:
    """{"ladder/level": {score: text}}, levels by ladder then lowest first."""
    by_level: dict = {}
    for anchor in anchors:
        by_level.setdefault(anchor.level, []).append(anchor)
    ordered = sorted(by_level, key=lambda lv: (lv.ladder.key, lv.order))
    return {level.ref: _anchor_map(by_level[level]) for level in ordered}


def tag_entry(tag: Tag) -> dict:
    return {"key": tag.key, "name": tag.name}


def ladder_entry(ladder: Ladder) -> dict:
    dimensions = sorted(ladder.dimensions.all(), key=lambda d: d.order)
    dim_order = {d.pk: d.order for d in dimensions}
    levels = []
    for level in sorted(ladder.levels.all(), key=lambda lv: lv.order):
        expectations = sorted(level.expectations.all(), key=lambda e: dim_order[e.dimension_id])
        levels.append(
            {
                "key": level.key,
                "name": level.name,
                "summary": level.summary,
                "litmus": level.litmus,
                "expectations": {e.dimension.key: e.text for e in expectations},
                "readiness_signals": list(level.readiness_signals),
                "anti_patterns": list(level.anti_patterns),
            }
        )
    return {
        "key": ladder.key,
        "name": ladder.name,
        "description": ladder.description,
        "dimensions": [{"key": d.key, "name": d.name} for d in dimensions],
        "levels": levels,
    }


def role_entry(role: Role) -> dict:
    return {
        "key": role.key,
        "name": role.name,
        "description": role.description,
        "ladder": role.ladder.key,
        "usual_level": role.usual_level.ref if role.usual_level else None,
        "scale": role.default_scale_key or None,
    }


def curated_set_entry(curated: CuratedSet) -> dict:
    return {
        "key": curated.key,
        "name": curated.name,
        "description": curated.description,
        "roles": sorted(r.key for r in curated.roles.all()),
        "minutes": curated.minutes,
        "items": [
            {
                "question": item.question_key,
                "minutes": item.minutes,
                "backup": item.is_backup,
                "use_it_when": item.backup_condition,
            }
            for item in sorted(curated.items.all(), key=lambda i: i.order)
        ],
    }


def question_entry(question: Question) -> dict:
    # Secondary competencies, levels and tags are sets in the database: they are
    # written sorted (levels by ladder, then lowest first) so the text is stable.
    levels = sorted(question.levels.all(), key=lambda lv: (lv.ladder.key, lv.order))
    return {
        "key": question.key,
        "title": question.title,
        "prompt": question.prompt,
        "follow_ups": list(question.follow_ups),
        "goal": question.goal,
        "kind": question.kind,
        "minutes": question.minutes,
        "competencies": {
            "primary": question.primary_competency.key,
            "secondary": sorted(c.key for c in question.secondary_competencies.all()),
        },
        "levels": [lv.ref for lv in levels],
        "tags": sorted(t.key for t in question.tags.all()),
        "great_signals": list(question.great_signals),
        "negative_signals": list(question.negative_signals),
        "checklist": list(question.checklist),
        "technologies": list(question.technologies),
        "interviewer_notes": question.interviewer_notes,
        "anchors": _anchor_map(question.anchors.all()),
        "derived_from": question.derived_from.key if question.derived_from else None,
    }


class _BankDumper(yaml.SafeDumper):
    """Block style (`|`) for multi-line text, lists indented under their field: as the doc shows."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_BankDumper.add_representer(str, _represent_str)


def exported_items(bank: Bank) -> dict[str, list]:
    """The bank's own items that export writes, each kind sorted by key.

    Export writes current, non-archived versions; an archived competency or scale
    of this bank that an exported question still uses is written too, so that the
    file imports on its own into an empty installation.
    """
    questions = list(
        Question.objects.active()
        .filter(bank=bank)
        .select_related(
            "primary_competency",
            "derived_from",
        )
        .prefetch_related("secondary_competencies", "levels__ladder", "tags", "anchors")
        .order_by("key")
    )
    used = {q.primary_competency.key for q in questions}
    used |= {c.key for q in questions for c in q.secondary_competencies.all()}
    competencies = (
        Competency.objects.current()
        .filter(bank=bank)
        .prefetch_related("anchors", "level_anchors__level__ladder")
    )
    return {
        "scales": list(
            RatingScale.objects.active()
            .filter(bank=bank)
            .prefetch_related("points")
            .order_by("key")
        ),
        "competencies": [
            c for c in competencies.order_by("key") if not c.archived or c.key in used
        ],
        "tags": sorted(
            {t.key: t for q in questions for t in q.tags.all()}.values(), key=lambda t: t.key
        ),
        "ladders": list(
            bank.ladders.prefetch_related("dimensions", "levels__expectations__dimension").order_by(
                "key"
            )
        ),
        "roles": list(bank.roles.select_related("ladder", "usual_level__ladder").order_by("key")),
        "questions": questions,
        "curated_sets": list(
            bank.curated_sets.prefetch_related("roles", "items").order_by("order", "key")
        ),
    }


def export_document(bank: Bank) -> dict:
    items = exported_items(bank)
    serialise = {
        "scales": scale_entry,
        "competencies": competency_entry,
        "tags": tag_entry,
        "ladders": ladder_entry,
        "roles": role_entry,
        "questions": question_entry,
        "curated_sets": curated_set_entry,
    }
    document: dict[str, Any] = {"format": FORMAT, "bank": bank_entry(bank)}
    for section in SECTIONS:
        document[section] = [serialise[section](item) for item in items[section]]
    return document


def export_bank(bank: Bank) -> str:
    """The bank as a YAML bank file: every field, in the documented order."""
    return yaml.dump(
        export_document(bank),
        Dumper=_BankDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
