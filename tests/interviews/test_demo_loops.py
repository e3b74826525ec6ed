"""The demo loops (fixtures/demo/loops.yaml) built from the real banks: sound, and built once."""

from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import AuditEntry
from interviews import coverage
from interviews.demo import DemoLoopError, load_demo_loops
from interviews.models import Loop, PlannedQuestion, Stage
from interviews.services import coverage_inputs, loop_for_coverage, loop_warnings
from rubrics.bankfile import import_bank

pytestmark = pytest.mark.django_db

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_FILE = FIXTURES / "demo" / "loops.yaml"
BANKS = ("02-devops.yaml", "03-infrastructure-manager.yaml")  # the ones the demo loops use


@pytest.fixture
def banks(db):
    for name in BANKS:
        import_bank((FIXTURES / "banks" / name).read_text(encoding="utf-8"))


@pytest.fixture
def demo(banks) -> dict[str, Loop]:
    return {loop.key: loop for loop in load_demo_loops(DEMO_FILE)}


def warnings_of(loop: Loop) -> list[coverage.Warning]:
    """The warnings under the loop's own rule, as the builder and publishing see them."""
    return loop_warnings(loop, *coverage_inputs(*loop_for_coverage(loop)))


def opinions_of(loop: Loop) -> dict[str, coverage.Opinions]:
    """competency key -> the stages assessing it and the interviewers they plan."""
    return coverage.opinions(*coverage_inputs(*loop_for_coverage(loop)))


def planned_rows(stage: Stage) -> list[tuple]:
    return [
        (p.question.key, p.effective_minutes, p.must_ask, p.is_backup, p.backup_condition)
        for p in stage.planned.select_related("question").order_by("order")
    ]


def test_both_demo_loops_are_published_without_coverage_warnings(demo):
    assert set(demo) == {"infrastructure-manager-m3", "devops-engineer-senior"}
    for loop in demo.values():
        loop.refresh_from_db()
        assert loop.status == Loop.Status.PUBLISHED
        assert warnings_of(loop) == []


def test_hiring_manager_stage_is_seed_002s_final_thirty_minutes(demo):
    loop = demo["infrastructure-manager-m3"]
    assert (loop.role.key, loop.level.ref, loop.scale.key) == (
        "infrastructure-manager",
        "infrastructure-management/m3",
        "management-five-point",
    )
    # What a new loop for the role starts with: its usual level and its own scale.
    assert (loop.role.usual_level, loop.role.default_scale_key) == (loop.level, loop.scale.key)
    first = loop.stages.order_by("order").first()
    assert (first.name, first.duration_minutes, first.buffer_minutes) == ("Hiring manager", 30, 5)
    assert first.panel_size == 3  # seed 002's design: three independent interviewers
    rows = planned_rows(first)
    assert [row[:4] for row in rows] == [
        ("infra-q1", 8, True, False),
        ("infra-q2", 6, True, False),
        ("infra-q3", 6, True, False),
        ("infra-q4", 5, True, False),
        ("infra-backup", 8, True, True),
    ]
    assert sum(row[1] for row in rows if not row[3]) == first.minutes_available
    assert "self-hosted" in rows[-1][4] and "instead of question 1" in rows[-1][4]


def test_people_management_stage_uses_the_seeds_management_questions(demo):
    people = demo["infrastructure-manager-m3"].stages.order_by("order")[1]
    keys = [row[0] for row in planned_rows(people)]
    assert people.name == "People management"
    assert keys and all(key.startswith("infra-people-") for key in keys)


def test_every_competency_gets_two_independent_opinions(demo):
    for loop in demo.values():
        counts = {key: seen.interviewers for key, seen in opinions_of(loop).items()}
        assert len(counts) == 4
        assert all(n >= 2 for n in counts.values()), (loop.name, counts)


