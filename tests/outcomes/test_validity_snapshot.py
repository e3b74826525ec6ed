"""The validity figures in the analytics snapshot: computed in the background, read by the page.

The stored figures are the live ones (everyone's, default performance choice); the page
reads them in a fixed number of queries and says when they were computed; another
choice, or a viewer who owes a scorecard, gets figures computed for them; saving,
editing, importing or deleting a review asks for a new snapshot.
"""

import json
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from outcomes.reviews.importing import import_reviews
from outcomes.reviews.services import delete_review, hired_on
from outcomes.validity import stored
from outcomes.validity.data import validity_data
from outcomes.validity.measures import PerformanceRule
from scoring import snapshots
from scoring.committee import newest_loop
from scoring.models import AnalyticsSnapshot
from scoring.tasks import refresh_analytics_task  # registers it with the test worker
from tests.factories import make_scoring_loop, make_user
from tests.outcomes.reviews_setup import make_hire, review
from tests.outcomes.validity_setup import cohort, hire, interviewed
from tests.scoring.committee_setup import submitted_card

URL = reverse("outcomes:validity")
# Session, user, groups; loop choices; the viewer's excluded count; the snapshot; the
# newest loop version. Nothing that reads scores, scorecards or reviews.
SNAPSHOT_PAGE_QUERIES = 7


@pytest.fixture
def loop(recruiter):
    return make_scoring_loop(by=recruiter)


def outdated(key: str) -> bool:
    return not AnalyticsSnapshot.objects.get(loop_key=key).is_current


