"""Bank files: curated sets, anchors per level, a role's usual level and scale.

Parsed with every problem located, imported idempotently with the usual versioning,
and exported so that the round trip reproduces the file.
"""

import re

import pytest
import yaml

from rubrics import models as m
from rubrics.bankfile import BankFileError, export_bank, import_bank, parse_bank
from rubrics.services import lock_for_published_loop

pytestmark = pytest.mark.django_db

BANK = """\
format: 1
bank:
  key: managers
  name: Managers
scales:
  - key: manager-scale
    name: Management scale
    points:
      - {value: 4, label: Strong manager, meets_bar: true}
      - {value: 3, label: Uneven}
      - {value: 2, label: Directs tasks}
      - {value: 1, label: Not ready}
  - key: other-scale
    name: Another scale
    points:
      - {value: 2, label: Agreed}
      - {value: 1, label: Refused}
competencies:
  - key: ownership
    name: Ownership
    anchors:
      4: Owns the team's outcomes.
      1: Waits to be told.
    level_anchors:
      mgmt/l7:
        4: Owns outcomes across several teams.
      mgmt/l6:
        4: Owns one team's outcomes end to end.
        2: Owns tasks, not outcomes.
ladders:
  - key: mgmt
    name: Management
    levels:
      - {key: l6, name: L6}
      - {key: l7, name: L7}
roles:
  - key: manager
    name: Manager
    ladder: mgmt
    usual_level: mgmt/l6
    scale: manager-scale
  - key: plain
    name: Plain role
    ladder: mgmt
questions:
  - key: q-team
    title: Taking over a team
    prompt: Tell me about a team you took over.
    goal: Tests how they start.
    minutes: 8
    competencies: {primary: ownership}
  - key: q-plan
    title: A plan
    prompt: How do you plan?
    goal: Tests planning.
    minutes: 6
    competencies: {primary: ownership}
  - key: q-spare
    title: Spare
    prompt: A spare question.
    goal: Tests the same, another way.
    minutes: 8
    competencies: {primary: ownership}
curated_sets:
  - key: final
    name: The final set
    description: The hiring manager's choice, most critical first.
    roles: [manager]
    minutes: 30
    items:
      - question: q-team
      - question: q-plan
        minutes: 5
      - question: q-spare
        backup: true
        use_it_when: The candidate has never taken over a team.
  - key: plan-first
    name: Planning first
    roles: [plain, manager]
    items:
      - question: q-plan
      - question: q-team
"""


def edited(change) -> str:
    document = yaml.safe_load(BANK)
    change(document)
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def problems_of(text: str) -> list[str]:
    with pytest.raises(BankFileError) as error:
        parse_bank(text)
    return [re.sub(r" \(line \d+, column \d+\)", "", p) for p in error.value.problems]


def test_import_installs_curated_sets_level_anchors_and_the_roles_defaults():
    import_bank(BANK)

    final = m.CuratedSet.objects.get(key="final")
    assert final.minutes == 30 and final.order == 0
    assert [r.key for r in final.roles.all()] == ["manager"]
    items = list(final.items.order_by("order"))
    assert [(i.question_key, i.minutes, i.is_backup) for i in items] == [
        ("q-team", None, False),
        ("q-plan", 5, False),
        ("q-spare", None, True),
    ]
    assert items[2].backup_condition == "The candidate has never taken over a team."
    assert m.CuratedSet.objects.get(key="plan-first").order == 1
    ownership = m.Competency.objects.get(key="ownership")
    anchors = {(a.level.key, a.value): a.text for a in ownership.level_anchors.all()}
    assert anchors == {
        ("l6", 4): "Owns one team's outcomes end to end.",
        ("l6", 2): "Owns tasks, not outcomes.",
        ("l7", 4): "Owns outcomes across several teams.",
    }
    manager = m.Role.objects.get(key="manager")
    assert manager.usual_level.key == "l6" and manager.default_scale_key == "manager-scale"
    plain = m.Role.objects.get(key="plain")
    assert plain.usual_level is None and plain.default_scale_key == ""


def test_reimporting_the_same_file_changes_nothing():
    import_bank(BANK)
    items_before = list(m.CuratedSetItem.objects.values_list("pk", flat=True))
    anchors_before = list(m.LevelAnchor.objects.values_list("pk", flat=True))

    report = import_bank(BANK)

    assert not report.changed, report.summary()
    assert report.counts["curated_sets"]["unchanged"] == 2
    assert list(m.CuratedSetItem.objects.values_list("pk", flat=True)) == items_before
    assert list(m.LevelAnchor.objects.values_list("pk", flat=True)) == anchors_before


