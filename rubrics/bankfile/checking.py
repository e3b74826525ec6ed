"""Checking the structure and types of each entry, normalising it to the shape export writes."""

from collections.abc import Callable
from typing import Any

from accounts.validators import ITEM_MAX, ITEMS_MAX, TEXT_MAX, column_max, shown, text_problem

from ..models import (
    Bank,
    Competency,
    CuratedSet,
    CuratedSetItem,
    Ladder,
    LadderDimension,
    Level,
    Question,
    RatingScale,
    Role,
    ScalePoint,
    Tag,
)
from .base import (
    DASH,
    KEY_MAX,
    KINDS,
    MINUTES_RANGE,
    POINT_RANGE,
    SECTIONS,
    STAGE_MINUTES_RANGE,
    _is_int,
    _type_name,
    _valid_key,
    tag_name_from_key,
)
from .reading import Document

FIELDS = {
    "top": ("format", "bank", *SECTIONS),
    "bank": ("key", "name", "version", "description"),
    "scale": ("key", "name", "description", "points"),
    "point": ("value", "label", "definition", "meets_bar"),
    "competency": ("key", "name", "description", "anchors", "level_anchors"),
    "tag": ("key", "name"),
    "ladder": ("key", "name", "description", "dimensions", "levels"),
    "dimension": ("key", "name"),
    "level": (
        "key",
        "name",
        "summary",
        "litmus",
        "expectations",
        "readiness_signals",
        "anti_patterns",
    ),
    "role": ("key", "name", "description", "ladder", "usual_level", "scale"),
    "question": (
        "key",
        "title",
        "prompt",
        "follow_ups",
        "goal",
        "kind",
        "minutes",
        "competencies",
        "levels",
        "tags",
        "great_signals",
        "negative_signals",
        "checklist",
        "technologies",
        "interviewer_notes",
        "anchors",
        "derived_from",
    ),
    "question_competencies": ("primary", "secondary"),
    "curated_set": ("key", "name", "description", "roles", "minutes", "items"),
    "curated_item": ("question", "minutes", "backup", "use_it_when"),
}


