"""A recruiter takes a candidate from nothing to a scheduled loop in Chromium (issue 5).

The recruiter works in Berlin time, the interviewer in New York time: each types and
reads times in their own zone, and the interviewer's home page shows the interview
converted, down to the minute and, for a late-night slot, the day.
"""

import re
import zoneinfo
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates.models import Application, Assignment, Candidate, Interview
from tests.browser.conftest import sign_in
from tests.factories import make_published_loop, make_user

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

# The smallest well-formed PDF: one empty page, with a cross-reference table.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture
def people(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the uploaded CV lands in a scratch folder
    recruiter = make_user(
        "rhea",
        groups=("recruiter",),
        first_name="Rhea",
        last_name="Vogel",
        time_zone="Europe/Berlin",
    )
    return {
        "recruiter": recruiter,
        "ines": make_user(
            "ines",
            groups=("interviewer",),
            first_name="Ines",
            last_name="Okafor",
            time_zone="America/New_York",
        ),
        "jonas": make_user("jonas", groups=("interviewer",), first_name="Jonas", last_name="Berg"),
        "mei": make_user("mei", groups=("interviewer",), first_name="Mei", last_name="Tanaka"),
        "carmen": make_user("carmen", groups=("committee",), first_name="Carmen", last_name="Diaz"),
        "loop": make_published_loop(stages=("Systems design", "People"), by=recruiter),
    }


def berlin_slot(days: int, hour: int, minute: int) -> datetime:
    """A wall-clock time in Berlin some days from now (a date the form can take)."""
    day = timezone.now().astimezone(BERLIN).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def home_text(moment: datetime, minutes: int) -> str:
    """How the home page's upcoming list writes an interview: "Tue 5 Mar, 09:30–10:15"."""
    start = moment.astimezone(NEW_YORK)
    end = start + timedelta(minutes=minutes)
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}–{end:%H:%M}"


def stage_row(page: Page, name: str):
    return page.locator("li.schedule-row", has=page.get_by_role("heading", name=name, exact=True))


def schedule(page: Page, stage: str, moment: datetime) -> None:
    row = stage_row(page, stage)
    row.get_by_label(re.compile(r"^Starts")).fill(moment.strftime("%Y-%m-%dT%H:%M"))
    row.get_by_role("button", name=f"Schedule {stage}").click()
    expect(stage_row(page, stage).locator(".schedule-when")).to_contain_text(
        f"{moment.day} {moment:%b %Y, %H:%M}"
    )


