"""The built-in banks in fixtures/banks: complete by the content rules, and round-tripping.

Every question has a goal, at least two great-answer signals and at least one
distinct warning sign; every competency a question rates has anchors at the top,
middle and bottom of its scale, and one at the bar point, the score that decides.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction

from rubrics.anchors import loop_anchors
from rubrics.bankfile import export_bank, import_bank
from rubrics.models import Bank, Competency, CuratedSet, Ladder, Level, Question, RatingScale, Role

BANKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "banks"
BANK_FILES = sorted(BANKS_DIR.glob("*.yaml"))
DEMO_LOOPS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "loops.yaml"
EXPECTED_BANKS = {
    "engineering-ladder",
    "devops-senior-staff",
    "infrastructure-manager-m3",
    "engineering-manager-l6",
    "technology-leader",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def installed(django_db_setup, django_db_blocker):
    """All built-in banks, imported once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        for path in BANK_FILES:
            import_bank(path.read_text(encoding="utf-8"))
        yield {bank.key: bank for bank in Bank.objects.all()}
        transaction.set_rollback(True)


def test_all_five_builtin_banks_install(installed):
    assert set(installed) == EXPECTED_BANKS


def test_every_question_has_a_goal_two_great_signals_and_a_distinct_warning(installed):
    incomplete = []
    for q in Question.objects.current():
        great = {s.casefold() for s in q.great_signals}
        if (
            not q.goal.strip()
            or len(q.great_signals) < 2
            or not q.negative_signals
            or any(s.casefold() in great for s in q.negative_signals)
        ):
            incomplete.append(q.key)
    assert not incomplete, f"Questions missing goal/signals: {incomplete}"


def test_every_competency_that_questions_rate_has_anchors_at_5_3_and_1(installed):
    rated = Competency.objects.current().filter(primary_questions__isnull=False).distinct()
    missing = [
        c.key for c in rated if not {5, 3, 1} <= set(c.anchors.values_list("value", flat=True))
    ]
    assert rated.exists()
    assert not missing, f"Competencies without anchors at 5, 3 and 1: {missing}"


def test_devops_bank_has_its_twenty_questions_with_four_item_checklists(installed):
    questions = Question.objects.current().filter(bank__key="devops-senior-staff")
    assert questions.count() == 20
    assert {len(q.checklist) for q in questions} == {4}
    assert Competency.objects.current().filter(bank__key="devops-senior-staff").count() == 4
    scale = RatingScale.objects.current().get(key="five-point")
    assert [p.value for p in scale.points.all()] == [5, 4, 3, 2, 1]
    assert all(p.label and p.definition for p in scale.points.all())
    assert scale.meets_point() is not None
    levels = Ladder.objects.get(key="devops").levels.order_by("order")
    assert [level.key for level in levels] == ["senior", "lead", "staff"]


def test_infrastructure_manager_bank_keeps_the_final_four_and_the_backup(installed):
    final = Question.objects.current().filter(
        key__in=["infra-q1", "infra-q2", "infra-q3", "infra-q4"]
    )
    assert final.count() == 4
    assert all(q.technologies for q in final)
    backup = Question.objects.current().get(key="infra-backup")
    assert "instead of" in backup.interviewer_notes.lower()
    categories = Competency.objects.current().filter(bank__key="infrastructure-manager-m3")
    assert categories.count() == 4
    assert {q.primary_competency.key for q in final} == {c.key for c in categories}


def test_technology_leader_bank_has_at_least_80_questions(installed):
    assert Question.objects.current().filter(bank__key="technology-leader").count() >= 80


def test_engineering_ladder_has_five_levels_with_six_dimensions_and_litmus(installed):
    ladder = Ladder.objects.get(key="engineering-ic")
    assert [d.key for d in ladder.dimensions.all()] == [
        "scope",
        "autonomy",
        "influence",
        "technical-depth",
        "ambiguity",
        "failure-impact",
    ]
    levels = list(ladder.levels.order_by("order"))
    assert [level.key for level in levels] == ["junior", "mid", "senior", "staff", "principal"]
    for level in levels:
        assert level.litmus
        assert level.expectations.count() == 6
    assert all(level.readiness_signals and level.anti_patterns for level in levels[1:])