def rounded(value):
    """`value` with every float to 9 decimals: the stored and the live computation may add
    the same numbers in another order (rows come back in another order), which moves the
    last bit of a double."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def same_figures(a, b) -> bool:
    return rounded(stored.to_json(a)) == rounded(stored.to_json(b))


def test_the_snapshot_holds_what_the_live_page_computes(recruiter, loop):
    cohort(loop, 16, by=recruiter)
    assert snapshots.refresh(loop.key) == "computed"
    snapshot = AnalyticsSnapshot.objects.get(loop_key=loop.key)
    # Strict JSON (PostgreSQL's jsonb refuses NaN), equal to a fresh computation.
    assert snapshot.validity == json.loads(json.dumps(stored.compute(loop.key), allow_nan=False))
    back = stored.from_json(snapshot.validity, newest_loop(loop.key))
    assert same_figures(back, validity_data(loop.key, recruiter, PerformanceRule.TWELVE))
    ownership = next(r for r in back.competencies if r.name == "Ownership")
    assert back.hires == 16 and ownership.validity.predicts and ownership.chart is not None


@pytest.mark.parametrize("hires", [12, 30])
def test_the_page_reads_the_snapshot_in_a_fixed_number_of_queries(
    client, recruiter, loop, django_assert_num_queries, with_worker, hires
):
    cohort(loop, hires, by=recruiter)
    snapshots.refresh(loop.key)
    client.force_login(recruiter)
    live = validity_data(loop.key, recruiter, PerformanceRule.TWELVE)
    with django_assert_num_queries(SNAPSHOT_PAGE_QUERIES):
        response = client.get(URL, {"loop": loop.key})
    html = response.content.decode()
    assert response.status_code == 200
    assert same_figures(response.context["data"], live)
    assert "over every application of the loop" in html
    assert "Ownership</strong> seems to carry the loop" in html
    assert "newer scorecards and reviews are being included" not in html


def test_another_choice_or_an_owed_scorecard_is_computed_for_the_viewer(
    client, recruiter, loop, with_worker
):
    cohort(loop, 11, by=recruiter)
    owing = make_user(groups=("recruiter", "interviewer"))
    panel = [make_user(groups=("interviewer",))]
    owed = interviewed(loop, {"Ownership": 4, "Systems design": 3}, panel=panel)
    submitted_card(owed, "Values", {"Systems design": 1}, person=owing, submit=False)
    hire(owed, 4, by=recruiter)
    snapshots.refresh(loop.key)
    assert AnalyticsSnapshot.objects.get(loop_key=loop.key).validity["hires"] == 12

    client.force_login(recruiter)
    six = client.get(URL, {"loop": loop.key, "performance": PerformanceRule.SIX.value})
    assert "snapshot" not in six.context and "Computed just now" in six.content.decode()

    client.force_login(owing)
    response = client.get(URL, {"loop": loop.key})
    assert "snapshot" not in response.context
    assert response.context["data"].hires == 11  # the owed application left out
    assert "1 application you still owe" in response.content.decode()


def test_a_snapshot_stored_before_validity_gives_way_to_a_live_computation(
    client, recruiter, loop, with_worker
):
    cohort(loop, 12, by=recruiter)
    snapshots.refresh(loop.key)
    AnalyticsSnapshot.objects.filter(loop_key=loop.key).update(validity={})
    client.force_login(recruiter)
    response = client.get(URL, {"loop": loop.key})
    assert "snapshot" not in response.context
    assert response.context["data"].hires == 12


def test_saving_editing_or_deleting_a_review_makes_the_snapshot_outdated(recruiter):
    hire = make_hire(recruiter)
    key = hire.loop.key
    snapshots.refresh(key)
    saved = review(hire, recruiter, overall=3)
    assert outdated(key)
    snapshots.refresh(key)
    assert AnalyticsSnapshot.objects.get(loop_key=key).validity["reviewed"] == 1
    review(hire, recruiter, overall=5)  # the same natural key: an edit
    assert outdated(key)
    snapshots.refresh(key)
    delete_review(saved, by=recruiter)
    assert outdated(key)
    snapshots.refresh(key)
    assert AnalyticsSnapshot.objects.get(loop_key=key).validity["reviewed"] == 0


def test_an_import_asks_for_one_refresh_per_loop(
    recruiter, with_worker, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(snapshots, "send", lambda key: sent.append(key) or True)
    hire = make_hire(recruiter)
    snapshots.refresh(hire.loop.key)
    day = hired_on(hire) + timedelta(days=182)
    rows = [
        f"{hire.pk},{day + timedelta(days=offset):%Y-%m-%d},Robin Lee,{overall}"
        for offset, overall in ((0, 3), (60, 4), (120, 5))
    ]
    content = "application,reviewed_on,reviewer,overall\n" + "\n".join(rows) + "\n"
    with django_capture_on_commit_callbacks(execute=True):
        result = import_reviews(content.encode(), by=recruiter)
    assert result.created == 3
    assert outdated(hire.loop.key)
    assert sent == [hire.loop.key]


def test_a_dry_run_import_asks_for_nothing(recruiter):
    hire = make_hire(recruiter)
    snapshots.refresh(hire.loop.key)
    day = hired_on(hire) + timedelta(days=182)
    content = f"application,reviewed_on,reviewer,overall\n{hire.pk},{day:%Y-%m-%d},Robin Lee,4\n"
    assert import_reviews(content.encode(), by=recruiter, dry_run=True).created == 1
    assert not outdated(hire.loop.key)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_saved_review_refreshes_the_snapshot_on_a_real_worker(
    celery_app, celery_worker, settings
):
    settings.ANALYTICS_DEBOUNCE_SECONDS = 0
    recruiter = make_user("validity-snap-recruiter", groups=("recruiter",))
    hire = make_hire(recruiter)
    key = hire.loop.key
    review(hire, recruiter, overall=4)
    deadline = time.monotonic() + 30
    snapshot = None
    while time.monotonic() < deadline:
        snapshot = AnalyticsSnapshot.objects.filter(loop_key=key).first()
        if snapshot is not None and snapshot.is_current:
            break
        time.sleep(0.2)
    assert snapshot is not None and snapshot.is_current, "the worker computed the snapshot"
    assert snapshot.validity["reviewed"] == 1
    assert refresh_analytics_task.name == "scoring.tasks.refresh_analytics_task"