def test_the_hiring_managers_panel_alone_gives_every_category_three_opinions(demo):
    loop = demo["infrastructure-manager-m3"]
    hiring = loop.stages.order_by("order").first()
    infos, stage_infos = coverage_inputs(*loop_for_coverage(loop))
    alone = [s for s in stage_infos if s.id == hiring.pk]
    assert {k: o.interviewers for k, o in coverage.opinions(infos, alone).items()} == {
        "infra-running-the-team": 3,
        "infra-strategic-direction": 3,
        "infra-team-member": 3,
        "infra-operational-excellence": 3,
    }
    assert coverage.coverage_warnings(infos, alone) == []  # seed 002's stage on its own


def test_devops_panels_follow_the_demo_schedule(demo):
    stages = demo["devops-engineer-senior"].stages.order_by("order")
    # fixtures/demo/candidates.yaml: two interviewers on infrastructure, one elsewhere.
    assert [s.panel_size for s in stages] == [2, 1, 1, 1]


def test_devops_loop_is_seed_000s_four_domains_at_senior(demo):
    loop = demo["devops-engineer-senior"]
    assert (loop.role.key, loop.level.ref, loop.scale.key) == (
        "devops-engineer",
        "devops/senior",
        "five-point",
    )
    stages = list(loop.stages.order_by("order"))
    assert [s.name for s in stages] == [
        "Infrastructure & architecture",
        "Reliability & SRE",
        "Security & compliance",
        "Leadership & influence",
    ]
    assert all(45 <= s.duration_minutes <= 60 and s.buffer_minutes > 0 for s in stages)
    planned = PlannedQuestion.objects.filter(stage__loop=loop).prefetch_related("question__levels")
    assert all(p.question.key.startswith("devops-") for p in planned)
    assert all("devops/senior" in {lv.ref for lv in p.question.levels.all()} for p in planned)
    assert all(lc.critical for lc in loop.loop_competencies.all())


def test_loading_twice_changes_nothing(demo):
    before = (
        list(Loop.objects.values_list("key", "version", "status")),
        Stage.objects.count(),
        PlannedQuestion.objects.count(),
        AuditEntry.objects.count(),
    )
    assert load_demo_loops(DEMO_FILE) == []
    after = (
        list(Loop.objects.values_list("key", "version", "status")),
        Stage.objects.count(),
        PlannedQuestion.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_a_demo_loop_with_coverage_warnings_is_refused_and_nothing_saved(banks, tmp_path):
    path = tmp_path / "loops.yaml"
    path.write_text(
        """
loops:
  - name: Thin loop
    role: devops-engineer
    level: devops/senior
    scale: five-point
    competencies: [{key: devops-security, critical: true}]
    stages:
      - name: Only stage
        duration: 30
        buffer: 5
        questions: [{question: devops-3l}]
""",
        encoding="utf-8",
    )
    with pytest.raises(DemoLoopError, match="no independent second opinion"):
        load_demo_loops(path)
    assert not Loop.objects.exists()


def test_a_demo_loop_demanding_another_stage_is_refused_for_one_panel(banks, tmp_path):
    path = tmp_path / "loops.yaml"
    path.write_text(
        """
loops:
  - name: One panel
    role: devops-engineer
    level: devops/senior
    scale: five-point
    second_opinion_from_another_stage: true
    competencies: [{key: devops-security, critical: true}]
    stages:
      - name: Only stage
        duration: 30
        buffer: 5
        panel: 3
        questions: [{question: devops-3l}]
""",
        encoding="utf-8",
    )
    with pytest.raises(DemoLoopError, match="asks for the second opinion from another stage"):
        load_demo_loops(path)
    assert not Loop.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("loops: {}", "top-level"),
        (
            "loops: [{name: X, role: devops-engineer, level: devops/senior, scale: five-point,"
            " stages: [], colour: red}]",
            r"loops\[0\]: unknown field\(s\) colour",
        ),
        (
            "loops: [{name: X, role: devops-engineer, level: devops/senior, scale: five-point,"
            " stages: [{name: S, duration: 30, buffer: 5, questions: [{question: nope}]}]}]",
            r"loops\[0\]\.stages\[0\]\.questions\[0\]: no current question “nope”",
        ),
    ],
)
def test_a_wrong_demo_file_is_refused_with_its_place(banks, tmp_path, text, message):
    path = tmp_path / "loops.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DemoLoopError, match=message):
        load_demo_loops(path)
    assert not Loop.objects.exists()