def test_engineering_manager_bank_separates_l6_from_l7(installed):
    ladder = Ladder.objects.get(key="engineering-management-l")
    l7 = ladder.levels.get(key="l7")
    assert l7.readiness_signals
    assert ladder.levels.get(key="l6").litmus


@pytest.mark.parametrize("path", BANK_FILES, ids=[p.stem for p in BANK_FILES])
def test_builtin_bank_round_trips_through_export_and_import_unchanged(path):
    # The banks before it first, as load_demo imports them: a later bank references
    # what an earlier one defines (the management scale, in 03).
    for earlier in BANK_FILES[: BANK_FILES.index(path)]:
        import_bank(earlier.read_text(encoding="utf-8"))
    first = import_bank(path.read_text(encoding="utf-8"))
    bank = Bank.objects.get(key=first.bank_key)
    exported = export_bank(bank)

    again = import_bank(exported)

    assert not again.changed, again.summary()
    assert export_bank(Bank.objects.get(key=first.bank_key)) == exported
    assert not import_bank(path.read_text(encoding="utf-8")).changed


def _bar_value(scale_key: str) -> int:
    return RatingScale.objects.current().get(key=scale_key).meets_point().value


def test_every_builtin_competency_has_an_anchor_at_its_scales_bar(installed):
    """The bar point is the score that decides; "between its neighbours" is no help there."""
    checked, missing = 0, []
    for bank in installed.values():
        competencies = list(Competency.objects.current().filter(bank=bank))
        if not competencies:
            continue
        scales = {r.default_scale_key for r in Role.objects.filter(bank=bank)}
        # Every bank that defines competencies says, through its role, which scale rates them.
        assert scales and "" not in scales, f"{bank.key}: a role without a scale"
        for scale_key in scales:
            bar = _bar_value(scale_key)
            for competency in competencies:
                checked += 1
                if not competency.anchors.filter(value=bar).exists():
                    missing.append(f"{competency.key} at {bar} ({scale_key})")
    assert checked >= 24
    assert not missing, f"No anchor at the bar: {missing}"


def test_manager_roles_default_to_the_management_scale_at_their_usual_level(installed):
    expected = {
        "infrastructure-manager": "infrastructure-management/m3",
        "engineering-manager": "engineering-management-l/l6",
    }
    for key, level in expected.items():
        role = Role.objects.select_related("usual_level__ladder").get(key=key)
        assert role.default_scale_key == "management-five-point"
        assert role.usual_level.ref == level
        assert role.usual_level.ladder_id == role.ladder_id
    devops = Role.objects.get(key="devops-engineer")
    assert (devops.default_scale_key, devops.usual_level.key) == ("five-point", "senior")


def test_the_management_scales_bar_reads_as_a_manager(installed):
    scale = RatingScale.objects.current().get(key="management-five-point")
    bar = scale.meets_point()
    assert [p.value for p in scale.points.all()] == [5, 4, 3, 2, 1]
    assert bar.value == _bar_value("five-point")  # both scales decide at the same point
    assert "manager" in bar.label.lower()
    assert "contributor" not in bar.label.lower() and "engineer" not in bar.label.lower()
    assert all(p.label and p.definition for p in scale.points.all())


