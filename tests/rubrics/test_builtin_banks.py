"""The built-in banks in fixtures/banks: complete by the content rules, and round-tripping.

Every question has a goal, at least two great-answer signals and at least one
distinct warning sign; every competency a question rates has anchors at the top,
middle and bottom of the five-point scale.
"""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from rubrics.bankfile import export_bank, import_bank
from rubrics.models import Bank, Competency, Ladder, Question, RatingScale

BANKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "banks"
BANK_FILES = sorted(BANKS_DIR.glob("*.yaml"))
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
    first = import_bank(path.read_text(encoding="utf-8"))
    bank = Bank.objects.get(key=first.bank_key)
    exported = export_bank(bank)

    again = import_bank(exported)

    assert not again.changed, again.summary()
    assert export_bank(Bank.objects.get(key=first.bank_key)) == exported
    assert not import_bank(path.read_text(encoding="utf-8")).changed