class Checker:
    """Collects problems while reading raw YAML values into normalised entries."""

    def __init__(self, document: Document | None = None) -> None:
        self.problems: list[str] = []
        self.document = document or Document(None)

    def problem(self, path: str, message: str) -> None:
        """Record a problem at `path`, with the line and column the value starts at."""
        place = self.document.place(path)
        where = shown(path, 120) + (f" ({place})" if place else "")
        self.problems.append(f"{where}: {message}")

    def mapping(self, value: Any, path: str, kind: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(path, f"must be a mapping of fields, got {_type_name(value)}")
            return None
        for name in value:
            if name not in FIELDS[kind]:
                self.problem(f"{path}.{name}", "unknown field")
        return value

    def items(self, raw: dict, section: str) -> list[tuple[str, Any]]:
        value = raw.get(section)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(section, f"must be a list, got {_type_name(value)}")
            return []
        return [(f"{section}[{i}]", item) for i, item in enumerate(value)]

    def text(
        self,
        entry: dict,
        name: str,
        path: str,
        *,
        required: bool = False,
        max_length: int = TEXT_MAX,
        default: str = "",
    ) -> str:
        """Text checked to be storable (no NUL or lone surrogate, fits its column)."""
        value = entry.get(name)
        where = f"{path}.{name}"
        if value is None:
            if required:
                self.problem(where, "required")
            return default
        if not isinstance(value, str):
            self.problem(where, f"must be text, got {_type_name(value)}")
            return default
        problem = text_problem(value, max_length)
        if problem:
            self.problem(where, problem)
            return default
        if required and not value.strip():
            self.problem(where, "must not be empty")
        return value

    def key(self, entry: dict, name: str, path: str) -> str:
        """A key; "" when it is missing or not a valid key (so it is never looked up)."""
        value = self.text(entry, name, path, required=True)
        if value and not _valid_key(value):
            self.problem(
                f"{path}.{name}",
                f'"{shown(value)}" is not a valid key (lower-case letters, digits and hyphens, '
                f"at most {KEY_MAX})",
            )
            return ""
        return value

    def strings(self, entry: dict, name: str, path: str) -> list[str]:
        value = entry.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{path}.{name}", f"must be a list of text, got {_type_name(value)}")
            return []
        if len(value) > ITEMS_MAX:
            self.problem(f"{path}.{name}", f"at most {ITEMS_MAX} items, got {len(value)}")
            return []
        good = []
        for i, item in enumerate(value):
            problem = (
                text_problem(item, ITEM_MAX)
                if isinstance(item, str)
                else f"must be text, got {_type_name(item)}"
            )
            if problem:
                self.problem(f"{path}.{name}[{i}]", problem)
            else:
                good.append(item)
        return good

    def keys(
        self, entry: dict, name: str, path: str, *, levels: bool = False
    ) -> list[tuple[str, str]]:
        """A list of keys (or "ladder/level" refs), each with its place."""
        seen: set[str] = set()
        result = []
        for i, value in enumerate(self.strings(entry, name, path)):
            where = f"{path}.{name}[{i}]"
            ladder, slash, level = value.partition("/")
            if value in seen:
                self.problem(where, f'"{shown(value)}" is listed twice')
            elif levels and not (slash and _valid_key(ladder) and _valid_key(level)):
                self.problem(where, f'a level is written "ladder/level", got "{shown(value)}"')
            elif not levels and not _valid_key(value):
                self.problem(where, f'"{shown(value)}" is not a valid key')
            else:
                seen.add(value)
                result.append((where, value))
        return result

    def integer(
        self,
        entry: dict,
        name: str,
        path: str,
        *,
        default: int | None = None,
        bounds: tuple[int, int] | None = None,
    ) -> int | None:
        """A whole number; required when there is no default."""
        value = entry.get(name)
        if value is None:
            if default is None:
                self.problem(f"{path}.{name}", "required")
            return default
        if not _is_int(value):
            got = _type_name(value) + (f" ({shown(value)})" if isinstance(value, float) else "")
            self.problem(f"{path}.{name}", f"must be a whole number, got {got}")
            return default
        if bounds and not bounds[0] <= value <= bounds[1]:
            low, high = bounds
            self.problem(f"{path}.{name}", f"{value} is out of range ({low}{DASH}{high})")
        return value

    def boolean(self, entry: dict, name: str, path: str) -> bool:
        value = entry.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(f"{path}.{name}", f"must be true or false, got {_type_name(value)}")
            return False
        return value

    def anchors(self, entry: dict, name: str, path: str) -> dict[int, str]:
        value = entry.get(name)
        if value is None:
            return {}
        return self.anchor_map(value, f"{path}.{name}")

    def anchor_map(self, value: Any, path: str) -> dict[int, str]:
        """Scores to non-empty text, highest score first."""
        if not isinstance(value, dict):
            self.problem(path, "must map scores to text (e.g. 5: ...)")
            return {}
        result = {}
        for score, text in value.items():
            where = f"{path}.{score}"
            problem = text_problem(text) if isinstance(text, str) else None
            if not _is_int(score):
                self.problem(where, "the score must be a whole number")
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, "must be non-empty text")
            elif problem:
                self.problem(where, problem)
            else:
                result[score] = text
        return dict(sorted(result.items(), key=lambda kv: -kv[0]))


def _read_bank(c: Checker, raw: dict) -> dict:
    entry = c.mapping(raw.get("bank"), "bank", "bank") if "bank" in raw else None
    if "bank" not in raw:
        c.problem("bank", "required")
    entry = entry or {}
    version = entry.get("version", "1")
    if _is_int(version):
        version = str(version)
    elif not isinstance(version, str):
        c.problem("bank.version", f'must be text, got {_type_name(version)} (quote it: "2026.1")')
        version = "1"
    else:
        version = c.text(entry, "version", "bank", max_length=column_max(Bank, "version"))
    return {
        "key": c.key(entry, "key", "bank"),
        "name": c.text(entry, "name", "bank", required=True, max_length=column_max(Bank, "name")),
        "version": version or "1",
        "description": c.text(entry, "description", "bank"),
    }


