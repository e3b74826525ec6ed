"""Submitted scorecards for committee, calibration and reliability tests, through the services.

The scoring loop (tests.factories.make_scoring_loop) has two stages: "Technical" rates
Ownership and Systems design, "Values" rates Systems design only.
"""

from scoring import services
from tests.factories import assign, fill_scorecard, make_interview, make_user


def interview_at(application, stage_name: str, *, starts_at=None, by=None):
    stage = application.loop.stages.get(name=stage_name)
    return application.interviews.filter(stage=stage).first() or make_interview(
        application, stage, starts_at=starts_at, by=by
    )


def fill(card, scores: dict[str, int | None], *, recommendation="yes", evidence="Evidence"):
    """Fill every required part; a None score marks the competency not assessed."""
    fill_scorecard(
        card,
        scores,
        evidence=f"{evidence} on {{competency}}",
        notes="Asked",
        ticks=(),
        recommendation=recommendation,
        every_question=False,
    )


def submitted_card(
    application,
    stage_name: str,
    scores: dict[str, int | None],
    *,
    person=None,
    role: str = "interviewer",
    recommendation: str = "yes",
    evidence: str = "Evidence",
    submit: bool = True,
    by=None,
):
    """Assign `person` (a new interviewer by default) on the stage, fill in, submit."""
    person = person or make_user(groups=("interviewer",))
    card = assign(interview_at(application, stage_name, by=by), person, role, by=by).scorecard
    fill(card, scores, recommendation=recommendation, evidence=evidence)
    if submit:
        card = services.submit_scorecard(card, by=person)
    return card
