"""Coverage matrix and warnings over plain data (no database)."""

from interviews.coverage import (
    CompetencyInfo,
    ItemInfo,
    StageInfo,
    coverage_matrix,
    coverage_warnings,
    opinions,
)

TEAM = CompetencyInfo("team", "Running the team", critical=True)
OPS = CompetencyInfo("ops", "Operationally outstanding")
STRATEGY = CompetencyInfo("strategy", "Strategic direction")
MEMBER = CompetencyInfo("member", "Effective team member")


def item(
    pid: int,
    title: str,
    primary: str,
    *,
    secondary=(),
    tags=(),
    technologies=(),
    minutes: int = 5,
    must_ask: bool = True,
    backup: bool = False,
) -> ItemInfo:
    return ItemInfo(
        pid,
        title,
        minutes,
        primary,
        frozenset(secondary),
        frozenset(tags),
        frozenset(technologies),
        must_ask,
        backup,
    )


def kinds(warnings) -> list[str]:
    return [w.kind for w in warnings]


def test_matrix_lists_primary_and_secondary_questions_per_cell():
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "Deployments", "team", secondary=["ops"]),
            item(2, "Roadmap", "strategy", secondary=["team"]),
        ),
    )
    matrix = coverage_matrix([TEAM, OPS, STRATEGY], [stage])
    assert matrix["team"][1].primary == ("Deployments",)
    assert matrix["team"][1].secondary == ("Roadmap",)
    assert matrix["ops"][1].secondary == ("Deployments",)
    assert matrix["strategy"][1].primary == ("Roadmap",)


def test_competency_seen_by_one_interviewer_only_lacks_a_second_opinion():
    one = StageInfo(1, "Manager", 25, (item(1, "Automation", "ops"),))
    other = StageInfo(2, "Peers", 25, (item(2, "Team", "team"),))
    two = StageInfo(3, "Panel", 25, (item(3, "Hiring", "team"),))
    warnings = coverage_warnings([TEAM, OPS], [one, other, two])
    assert kinds(warnings) == ["thin-coverage"]
    assert warnings[0].competencies == ("ops",)
    assert warnings[0].stages == (1,)
    assert warnings[0].message.startswith(
        "Operationally outstanding is assessed by 1 interviewer (Manager): "
        "no independent second opinion."
    )
    # Says the design-time assumption and both ways out.
    assert "each stage is counted as different people" in warnings[0].message
    assert "a panel of two for Manager" in warnings[0].message
    assert warnings[0].severity == "mild"


def seed_002_stage(panel_size: int = 3) -> StageInfo:
    """Seed 002's design: one 30-minute stage, four questions, one per category."""
    return StageInfo(
        1,
        "Hiring manager",
        25,
        (
            item(1, "Running deployments", "team", tags=["release"], minutes=8),
            item(2, "Roadmap", "strategy", tags=["roadmap"], minutes=6),
            item(3, "Working with product", "member", tags=["collaboration"], minutes=6),
            item(4, "Incidents", "ops", tags=["incident-response"], minutes=5),
        ),
        panel_size=panel_size,
    )


def test_seed_002s_one_stage_three_interviewer_design_has_no_warning():
    assert coverage_warnings([TEAM, OPS, STRATEGY, MEMBER], [seed_002_stage()]) == []


def test_the_same_stage_with_one_interviewer_warns_on_every_category():
    warnings = coverage_warnings([TEAM, OPS, STRATEGY, MEMBER], [seed_002_stage(1)])
    assert kinds(warnings) == ["thin-coverage"] * 4
    # Running the team is critical: its warning is strong and comes first.
    assert [w.severity for w in warnings] == ["strong", "mild", "mild", "mild"]
    assert all("by 1 interviewer (Hiring manager)" in w.message for w in warnings)


def test_a_loop_demanding_another_stage_warns_on_the_one_stage_design():
    warnings = coverage_warnings(
        [TEAM, OPS, STRATEGY, MEMBER], [seed_002_stage()], another_stage=True
    )
    assert kinds(warnings) == ["thin-coverage"] * 4
    assert warnings[0].message == (
        "Running the team is assessed by 3 interviewers, all in Hiring manager: this loop "
        "asks for the second opinion from another stage. Plan it in another stage too."
    )


def test_a_loop_demanding_another_stage_is_satisfied_by_two_stages():
    first = StageInfo(1, "Manager", 25, (item(1, "Automation", "ops", tags=["a"]),))
    second = StageInfo(2, "Peers", 25, (item(2, "Incidents", "ops", tags=["b"]),))
    assert coverage_warnings([OPS], [first, second], another_stage=True) == []


