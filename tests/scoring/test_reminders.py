"""Overdue-scorecard reminders: steps, timing, who is written to, and never twice."""

from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.urls import resolve
from django.utils import timezone

from candidates.models import Application
from candidates.privacy import erase_candidate
from candidates.scheduling import replace_assignment, set_interview_state
from candidates.services import change_status
from scoring import reminders
from scoring.models import ReminderSent, Scorecard
from scoring.reminders import claim_and_send, due_reminders, send_overdue_reminders
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

HOURS = timedelta(hours=1)


def reminder_emails() -> list:
    """Reminders sent so far (assigning people sends invitations of its own)."""
    return [e for e in mail.outbox if "reminder" in e.subject.lower()]


@pytest.fixture
def loop_world(recruiter, interviewer):
    """An interview (45 minutes) that started two hours ago; `interviewer` assigned."""
    loop = make_published_loop()
    candidate = make_candidate("Nadia Okonkwo-Reyes")
    application = make_application(candidate, loop, by=recruiter)
    interview = make_interview(application, starts_at=timezone.now() - 2 * HOURS)
    assignment = assign(interview, interviewer)
    return SimpleNamespace(
        loop=loop,
        candidate=candidate,
        application=application,
        interview=interview,
        assignment=assignment,
        scorecard=assignment.scorecard,
        ended=interview.ends_at,
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """send_overdue_reminders(now), with the on-commit sends executed as a commit would."""

    def run_at(now) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return send_overdue_reminders(now)

    return run_at


def test_nothing_is_sent_before_the_first_delay(loop_world, run):
    assert run(loop_world.ended + 24 * HOURS - timedelta(seconds=1)) == 0
    assert reminder_emails() == []
    assert not ReminderSent.objects.exists()


def test_first_reminder_goes_to_the_interviewer_alone_at_the_first_delay(
    loop_world, run, interviewer
):
    assert run(loop_world.ended + 24 * HOURS) == 1

    [email] = reminder_emails()
    assert email.to == [interviewer.email]
    assert email.cc == []
    assert ReminderSent.objects.get().step == 1


def test_second_reminder_copies_the_recruiter_who_started_the_application(
    loop_world, run, interviewer, recruiter
):
    make_user("another-recruiter", groups=("recruiter",))
    run(loop_world.ended + 24 * HOURS)

    assert run(loop_world.ended + 72 * HOURS) == 1

    second = reminder_emails()[-1]
    assert second.to == [interviewer.email]
    assert second.cc == [recruiter.email]
    assert second.subject.startswith("Second reminder")
    assert "Rita Recruiter is in copy" in second.body
    assert sorted(ReminderSent.objects.values_list("step", flat=True)) == [1, 2]


def test_just_before_the_second_delay_only_the_first_is_sent(loop_world, run):
    run(loop_world.ended + 72 * HOURS - timedelta(seconds=1))

    assert list(ReminderSent.objects.values_list("step", flat=True)) == [1]


def test_without_a_starting_recruiter_every_active_recruiter_is_copied(interviewer, run):
    loop = make_published_loop()
    application = make_application(make_candidate("Lior Ben-Ami"), loop, by=None)
    interview = make_interview(application, starts_at=timezone.now() - 2 * HOURS)
    assign(interview, interviewer)
    first = make_user("rec-one", groups=("recruiter",))
    second = make_user("rec-two", groups=("recruiter",))
    make_user("rec-gone", groups=("recruiter",), is_active=False)
    make_user("not-a-recruiter", groups=("committee",))

    run(interview.ends_at + 72 * HOURS)

    [email] = reminder_emails()
    assert sorted(email.cc) == sorted([first.email, second.email])


def test_a_deactivated_starter_is_replaced_by_every_active_recruiter(loop_world, run, recruiter):
    recruiter.is_active = False
    recruiter.save()
    active = make_user("rec-active", groups=("recruiter",))

    run(loop_world.ended + 72 * HOURS)

    assert reminder_emails()[-1].cc == [active.email]


def test_shadows_are_reminded_too(loop_world, run, other_interviewer):
    assign(loop_world.interview, other_interviewer, "shadow")

    assert run(loop_world.ended + 24 * HOURS) == 2

    shadow_email = next(e for e in reminder_emails() if e.to == [other_interviewer.email])
    assert "Your shadow scorecard" in shadow_email.body


def test_submitted_scorecards_are_not_reminded(loop_world, run):
    Scorecard.objects.filter(pk=loop_world.scorecard.pk).update(
        status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
    )

    assert run(loop_world.ended + 100 * HOURS) == 0
    assert reminder_emails() == []


@pytest.mark.parametrize(
    ("state", "reminded"),
    [("held", True), ("scheduled", True), ("cancelled", False), ("no_show", False)],
)
def test_interview_state_decides(loop_world, run, recruiter, state, reminded):
    if state != "scheduled":
        set_interview_state(loop_world.interview, state, by=recruiter)

    assert run(loop_world.ended + 24 * HOURS) == int(reminded)


def test_a_replaced_interviewer_is_not_reminded_but_their_replacement_is(
    loop_world, run, recruiter, other_interviewer
):
    replace_assignment(loop_world.assignment, other_interviewer, by=recruiter)

    run(loop_world.ended + 24 * HOURS)

    assert [e.to for e in reminder_emails()] == [[other_interviewer.email]]


def test_closed_applications_and_erased_candidates_are_not_reminded(loop_world, run, recruiter):
    change_status(loop_world.application, Application.Status.WITHDRAWN, by=recruiter)
    assert run(loop_world.ended + 24 * HOURS) == 0

    change_status(loop_world.application, Application.Status.ACTIVE, by=recruiter)
    erase_candidate(loop_world.candidate, by=recruiter)
    assert run(loop_world.ended + 24 * HOURS) == 0


def test_a_second_run_sends_nothing_new(loop_world, run):
    now = loop_world.ended + 30 * HOURS
    assert run(now) == 1
    assert run(now) == 0
    assert run(now + 10 * HOURS) == 0

    assert len(reminder_emails()) == 1


def test_a_late_start_sends_the_second_step_only_and_never_the_first(loop_world, run):
    assert run(loop_world.ended + 80 * HOURS) == 1
    assert run(loop_world.ended + 90 * HOURS) == 0

    assert list(ReminderSent.objects.values_list("step", flat=True)) == [2]
    assert len(reminder_emails()) == 1


def test_two_runs_that_read_before_either_wrote_send_once(
    loop_world, django_capture_on_commit_callbacks
):
    now = loop_world.ended + 24 * HOURS
    # Both workers saw the step as due before either claimed it.
    [mine], [theirs] = due_reminders(now), due_reminders(now)

    with django_capture_on_commit_callbacks(execute=True):
        claimed = [claim_and_send(mine), claim_and_send(theirs)]

    assert claimed == [True, False]
    assert len(reminder_emails()) == 1


def test_a_failed_send_gives_the_step_back_for_the_next_run(loop_world, run, monkeypatch):
    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("SMTP server down")

    now = loop_world.ended + 24 * HOURS
    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        run(now)
    assert not ReminderSent.objects.exists()

    assert run(now + HOURS) == 1
    assert len(reminder_emails()) == 1


def test_the_email_names_candidate_stage_lateness_and_links_to_the_interview(
    loop_world, run, settings, interviewer
):
    settings.SITE_URL = "https://loops.example.com"
    interviewer.time_zone = "Asia/Tokyo"
    interviewer.save()

    run(loop_world.ended + 26 * HOURS)

    [email] = reminder_emails()
    stage = loop_world.interview.stage.name
    assert email.subject == (
        f"Reminder: your scorecard for Nadia Okonkwo-Reyes ({stage}) is 26 hours late"
    )
    assert "Hello Ivan," in email.body
    assert f"Nadia Okonkwo-Reyes, {stage} ({loop_world.loop.name})" in email.body
    assert "ended 26 hours ago" in email.body
    ended_tokyo = timezone.localtime(loop_world.ended, ZoneInfo("Asia/Tokyo"))
    assert f"{ended_tokyo:%-d %B %Y, %H:%M} (Asia/Tokyo)" in email.body
    link = next(line for line in email.body.splitlines() if line.startswith("https://"))
    assert link.startswith("https://loops.example.com/")
    path = link.removeprefix("https://loops.example.com")
    assert resolve(path).kwargs == {"pk": loop_world.interview.pk}
    assert email.from_email == settings.DEFAULT_FROM_EMAIL


@pytest.mark.parametrize(
    ("late", "words"),
    [
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=47, minutes=59), "47 hours"),
        (timedelta(hours=48), "2 days"),
        (timedelta(hours=73), "3 days 1 hour"),
        (timedelta(hours=98), "4 days 2 hours"),
    ],
)
def test_lateness_reads_in_hours_then_days(late, words):
    assert reminders.describe_lateness(late) == words