def add_person(page: Page, stage: str, person: str, role: str) -> None:
    row = stage_row(page, stage)
    row.get_by_label("Add", exact=True).select_option(label=person)
    row.get_by_label("as", exact=True).select_option(label=role)
    row.get_by_role("button", name=f"Add to {stage}").click()
    seats = stage_row(page, stage).get_by_role("list", name=f"People on {stage}")
    expect(seats.locator(".seat", has_text=person)).to_contain_text(role.lower())


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_recruiter_schedules_a_loop_and_the_interviewer_sees_it_in_their_zone(
    page: Page, site: str, people, mailoutbox
):
    loop = people["loop"]
    systems_at = berlin_slot(3, 16, 30)  # 10:30 the same day in New York
    people_at = berlin_slot(5, 1, 15)  # 19:15 the evening before in New York

    sign_in(page, site, "rhea")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # A new candidate, with a CV and a note only recruiters will read.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates").click()
    page.get_by_role("link", name="New candidate").click()
    page.get_by_label("Name").fill("Priya Raman")
    page.get_by_label("Email").fill("priya.raman@example.com")
    page.get_by_label("Links").fill("https://example.com/priya")
    page.get_by_label("CV").set_input_files(
        {"name": "Priya Raman CV.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.get_by_label("Recruiter notes").fill("Prefers afternoon slots; notice period 4 weeks.")
    shot(page, "candidate-form")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("heading", name="Priya Raman", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Priya Raman CV.pdf")).to_be_visible()
    candidate = Candidate.objects.get(email="priya.raman@example.com")
    assert candidate.cv.read().startswith(b"%PDF")
    assert candidate.recruiter_notes == "Prefers afternoon slots; notice period 4 weeks."

    # Start her on the published loop.
    page.get_by_role("link", name="Start an application").click()
    page.get_by_label("Loop").select_option(
        label=f"{loop.name} — v{loop.version} ({loop.role.name}, {loop.level.name})"
    )
    page.get_by_role("button", name="Start application").click()
    expect(page.locator(".messages")).to_contain_text(f"Priya Raman started on “{loop.name}”")
    expect(page.get_by_text("Times in Europe/Berlin.")).to_be_visible()
    shot(page, "application-unscheduled")

    # Two stages, typed in Berlin time; a panel of two on each, one of them a shadow.
    schedule(page, "Systems design", systems_at)
    schedule(page, "People", people_at)
    add_person(page, "Systems design", "Ines Okafor", "Interviewer")
    add_person(page, "Systems design", "Jonas Berg", "Shadow")
    add_person(page, "People", "Ines Okafor", "Interviewer")
    add_person(page, "People", "Mei Tanaka", "Interviewer")

    # The committee, from the keyboard: open the disclosure, tick, save.
    committee = page.locator("#application-committee")
    committee.get_by_text("Choose the committee").focus()
    page.keyboard.press("Enter")
    committee.get_by_label("Carmen Diaz").focus()
    page.keyboard.press("Space")
    committee.get_by_role("button", name="Save committee").click()
    expect(page.get_by_role("list", name="Committee members")).to_have_text("Carmen Diaz")
    shot(page, "application-detail")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "application-detail-narrow")
    page.set_viewport_size({"width": 1280, "height": 800})

    application = Application.objects.get(candidate=candidate)
    assert application.loop == loop
    assert list(application.committee.all()) == [people["carmen"]]
    interviews = {i.stage.name: i for i in Interview.objects.filter(application=application)}
    assert interviews["Systems design"].starts_at == systems_at
    assert interviews["People"].starts_at == people_at
    seats = Assignment.objects.active().filter(interview__application=application)
    assert sorted((a.interview.stage.name, a.person.username, a.role) for a in seats) == [
        ("People", "ines", "interviewer"),
        ("People", "mei", "interviewer"),
        ("Systems design", "ines", "interviewer"),
        ("Systems design", "jonas", "shadow"),
    ]
    # Each person put on an interview is emailed its calendar invitation.
    invitations = [m for m in mailoutbox if "ines@example.com" in m.to]
    assert len(invitations) == 2
    for message in invitations:
        calendars = [
            part for part in message.message().walk() if part.get_content_type() == "text/calendar"
        ]
        assert len(calendars) == 1, message.subject

    # The list, her page, and the pipeline, for the screenshots and a last look.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Candidates").click()
    row = page.get_by_role("row", name=re.compile("Priya Raman"))
    expect(row).to_contain_text(loop.name)
    expect(row).to_contain_text("Active")
    shot(page, "candidate-list")
    row.get_by_role("link", name="Priya Raman").click()
    expect(page.get_by_role("heading", name="Recruiter notes")).to_be_visible()
    shot(page, "candidate-detail")
    page.goto(f"{site}/")
    page.locator("#home-pipelines").get_by_role("link", name=loop.name).click()
    expect(page.get_by_role("link", name="Priya Raman")).to_be_visible()
    shot(page, "pipeline")
    page.get_by_role("button", name="Sign out").click()

    # Ines, in New York, sees both on her home page at her own local times.
    sign_in(page, site, "ines")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Times in America/New_York")).to_be_visible()
    upcoming = page.get_by_role("list", name="Upcoming")
    systems = upcoming.locator(".home-item").filter(has_text="· Systems design")
    people_item = upcoming.locator(".home-item").filter(has_text="· People")
    expect(systems.locator(".home-when")).to_have_text(home_text(systems_at, 45))
    expect(people_item.locator(".home-when")).to_have_text(home_text(people_at, 45))
    expect(systems).to_contain_text("Priya Raman")
    shot(page, "interviewer-home")
    # The late-night Berlin slot falls on the previous evening in New York.
    assert people_at.astimezone(NEW_YORK).date() < people_at.date()

    # Her interview page: the time again in her zone, and no recruiter note anywhere.
    systems.get_by_role("link", name="Priya Raman").click()
    expect(page.locator(".interview-when time")).to_contain_text(
        systems_at.astimezone(NEW_YORK).strftime("%H:%M")
    )
    expect(page.locator("main")).not_to_contain_text("notice period")
    shot(page, "interview-detail")
