"""Bank files: validation with located problems, import versioning, export round trips."""

import re
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEntry
from rubrics import models as m
from rubrics.bankfile import BankFileError, export_bank, import_bank, parse_bank
from rubrics.services import lock_for_published_loop
from tests.factories import make_bank, make_question, make_user

BANKS = Path(__file__).parent / "banks"
DEVOPS = "devops-senior-staff"
ALL_MODELS = [
    m.Bank,
    m.RatingScale,
    m.ScalePoint,
    m.Competency,
    m.CompetencyAnchor,
    m.Tag,
    m.Ladder,
    m.LadderDimension,
    m.Level,
    m.LevelExpectation,
    m.Role,
    m.Question,
    m.QuestionAnchor,
    m.Question.secondary_competencies.through,
    m.Question.levels.through,
    m.Question.tags.through,
    AuditEntry,
]
TIMESTAMPED = [m.Bank, m.RatingScale, m.Competency, m.Question]


def bank_text(name: str = "devops.yaml") -> str:
    return (BANKS / name).read_text(encoding="utf-8")


def edited(change) -> str:
    """The devops bank with `change(document)` applied, as YAML text."""
    document = yaml.safe_load(bank_text())
    change(document)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def snapshot() -> dict:
    """Row counts of every catalogue table, and every row's updated_at."""
    counts = {model.__name__: model.objects.count() for model in ALL_MODELS}
    stamps = {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in TIMESTAMPED
    }
    return {"counts": counts, "stamps": stamps}


def empty_catalogue() -> None:
    m.Question.objects.update(derived_from=None)
    for model in (m.Question, m.Role, m.Ladder, m.Competency, m.RatingScale, m.Tag, m.Bank):
        model.objects.all().delete()


def unplaced(problems: list[str]) -> list[str]:
    """Problems without their "(line L, column C)", for tests about the wording."""
    return [re.sub(r" \(line \d+, column \d+\)", "", p) for p in problems]


def devops_bank() -> m.Bank:
    return m.Bank.objects.get(key=DEVOPS)


# --- Round trips -------------------------------------------------------------


@pytest.mark.django_db
def test_import_creates_every_kind_of_item_as_version_one():
    report = import_bank(bank_text())

    assert report.as_data()["questions"]["created"] == 2
    question = m.Question.objects.get(key="devops-1a")
    assert question.version == 1 and question.current
    assert question.prompt.startswith("Walk me through a failover you designed.\nWhat broke")
    assert [c.key for c in question.secondary_competencies.all()] == ["security"]
    assert sorted(lv.ref for lv in question.levels.all()) == ["devops/senior", "devops/staff"]
    assert {t.key: t.name for t in question.tags.all()} == {
        "incident-response": "Incident response",
        "kubernetes": "Kubernetes",
    }
    assert {a.value: a.text for a in question.anchors.all()} == {
        5: "Tested failover regularly and measured recovery.",
        1: "Never tested it.",
    }
    assert m.Question.objects.get(key="devops-1b").derived_from == question
    scale = m.RatingScale.objects.get(key="five-point")
    assert scale.meets_point().value == 3
    assert [lv.key for lv in m.Ladder.objects.get(key="devops").levels.all()] == ["senior", "staff"]
    assert m.Role.objects.get(key="devops-engineer").ladder.key == "devops"


@pytest.mark.django_db
def test_export_then_import_into_empty_installation_gives_identical_text():
    import_bank(bank_text())
    first = export_bank(devops_bank())
    empty_catalogue()

    import_bank(first)

    assert export_bank(devops_bank()) == first


@pytest.mark.django_db
def test_importing_the_export_into_the_same_installation_changes_nothing(catalogue):
    text = export_bank(catalogue.bank)
    before = snapshot()

    report = import_bank(text)

    assert not report.changed
    assert snapshot() == before


@pytest.mark.django_db
def test_factory_built_bank_round_trips_through_an_empty_installation(catalogue):
    first = export_bank(catalogue.bank)
    empty_catalogue()

    import_bank(first)

    assert export_bank(m.Bank.objects.get(key="core")) == first