def _read_scale(c: Checker, raw: dict, path: str) -> dict:
    points_raw = raw.get("points")
    points = []
    if not isinstance(points_raw, list) or len(points_raw) < 2:
        c.problem(f"{path}.points", "required: a list of at least two points")
        points_raw = points_raw if isinstance(points_raw, list) else []
    seen: dict[int, int] = {}
    bars = []
    for i, point_raw in enumerate(points_raw):
        where = f"{path}.points[{i}]"
        point = c.mapping(point_raw, where, "point")
        if point is None:
            continue
        value = c.integer(point, "value", where, bounds=POINT_RANGE)
        if value is not None and value in seen:
            c.problem(f"{where}.value", f"duplicate value {value}")
        elif value is not None:
            seen[value] = i
        meets = c.boolean(point, "meets_bar", where)
        if meets:
            bars.append(f"{where}.meets_bar")
        points.append(
            {
                "value": value,
                "label": c.text(
                    point, "label", where, required=True, max_length=column_max(ScalePoint, "label")
                ),
                "definition": c.text(point, "definition", where),
                "meets_bar": meets,
            }
        )
    for where in bars[1:]:
        c.problem(where, "only one point per scale may meet the bar")
    points.sort(key=lambda p: -(p["value"] or 0))
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(
            raw, "name", path, required=True, max_length=column_max(RatingScale, "name")
        ),
        "description": c.text(raw, "description", path),
        "points": points,
    }


def _read_competency(c: Checker, raw: dict, path: str) -> dict:
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=column_max(Competency, "name")),
        "description": c.text(raw, "description", path),
        "anchors": c.anchors(raw, "anchors", path),
        "level_anchors": _read_level_anchors(c, raw, path),
    }


def _read_level_anchors(c: Checker, raw: dict, path: str) -> dict[str, dict[int, str]]:
    """{"ladder/level": {score: text}}: anchors written for one level. The levels are
    put in ladder order once they are resolved (`resolving`)."""
    value = raw.get("level_anchors")
    where = f"{path}.level_anchors"
    if value is None:
        return {}
    if not isinstance(value, dict):
        c.problem(where, 'must map levels ("ladder/level") to anchors (score: text)')
        return {}
    result = {}
    for ref, anchors in value.items():
        ladder, slash, level = str(ref).partition("/")
        if not (isinstance(ref, str) and slash and _valid_key(ladder) and _valid_key(level)):
            c.problem(f"{where}.{ref}", f'a level is written "ladder/level", got "{shown(ref)}"')
            continue
        parsed = c.anchor_map(anchors, f"{where}.{ref}")
        if parsed:
            result[ref] = parsed
        elif isinstance(anchors, dict) and not anchors:
            c.problem(f"{where}.{ref}", "lists no anchors (leave the level out instead)")
    return result


def _read_tag(c: Checker, raw: dict, path: str) -> dict:
    key = c.key(raw, "key", path)
    return {
        "key": key,
        "name": c.text(raw, "name", path, max_length=column_max(Tag, "name"))
        or tag_name_from_key(key),
    }


def _read_ladder(c: Checker, raw: dict, path: str) -> dict:
    dimensions = _read_keyed_list(c, raw, "dimensions", path, "dimension", _read_dimension)
    dim_keys = [d["key"] for d in dimensions]
    levels = _read_keyed_list(
        c,
        raw,
        "levels",
        path,
        "level",
        lambda c, r, p: _read_level(c, r, p, dim_keys, raw.get("key")),
    )
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=column_max(Ladder, "name")),
        "description": c.text(raw, "description", path),
        "dimensions": dimensions,
        "levels": levels,
    }


