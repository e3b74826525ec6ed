"""The demo candidates (fixtures/demo/candidates.yaml): added through the services, once."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry, User
from candidates.demo import DemoCandidateError, load_demo_candidates, starts_at
from candidates.models import Application, Assignment, Candidate, Interview
from interviews.demo import load_demo_loops
from rubrics.bankfile import import_bank
from scoring.demo import load_demo_scorecards
from scoring.models import Scorecard

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
DEMO_FILE = FIXTURES / "demo" / "candidates.yaml"
BANKS = ("02-devops.yaml", "03-infrastructure-manager.yaml")  # the ones the demo loops use


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """The demo's CV files go to a scratch folder, not the checkout's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo_world(db) -> User:
    """Banks, demo loops and demo users: what load_demo has made before the candidates."""
    for name in BANKS:
        import_bank((FIXTURES / "banks" / name).read_text(encoding="utf-8"))
    load_demo_loops(FIXTURES / "demo" / "loops.yaml")
    call_command("create_demo_users", stdout=StringIO())
    return User.objects.get(username="recruiter")


def snapshot() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Candidate, Application, Interview, Assignment, Scorecard, AuditEntry)
    }


@pytest.mark.django_db(transaction=True)
def test_load_demo_twice_adds_the_candidates_once_and_emails_no_one(mailoutbox):
    first, second = StringIO(), StringIO()
    call_command("load_demo", stdout=first)
    after_first = snapshot()
    call_command("load_demo", stdout=second)

    assert "Demo candidates: 5 added with 10 interviews scheduled, 0 already there." in (
        first.getvalue()
    )
    assert "Demo scorecards: 6 submitted, 0 already there." in first.getvalue()
    assert "Demo candidates: none new, 5 already there." in second.getvalue()
    assert "Demo scorecards: none new, 6 already there." in second.getvalue()
    assert snapshot() == after_first
    # The past cohort (outcomes.demo, its own tests) comes on top of the file's five.
    mine = Candidate.objects.exclude(email__endswith="@cohort.example.com")
    assert mine.count() == 5
    cards = Scorecard.objects.filter(assignment__interview__application__candidate__in=mine)
    assert cards.count() == 14
    # The demo's people are invented: their invitations are discarded, not sent.
    assert mailoutbox == []


def test_every_candidate_is_added_by_the_recruiter_through_the_services(demo_world):
    loaded = load_demo_candidates(DEMO_FILE, by=demo_world)

    assert sorted(c.email for c in loaded.added) == [
        "amara.osei@example.com",
        "kenji.watanabe@example.com",
        "lucia.ferreira@example.com",
        "noor.haddad@example.com",
        "tomasz.wierzbicki@example.com",
    ]
    assert all(c.recruiter_notes and c.created_by == demo_world for c in loaded.added)
    amara = Candidate.objects.get(email="amara.osei@example.com")
    assert amara.cv_name == "amara-osei-cv.txt"
    assert amara.cv.read().decode().startswith("Amara Osei")
    committee = User.objects.get(username="committee")
    assert all(list(a.committee.all()) == [committee] for a in Application.objects.all())
    started = AuditEntry.objects.filter(verb="application.started", actor=demo_world)
    assert started.count() == 5


def test_the_schedule_has_past_today_future_and_unscheduled_stages(demo_world):
    # A past "now": the interviews it puts "later" have begun too, as the held one must have.
    now = datetime(2025, 3, 14, 9, 40, tzinfo=UTC)
    load_demo_candidates(DEMO_FILE, by=demo_world, now=now)

    amara = Application.objects.get(candidate__email="amara.osei@example.com")
    hiring = amara.interviews.get(stage__name="Hiring manager")
    assert hiring.state == Interview.State.HELD
    assert hiring.starts_at == datetime(2025, 3, 14, 6, 30, tzinfo=UTC)
    assert amara.interviews.get(stage__name="People management").starts_at == datetime(
        2025, 3, 17, 14, 30, tzinfo=UTC
    )
    tomasz = Application.objects.get(candidate__email="tomasz.wierzbicki@example.com")
    assert tomasz.interviews.get(stage__name="Infrastructure & architecture").starts_at == datetime(
        2025, 3, 14, 11, 30, tzinfo=UTC
    )
    assert tomasz.interviews.count() == 2 < tomasz.loop.stages.count()  # two stages unscheduled
    kenji = Application.objects.get(candidate__email="kenji.watanabe@example.com")
    assert not kenji.interviews.exists()

    seats = Assignment.objects.active()
    assert {a.person.username for a in seats} == {"interviewer1", "interviewer2", "interviewer3"}
    shadows = seats.filter(role=Assignment.Role.SHADOW, interview__application=amara)
    assert [(s.person.username, s.interview) for s in shadows] == [("interviewer3", hiring)]


