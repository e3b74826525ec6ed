"""Demo scorecards (fixtures/demo/scorecards.yaml): written and submitted as interviewers would."""

from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from candidates.demo import load_demo_candidates
from candidates.models import Application
from interviews.demo import load_demo_loops
from rubrics.bankfile import import_bank
from scoring.demo import DemoScorecardError, load_demo_scorecards
from scoring.models import Scorecard

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SCORECARDS = FIXTURES / "demo" / "scorecards.yaml"


@pytest.fixture
def noor(db, settings, tmp_path) -> Application:
    """Banks, loops, users and candidates as load_demo makes them; Noor's application."""
    settings.MEDIA_ROOT = tmp_path
    for name in ("02-devops.yaml", "03-infrastructure-manager.yaml"):
        import_bank((FIXTURES / "banks" / name).read_text(encoding="utf-8"))
    load_demo_loops(FIXTURES / "demo" / "loops.yaml")
    call_command("create_demo_users", stdout=StringIO())
    load_demo_candidates(
        FIXTURES / "demo" / "candidates.yaml", by=User.objects.get(username="recruiter")
    )
    return Application.objects.get(candidate__email="noor.haddad@example.com")


def test_every_demo_scorecard_is_submitted_by_its_own_interviewer(noor):
    filled = load_demo_scorecards(SCORECARDS)

    cards = Scorecard.objects.filter(assignment__interview__application=noor)
    assert filled.submitted == 6 == cards.submitted().count() == cards.count()
    for card in cards.select_related("assignment__person"):
        entry = AuditEntry.objects.get(verb="scorecard.submitted", target_id=str(card.pk))
        assert entry.actor == card.assignment.person
    assert (
        load_demo_scorecards(SCORECARDS).summary() == "Demo scorecards: none new, 6 already there."
    )


def test_the_committee_sees_the_security_disagreement_first(noor):
    load_demo_scorecards(SCORECARDS)
    client = Client()
    client.force_login(User.objects.get(username="committee"))

    page = client.get(reverse("scoring:committee", args=[noor.pk])).content.decode()

    first_look = page[page.index("Look here first") : page.index("Scores against the bar")]
    assert "Security" in first_look and "disagreement" in first_look.lower()
    assert "Ready for decision" in page
    assert "1 shadow scorecard not counted" in page


def test_a_rating_the_stage_does_not_have_is_refused_with_its_place(noor, tmp_path):
    wrong = tmp_path / "scorecards.yaml"
    wrong.write_text(
        SCORECARDS.read_text(encoding="utf-8").replace("devops-security:", "devops-secrity:", 1),
        encoding="utf-8",
    )

    with pytest.raises(DemoScorecardError) as error:
        load_demo_scorecards(wrong)

    assert str(error.value).startswith("scorecards[0]: the stage rates")
    assert not Scorecard.objects.submitted().exists()