def test_opinions_sum_the_panels_of_the_stages_assessing_a_competency():
    first = StageInfo(1, "Manager", 25, (item(1, "Automation", "ops"),), panel_size=2)
    second = StageInfo(2, "Peers", 25, (item(2, "Team", "team", secondary=["ops"]),), panel_size=3)
    backup_only = StageInfo(3, "Spare", 25, (item(3, "B", "strategy", backup=True),), 4)
    found = opinions([TEAM, OPS, STRATEGY], [first, second, backup_only])
    assert (found["ops"].stages, found["ops"].interviewers) == ((1, 2), 5)
    assert (found["team"].stages, found["team"].interviewers) == ((2,), 3)
    # A backup adds no coverage, so its stage's panel adds no opinion.
    assert (found["strategy"].stages, found["strategy"].interviewers) == ((), 0)
    assert found["team"].enough() and not found["team"].enough(another_stage=True)
    assert found["ops"].enough(another_stage=True)


def test_uncovered_critical_competency_is_a_strong_warning_first():
    stage = StageInfo(1, "Manager", 25, (item(1, "Automation", "ops"),))
    warnings = coverage_warnings([OPS, TEAM], [stage])
    assert warnings[0].kind == "critical-uncovered"
    assert warnings[0].severity == "strong"
    assert "Running the team is critical" in warnings[0].message


def test_must_ask_questions_overrunning_the_stage_are_named():
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "A", "ops", minutes=15),
            item(2, "B", "ops", minutes=12),
            item(3, "C", "ops", minutes=30, must_ask=False),
        ),
    )
    overrun = [w for w in coverage_warnings([OPS], [stage]) if w.kind == "overrun"]
    assert len(overrun) == 1
    assert "27 min but only 25" in overrun[0].message
    assert overrun[0].planned == (1, 2)


def test_if_time_allows_and_backup_questions_do_not_overrun():
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "A", "ops", minutes=20),
            item(2, "Later", "ops", minutes=20, must_ask=False),
            item(3, "Backup", "ops", minutes=20, backup=True),
        ),
    )
    assert "overrun" not in kinds(coverage_warnings([OPS], [stage]))


def test_backup_question_adds_no_coverage():
    stage = StageInfo(1, "Manager", 25, (item(3, "Backup", "team", backup=True),))
    assert not coverage_matrix([TEAM], [stage])["team"][1].covered


def test_same_ground_in_one_stage_is_strong_whatever_the_competencies():
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "Pipelines", "ops", tags=["ci-cd", "release"]),
            item(2, "Release strategy", "strategy", tags=["release"]),
        ),
    )
    overlap = [w for w in coverage_warnings([OPS, STRATEGY], [stage]) if w.kind == "overlap-stage"]
    assert len(overlap) == 1
    assert overlap[0].severity == "strong"
    assert "#release" in overlap[0].message
    assert overlap[0].planned == (1, 2)


def test_same_ground_in_different_stages_is_mild():
    first = StageInfo(1, "Manager", 25, (item(1, "Pipelines", "ops", tags=["release"]),))
    second = StageInfo(2, "Panel", 25, (item(2, "Releases", "ops", tags=["release"]),))
    overlap = [w for w in coverage_warnings([OPS], [first, second]) if "overlap" in w.kind]
    assert [(w.kind, w.severity) for w in overlap] == [("overlap-loop", "mild")]
    assert "(Manager)" in overlap[0].message and "(Panel)" in overlap[0].message


def test_shared_technologies_do_not_overlap_tagged_questions():
    # Seed 002's final set shares Terraform across questions on different domains.
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "Deployments", "team", tags=["release"], technologies=["Terraform"]),
            item(2, "Automation", "ops", tags=["automation"], technologies=["Terraform"]),
        ),
    )
    assert not [w for w in coverage_warnings([TEAM, OPS], [stage]) if "overlap" in w.kind]


def test_untagged_questions_are_compared_by_technologies():
    stage = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "One", "ops", technologies=["Kubernetes"]),
            item(2, "Two", "ops", technologies=["kubernetes", "Helm"]),
        ),
    )
    overlap = [w for w in coverage_warnings([OPS], [stage]) if w.kind == "overlap-stage"]
    assert len(overlap) == 1 and "kubernetes" in overlap[0].message


def test_a_well_built_loop_has_no_warnings():
    first = StageInfo(
        1,
        "Manager",
        25,
        (
            item(1, "Deployments", "team", secondary=["ops"], tags=["release"], minutes=8),
            item(2, "Roadmap", "strategy", tags=["roadmap"], minutes=6),
        ),
    )
    second = StageInfo(
        2,
        "People",
        40,
        (
            item(3, "Underperformance", "team", secondary=["strategy"], tags=["coaching"]),
            item(4, "Incidents", "ops", tags=["incident-response"]),
        ),
    )
    assert coverage_warnings([TEAM, OPS, STRATEGY], [first, second]) == []


def test_no_stages_yet_warns_about_every_competency():
    warnings = coverage_warnings([TEAM, OPS], [])
    assert sorted(kinds(warnings)) == ["critical-uncovered", "thin-coverage"]
    thin = next(w for w in warnings if w.kind == "thin-coverage")
    assert (
        thin.message
        == "Operationally outstanding is assessed by no stage: no opinion on it at all."
    )