def test_export_writes_the_new_fields_and_round_trips_through_an_empty_installation():
    import_bank(BANK)
    exported = export_bank(m.Bank.objects.get(key="managers"))
    document = yaml.safe_load(exported)
    # Levels by ladder, lowest first; scores highest first; set roles sorted.
    assert list(document["competencies"][0]["level_anchors"]) == ["mgmt/l6", "mgmt/l7"]
    assert list(document["competencies"][0]["level_anchors"]["mgmt/l6"]) == [4, 2]
    assert document["roles"][0]["usual_level"] == "mgmt/l6"
    assert document["roles"][1]["scale"] is None
    assert [s["key"] for s in document["curated_sets"]] == ["final", "plan-first"]
    assert document["curated_sets"][1]["roles"] == ["manager", "plain"]
    assert document["curated_sets"][0]["items"][2] == {
        "question": "q-spare",
        "minutes": None,
        "backup": True,
        "use_it_when": "The candidate has never taken over a team.",
    }

    m.CuratedSet.objects.all().delete()
    m.Question.objects.all().delete()
    m.Role.objects.all().delete()
    m.Competency.objects.all().delete()
    m.Ladder.objects.all().delete()
    m.RatingScale.objects.all().delete()
    m.Bank.objects.all().delete()
    import_bank(exported)

    assert export_bank(m.Bank.objects.get(key="managers")) == exported
    assert not import_bank(exported).changed


def test_changing_a_curated_set_updates_it_in_place():
    import_bank(BANK)
    final = m.CuratedSet.objects.get(key="final")

    def reorder(document):
        items = document["curated_sets"][0]["items"]
        items[0], items[1] = items[1], items[0]

    report = import_bank(edited(reorder))

    assert report.counts["curated_sets"]["updated"] == 1
    assert report.counts["curated_sets"]["unchanged"] == 1
    assert m.CuratedSet.objects.get(key="final").pk == final.pk
    assert list(final.items.order_by("order").values_list("question_key", flat=True)) == [
        "q-plan",
        "q-team",
        "q-spare",
    ]


def test_changed_level_anchors_on_a_pinned_competency_make_a_new_version():
    import_bank(BANK)
    pinned = m.Competency.objects.get(key="ownership")
    lock_for_published_loop(pinned)

    def reword(document):
        document["competencies"][0]["level_anchors"]["mgmt/l7"][4] = "Owns an area's outcomes."

    report = import_bank(edited(reword))

    assert report.counts["competencies"]["new_version"] == 1
    current = m.Competency.objects.current().get(key="ownership")
    assert current.version == 2
    assert current.level_anchors.get(level__key="l7").text == "Owns an area's outcomes."
    # The pinned version keeps what its loop showed.
    assert pinned.level_anchors.get(level__key="l7").text == "Owns outcomes across several teams."
    assert current.level_anchors.count() == 3


def test_removing_a_level_anchor_from_the_file_removes_it():
    import_bank(BANK)

    def drop(document):
        del document["competencies"][0]["level_anchors"]["mgmt/l6"][2]

    import_bank(edited(drop))

    assert m.LevelAnchor.objects.count() == 2


def test_a_level_with_anchors_of_a_pinned_competency_cannot_be_removed():
    import_bank(BANK)
    lock_for_published_loop(m.Competency.objects.get(key="ownership"))

    def drop_level(document):
        document["ladders"][0]["levels"].pop()  # l7
        del document["competencies"][0]["level_anchors"]["mgmt/l7"]

    problems = problems_of(edited(drop_level))

    assert any("l7" in p and "published loop" in p for p in problems), problems


