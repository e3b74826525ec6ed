"""Demo loops from a data file (fixtures/demo/loops.yaml), built as a recruiter would.

Every loop goes through the builder's services (create, add stages, plan questions,
publish), so the demo shows what the rules allow and nothing else. A loop whose key
exists already, in any version, is left alone: `make run` twice changes nothing. A
demo loop must publish without coverage warnings; one that would not is refused
with the warnings, and nothing from the file is saved.
"""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.text import slugify

from rubrics.models import Competency, Level, Question, RatingScale, Role

from . import services
from .models import Loop, Stage

# Per entry kind: (allowed fields, required fields).
LOOP_FIELDS = (
    {
        "name",
        "role",
        "level",
        "scale",
        "competencies",
        "stages",
        "second_opinion_from_another_stage",
    },
    {"name", "role", "level", "scale", "stages"},
)
COMPETENCY_FIELDS = ({"key", "critical"}, {"key"})
STAGE_FIELDS = (
    {"name", "duration", "buffer", "panel", "focus", "questions"},
    {"name", "duration", "buffer", "questions"},
)
PLANNED_FIELDS = ({"question", "minutes", "must_ask", "backup"}, {"question"})


class DemoLoopError(Exception):
    """The demo file is wrong: a bad field, an unknown key, or a loop with warnings."""


def loop_key(name: str) -> str:
    """The key create_loop gives a new loop of this name when the key is free."""
    return slugify(name)[:70] or "loop"


def load_demo_loops(path: str | Path, *, by=None) -> list[Loop]:
    """Build and publish the file's loops that do not exist yet; return the ones built."""
    entries = _read_file(Path(path))
    built = []
    with transaction.atomic():
        for index, entry in enumerate(entries):
            if Loop.objects.filter(key=loop_key(entry["name"])).exists():
                continue
            built.append(_build_loop(entry, f"loops[{index}]", by=by))
    return built


def _read_file(path: Path) -> list[dict]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    loops = document.get("loops") if isinstance(document, dict) else None
    if not isinstance(loops, list):
        raise DemoLoopError(f"{path}: expected a top-level “loops:” list.")
    for index, entry in enumerate(loops):
        _check_loop(entry, f"{path.name}: loops[{index}]")
    return loops


def _check_loop(entry: Any, where: str) -> None:
    _check_fields(entry, LOOP_FIELDS, where)
    for i, item in enumerate(entry.get("competencies") or []):
        _check_fields(item, COMPETENCY_FIELDS, f"{where}.competencies[{i}]")
    for s, stage in enumerate(entry["stages"]):
        _check_fields(stage, STAGE_FIELDS, f"{where}.stages[{s}]")
        for q, planned in enumerate(stage["questions"]):
            _check_fields(planned, PLANNED_FIELDS, f"{where}.stages[{s}].questions[{q}]")


def _check_fields(entry: Any, fields: tuple[set[str], set[str]], where: str) -> None:
    allowed, required = fields
    if not isinstance(entry, dict):
        raise DemoLoopError(f"{where}: expected a mapping.")
    if unknown := sorted(set(entry) - allowed):
        raise DemoLoopError(f"{where}: unknown field(s) {', '.join(unknown)}.")
    if missing := sorted(required - set(entry)):
        raise DemoLoopError(f"{where}: missing {', '.join(missing)}.")


def _build_loop(entry: dict, where: str, *, by) -> Loop:
    wanted = entry.get("competencies") or []
    loop = services.create_loop(
        name=entry["name"],
        role=_find(Role.objects.filter(key=entry["role"]), "role", entry["role"], where),
        level=_level(entry["level"], where),
        scale=_find(
            RatingScale.objects.current().filter(key=entry["scale"]), "scale", entry["scale"], where
        ),
        competencies=[
            _find(Competency.objects.current().filter(key=c["key"]), "competency", c["key"], where)
            for c in wanted
        ],
        second_opinion_from_another_stage=bool(entry.get("second_opinion_from_another_stage")),
        by=by,
    )
    critical = {c["key"] for c in wanted if c.get("critical")}
    for item in loop.loop_competencies.select_related("competency"):
        if item.competency.key in critical:
            services.update_loop_competency(item, {"critical": True}, by=by)
    for s, stage_entry in enumerate(entry["stages"]):
        _build_stage(loop, stage_entry, f"{where}.stages[{s}]", by=by)
    try:
        services.publish_loop(loop, by=by)
    except services.NeedsConfirmation as pending:
        problems = "\n".join(f"  - {w.message}" for w in pending.warnings)
        raise DemoLoopError(
            f"{where} “{entry['name']}” has coverage warnings; fix the demo data:\n{problems}"
        ) from pending
    return loop


def _build_stage(loop: Loop, entry: dict, where: str, *, by) -> Stage:
    stage = services.add_stage(
        loop,
        name=entry["name"],
        duration_minutes=entry["duration"],
        buffer_minutes=entry["buffer"],
        focus=entry.get("focus", ""),
        panel_size=entry.get("panel", 1),
        by=by,
    )
    for q, item in enumerate(entry["questions"]):
        key = item["question"]
        question = _find(
            Question.objects.current().filter(key=key), "question", key, f"{where}.questions[{q}]"
        )
        planned = services.plan_question(
            stage, question, must_ask=item.get("must_ask", True), by=by
        )
        changes: dict[str, Any] = {}
        if item.get("minutes"):
            changes["minutes"] = item["minutes"]
        if item.get("backup"):
            changes |= {"is_backup": True, "backup_condition": item["backup"]}
        if changes:
            services.update_planned(planned, changes, by=by)
    return stage


def _level(ref: str, where: str) -> Level:
    ladder_key, _, level_key = str(ref).partition("/")
    levels = Level.objects.filter(ladder__key=ladder_key, key=level_key)
    return _find(levels, "level", ref, where)


def _find(queryset, kind: str, key: str, where: str):
    found = queryset.first()
    if found is None:
        raise DemoLoopError(f"{where}: no current {kind} “{key}” (import its bank first).")
    return found