def _read_keyed_list(
    c: Checker, raw: dict, name: str, path: str, kind: str, read: Callable
) -> list[dict]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        c.problem(f"{path}.{name}", f"must be a list, got {_type_name(value)}")
        return []
    result, seen = [], {}
    for i, item in enumerate(value):
        where = f"{path}.{name}[{i}]"
        entry = c.mapping(item, where, kind)
        if entry is None:
            continue
        parsed = read(c, entry, where)
        key = parsed["key"]
        if key and key in seen:
            c.problem(f"{where}.key", f'duplicate key "{key}" (also {seen[key]})')
            continue
        seen[key] = where
        result.append(parsed)
    return result


def _read_dimension(c: Checker, raw: dict, path: str) -> dict:
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(
            raw, "name", path, required=True, max_length=column_max(LadderDimension, "name")
        ),
    }


def _read_level(c: Checker, raw: dict, path: str, dim_keys: list[str], ladder: Any) -> dict:
    expectations_raw = raw.get("expectations") or {}
    expectations = {}
    if not isinstance(expectations_raw, dict):
        c.problem(f"{path}.expectations", "must map dimension keys to text")
        expectations_raw = {}
    for dim, text in expectations_raw.items():
        where = f"{path}.expectations.{dim}"
        problem = text_problem(text) if isinstance(text, str) else None
        if dim not in dim_keys:
            c.problem(where, f'unknown dimension "{shown(dim)}" in ladder "{shown(ladder)}"')
        elif not isinstance(text, str) or not text.strip():
            c.problem(where, "must be non-empty text")
        elif problem:
            c.problem(where, problem)
        else:
            expectations[dim] = text
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=column_max(Level, "name")),
        "summary": c.text(raw, "summary", path),
        "litmus": c.text(raw, "litmus", path),
        "expectations": {d: expectations[d] for d in dim_keys if d in expectations},
        "readiness_signals": c.strings(raw, "readiness_signals", path),
        "anti_patterns": c.strings(raw, "anti_patterns", path),
    }


def _read_role(c: Checker, raw: dict, path: str) -> dict:
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=column_max(Role, "name")),
        "description": c.text(raw, "description", path),
        "ladder": c.key(raw, "ladder", path),
        "usual_level": _optional_level(c, raw, "usual_level", path),
        "scale": (c.key(raw, "scale", path) or None) if raw.get("scale") is not None else None,
    }


def _optional_level(c: Checker, raw: dict, name: str, path: str) -> str | None:
    """An optional "ladder/level" reference; None when absent or malformed (reported)."""
    value = raw.get(name)
    if value is None:
        return None
    text = c.text(raw, name, path)
    ladder, slash, level = text.partition("/")
    if not text:
        return None
    if not (slash and _valid_key(ladder) and _valid_key(level)):
        c.problem(f"{path}.{name}", f'a level is written "ladder/level", got "{shown(text)}"')
        return None
    return text


def _read_curated_set(c: Checker, raw: dict, path: str) -> dict:
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        c.problem(f"{path}.items", "required: a list of at least one question")
        items_raw = items_raw if isinstance(items_raw, list) else []
    items, seen = [], {}
    for i, item_raw in enumerate(items_raw):
        where = f"{path}.items[{i}]"
        item = c.mapping(item_raw, where, "curated_item")
        if item is None:
            continue
        parsed = _read_curated_item(c, item, where)
        key = parsed["question"]
        if key and key in seen:
            c.problem(f"{where}.question", f'"{key}" is already in this set ({seen[key]})')
            continue
        seen[key] = where
        items.append((where, parsed))
    minutes = raw.get("minutes")
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=column_max(CuratedSet, "name")),
        "description": c.text(raw, "description", path),
        "roles": c.keys(raw, "roles", path),
        "minutes": c.integer(raw, "minutes", path, bounds=STAGE_MINUTES_RANGE)
        if minutes is not None
        else None,
        "items": items,
    }