def test_level_anchors_separate_the_levels_the_seeds_separate(installed):
    """Seed 000's Senior, Lead and Staff; seed 003's L6 and L7: each has its own bar anchor."""
    for bank_key, refs in {
        "devops-senior-staff": {"devops/senior", "devops/lead", "devops/staff"},
        "engineering-manager-l6": {"engineering-management-l/l6", "engineering-management-l/l7"},
    }.items():
        bar = _bar_value(Role.objects.get(bank__key=bank_key).default_scale_key)
        for competency in Competency.objects.current().filter(bank__key=bank_key):
            at_bar = competency.level_anchors.filter(value=bar).select_related("level__ladder")
            texts = {a.level.ref: a.text for a in at_bar}
            assert set(texts) == refs, competency.key
            # A level's anchor says something the competency's own does not.
            own = competency.anchors.get(value=bar).text
            assert len(set(texts.values()) | {own}) == len(refs) + 1, competency.key


def test_each_demo_loops_competencies_show_an_anchor_at_the_bar_for_its_level(installed):
    """What the demo loops' scorecards show at the bar, level anchors included."""
    from interviews.services import create_loop

    for entry in yaml.safe_load(DEMO_LOOPS.read_text(encoding="utf-8"))["loops"]:
        ladder_key, _, level_key = entry["level"].partition("/")
        scale = RatingScale.objects.current().get(key=entry["scale"])
        role = Role.objects.get(key=entry["role"])
        assert scale.key == role.default_scale_key, "a demo loop uses its role's own scale"
        competencies = [
            Competency.objects.current().get(key=c["key"]) for c in entry["competencies"]
        ]
        loop = create_loop(
            name=entry["name"],
            role=role,
            level=Level.objects.get(ladder__key=ladder_key, key=level_key),
            scale=scale,
            competencies=competencies,
            by=None,
        )
        anchors = loop_anchors(loop)
        bar = scale.meets_point().value
        assert all(bar in anchors[c.pk] for c in competencies), entry["name"]


def test_infrastructure_manager_bank_offers_seed_002s_final_set_in_its_three_orders(installed):
    sets = list(
        CuratedSet.objects.filter(bank__key="infrastructure-manager-m3").prefetch_related("items")
    )
    orders = {s.key: [i.question_key for i in s.items.all() if not i.is_backup] for s in sets}
    # Seed 002's ordering one (chosen), two and three, in the bank's own question names.
    assert [s.key for s in sets] == [
        "final-leadership-first",
        "final-technical-first",
        "final-operations-first",
    ]
    assert orders == {
        "final-leadership-first": ["infra-q1", "infra-q2", "infra-q3", "infra-q4"],
        "final-technical-first": ["infra-q1", "infra-q4", "infra-q3", "infra-q2"],
        "final-operations-first": ["infra-q4", "infra-q3", "infra-q1", "infra-q2"],
    }
    questions = {
        q.key: q for q in Question.objects.current().filter(bank__key="infrastructure-manager-m3")
    }
    for curated in sets:
        assert [r.key for r in curated.roles.all()] == ["infrastructure-manager"]
        assert curated.minutes == 30
        items = list(curated.items.all())
        backups = [i for i in items if i.is_backup]
        assert [b.question_key for b in backups] == ["infra-backup"]
        assert "self-hosted" in backups[0].backup_condition
        assert all(not i.backup_condition for i in items if not i.is_backup)
        asked = sum(
            i.minutes or questions[i.question_key].minutes for i in items if not i.is_backup
        )
        assert asked == 25  # 30 minutes less the 5-minute buffer
        # One question per committee category.
        primaries = [questions[k].primary_competency.key for k in orders[curated.key]]
        assert len(set(primaries)) == 4


def test_every_curated_set_asks_current_questions_of_its_own_bank(installed):
    for curated in CuratedSet.objects.prefetch_related("items"):
        keys = [i.question_key for i in curated.items.all()]
        found = Question.objects.active().filter(bank=curated.bank, key__in=keys).count()
        assert found == len(keys), curated.key


def test_interviewer_notes_name_questions_by_title_not_by_internal_key(installed):
    keys = set(Question.objects.current().values_list("key", flat=True))
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, keys)) + r")(?![\w-])")
    leaking = {
        q.key: pattern.findall(q.interviewer_notes)
        for q in Question.objects.current()
        if pattern.search(q.interviewer_notes)
    }
    assert not leaking
