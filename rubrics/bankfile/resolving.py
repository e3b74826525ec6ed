"""Resolving references, ownership and anything else that needs the installation."""

from ..models import Competency, Ladder, Level, Question, RatingScale, Role, ScalePoint
from .base import DASH, _valid_key
from .checking import Checker


class Resolver:
    """Looks keys up in the file first, then among installed current items.

    What the file references but does not define is fetched once per kind of
    item (not once per reference), so checking a file of ten thousand questions
    costs a handful of queries.
    """

    def __init__(self, sections: dict[str, list[tuple[str, dict]]]):
        self.file = {s: {e["key"]: e for _, e in entries} for s, entries in sections.items()}
        questions = [q for _, q in sections["questions"]]
        roles = [r for _, r in sections["roles"]]
        sets = [s for _, s in sections["curated_sets"]]
        set_questions = {i["question"] for s in sets for _, i in s["items"] if i["question"]}
        self.installed_minutes = _installed_minutes(set_questions - set(self.file["questions"]))
        self.installed = {
            "competencies": _installed(
                Competency.objects.current(),
                {k for q in questions for k in _competency_refs(q)}
                - set(self.file["competencies"]),
            ),
            "ladders": _installed(
                Ladder.objects.all(),
                {r["ladder"] for _, r in sections["roles"] if r["ladder"]}
                - set(self.file["ladders"]),
            ),
            "questions": _installed(
                Question.objects.current(),
                {q["derived_from"] for q in questions if q["derived_from"]}
                - set(self.file["questions"]),
            )
            | set(self.installed_minutes),
            "scales": _installed(
                RatingScale.objects.active(),
                {r["scale"] for r in roles if r["scale"]} - set(self.file["scales"]),
            ),
            "roles": _installed(
                Role.objects.all(),
                {k for s in sets for _, k in s["roles"]} - set(self.file["roles"]),
            ),
        }
        level_refs = {ref for q in questions for _, ref in q["levels"]}
        level_refs |= {ref for _, c in sections["competencies"] for ref in c["level_anchors"]}
        level_refs |= {r["usual_level"] for r in roles if r["usual_level"]}
        self.levels = _installed_levels(level_refs, set(self.file["ladders"]))
        self._points: tuple[set[int], str] | None = None

    def competency(self, key: str) -> bool:
        return key in self.file["competencies"] or key in self.installed["competencies"]

    def ladder(self, key: str) -> bool:
        return key in self.file["ladders"] or key in self.installed["ladders"]

    def question(self, key: str) -> bool:
        return key in self.file["questions"] or key in self.installed["questions"]

    def scale(self, key: str) -> bool:
        return key in self.file["scales"] or key in self.installed["scales"]

    def role(self, key: str) -> bool:
        return key in self.file["roles"] or key in self.installed["roles"]

    def question_minutes(self, key: str) -> int | None:
        """A question's own minutes (the file's, else the installed current version's)."""
        if key in self.file["questions"]:
            return self.file["questions"][key]["minutes"]
        return self.installed_minutes.get(key)

    def level_order(self, ref: str) -> tuple[str, int] | None:
        """(ladder key, position) of a "ladder/level" reference, or None if unknown."""
        ladder_key, _, level_key = ref.partition("/")
        if ladder_key in self.file["ladders"]:
            keys = [lv["key"] for lv in self.file["ladders"][ladder_key]["levels"]]
            return (ladder_key, keys.index(level_key)) if level_key in keys else None
        order = self.levels.get(ref)
        return None if order is None else (ladder_key, order)

    def point_values(self) -> tuple[set[int], str]:
        """The scores anchors may name, and where they come from (for the message)."""
        if self._points is None:
            self._points = self._load_point_values()
        return self._points

    def _load_point_values(self) -> tuple[set[int], str]:
        if self.file["scales"]:
            values = {
                p["value"]
                for s in self.file["scales"].values()
                for p in s["points"]
                if p["value"] is not None
            }
            return values, "any scale of this bank"
        values = set(ScalePoint.objects.filter(scale__current=True).values_list("value", flat=True))
        return values, "any installed scale"


def _competency_refs(question: dict) -> list[str]:
    comps = question["competencies"]
    return [k for k in [comps["primary"], *(k for _, k in comps["secondary"])] if k]


def _installed(rows, keys: set[str]) -> set[str]:
    """Which of `keys` exist among `rows`, in one query."""
    if not keys:
        return set()
    return set(rows.filter(key__in=keys).values_list("key", flat=True))