def _read_curated_item(c: Checker, raw: dict, path: str) -> dict:
    backup = c.boolean(raw, "backup", path)
    condition = c.text(
        raw, "use_it_when", path, max_length=column_max(CuratedSetItem, "backup_condition")
    )
    if backup and not condition.strip() and not _text_problem_reported(raw, "use_it_when"):
        c.problem(f"{path}.use_it_when", "required for a backup: when to ask it instead")
    elif condition and not backup:
        c.problem(f"{path}.use_it_when", "only a backup has one (add backup: true, or remove it)")
    minutes = raw.get("minutes")
    return {
        "question": c.key(raw, "question", path),
        "minutes": c.integer(raw, "minutes", path, bounds=MINUTES_RANGE)
        if minutes is not None
        else None,
        "backup": backup,
        "use_it_when": condition if backup else "",
    }


def _text_problem_reported(raw: dict, name: str) -> bool:
    """Whether `name` holds something `Checker.text` already refused (not text, too long)."""
    value = raw.get(name)
    return value is not None and (not isinstance(value, str) or bool(text_problem(value)))


def _read_question(c: Checker, raw: dict, path: str) -> dict:
    kind = c.text(raw, "kind", path, default=Question.Kind.BEHAVIOURAL)
    if kind and kind not in KINDS:
        c.problem(
            f"{path}.kind", f'"{shown(kind)}" is not a kind of question ({" | ".join(KINDS)})'
        )
    comps = None
    if raw.get("competencies") is None:
        c.problem(f"{path}.competencies", "required (at least the primary competency)")
    else:
        comps = c.mapping(raw["competencies"], f"{path}.competencies", "question_competencies")
    derived = raw.get("derived_from")
    return {
        "key": c.key(raw, "key", path),
        "title": c.text(
            raw, "title", path, required=True, max_length=column_max(Question, "title")
        ),
        "prompt": c.text(raw, "prompt", path, required=True),
        "follow_ups": c.strings(raw, "follow_ups", path),
        "goal": c.text(raw, "goal", path, required=True),
        "kind": kind,
        "minutes": c.integer(raw, "minutes", path, default=10, bounds=MINUTES_RANGE),
        "competencies": {
            "primary": c.key(comps, "primary", f"{path}.competencies") if comps is not None else "",
            "secondary": c.keys(comps or {}, "secondary", f"{path}.competencies"),
        },
        "levels": c.keys(raw, "levels", path, levels=True),
        "tags": c.keys(raw, "tags", path),
        "great_signals": c.strings(raw, "great_signals", path),
        "negative_signals": c.strings(raw, "negative_signals", path),
        "checklist": c.strings(raw, "checklist", path),
        "technologies": c.strings(raw, "technologies", path),
        "interviewer_notes": c.text(raw, "interviewer_notes", path),
        "anchors": c.anchors(raw, "anchors", path),
        "derived_from": c.key(raw, "derived_from", path) if derived is not None else None,
    }


READERS = {
    "scales": ("scale", _read_scale),
    "competencies": ("competency", _read_competency),
    "tags": ("tag", _read_tag),
    "ladders": ("ladder", _read_ladder),
    "roles": ("role", _read_role),
    "questions": ("question", _read_question),
    "curated_sets": ("curated_set", _read_curated_set),
}


def _read_sections(c: Checker, raw: dict) -> tuple[dict, dict[str, list[tuple[str, dict]]]]:
    """Each section's entries with their places; duplicate keys in a section reported."""
    sections: dict[str, list[tuple[str, dict]]] = {}
    for section, (kind, read) in READERS.items():
        entries, seen = [], {}
        for path, raw_entry in c.items(raw, section):
            entry = c.mapping(raw_entry, path, kind)
            if entry is None:
                continue
            parsed = read(c, entry, path)
            key = parsed["key"]
            if key and key in seen:
                c.problem(f"{path}.key", f'duplicate key "{key}" (also {seen[key]})')
                continue
            seen[key] = path
            entries.append((path, parsed))
        sections[section] = entries
    return _read_bank(c, raw), sections