def test_each_demo_persona_finds_something_on_their_home_page(demo_world):
    load_demo_candidates(DEMO_FILE, by=demo_world)
    load_demo_scorecards(FIXTURES / "demo" / "scorecards.yaml")

    ines = home(User.objects.get(username="interviewer1"))
    panel = ines.context["mine"]
    assert [o.interview.application.candidate.name for o in panel.due] == ["Amara Osei"]
    scheduled = [s.interview.application.candidate.name for s in panel.today + panel.upcoming]
    assert {"Tomasz Wierzbicki", "Lucía Ferreira"} <= set(scheduled)
    assert "Amara Osei" in ines.content.decode()

    rhea = home(demo_world)
    overdue = [
        (o.assignment.person.username, o.interview.stage.name) for o in rhea.context["team_overdue"]
    ]
    assert overdue == [("interviewer2", "Infrastructure & architecture")]

    carmen = home(User.objects.get(username="committee")).content.decode()
    for name in (
        "Amara Osei",
        "Tomasz Wierzbicki",
        "Lucía Ferreira",
        "Kenji Watanabe",
        "Noor Haddad",
    ):
        assert name in carmen
    # Kenji has no interview yet: said in words, not as "0 of 0 scorecards in".
    assert "0 of 0" not in carmen and "no one interviewing yet" in carmen


def home(user: User):
    client = Client()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_a_candidate_already_on_file_is_left_alone(demo_world):
    Candidate.objects.create(name="Lucía F.", email="LUCIA.FERREIRA@example.com")

    loaded = load_demo_candidates(DEMO_FILE, by=demo_world)

    assert loaded.skipped == 1 and len(loaded.added) == 4
    assert not Application.objects.filter(candidate__email__iexact="lucia.ferreira@example.com")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("colour: blue", "unknown field(s) colour"),
        ("interviews: [{stage: Hiring manager}]", "give either hours_from_now"),
        (
            "interviews: [{stage: Hiring manager, days_from_now: 1, time: 14:30}]",
            "write the time in quotes",
        ),
        ("interviews: [{stage: Lunch, hours_from_now: 1}]", "has no stage “Lunch”"),
        ("committee: [nobody-here]", "no user “nobody-here”"),
    ],
)
def test_a_wrong_file_is_refused_and_nothing_is_saved(demo_world, tmp_path, entry, message):
    path = tmp_path / "candidates.yaml"
    path.write_text(
        "candidates:\n"
        "  - name: First Person\n"
        "    email: first@example.com\n"
        "    applications: [{loop: Infrastructure manager (M3)}]\n"
        "  - name: Second Person\n"
        "    email: second@example.com\n"
        "    applications:\n"
        "      - loop: Infrastructure manager (M3)\n"
        f"        {entry}\n",
        encoding="utf-8",
    )
    before = snapshot()

    with pytest.raises(DemoCandidateError, match=r"candidates\[1\]\.applications\[0\]") as no:
        load_demo_candidates(path, by=demo_world)

    assert message in str(no.value)
    assert snapshot() == before


def test_start_times_are_relative_to_now_on_a_quarter_hour():
    now = datetime(2030, 3, 14, 23, 52, 31, tzinfo=UTC)
    assert starts_at({"hours_from_now": -3}, now) == datetime(2030, 3, 14, 20, 45, tzinfo=UTC)
    assert starts_at({"hours_from_now": 2}, now) == datetime(2030, 3, 15, 1, 45, tzinfo=UTC)
    assert starts_at({"days_from_now": 4, "time": "09:00"}, now) == datetime(
        2030, 3, 18, 9, 0, tzinfo=UTC
    )
    assert starts_at({"hours_from_now": -50}, now) == now.replace(minute=45, second=0) - timedelta(
        hours=50
    )