def _installed_minutes(keys: set[str]) -> dict[str, int]:
    """{key: minutes} of the installed current questions among `keys`, in one query."""
    if not keys:
        return {}
    return dict(Question.objects.current().filter(key__in=keys).values_list("key", "minutes"))


def _installed_levels(refs: set[str], file_ladders: set[str]) -> dict[str, int]:
    """{"ladder/level": order} of the installed levels among `refs`, in one query."""
    ladders = {ref.partition("/")[0] for ref in refs} - file_ladders
    if not ladders:
        return {}
    rows = Level.objects.filter(ladder__key__in=ladders).values_list("ladder__key", "key", "order")
    return {f"{lk}/{k}": order for lk, k, order in rows if f"{lk}/{k}" in refs}


def _check_anchors(c: Checker, anchors: dict[int, str], path: str, resolver: Resolver) -> None:
    _check_scores(c, anchors, f"{path}.anchors", resolver)


def _check_scores(c: Checker, anchors: dict[int, str], where: str, resolver: Resolver) -> None:
    values, source = resolver.point_values()
    if not values:
        return
    for score in anchors:
        if score not in values:
            span = f"{min(values)}{DASH}{max(values)}"
            c.problem(f"{where}.{score}", f"no such point on {source} ({span})")


def _check_competency(c: Checker, path: str, competency: dict, resolver: Resolver) -> None:
    """Anchors on points of a scale; each level's anchors for a known level, put in ladder
    order (the order export writes)."""
    _check_anchors(c, competency["anchors"], path, resolver)
    found = []
    for ref, anchors in competency["level_anchors"].items():
        where = f"{path}.level_anchors.{ref}"
        order = resolver.level_order(ref)
        if order is None:
            c.problem(where, f'unknown level "{ref}"')
            continue
        _check_scores(c, anchors, where, resolver)
        found.append((order, ref, anchors))
    competency["level_anchors"] = {ref: anchors for _, ref, anchors in sorted(found)}


def _check_role(c: Checker, path: str, role: dict, resolver: Resolver) -> None:
    ladder = role["ladder"]
    if ladder and _valid_key(ladder) and not resolver.ladder(ladder):
        c.problem(f"{path}.ladder", f'unknown ladder "{ladder}"')
    level = role["usual_level"]
    if level and resolver.level_order(level) is None:
        c.problem(f"{path}.usual_level", f'unknown level "{level}"')
    elif level and ladder and level.partition("/")[0] != ladder:
        c.problem(f"{path}.usual_level", f'"{level}" is not a level of the ladder "{ladder}"')
    if role["scale"] and not resolver.scale(role["scale"]):
        c.problem(f"{path}.scale", f'unknown rating scale "{role["scale"]}"')


def _check_curated_set(c: Checker, path: str, curated: dict, resolver: Resolver) -> None:
    """Known roles and questions; the asked questions fit the set's minutes."""
    for where, key in curated["roles"]:
        if not resolver.role(key):
            c.problem(where, f'unknown role "{key}"')
    curated["roles"] = sorted(key for _, key in curated["roles"])
    asked, known = 0, True
    for where, item in curated["items"]:
        key = item["question"]
        if key and not resolver.question(key):
            c.problem(f"{where}.question", f'unknown question "{key}"')
            known = False
        elif not item["backup"]:
            minutes = item["minutes"] or resolver.question_minutes(key)
            known = known and minutes is not None
            asked += minutes or 0
    if curated["items"] and all(item["backup"] for _, item in curated["items"]):
        c.problem(f"{path}.items", "a set needs at least one question that is not a backup")
    if known and curated["minutes"] and asked > curated["minutes"]:
        c.problem(
            f"{path}.minutes",
            f"the questions it asks take {asked} minutes, more than its {curated['minutes']}",
        )
    curated["items"] = [item for _, item in curated["items"]]


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
        for level in gone.filter(anchors__competency__locked=True).distinct():
            c.problem(
                f"{path}.levels",
                f'level "{level.key}" has anchors of a competency that a published loop '
                "uses and cannot be removed",
            )


def _check_references(c: Checker, bank_key: str, sections: dict) -> None:
    resolver = Resolver(sections)
    for path, competency in sections["competencies"]:
        _check_competency(c, path, competency, resolver)
    for path, role in sections["roles"]:
        _check_role(c, path, role, resolver)
    _check_questions(c, sections, resolver)
    for path, curated in sections["curated_sets"]:
        _check_curated_set(c, path, curated, resolver)
    if bank_key:
        _check_ownership(c, bank_key, sections)
    _check_level_removals(c, sections)
