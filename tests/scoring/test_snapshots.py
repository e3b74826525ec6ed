"""Calibration and reliability snapshots: computed in the background, read by the pages.

The pages read a stored snapshot when there is one and say when it was computed; a
submission asks for a new one; someone who still owes a scorecard, or a date range,
gets figures computed for them; a page never writes.
"""

import json
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from candidates.scheduling import set_interview_state
from scoring import snapshots
from scoring.models import AnalyticsSnapshot
from scoring.tasks import refresh_analytics_task  # registers it with the test worker
from tests.celery_fixtures import tasks_eager
from tests.factories import make_application, make_scoring_loop, make_user

from .committee_setup import interview_at, submitted_card

SNAPSHOT_PAGE_QUERIES = 7  # session, user, groups, choices, excluded, snapshot, newest loop


@pytest.fixture
def inline_tasks():
    """Tasks run in the request (no REDIS_URL, `make run`), even where CI sets one."""
    yield from tasks_eager(True)


def person(first: str):
    return make_user(groups=("interviewer",), first_name=first)


def history(loop, recruiter, applications: int):
    """Applications with a lenient and a severe interviewer on each."""
    hal, lou = person("Hal"), person("Lou")
    for _ in range(applications):
        application = make_application(loop=loop, by=recruiter)
        for stage in ("Technical", "Values"):
            interview_at(application, stage, starts_at=timezone.now() - timedelta(days=3))
        submitted_card(application, "Technical", {"Ownership": 5, "Systems design": 5}, person=hal)
        submitted_card(application, "Values", {"Systems design": 2}, person=lou)
    return hal, lou


def page(client, name: str, key: str) -> str:
    response = client.get(reverse(f"scoring:{name}"), {"loop": key})
    assert response.status_code == 200
    return response.content.decode()


def test_the_snapshot_holds_what_a_live_computation_gives(recruiter):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 4)
    assert snapshots.refresh(loop.key) == "computed"
    stored = AnalyticsSnapshot.objects.get(loop_key=loop.key)
    live = json.loads(json.dumps(snapshots.compute(loop.key)))  # as JSON stores it
    assert stored.calibration == live["calibration"]
    assert stored.reliability == live["reliability"]
    assert stored.is_current and stored.seconds > 0


def test_a_current_snapshot_is_not_computed_again(recruiter):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 2)
    assert snapshots.refresh(loop.key) == "computed"
    # The debounce: every task of a burst after the first finds it current.
    assert snapshots.refresh(loop.key) == "current"


def test_a_submission_or_a_no_show_makes_the_snapshot_outdated(recruiter):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 2)
    snapshots.refresh(loop.key)
    application = make_application(loop=loop, by=recruiter)
    interview = interview_at(application, "Values", starts_at=timezone.now() - timedelta(days=1))
    submitted_card(application, "Values", {"Systems design": 4}, person=person("Ned"))
    assert not AnalyticsSnapshot.objects.get(loop_key=loop.key).is_current
    snapshots.refresh(loop.key)
    set_interview_state(interview, "no_show", by=recruiter)
    assert not AnalyticsSnapshot.objects.get(loop_key=loop.key).is_current
    assert snapshots.refresh(loop.key) == "computed"


@pytest.mark.parametrize("applications", [2, 8])
def test_pages_read_the_stored_snapshot_in_a_fixed_number_of_queries(
    client, recruiter, django_assert_num_queries, with_worker, applications
):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, applications)
    snapshots.refresh(loop.key)
    client.force_login(recruiter)
    with django_assert_num_queries(SNAPSHOT_PAGE_QUERIES):
        calibration = page(client, "calibration", loop.key)
    with django_assert_num_queries(SNAPSHOT_PAGE_QUERIES):
        reliability = page(client, "reliability", loop.key)
    for html in (calibration, reliability):
        assert "over every application of the loop" in html
        assert "newer scorecards are being included" not in html
    assert "Hal" in calibration and "lenient" in calibration


def test_an_outdated_snapshot_says_newer_scorecards_are_coming(
    client, recruiter, with_worker, django_capture_on_commit_callbacks
):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 2)
    snapshots.refresh(loop.key)
    with django_capture_on_commit_callbacks() as sends:
        history(loop, recruiter, 1)
    assert sends, "a submission sends the refresh after its commit"
    client.force_login(recruiter)
    assert "newer scorecards are being included now" in page(client, "calibration", loop.key)


def test_inline_an_outdated_snapshot_gives_way_to_a_live_computation(
    client, recruiter, inline_tasks
):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 2)
    snapshots.refresh(loop.key)
    history(loop, recruiter, 1)
    client.force_login(recruiter)
    html = page(client, "calibration", loop.key)
    assert "Computed just now" in html
    assert "6 scorecards" in html  # three applications, two each: the new one included


def test_someone_owing_a_scorecard_gets_figures_without_that_application(
    client, recruiter, with_worker
):
    interviewing_recruiter = make_user(groups=("recruiter", "interviewer"))
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 3)
    owed = make_application(loop=loop, by=recruiter)
    submitted_card(
        owed, "Values", {"Systems design": 1}, person=interviewing_recruiter, submit=False
    )
    submitted_card(owed, "Technical", {"Ownership": 1, "Systems design": 1}, person=person("Zed"))
    snapshots.refresh(loop.key)
    client.force_login(interviewing_recruiter)
    html = page(client, "calibration", loop.key)
    assert "1 application left out" in html
    assert "Zed" not in html  # Zed scored only on the application they still owe
    client.force_login(recruiter)
    assert "Zed" in page(client, "calibration", loop.key)


def test_a_page_never_writes(client, recruiter, with_worker):
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 2)
    client.force_login(recruiter)
    with CaptureQueriesContext(connection) as queries:
        page(client, "calibration", loop.key)  # no snapshot yet: computed in the request
        page(client, "reliability", loop.key)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "scoring_analyticssnapshot" in q["sql"]
        and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert writes == []


def test_beat_sends_outdated_snapshots_and_loops_without_one(recruiter, monkeypatch):
    sent = []
    monkeypatch.setattr(snapshots, "send", lambda key: sent.append(key) or True)
    never = make_scoring_loop(by=recruiter)
    current = make_scoring_loop(by=recruiter)
    history(current, recruiter, 1)
    snapshots.refresh(current.key)
    assert snapshots.resend_outdated() == 1
    assert sent == [never.key]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_submission_refreshes_the_snapshot_on_a_real_worker(celery_app, celery_worker, settings):
    settings.ANALYTICS_DEBOUNCE_SECONDS = 0
    recruiter = make_user("snap-recruiter", groups=("recruiter",))
    loop = make_scoring_loop(by=recruiter)
    history(loop, recruiter, 1)
    deadline = time.monotonic() + 30
    snapshot = None
    while time.monotonic() < deadline:
        snapshot = AnalyticsSnapshot.objects.filter(loop_key=loop.key).first()
        if snapshot is not None and snapshot.is_current:
            break
        time.sleep(0.2)
    assert snapshot is not None and snapshot.is_current, "the worker computed the snapshot"
    assert snapshot.calibration["scorecards"] == 2
    assert refresh_analytics_task.name == "scoring.tasks.refresh_analytics_task"