BROKEN = [
    (
        lambda d: d["competencies"][0]["level_anchors"].update({"mgmt/l9": {4: "x"}}),
        'competencies[0].level_anchors.mgmt/l9: unknown level "mgmt/l9"',
    ),
    (
        lambda d: d["competencies"][0]["level_anchors"].update({"l6": {4: "x"}}),
        'competencies[0].level_anchors.l6: a level is written "ladder/level", got "l6"',
    ),
    (
        lambda d: d["competencies"][0]["level_anchors"]["mgmt/l6"].update({7: "x"}),
        "competencies[0].level_anchors.mgmt/l6.7: "
        "no such point on any scale of this bank (1\u20134)",
    ),
    (
        lambda d: d["competencies"][0]["level_anchors"]["mgmt/l6"].update({3: ""}),
        "competencies[0].level_anchors.mgmt/l6.3: must be non-empty text",
    ),
    (
        lambda d: d["competencies"][0].update({"level_anchors": ["mgmt/l6"]}),
        'competencies[0].level_anchors: must map levels ("ladder/level") to anchors (score: text)',
    ),
    (
        lambda d: d["competencies"][0]["level_anchors"].update({"mgmt/l7": {}}),
        "competencies[0].level_anchors.mgmt/l7: lists no anchors (leave the level out instead)",
    ),
    (
        lambda d: d["roles"][0].update({"usual_level": "mgmt/l9"}),
        'roles[0].usual_level: unknown level "mgmt/l9"',
    ),
    (
        lambda d: d["roles"][0].update({"usual_level": "l6"}),
        'roles[0].usual_level: a level is written "ladder/level", got "l6"',
    ),
    (
        lambda d: d["roles"][0].update({"scale": "no-such-scale"}),
        'roles[0].scale: unknown rating scale "no-such-scale"',
    ),
    (
        lambda d: d["roles"][0].update({"scale": 5}),
        "roles[0].scale: must be text, got a number",
    ),
    (
        lambda d: d["curated_sets"][0].update({"roles": ["nobody"]}),
        'curated_sets[0].roles[0]: unknown role "nobody"',
    ),
    (
        lambda d: d["curated_sets"][0]["items"].append({"question": "q-missing"}),
        'curated_sets[0].items[3].question: unknown question "q-missing"',
    ),
    (
        lambda d: d["curated_sets"][0]["items"].append({"question": "q-team"}),
        'curated_sets[0].items[3].question: "q-team" is already in this set '
        "(curated_sets[0].items[0])",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][0].update({"use_it_when": "Always"}),
        "curated_sets[0].items[0].use_it_when: only a backup has one "
        "(add backup: true, or remove it)",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][2].pop("use_it_when"),
        "curated_sets[0].items[2].use_it_when: required for a backup: when to ask it instead",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][2].update({"backup": "yes"}),
        "curated_sets[0].items[2].backup: must be true or false, got text",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][0].update({"minutes": 2.5}),
        "curated_sets[0].items[0].minutes: must be a whole number, got a number (2.5)",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][0].update({"minutes": 40}),
        "curated_sets[0].minutes: the questions it asks take 45 minutes, more than its 30",
    ),
    (
        lambda d: d["curated_sets"][0].update({"minutes": 1000}),
        "curated_sets[0].minutes: 1000 is out of range (5\u2013480)",
    ),
    (
        lambda d: d["curated_sets"][0].update({"items": "q-team"}),
        "curated_sets[0].items: required: a list of at least one question",
    ),
    (
        lambda d: d["curated_sets"][0].update(
            {"items": [{"question": "q-spare", "backup": True, "use_it_when": "Rarely"}]}
        ),
        "curated_sets[0].items: a set needs at least one question that is not a backup",
    ),
    (
        lambda d: d["curated_sets"][0]["items"][0].update({"qestion": "q-team"}),
        "curated_sets[0].items[0].qestion: unknown field",
    ),
    (
        lambda d: d["curated_sets"][1].update({"key": "final"}),
        'curated_sets[1].key: duplicate key "final" (also curated_sets[0])',
    ),
    (
        lambda d: d.update({"curated_sets": {"final": []}}),
        "curated_sets: must be a list, got a mapping",
    ),
]


@pytest.mark.parametrize(("change", "expected"), BROKEN)
def test_a_broken_entry_is_reported_at_its_place_and_nothing_is_imported(change, expected):
    text = edited(change)

    assert expected in problems_of(text)
    with pytest.raises(BankFileError):
        import_bank(text)
    assert not m.Bank.objects.exists()
    assert not m.CuratedSet.objects.exists()


def test_problems_name_their_line():
    text = edited(lambda d: d["curated_sets"][0]["items"].append({"question": "q-missing"}))
    with pytest.raises(BankFileError) as error:
        parse_bank(text)
    line = next(p for p in error.value.problems if "q-missing" in p)
    number = int(re.search(r"line (\d+)", line).group(1))
    assert "q-missing" in text.splitlines()[number - 1]


def test_references_resolve_to_another_banks_installed_items():
    import_bank(BANK)
    other = """\
format: 1
bank: {key: more, name: More}
roles:
  - key: lead
    name: Lead
    ladder: mgmt
    usual_level: mgmt/l7
    scale: manager-scale
curated_sets:
  - key: borrowed
    name: Borrowed questions
    roles: [manager, lead]
    minutes: 20
    items:
      - question: q-plan
      - question: q-team
"""
    import_bank(other)

    borrowed = m.CuratedSet.objects.get(bank__key="more", key="borrowed")
    assert sorted(r.key for r in borrowed.roles.all()) == ["lead", "manager"]
    assert m.Role.objects.get(key="lead").usual_level.key == "l7"

    # The asked minutes use the installed questions' own minutes (8 + 6 > 10).
    with pytest.raises(BankFileError) as error:
        parse_bank(other.replace("minutes: 20", "minutes: 10"))
    assert any("take 14 minutes, more than its 10" in p for p in error.value.problems)
