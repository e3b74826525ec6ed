"""The reminder task through a real Celery worker and Redis: a second run sends nothing new.

Skips, with its reason, when Redis is unreachable (tests/celery_fixtures.py); CI has
Redis and fails on skips.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from scoring.models import ReminderSent
from scoring.tasks import send_reminders_task
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)


@pytest.mark.worker
# The worker sees only committed rows, and sends once its own transaction commits.
@pytest.mark.django_db(transaction=True)
def test_reminder_task_runs_on_a_real_worker_and_a_second_run_sends_nothing_new(
    celery_app, celery_worker, celery_config
):
    recruiter = make_user("rec-worker", groups=("recruiter",))
    first = make_user("int-worker-1", groups=("interviewer",))
    shadow = make_user("int-worker-2", groups=("interviewer",))
    loop = make_published_loop(stages=("Systems", "People"))
    application = make_application(make_candidate("Wren Abernathy"), loop, by=recruiter)
    systems, people = loop.stages.order_by("order")
    # Systems ended ~4 days ago (step 2 due); People ~1.5 days ago (step 1 due).
    old = make_interview(application, systems, starts_at=timezone.now() - timedelta(hours=98))
    recent = make_interview(application, people, starts_at=timezone.now() - timedelta(hours=37))
    assign(old, first)
    assign(recent, first)
    assign(recent, shadow, "shadow")

    # Assigning sends its own invitations: count only what the task adds.
    before = len(mail.outbox)

    result = send_reminders_task.delay()
    assert result.get(timeout=20) == 3
    # It ran on the worker, through this test run's own queue on Redis.
    assert celery_app.backend.get_task_meta(result.id)["status"] == "SUCCESS"

    assert sorted(ReminderSent.objects.values_list("step", flat=True)) == [1, 1, 2]
    sent = mail.outbox[before:]
    assert len(sent) == 3
    assert all("reminder" in e.subject.lower() for e in sent)
    escalation = next(e for e in sent if e.cc)
    assert escalation.to == [first.email] and escalation.cc == [recruiter.email]

    assert send_reminders_task.delay().get(timeout=20) == 0
    assert ReminderSent.objects.count() == 3
    assert len(mail.outbox) == before + 3