@pytest.mark.django_db
def test_identical_reimport_writes_nothing_at_all():
    actor = make_user()
    import_bank(bank_text(), actor=actor)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        report = import_bank(bank_text(), actor=actor)

    assert not report.changed
    assert report.totals() == {"created": 0, "updated": 0, "new_version": 0, "unchanged": 10}
    writes = [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert snapshot() == before


@pytest.mark.django_db
def test_export_writes_every_field_in_the_documented_order():
    import_bank(bank_text())

    document = yaml.safe_load(export_bank(devops_bank()))

    assert list(document) == [
        "format",
        "bank",
        "scales",
        "competencies",
        "tags",
        "ladders",
        "roles",
        "questions",
        "curated_sets",
    ]
    assert list(document["competencies"][0]) == [
        "key",
        "name",
        "description",
        "anchors",
        "level_anchors",
    ]
    assert list(document["roles"][0]) == [
        "key",
        "name",
        "description",
        "ladder",
        "usual_level",
        "scale",
    ]
    assert list(document["questions"][1]) == [
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
    ]
    assert document["questions"][1]["minutes"] == 10  # the default, written out
    assert [p["value"] for p in document["scales"][0]["points"]] == [5, 4, 3, 2, 1]
    assert list(document["competencies"][0]["anchors"]) == [5, 3, 1]


@pytest.mark.django_db
def test_export_writes_multi_line_text_in_block_style():
    import_bank(bank_text())

    text = export_bank(devops_bank())

    assert (
        "    prompt: |\n      Walk me through a failover you designed.\n"
        "      What broke the first time you tested it?\n"
    ) in text


@pytest.mark.django_db
def test_export_leaves_out_archived_items_and_other_banks_items():
    import_bank(bank_text())
    make_question(make_bank("other"), "q-other", primary=m.Competency.objects.get(key="security"))
    m.Question.objects.filter(key="devops-1b").update(archived=True)

    document = yaml.safe_load(export_bank(devops_bank()))

    assert [q["key"] for q in document["questions"]] == ["devops-1a"]
    assert "q-other" not in export_bank(devops_bank())


@pytest.mark.django_db
def test_references_resolve_to_items_another_bank_installed():
    import_bank(bank_text())

    report = import_bank(bank_text("extension.yaml"))

    assert report.as_data()["questions"]["created"] == 1
    question = m.Question.objects.get(key="ext-1")
    assert question.primary_competency.key == "security"
    assert question.derived_from.key == "devops-1a"
    assert m.Tag.objects.get(key="finops").name == "Finops"
    assert "security" not in [
        c["key"]
        for c in yaml.safe_load(export_bank(m.Bank.objects.get(key="devops-extension")))[
            "competencies"
        ]
    ]


# --- Broken files ------------------------------------------------------------


def _set(path: str, value):
    """A change that sets document[path] (dotted, with [i] indexes) to value."""

    def change(document):
        *parents, last = re.findall(r"[^.\[\]]+", path)
        target = document
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


_DELETE = object()

BROKEN = {
    "bad YAML": (
        lambda: bank_text().replace("kind: technical", "kind: [technical"),
        r"line \d+, column \d+: not valid YAML: .+",
    ),
    "wrong format": (
        lambda: edited(_set("format", 2)),
        r"format: unsupported format 2; supported: 1",
    ),
    "missing required": (
        lambda: edited(_set("questions[0].goal", _DELETE)),
        r"questions\[0\]\.goal: required",
    ),
    "unknown competency": (
        lambda: edited(_set("questions[0].competencies.primary", "reliabilty")),
        r"questions\[0\]\.competencies\.primary: unknown competency "
        r'"reliabilty"',
    ),
    "duplicate point value": (
        lambda: edited(_set("scales[0].points[2].value", 1)),
        r"scales\[0\]\.points\[2\]\.value: duplicate value 1",
    ),
    "duplicate key": (
        lambda: edited(_set("questions[1].key", "devops-1a")),
        r'questions\[1\]\.key: duplicate key "devops-1a" \(also questions\[0\]\)',
    ),
    "primary in secondary": (
        lambda: edited(_set("questions[0].competencies.secondary", ["reliability-sre"])),
        r'questions\[0\]\.competencies\.secondary\[0\]: "reliability-sre" '
        r"is already the primary competency",
    ),
    "unknown level": (
        lambda: edited(_set("questions[0].levels", ["devops/senoir"])),
        r'questions\[0\]\.levels\[0\]: unknown level "devops/senoir"',
    ),
    "level without ladder": (
        lambda: edited(_set("questions[0].levels", ["senior"])),
        r'questions\[0\]\.levels\[0\]: a level is written "ladder/level", '
        r'got "senior"',
    ),
    "bad kind": (
        lambda: edited(_set("questions[0].kind", "technial")),
        r'questions\[0\]\.kind: "technial" is not a kind of question '
        r"\(behavioural \| situational \| technical\)",
    ),
    "minutes out of range": (
        lambda: edited(_set("questions[1].minutes", 181)),
        r"questions\[1\]\.minutes: 181 is out of range \(1–180\)",
    ),
    "two points meet the bar": (
        lambda: edited(_set("scales[0].points[0].meets_bar", True)),
        r"scales\[0\]\.points\[2\]\.meets_bar: only one point per scale "
        r"may meet the bar",
    ),
    "anchor score not a number": (
        lambda: edited(_set("competencies[1].anchors.high", "Good")),
        r"competencies\[1\]\.anchors\.high: the score must be a "
        r"whole number",
    ),
    "anchor on no point": (
        lambda: edited(_set("competencies[1].anchors.7", "Off the scale")),
        r"competencies\[1\]\.anchors\.7: no such point on any scale of this "
        r"bank \(1–5\)",
    ),
    "unknown dimension": (
        lambda: edited(_set("ladders[0].levels[1].expectations.scop", "x")),
        r"ladders\[0\]\.levels\[1\]\.expectations\.scop: unknown dimension "
        r'"scop" in ladder "devops"',
    ),
    "unknown ladder": (
        lambda: edited(_set("roles[0].ladder", "devps")),
        r'roles\[0\]\.ladder: unknown ladder "devps"',
    ),
    "unknown derived_from": (
        lambda: edited(_set("questions[1].derived_from", "devops-9z")),
        r'questions\[1\]\.derived_from: unknown question "devops-9z"',
    ),
    "bad key": (
        lambda: edited(_set("tags[0].key", "Kube_Netes")),
        r'tags\[0\]\.key: "Kube_Netes" is not a valid key \(lower-case letters, digits '
        r"and hyphens, at most 80\)",
    ),
    "not a list of text": (
        lambda: edited(_set("questions[0].checklist", "Detection")),
        r"questions\[0\]\.checklist: must be a list of text, got text",
    ),
    "unknown field": (
        lambda: edited(_set("questions[0].folow_ups", ["x"])),
        r"questions\[0\]\.folow_ups: unknown field",
    ),
    "field twice in one mapping": (
        lambda: bank_text().replace("    minutes: 15\n", "    minutes: 15\n    minutes: 20\n"),
        r"line 91, column 5: duplicate field 'minutes' in one mapping",
    ),
    "key owned by another bank": (
        lambda: edited(_set("competencies[1].key", "security")),
        r'competencies\[1\]\.key: "security" is defined by bank '
        r'"core"; reference it by key instead',
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_file_names_the_place_and_imports_nothing(catalogue, case):
    make_text, expected = BROKEN[case]
    before = snapshot()

    with pytest.raises(BankFileError) as raised:
        import_bank(make_text())

    problems = unplaced(raised.value.problems)
    assert any(re.fullmatch(expected, p) for p in problems), raised.value.problems
    assert snapshot() == before


@pytest.mark.django_db
def test_every_problem_is_listed_at_once():
    with pytest.raises(BankFileError) as raised:
        parse_bank(bank_text("broken.yaml"))

    assert unplaced(raised.value.problems) == [
        'questions[0].kind: "technial" is not a kind of question '
        "(behavioural | situational | technical)",
        "questions[0].minutes: 500 is out of range (1–180)",
        'questions[0].competencies.primary: unknown competency "reliabilty"',
    ]


@pytest.mark.django_db
def test_a_level_that_a_pinned_question_uses_cannot_be_removed():
    import_bank(bank_text())
    # A level a published loop's question uses may not disappear from its ladder.
    question = m.Question.objects.get(key="devops-1a")
    lock_for_published_loop(question)
    before = snapshot()

    def drop_staff(d):
        d["ladders"][0]["levels"].pop()
        d["questions"][0]["levels"] = ["devops/senior"]

    with pytest.raises(BankFileError) as raised:
        import_bank(edited(drop_staff))

    assert unplaced(raised.value.problems) == [
        'ladders[0].levels: level "staff" is used by a question of a published loop and '
        "cannot be removed"
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_every_problem_names_the_line_and_column_of_its_value():
    with pytest.raises(BankFileError) as raised:
        parse_bank(bank_text("broken.yaml"))

    # broken.yaml: kind on line 14, minutes on 15, the primary competency on 17.
    assert raised.value.problems == [
        'questions[0].kind (line 14, column 11): "technial" is not a kind of question '
        "(behavioural | situational | technical)",
        "questions[0].minutes (line 15, column 14): 500 is out of range (1–180)",
        'questions[0].competencies.primary (line 17, column 16): unknown competency "reliabilty"',
    ]


# --- Versions ----------------------------------------------------------------


@pytest.mark.django_db
def test_changed_content_on_unlocked_items_updates_them_in_place():
    import_bank(bank_text())
    question = m.Question.objects.get(key="devops-1a")
    scale = m.RatingScale.objects.get(key="five-point")

    def change(d):
        d["questions"][0]["prompt"] = "A new prompt."
        d["questions"][0]["anchors"] = {3: "Middling."}
        d["questions"][0]["competencies"]["secondary"] = []
        d["scales"][0]["points"][1]["meets_bar"] = True  # value 2
        d["scales"][0]["points"][2]["meets_bar"] = False  # value 3
        d["scales"][0]["points"].pop(3)  # value 4
        d["ladders"][0]["levels"].reverse()

    report = import_bank(edited(change))

    assert report.as_data()["questions"] == {
        "created": 0,
        "updated": 1,
        "new_version": 0,
        "unchanged": 1,
    }
    question.refresh_from_db()
    assert (question.version, question.prompt) == (1, "A new prompt.")
    assert {a.value: a.text for a in question.anchors.all()} == {3: "Middling."}
    assert not question.secondary_competencies.exists()
    assert m.RatingScale.objects.filter(key="five-point").count() == 1
    assert [p.value for p in scale.points.all()] == [5, 3, 2, 1]
    assert scale.meets_point().value == 2
    assert [lv.key for lv in m.Ladder.objects.get(key="devops").levels.all()] == ["staff", "senior"]


@pytest.mark.django_db
def test_changed_content_on_a_locked_item_makes_version_two_and_keeps_version_one():
    import_bank(bank_text())
    v1 = m.Question.objects.get(key="devops-1a")
    competency = m.Competency.objects.get(key="reliability-sre")
    lock_for_published_loop(v1, competency)

    def change(d):
        d["questions"][0]["prompt"] = "A new prompt."
        d["questions"][0]["tags"] = ["kubernetes"]
        d["competencies"][0]["anchors"][3] = "Runs on-call very well."

    report = import_bank(edited(change))

    assert report.as_data()["questions"]["new_version"] == 1
    assert report.as_data()["competencies"]["new_version"] == 1
    v2 = m.Question.objects.current().get(key="devops-1a")
    assert (v2.version, v2.prompt, v2.locked) == (2, "A new prompt.", False)
    assert [t.key for t in v2.tags.all()] == ["kubernetes"]
    assert {a.value: a.text for a in v2.anchors.all()} == {
        5: "Tested failover regularly and measured recovery.",
        1: "Never tested it.",
    }
    v1.refresh_from_db()
    assert (v1.current, v1.locked) == (False, True)
    assert v1.prompt.startswith("Walk me through")
    assert sorted(t.key for t in v1.tags.all()) == ["incident-response", "kubernetes"]
    old = m.Competency.objects.get(key="reliability-sre", version=1)
    assert old.anchors.get(value=3).text == "Runs on-call well and writes useful postmortems."
    assert (
        m.Competency.objects.current().get(key="reliability-sre").anchors.get(value=3).text
        == "Runs on-call very well."
    )


@pytest.mark.django_db
def test_identical_content_on_a_locked_item_makes_no_new_version():
    import_bank(bank_text())
    lock_for_published_loop(m.Question.objects.get(key="devops-1a"))

    report = import_bank(bank_text())

    assert not report.changed
    assert m.Question.objects.filter(key="devops-1a").count() == 1


@pytest.mark.django_db
def test_dry_run_reports_what_would_change_and_writes_nothing():
    before = snapshot()

    report = import_bank(bank_text(), dry_run=True)

    assert report.dry_run and report.as_data()["questions"]["created"] == 2
    assert snapshot() == before


@pytest.mark.django_db
def test_an_import_that_changes_something_is_audited_with_its_counts():
    actor = make_user()
    import_bank(bank_text(), actor=actor)
    import_bank(bank_text(), actor=actor)  # identical: nothing to record

    entry = AuditEntry.objects.get(verb="bank.imported")
    assert entry.actor == actor
    assert entry.target_repr == "DevOps engineer, Senior to Staff"
    assert entry.data["questions"] == {"created": 2, "updated": 0, "new_version": 0, "unchanged": 0}


@pytest.mark.django_db
def test_a_ladder_is_made_to_match_the_file_when_nothing_pinned_uses_what_goes():
    import_bank(bank_text())

    def drop_staff_and_autonomy(d):
        ladder = d["ladders"][0]
        ladder["levels"].pop()
        ladder["dimensions"].pop()
        del ladder["levels"][0]["expectations"]["autonomy"]
        d["questions"][0]["levels"] = ["devops/senior"]

    report = import_bank(edited(drop_staff_and_autonomy))

    assert report.as_data()["ladders"]["updated"] == 1
    ladder = m.Ladder.objects.get(key="devops")
    assert [lv.key for lv in ladder.levels.all()] == ["senior"]
    assert [d.key for d in ladder.dimensions.all()] == ["scope"]
    assert [e.dimension.key for e in ladder.levels.get().expectations.all()] == ["scope"]


@pytest.mark.django_db
def test_items_the_file_leaves_out_stay_installed():
    import_bank(bank_text())

    import_bank(edited(lambda d: d["questions"].pop()))

    assert m.Question.objects.active().filter(key="devops-1b").exists()
