"""The packet prints the anchor the interviewer saw: the loop level's own where it has one."""

import io

import pytest
from pypdf import PdfReader

from interviews.services import add_stage, create_loop, plan_question, publish_loop
from rubrics.models import LevelAnchor
from scoring import pdf, services
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_bank,
    make_candidate,
    make_competency,
    make_interview,
    make_ladder,
    make_question,
    make_role,
    make_scale,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def packet(recruiter):
    """A published loop at "Senior" whose Ownership has a Senior anchor at 4 (the bar)."""
    bank = make_bank()
    ladder = make_ladder(bank)
    senior, staff = ladder.levels.get(key="senior"), ladder.levels.get(key="staff")
    ownership = make_competency(
        bank, name="Ownership", anchors={5: "Owns beyond the team", 4: "Owns the team's outcomes"}
    )
    systems = make_competency(bank, name="Systems design", anchors={4: "Designs for failure"})
    LevelAnchor.objects.create(
        competency=ownership, level=senior, value=4, text="Owns a service end to end"
    )
    LevelAnchor.objects.create(
        competency=ownership, level=staff, value=4, text="Owns outcomes across teams"
    )
    loop = create_loop(
        name="Scored at senior",
        role=make_role(ladder),
        level=senior,
        scale=make_scale(bank, meets=4),
        competencies=[ownership, systems],
        by=recruiter,
    )
    stage = add_stage(loop, name="Technical", duration_minutes=45, buffer_minutes=5, by=recruiter)
    plan_question(stage, make_question(bank, primary=ownership, title="An outage"), by=recruiter)
    plan_question(stage, make_question(bank, primary=systems, title="A queue"), by=recruiter)
    publish_loop(loop, by=recruiter, confirmed=True)
    application = make_application(make_candidate("Robin Vale"), loop, by=recruiter)
    interviewer = make_user(f"ivy-{recruiter.pk}", groups=("interviewer",))
    card = assign(make_interview(application, stage, by=recruiter), interviewer, by=recruiter)
    fill_scorecard(card.scorecard, {"Ownership": 4, "Systems design": 4})
    services.submit_scorecard(card.scorecard, by=interviewer)
    return application


def test_the_packet_shows_the_levels_anchor_at_the_score_and_in_the_appendix(packet):
    content, _ = pdf.render_packet_pdf(packet)
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )

    # On the scorecard: the anchor the interviewer rated against, for the loop's level
    # (its label is set in capitals by the stylesheet).
    assert "anchor at senior owns a service end to end" in text.casefold()
    # The competency's own where the level has none.
    assert "Designs for failure" in text
    # In the rubric appendix, marked as the level's.
    assert "At Senior: Owns a service end to end" in text
    assert "Owns the team's outcomes" not in text
    assert "Owns outcomes across teams" not in text  # another level's
