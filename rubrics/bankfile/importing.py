"""Importing a valid bank file: create, update or version what it defines, all or nothing."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, ProtectedError, RestrictedError

from accounts.audit import record

from ..models import (
    Bank,
    Competency,
    CompetencyAnchor,
    CuratedSet,
    CuratedSetItem,
    Ladder,
    LadderDimension,
    Level,
    LevelAnchor,
    LevelExpectation,
    Question,
    QuestionAnchor,
    RatingScale,
    Role,
    ScalePoint,
    Tag,
)
from ..versioning import new_version
from .base import SECTIONS, BankData, BankFileError, tag_name_from_key
from .exporting import (
    bank_entry,
    competency_entry,
    curated_set_entry,
    ladder_entry,
    question_entry,
    role_entry,
    scale_entry,
)
from .parsing import parse_bank
from .reading import MAX_BYTES

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
        """(kind in words, counts) of each kind the import touched: "curated sets", ..."""
        return [
            (kind.replace("_", " "), data)
            for kind, data in self.as_data().items()
            if any(data.values())
        ]

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


@transaction.atomic
def import_bank(
    text: str, *, actor=None, dry_run: bool = False, max_bytes: int = MAX_BYTES
) -> ImportReport:
    """Validate the whole file, then create, update or version what it defines.

    All or nothing: any problem raises BankFileError before anything is written.
    A dry run does the same work and rolls it back, so its report is exact.
    """
    data = parse_bank(text, max_bytes=max_bytes)
    report = ImportReport(bank_key=data.bank["key"], dry_run=dry_run)
    bank = _import_bank_row(data.bank, report)
    _import_tags(data, report)
    # Ladders before competencies: a competency's anchors for a level name the level.
    for entry in data.ladders:
        _import_ladder(entry, bank, report)
    for entry in data.scales:
        _import_versioned(RatingScale, entry, bank, report, "scales")
    for entry in data.competencies:
        _import_versioned(Competency, entry, bank, report, "competencies")
    for entry in data.roles:
        _import_role(entry, bank, report)
    _import_questions(data.questions, bank, report)
    for order, entry in enumerate(data.curated_sets):
        _import_curated_set(entry, order, bank, report)
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
    _sync_level_anchors(competency, entry["level_anchors"])


def _sync_level_anchors(competency: Competency, by_level: dict[str, dict[int, str]]) -> None:
    """Make the competency's anchors per level match the file's (by level and score)."""
    levels = {lv.ref: lv for lv in _levels(list(by_level))}
    wanted = {
        (levels[ref].pk, value): text for ref, a in by_level.items() for value, text in a.items()
    }
    existing = {(a.level_id, a.value): a for a in competency.level_anchors.all()}
    for key, anchor in existing.items():
        if key not in wanted:
            anchor.delete()
    for (level_id, value), text in wanted.items():
        anchor = existing.get((level_id, value))
        if anchor is None:
            LevelAnchor.objects.create(
                competency=competency, level_id=level_id, value=value, text=text
            )
        elif anchor.text != text:
            anchor.text = text
            anchor.save()


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
    """Create, update or version the file's questions, new ones in bulk.

    A large bank is mostly new or unchanged questions: the current rows are
    fetched once with everything `question_entry` reads, new questions and their
    relations are inserted in a few bulk statements, and only changed ones take
    the row-by-row path (which versions a locked question).
    """
    current = _current_questions([e["key"] for e in entries])
    new, written = [], []
    for entry in entries:
        question = current.get(entry["key"])
        if question is None:
            new.append(entry)
            report.add("questions", "created")
        elif question_entry(question) == entry:
            report.add("questions", "unchanged")
        else:
            question, _ = _import_versioned(Question, entry, bank, report, "questions")
            written.append((question, entry))
    written += _create_questions(new, bank)
    _link_derived(written)


CHUNK = 2000  # keys per IN (...) query: well under SQLite's limit on parameters


def _current_questions(keys: list[str]) -> dict[str, Question]:
    rows = {}
    for i in range(0, len(keys), CHUNK):
        chunk = (
            Question.objects.current()
            .filter(key__in=keys[i : i + CHUNK])
            .select_related("primary_competency", "derived_from")
            .prefetch_related("secondary_competencies", "levels__ladder", "tags", "anchors")
        )
        rows.update((q.key, q) for q in chunk)
    return rows


def _create_questions(entries: list[dict], bank: Bank) -> list[tuple[Question, dict]]:
    """Version 1 of each new question, with its relations and anchors, in bulk."""
    if not entries:
        return []
    competencies = {c.key: c for c in Competency.objects.current()}
    rows = [
        Question(
            key=e["key"],
            bank=bank,
            primary_competency=competencies[e["competencies"]["primary"]],
            **{name: e[name] for name in Question.TEXT_FIELDS},
        )
        for e in entries
    ]
    Question.objects.bulk_create(rows, batch_size=500)
    if any(q.pk is None for q in rows):  # a backend that cannot return ids from bulk inserts
        ids = dict(
            Question.objects.current()
            .filter(key__in=[q.key for q in rows])
            .values_list("key", "pk")
        )
        for q in rows:
            q.pk = ids[q.key]
    created = list(zip(rows, entries, strict=True))
    _bulk_relations(created, competencies)
    return created


def _bulk_relations(created: list[tuple[Question, dict]], competencies: dict) -> None:
    tags = dict(Tag.objects.values_list("key", "pk"))
    wanted_levels = {ref for _, e in created for ref in e["levels"]}
    levels = {lv.ref: lv.pk for lv in _levels(sorted(wanted_levels))}
    secondary = Question.secondary_competencies.through
    level_rows = Question.levels.through
    tag_rows = Question.tags.through
    secondary.objects.bulk_create(
        [
            secondary(question_id=q.pk, competency_id=competencies[key].pk)
            for q, e in created
            for key in e["competencies"]["secondary"]
        ],
        batch_size=2000,
    )
    level_rows.objects.bulk_create(
        [
            level_rows(question_id=q.pk, level_id=levels[ref])
            for q, e in created
            for ref in e["levels"]
        ],
        batch_size=2000,
    )
    tag_rows.objects.bulk_create(
        [tag_rows(question_id=q.pk, tag_id=tags[key]) for q, e in created for key in e["tags"]],
        batch_size=2000,
    )
    QuestionAnchor.objects.bulk_create(
        [
            QuestionAnchor(question_id=q.pk, value=value, text=text)
            for q, e in created
            for value, text in e["anchors"].items()
        ],
        batch_size=2000,
    )


def _link_derived(written: list[tuple[Question, dict]]) -> None:
    """Point each written question at the one it derives from, now that all exist."""
    pending = [(q, e["derived_from"]) for q, e in written if e["derived_from"]]
    pending = [(q, key) for q, key in pending if q.derived_from_id is None]
    if not pending:
        return
    keys = sorted({key for _, key in pending})
    ids = {}
    for i in range(0, len(keys), CHUNK):
        rows = Question.objects.current().filter(key__in=keys[i : i + CHUNK])
        ids.update(rows.values_list("key", "pk"))
    for question, key in pending:
        question.derived_from_id = ids[key]
    # Only rows this import just wrote (new, updated in place or a new version): none is locked.
    Question.objects.bulk_update([q for q, _ in pending], ["derived_from"], batch_size=1000)


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
    usual = _levels([entry["usual_level"]]) if entry["usual_level"] else []
    role.usual_level = usual[0] if usual else None
    role.default_scale_key = entry["scale"] or ""
    role.save()


def _import_curated_set(entry: dict, order: int, bank: Bank, report: ImportReport) -> None:
    """Create or update one of the bank's curated sets; its items are replaced whole."""
    curated = bank.curated_sets.filter(key=entry["key"]).first()
    if curated is not None and curated.order == order and curated_set_entry(curated) == entry:
        report.add("curated_sets", "unchanged")
        return
    report.add("curated_sets", "created" if curated is None else "updated")
    curated = curated or CuratedSet(bank=bank, key=entry["key"])
    curated.name, curated.description = entry["name"], entry["description"]
    curated.minutes, curated.order = entry["minutes"], order
    curated.save()
    curated.roles.set(Role.objects.filter(key__in=entry["roles"]))
    curated.items.all().delete()
    CuratedSetItem.objects.bulk_create(
        [
            CuratedSetItem(
                curated_set=curated,
                question_key=item["question"],
                order=position,
                minutes=item["minutes"],
                is_backup=item["backup"],
                backup_condition=item["use_it_when"],
            )
            for position, item in enumerate(entry["items"], start=1)
        ]
    )