def test_delays_come_from_settings(loop_world, run, settings):
    settings.REMINDER_FIRST_HOURS = 2
    settings.REMINDER_SECOND_HOURS = 5

    assert run(loop_world.ended + 2 * HOURS) == 1
    assert run(loop_world.ended + 5 * HOURS) == 1


def test_command_sends_what_is_due_in_one_line(
    loop_world, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_FIRST_HOURS = 1
    settings.REMINDER_SECOND_HOURS = 2
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=out)

    assert ReminderSent.objects.count() == 1
    assert len(reminder_emails()) == 1
    assert out.getvalue() == "Sent 1 reminder(s).\n"


def test_command_dry_run_counts_and_changes_nothing(loop_world, settings):
    settings.REMINDER_FIRST_HOURS = 1
    settings.REMINDER_SECOND_HOURS = 2
    out = StringIO()

    call_command("send_reminders", "--dry-run", stdout=out)

    assert out.getvalue() == "Would send 1 reminder(s): 1 first, 0 second.\n"
    assert not ReminderSent.objects.exists()
    assert reminder_emails() == []


def test_beat_runs_the_reminder_task_every_hour():
    from scoring.tasks import send_reminders_task

    [entry] = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == send_reminders_task.name
    ]
    assert entry["schedule"].hour == set(range(24))
    assert len(entry["schedule"].minute) == 1


def test_task_sends_the_reminders_due(loop_world, settings, django_capture_on_commit_callbacks):
    from scoring.tasks import send_reminders_task

    settings.REMINDER_FIRST_HOURS = 1
    settings.REMINDER_SECOND_HOURS = 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders_task.apply().get() == 1
    assert len(reminder_emails()) == 1
