"""The bank file (docs/bank-format.md): parse, validate, import and export question banks.

One function serialises each kind of installed item to its file entry
(`scale_entry`, `competency_entry`, ...). Export writes those entries, and
import compares them with the normalised file entries to decide whether an
item changed, so "identical content" means exactly "would export the same".

Validation reads the database (references, ownership) but never writes; every
problem is collected with its place before `BankFileError` is raised, and
`import_bank` writes nothing unless the whole file is valid.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.db.models import F, ProtectedError, RestrictedError

from accounts.audit import record

from .models import (
    Bank,
    Competency,
    CompetencyAnchor,
    Ladder,
    LadderDimension,
    Level,
    LevelExpectation,
    Question,
    QuestionAnchor,
    RatingScale,
    Role,
    ScalePoint,
    Tag,
)
from .versioning import new_version

FORMAT = 1
SUPPORTED_FORMATS = (FORMAT,)
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
KEY_MAX = 80
POINT_RANGE = (-100, 100)
MINUTES_RANGE = (1, 180)
DASH = "\u2013"  # an en dash: ranges read as in docs/bank-format.md
KINDS = tuple(Question.Kind.values)
SECTIONS = ("scales", "competencies", "tags", "ladders", "roles", "questions")


class BankFileError(Exception):
    """A bank file that cannot be imported; `problems` lists each one with its place."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class BankData:
    """A valid bank file, each entry in the exact shape export writes."""

    bank: dict
    scales: list[dict] = field(default_factory=list)
    competencies: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    ladders: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    questions: list[dict] = field(default_factory=list)
    # Tags named by questions but not listed under `tags:`.
    used_tags: list[str] = field(default_factory=list)


OUTCOMES = ("created", "updated", "new_version", "unchanged")


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do), per kind of item."""

    bank_key: str
    dry_run: bool = False
    counts: dict[str, Counter] = field(
        default_factory=lambda: {kind: Counter() for kind in ("bank", *SECTIONS)}
    )

    def add(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["new_version"] for c in self.counts.values())

    def totals(self) -> dict[str, int]:
        return {o: sum(c[o] for c in self.counts.values()) for o in OUTCOMES}

    def as_data(self) -> dict[str, dict[str, int]]:
        """Counts per kind as plain dicts (for the audit trail and templates)."""
        return {kind: {o: c[o] for o in OUTCOMES} for kind, c in self.counts.items()}

    def rows(self) -> list[tuple[str, dict[str, int]]]:
        return [(kind, data) for kind, data in self.as_data().items() if any(data.values())]

    def summary(self) -> str:
        """One line for people: `core: 3 created, 1 updated, 0 new versions, 9 unchanged (...)`."""
        t = self.totals()
        parts = [
            f"{kind} " + ", ".join(f"{n} {o.replace('_', ' ')}" for o, n in data.items() if n)
            for kind, data in self.rows()
        ]
        head = (
            f"{self.bank_key}: {t['created']} created, {t['updated']} updated, "
            f"{t['new_version']} new version{'s' if t['new_version'] != 1 else ''}, "
            f"{t['unchanged']} unchanged"
        )
        detail = f" ({'; '.join(parts)})" if parts else ""
        tail = " — dry run, nothing written" if self.dry_run else ""
        return head + detail + tail


# ---------------------------------------------------------------------------
# Serialising installed items: the one shape export writes and import compares.


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
    }


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


# ---------------------------------------------------------------------------
# Export


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
    competencies = Competency.objects.current().filter(bank=bank).prefetch_related("anchors")
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
        "roles": list(bank.roles.select_related("ladder").order_by("key")),
        "questions": questions,
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


# ---------------------------------------------------------------------------
# Reading YAML


class _BankLoader(yaml.SafeLoader):
    """SafeLoader that refuses a mapping naming the same key twice (YAML would keep the last)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, (str, int)) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate field {key!r} in one mapping", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_BankLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise BankFileError([f"{place}: not valid YAML: {problem}"]) from exc


# ---------------------------------------------------------------------------
# Validation: structure and types of each entry


FIELDS = {
    "top": ("format", "bank", *SECTIONS),
    "bank": ("key", "name", "version", "description"),
    "scale": ("key", "name", "description", "points"),
    "point": ("value", "label", "definition", "meets_bar"),
    "competency": ("key", "name", "description", "anchors"),
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
    "role": ("key", "name", "description", "ladder"),
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
}


class Checker:
    """Collects problems while reading raw YAML values into normalised entries."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

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
        max_length: int | None = None,
        default: str = "",
    ) -> str:
        value = entry.get(name)
        where = f"{path}.{name}"
        if value is None:
            if required:
                self.problem(where, "required")
            return default
        if not isinstance(value, str):
            self.problem(where, f"must be text, got {_type_name(value)}")
            return default
        if required and not value.strip():
            self.problem(where, "must not be empty")
        if max_length and len(value) > max_length:
            self.problem(where, f"too long ({len(value)} characters, at most {max_length})")
        return value

    def key(self, entry: dict, name: str, path: str) -> str:
        value = self.text(entry, name, path, required=True)
        if value and not _valid_key(value):
            self.problem(
                f"{path}.{name}",
                f'"{value}" is not a valid key (lower-case letters, digits and hyphens)',
            )
        return value

    def strings(self, entry: dict, name: str, path: str) -> list[str]:
        value = entry.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{path}.{name}", f"must be a list of text, got {_type_name(value)}")
            return []
        good = []
        for i, item in enumerate(value):
            if isinstance(item, str):
                good.append(item)
            else:
                self.problem(f"{path}.{name}[{i}]", f"must be text, got {_type_name(item)}")
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
                self.problem(where, f'"{value}" is listed twice')
            elif levels and not (slash and _valid_key(ladder) and _valid_key(level)):
                self.problem(where, f'a level is written "ladder/level", got "{value}"')
            elif not levels and not _valid_key(value):
                self.problem(where, f'"{value}" is not a valid key')
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
            self.problem(f"{path}.{name}", f"must be a whole number, got {_type_name(value)}")
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
        if not isinstance(value, dict):
            self.problem(f"{path}.{name}", "must map scores to text (e.g. 5: ...)")
            return {}
        result = {}
        for score, text in value.items():
            where = f"{path}.{name}.{score}"
            if not _is_int(score):
                self.problem(where, "the score must be a whole number")
            elif not isinstance(text, str) or not text.strip():
                self.problem(where, "must be non-empty text")
            else:
                result[score] = text
        return dict(sorted(result.items(), key=lambda kv: -kv[0]))


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_key(value: str) -> bool:
    return len(value) <= KEY_MAX and bool(KEY_RE.match(value))


def tag_name_from_key(key: str) -> str:
    return key.replace("-", " ").capitalize()


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
    return {
        "key": c.key(entry, "key", "bank"),
        "name": c.text(entry, "name", "bank", required=True, max_length=200),
        "version": version,
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
                "label": c.text(point, "label", where, required=True, max_length=100),
                "definition": c.text(point, "definition", where),
                "meets_bar": meets,
            }
        )
    for where in bars[1:]:
        c.problem(where, "only one point per scale may meet the bar")
    points.sort(key=lambda p: -(p["value"] or 0))
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=200),
        "description": c.text(raw, "description", path),
        "points": points,
    }


def _read_competency(c: Checker, raw: dict, path: str) -> dict:
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=200),
        "description": c.text(raw, "description", path),
        "anchors": c.anchors(raw, "anchors", path),
    }


def _read_tag(c: Checker, raw: dict, path: str) -> dict:
    key = c.key(raw, "key", path)
    return {"key": key, "name": c.text(raw, "name", path, max_length=100) or tag_name_from_key(key)}


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
        "name": c.text(raw, "name", path, required=True, max_length=200),
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
        "name": c.text(raw, "name", path, required=True, max_length=100),
    }


def _read_level(c: Checker, raw: dict, path: str, dim_keys: list[str], ladder: Any) -> dict:
    expectations_raw = raw.get("expectations") or {}
    expectations = {}
    if not isinstance(expectations_raw, dict):
        c.problem(f"{path}.expectations", "must map dimension keys to text")
        expectations_raw = {}
    for dim, text in expectations_raw.items():
        where = f"{path}.expectations.{dim}"
        if dim not in dim_keys:
            c.problem(where, f'unknown dimension "{dim}" in ladder "{ladder}"')
        elif not isinstance(text, str) or not text.strip():
            c.problem(where, "must be non-empty text")
        else:
            expectations[dim] = text
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=100),
        "summary": c.text(raw, "summary", path),
        "litmus": c.text(raw, "litmus", path),
        "expectations": {d: expectations[d] for d in dim_keys if d in expectations},
        "readiness_signals": c.strings(raw, "readiness_signals", path),
        "anti_patterns": c.strings(raw, "anti_patterns", path),
    }


def _read_role(c: Checker, raw: dict, path: str) -> dict:
    return {
        "key": c.key(raw, "key", path),
        "name": c.text(raw, "name", path, required=True, max_length=200),
        "description": c.text(raw, "description", path),
        "ladder": c.key(raw, "ladder", path),
    }


def _read_question(c: Checker, raw: dict, path: str) -> dict:
    kind = c.text(raw, "kind", path, default=Question.Kind.BEHAVIOURAL)
    if kind and kind not in KINDS:
        c.problem(f"{path}.kind", f'"{kind}" is not a kind of question ({" | ".join(KINDS)})')
    comps = None
    if raw.get("competencies") is None:
        c.problem(f"{path}.competencies", "required (at least the primary competency)")
    else:
        comps = c.mapping(raw["competencies"], f"{path}.competencies", "question_competencies")
    derived = raw.get("derived_from")
    return {
        "key": c.key(raw, "key", path),
        "title": c.text(raw, "title", path, required=True, max_length=200),
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


# ---------------------------------------------------------------------------
# Validation: references, ownership and anything that needs the installation


class Resolver:
    """Looks keys up in the file first, then among installed current items."""

    def __init__(self, sections: dict[str, list[tuple[str, dict]]]):
        self.file = {s: {e["key"]: e for _, e in entries} for s, entries in sections.items()}

    def competency(self, key: str) -> bool:
        return (
            key in self.file["competencies"]
            or Competency.objects.current().filter(key=key).exists()
        )

    def ladder(self, key: str) -> bool:
        return key in self.file["ladders"] or Ladder.objects.filter(key=key).exists()

    def question(self, key: str) -> bool:
        return key in self.file["questions"] or Question.objects.current().filter(key=key).exists()

    def level_order(self, ref: str) -> tuple[str, int] | None:
        """(ladder key, position) of a "ladder/level" reference, or None if unknown."""
        ladder_key, _, level_key = ref.partition("/")
        if ladder_key in self.file["ladders"]:
            keys = [lv["key"] for lv in self.file["ladders"][ladder_key]["levels"]]
            return (ladder_key, keys.index(level_key)) if level_key in keys else None
        order = (
            Level.objects.filter(ladder__key=ladder_key, key=level_key)
            .values_list("order", flat=True)
            .first()
        )
        return None if order is None else (ladder_key, order)

    def point_values(self) -> tuple[set[int], str]:
        """The scores anchors may name, and where they come from (for the message)."""
        if self.file["scales"]:
            values = {p["value"] for s in self.file["scales"].values() for p in s["points"]}
            return values, "any scale of this bank"
        values = set(ScalePoint.objects.filter(scale__current=True).values_list("value", flat=True))
        return values, "any installed scale"


def _check_anchors(c: Checker, anchors: dict[int, str], path: str, resolver: Resolver) -> None:
    values, source = resolver.point_values()
    if not values:
        return
    for score in anchors:
        if score not in values:
            span = f"{min(values)}{DASH}{max(values)}"
            c.problem(f"{path}.anchors.{score}", f"no such point on {source} ({span})")


def _check_questions(c: Checker, sections: dict, resolver: Resolver) -> None:
    for path, q in sections["questions"]:
        comps = q["competencies"]
        primary = comps["primary"]
        if primary and _valid_key(primary) and not resolver.competency(primary):
            c.problem(f"{path}.competencies.primary", f'unknown competency "{primary}"')
        secondary = []
        for where, key in comps["secondary"]:
            if key == primary:
                c.problem(where, f'"{key}" is already the primary competency')
            elif not resolver.competency(key):
                c.problem(where, f'unknown competency "{key}"')
            secondary.append(key)
        comps["secondary"] = sorted(secondary)
        q["levels"] = _resolve_levels(c, q["levels"], resolver)
        q["tags"] = sorted(key for _, key in q["tags"])
        derived = q["derived_from"]
        if derived == q["key"] and derived:
            c.problem(f"{path}.derived_from", "a question cannot be derived from itself")
        elif derived and _valid_key(derived) and not resolver.question(derived):
            c.problem(f"{path}.derived_from", f'unknown question "{derived}"')
        _check_anchors(c, q["anchors"], path, resolver)


def _resolve_levels(c: Checker, refs: list[tuple[str, str]], resolver: Resolver) -> list[str]:
    found = []
    for where, ref in refs:
        order = resolver.level_order(ref)
        if order is None:
            c.problem(where, f'unknown level "{ref}"')
        else:
            found.append((order, ref))
    return [ref for _, ref in sorted(found)]


OWNED = {
    "scales": RatingScale,
    "competencies": Competency,
    "ladders": Ladder,
    "roles": Role,
    "questions": Question,
}


def _check_ownership(c: Checker, bank_key: str, sections: dict) -> None:
    """An item that another installed bank defines cannot be redefined here."""
    for section, model in OWNED.items():
        keys = {e["key"]: path for path, e in sections[section] if e["key"]}
        if not keys:
            continue
        rows = model.objects.filter(key__in=keys).exclude(bank__key=bank_key)
        if hasattr(model, "current"):
            rows = rows.filter(current=True)
        for key, owner in rows.values_list("key", "bank__key"):
            c.problem(
                f"{keys[key]}.key",
                f'"{key}" is defined by bank "{owner}"; reference it by key instead',
            )


def _check_level_removals(c: Checker, sections: dict) -> None:
    """Import makes a ladder match the file; a level that a pinned question uses must stay."""
    for path, ladder in sections["ladders"]:
        kept = [lv["key"] for lv in ladder["levels"]]
        gone = Level.objects.filter(ladder__key=ladder["key"]).exclude(key__in=kept)
        for level in gone.filter(questions__locked=True).distinct():
            c.problem(
                f"{path}.levels",
                f'level "{level.key}" is used by a question of a '
                "published loop and cannot be removed",
            )


def _check_references(c: Checker, bank_key: str, sections: dict) -> None:
    resolver = Resolver(sections)
    for path, competency in sections["competencies"]:
        _check_anchors(c, competency["anchors"], path, resolver)
    for path, role in sections["roles"]:
        if role["ladder"] and _valid_key(role["ladder"]) and not resolver.ladder(role["ladder"]):
            c.problem(f"{path}.ladder", f'unknown ladder "{role["ladder"]}"')
    _check_questions(c, sections, resolver)
    if bank_key:
        _check_ownership(c, bank_key, sections)
    _check_level_removals(c, sections)


def parse_bank(text: str) -> BankData:
    """Read and validate a bank file; raise BankFileError listing every problem."""
    raw = load_yaml(text)
    if not isinstance(raw, dict):
        raise BankFileError(["file: a bank file is a YAML mapping (format, bank, questions, ...)"])
    c = Checker()
    fmt = raw.get("format")
    if fmt is None:
        raise BankFileError([f"format: required (supported: {_formats()})"])
    if not _is_int(fmt) or fmt not in SUPPORTED_FORMATS:
        raise BankFileError([f"format: unsupported format {fmt!r}; supported: {_formats()}"])
    for name in raw:
        if name not in FIELDS["top"]:
            c.problem(str(name), "unknown field")
    bank, sections = _read_sections(c, raw)
    _check_references(c, bank["key"], sections)
    if c.problems:
        raise BankFileError(c.problems)
    return _bank_data(bank, sections)


def _formats() -> str:
    return ", ".join(str(f) for f in SUPPORTED_FORMATS)


def _bank_data(bank: dict, sections: dict) -> BankData:
    data = BankData(bank=bank, **{s: [e for _, e in sections[s]] for s in SECTIONS})
    listed = {t["key"] for t in data.tags}
    data.used_tags = sorted({k for q in data.questions for k in q["tags"]} - listed)
    return data


# ---------------------------------------------------------------------------
# Import


@transaction.atomic
def import_bank(text: str, *, actor=None, dry_run: bool = False) -> ImportReport:
    """Validate the whole file, then create, update or version what it defines.

    All or nothing: any problem raises BankFileError before anything is written.
    A dry run does the same work and rolls it back, so its report is exact.
    """
    data = parse_bank(text)
    report = ImportReport(bank_key=data.bank["key"], dry_run=dry_run)
    bank = _import_bank_row(data.bank, report)
    for entry in data.scales:
        _import_versioned(RatingScale, entry, bank, report, "scales")
    for entry in data.competencies:
        _import_versioned(Competency, entry, bank, report, "competencies")
    _import_tags(data, report)
    for entry in data.ladders:
        _import_ladder(entry, bank, report)
    for entry in data.roles:
        _import_role(entry, bank, report)
    _import_questions(data.questions, bank, report)
    if dry_run:
        transaction.set_rollback(True)
    elif report.changed:
        record(actor, "bank.imported", bank, **report.as_data())
    return report


def _import_bank_row(entry: dict, report: ImportReport) -> Bank:
    bank = Bank.objects.filter(key=entry["key"]).first()
    if bank is None:
        report.add("bank", "created")
        return Bank.objects.create(**entry)
    if bank_entry(bank) == entry:
        report.add("bank", "unchanged")
        return bank
    for name, value in entry.items():
        setattr(bank, name, value)
    bank.save()
    report.add("bank", "updated")
    return bank


SERIALISERS = {RatingScale: scale_entry, Competency: competency_entry, Question: question_entry}


def _import_versioned(model, entry: dict, bank: Bank, report: ImportReport, kind: str):
    """Create (v1), leave alone, update in place, or make version n+1 if locked.

    Returns the current item and what happened to it.
    """
    current = model.objects.filter(key=entry["key"], current=True).first()
    if current is None:
        item, outcome = model(key=entry["key"], bank=bank), "created"
    elif SERIALISERS[model](current) == entry:
        item, outcome = current, "unchanged"
    elif current.locked:
        item, outcome = new_version(current), "new_version"
    else:
        item, outcome = current, "updated"
    if outcome != "unchanged":
        APPLY[model](item, entry)
    report.add(kind, outcome)
    return item, outcome


def _apply_scale(scale: RatingScale, entry: dict) -> None:
    scale.name, scale.description = entry["name"], entry["description"]
    scale.save()
    wanted = {p["value"]: p for p in entry["points"]}
    scale.points.exclude(value__in=wanted).delete()
    # One meets_bar per scale is a constraint checked row by row: clear before setting.
    scale.points.filter(meets_bar=True).exclude(
        value__in=[v for v, p in wanted.items() if p["meets_bar"]]
    ).update(meets_bar=False)
    existing = {p.value: p for p in scale.points.all()}
    for value, p in wanted.items():
        point = existing.get(value) or ScalePoint(scale=scale, value=value)
        fields = {"label": p["label"], "definition": p["definition"], "meets_bar": p["meets_bar"]}
        if point.pk and all(getattr(point, k) == v for k, v in fields.items()):
            continue
        for k, v in fields.items():
            setattr(point, k, v)
        point.save()


def _sync_anchors(parent, model, fk: str, anchors: dict[int, str]) -> None:
    rows = model.objects.filter(**{fk: parent})
    rows.exclude(value__in=anchors).delete()
    existing = {a.value: a for a in rows}
    for value, text in anchors.items():
        anchor = existing.get(value)
        if anchor is None:
            model.objects.create(**{fk: parent}, value=value, text=text)
        elif anchor.text != text:
            anchor.text = text
            anchor.save()


def _apply_competency(competency: Competency, entry: dict) -> None:
    competency.name, competency.description = entry["name"], entry["description"]
    competency.save()
    _sync_anchors(competency, CompetencyAnchor, "competency", entry["anchors"])


def _apply_question(question: Question, entry: dict) -> None:
    for name in Question.TEXT_FIELDS:
        setattr(question, name, entry[name])
    question.primary_competency = Competency.objects.current().get(
        key=entry["competencies"]["primary"]
    )
    derived = entry["derived_from"]
    # A question derived from one later in the file is linked once that one exists.
    question.derived_from = (
        Question.objects.current().filter(key=derived).first() if derived else None
    )
    question.save()
    question.secondary_competencies.set(
        Competency.objects.current().filter(key__in=entry["competencies"]["secondary"])
    )
    question.levels.set(_levels(entry["levels"]))
    question.tags.set(Tag.objects.filter(key__in=entry["tags"]))
    _sync_anchors(question, QuestionAnchor, "question", entry["anchors"])


APPLY = {RatingScale: _apply_scale, Competency: _apply_competency, Question: _apply_question}


def _levels(refs: list[str]) -> list[Level]:
    wanted = {tuple(ref.split("/", 1)) for ref in refs}
    levels = Level.objects.filter(ladder__key__in={lk for lk, _ in wanted}).select_related("ladder")
    return [lv for lv in levels if (lv.ladder.key, lv.key) in wanted]


def _import_questions(entries: list[dict], bank: Bank, report: ImportReport) -> None:
    written = []
    for entry in entries:
        question, outcome = _import_versioned(Question, entry, bank, report, "questions")
        if outcome != "unchanged":
            written.append((question, entry))
    for question, entry in written:
        derived = entry["derived_from"]
        if derived and question.derived_from_id is None:
            target = Question.objects.current().get(key=derived)
            Question.objects.filter(pk=question.pk).update(derived_from=target)


def _import_tags(data: BankData, report: ImportReport) -> None:
    existing = {
        t.key: t for t in Tag.objects.filter(key__in=[t["key"] for t in data.tags] + data.used_tags)
    }
    for entry in data.tags:
        tag = existing.get(entry["key"])
        if tag is None:
            Tag.objects.create(**entry)
            report.add("tags", "created")
        elif tag.name != entry["name"]:
            tag.name = entry["name"]
            tag.save()
            report.add("tags", "updated")
        else:
            report.add("tags", "unchanged")
    for key in data.used_tags:
        if key in existing:
            report.add("tags", "unchanged")
        else:
            Tag.objects.create(key=key, name=tag_name_from_key(key))
            report.add("tags", "created")


def _import_ladder(entry: dict, bank: Bank, report: ImportReport) -> None:
    ladder = Ladder.objects.filter(key=entry["key"]).first()
    if ladder is not None and ladder_entry(ladder) == entry:
        report.add("ladders", "unchanged")
        return
    report.add("ladders", "created" if ladder is None else "updated")
    if ladder is None:
        ladder = Ladder(key=entry["key"], bank=bank)
    ladder.name, ladder.description = entry["name"], entry["description"]
    ladder.save()
    dimensions = _sync_ordered(
        ladder, LadderDimension, entry["dimensions"], lambda row, e: setattr(row, "name", e["name"])
    )
    levels = _sync_ordered(ladder, Level, entry["levels"], _set_level_fields)
    for level_entry in entry["levels"]:
        _sync_expectations(levels[level_entry["key"]], dimensions, level_entry["expectations"])


def _set_level_fields(level: Level, entry: dict) -> None:
    for name in ("name", "summary", "litmus", "readiness_signals", "anti_patterns"):
        setattr(level, name, entry[name])


def _sync_ordered(ladder: Ladder, model, entries: list[dict], set_fields: Callable) -> dict:
    """Make the ladder's dimensions or levels match `entries` (by key, in order)."""
    rows = model.objects.filter(ladder=ladder)
    try:
        rows.exclude(key__in=[e["key"] for e in entries]).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise BankFileError(
            [
                f'ladders "{ladder.key}": cannot remove a '
                f"{model._meta.verbose_name} that is still used ({exc.args[0]})"
            ]
        ) from exc
    existing = {row.key: row for row in rows}
    # (ladder, order) is unique and checked row by row: move every existing row past
    # the highest position first, so renumbering never collides.
    rows.update(order=F("order") + max((r.order for r in existing.values()), default=0) + 1)
    result = {}
    for order, e in enumerate(entries):
        row = existing.get(e["key"]) or model(ladder=ladder, key=e["key"])
        row.order = order
        set_fields(row, e)
        row.save()
        result[e["key"]] = row
    return result


def _sync_expectations(level: Level, dimensions: dict, expectations: dict[str, str]) -> None:
    rows = LevelExpectation.objects.filter(level=level).select_related("dimension")
    rows.exclude(dimension__key__in=expectations).delete()
    existing = {row.dimension.key: row for row in rows}
    for dim_key, text in expectations.items():
        row = existing.get(dim_key)
        if row is None:
            LevelExpectation.objects.create(level=level, dimension=dimensions[dim_key], text=text)
        elif row.text != text:
            row.text = text
            row.save()


def _import_role(entry: dict, bank: Bank, report: ImportReport) -> None:
    role = Role.objects.filter(key=entry["key"]).select_related("ladder").first()
    if role is not None and role_entry(role) == entry:
        report.add("roles", "unchanged")
        return
    report.add("roles", "created" if role is None else "updated")
    role = role or Role(key=entry["key"], bank=bank)
    role.name, role.description = entry["name"], entry["description"]
    role.ladder = Ladder.objects.get(key=entry["ladder"])
    role.save()
