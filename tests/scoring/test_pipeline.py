"""The pipeline: stage states over plain values, the per-loop page and the overview."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application
from candidates.scheduling import set_interview_state
from candidates.services import change_status
from interviews.services import new_loop_version, publish_loop
from scoring.models import Scorecard
from scoring.pipeline import (
    Cell,
    InterviewFacts,
    StageFacts,
    StageState,
    day_bounds,
    describe_lateness,
    matches,
    review_progress,
    stage_positions,
    stage_state,
)
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def state(**facts) -> StageState:
    """stage_state for a 60-minute interview, 24 due hours, now = NOW."""
    defaults = {"duration_minutes": 60, "counted": 1, "submitted": 0, "now": NOW, "due_hours": 24}
    return stage_state(**{**defaults, **facts})


# --- stage_state, one test per state ---------------------------------------------------


def test_a_stage_without_an_interview_is_not_scheduled():
    assert state(interview_state=None) == StageState.NOT_SCHEDULED


def test_an_interview_in_the_future_is_scheduled():
    assert state(interview_state="scheduled", starts_at=NOW + HOUR) == StageState.SCHEDULED


def test_an_interview_under_way_is_still_scheduled():
    assert state(interview_state="scheduled", starts_at=NOW - 30 * timedelta(minutes=1)) == (
        StageState.SCHEDULED
    )


def test_a_scorecard_is_due_once_the_interview_has_ended():
    assert state(interview_state="scheduled", starts_at=NOW - 2 * HOUR) == StageState.DUE


def test_an_interview_marked_held_before_its_end_makes_the_scorecard_due():
    assert state(interview_state="held", starts_at=NOW - 10 * timedelta(minutes=1)) == (
        StageState.DUE
    )


def test_a_scorecard_is_due_up_to_the_deadline_and_overdue_after_it():
    # Deadline: start + 60 minutes + 24 hours.
    at_deadline = NOW - 25 * HOUR
    assert state(interview_state="held", starts_at=at_deadline) == StageState.DUE
    just_after = at_deadline - timedelta(seconds=1)
    assert state(interview_state="held", starts_at=just_after) == StageState.OVERDUE


def test_an_interview_left_scheduled_long_ago_is_overdue():
    assert state(interview_state="scheduled", starts_at=NOW - 30 * HOUR) == StageState.OVERDUE


def test_one_missing_scorecard_of_a_panel_keeps_the_stage_overdue():
    facts = {"interview_state": "held", "starts_at": NOW - 30 * HOUR, "counted": 2}
    assert state(**facts, submitted=1) == StageState.OVERDUE
    assert state(**facts, submitted=2) == StageState.SUBMITTED


def test_the_due_hours_setting_moves_the_deadline():
    facts = {"interview_state": "held", "starts_at": NOW - 3 * HOUR}
    assert state(**facts, due_hours=24) == StageState.DUE
    assert state(**facts, due_hours=1) == StageState.OVERDUE


def test_an_interview_over_with_nobody_counted_is_still_owed_a_scorecard():
    # Only a shadow sat on it, or nobody: "submitted" would hide that nobody wrote one.
    assert state(interview_state="held", starts_at=NOW - 2 * HOUR, counted=0) == StageState.DUE


def test_cancelled_and_no_show_are_shown_as_such_whatever_the_scorecards():
    for interview_state, expected in (
        ("cancelled", StageState.CANCELLED),
        ("no_show", StageState.NO_SHOW),
    ):
        assert state(interview_state=interview_state, starts_at=NOW - 40 * HOUR) == expected
        assert state(interview_state=interview_state, starts_at=NOW - HOUR, submitted=1) == expected


# --- the other pure pieces --------------------------------------------------------------


def facts(state: str = "held", counted: int = 1, submitted: int = 0) -> InterviewFacts:
    return InterviewFacts(1, 1, 1, NOW, state, counted, submitted)


def test_ready_for_decision_needs_every_counted_scorecard_of_live_interviews():
    assert review_progress([facts(submitted=1), facts(counted=2, submitted=2)]).ready
    assert not review_progress([facts(submitted=1), facts(counted=2, submitted=1)]).ready
    # A cancelled interview owes nothing; nobody assigned at all is not ready.
    assert review_progress([facts(submitted=1), facts("cancelled", counted=1)]).ready
    assert not review_progress([]).ready
    assert review_progress([facts(counted=2, submitted=1)]) == review_progress(
        [facts(counted=2, submitted=1), facts("no_show", counted=3)]
    )


def test_stages_are_numbered_by_position_within_each_version():
    stages = stage_positions([(7, 2, 5, "B", 30), (3, 1, 0, "A", 45), (9, 2, 1, "A2", 45)])
    assert [(s.loop_id, s.position, s.name) for s in stages] == [
        (1, 1, "A"),
        (2, 1, "A2"),
        (2, 2, "B"),
    ]


def test_matches_filters_by_state_at_any_stage_or_one():
    first = StageFacts(1, 1, 1, "Systems", 45)
    second = StageFacts(2, 1, 2, "People", 45)
    cells = [Cell(first, StageState.OVERDUE), Cell(second, StageState.SCHEDULED)]
    assert matches(cells)
    assert matches(cells, state="overdue")
    assert matches(cells, state="overdue", position=1)
    assert not matches(cells, state="overdue", position=2)
    assert not matches(cells, state="submitted")


def test_lateness_reads_for_people():
    assert describe_lateness(timedelta(minutes=20)) == "under an hour late"
    assert describe_lateness(timedelta(hours=1, minutes=5)) == "1 hour late"
    assert describe_lateness(timedelta(hours=30)) == "30 hours late"
    assert describe_lateness(timedelta(days=3, hours=2)) == "3 days late"


def test_a_day_is_bounded_in_its_own_time_zone_even_on_a_clock_change():
    auckland = ZoneInfo("Pacific/Auckland")
    start, end = day_bounds(date(2026, 4, 5), auckland)  # New Zealand leaves summer time
    assert start == datetime(2026, 4, 4, 11, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=25)


# --- the pipeline page ------------------------------------------------------------------

pipeline_db = pytest.mark.django_db


@pytest.fixture
def loop(recruiter):
    return make_published_loop(stages=("Systems", "People"), by=recruiter)


def submit(assignment) -> None:
    """What the scorecard page's submit will do (no such page yet)."""
    Scorecard.objects.filter(assignment=assignment).update(
        status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
    )


def stage_of(loop, position: int):
    return loop.stages.order_by("order")[position - 1]


@pytest.fixture
def board(loop, recruiter, interviewer, other_interviewer):
    """Four applications: overdue, submitted, scheduled, and a rejected one not scheduled."""
    now = timezone.now()
    names = ("Olu Overdue", "Sade Submitted", "Sam Scheduled", "Rex Rejected")
    apps = {n.split()[1].lower(): make_application(make_candidate(n), loop) for n in names}
    late = make_interview(apps["overdue"], stage_of(loop, 1), starts_at=now - 40 * HOUR)
    assign(late, interviewer)
    done = make_interview(apps["submitted"], stage_of(loop, 1), starts_at=now - 3 * HOUR)
    submit(assign(done, other_interviewer))
    assign(done, interviewer, "shadow")  # a shadow's draft never holds a stage back
    soon = make_interview(apps["scheduled"], stage_of(loop, 2), starts_at=now + 5 * HOUR)
    assign(soon, interviewer)
    change_status(apps["rejected"], Application.Status.REJECTED, by=recruiter)
    return apps


def rows(response) -> list[str]:
    return [row.application.candidate.name for row in response.context["page"].object_list]


@pipeline_db
def test_pipeline_shows_each_stage_state_in_words(client, recruiter, loop, board):
    client.force_login(recruiter)
    response = client.get(reverse("scoring:pipeline", args=[loop.pk]))
    assert response.status_code == 200
    states = {
        row.application.candidate.name: [c.state for c, _name in row.cells]
        for row in response.context["page"].object_list
    }
    assert states == {
        "Olu Overdue": [StageState.OVERDUE, StageState.NOT_SCHEDULED],
        "Sade Submitted": [StageState.SUBMITTED, StageState.NOT_SCHEDULED],
        "Sam Scheduled": [StageState.NOT_SCHEDULED, StageState.SCHEDULED],
        "Rex Rejected": [StageState.NOT_SCHEDULED, StageState.NOT_SCHEDULED],
    }
    html = response.content.decode()
    for label in ("Overdue", "Submitted", "Scheduled", "Not scheduled"):
        assert f'<span class="state-label">{label}</span>' in html
    assert "1. Systems" in html and "2. People" in html
    assert response.context["pipeline"].counts[StageState.NOT_SCHEDULED] == 5


@pipeline_db
def test_pipeline_filters_by_application_status(client, recruiter, loop, board):
    client.force_login(recruiter)
    url = reverse("scoring:pipeline", args=[loop.pk])
    assert rows(client.get(url, {"status": "rejected"})) == ["Rex Rejected"]
    assert "Rex Rejected" not in rows(client.get(url, {"status": "active"}))


@pipeline_db
def test_pipeline_filters_by_stage_state_at_any_stage_or_one(client, recruiter, loop, board):
    client.force_login(recruiter)
    url = reverse("scoring:pipeline", args=[loop.pk])
    assert rows(client.get(url, {"state": "overdue"})) == ["Olu Overdue"]
    assert set(rows(client.get(url, {"state": "not_scheduled"}))) == {
        "Olu Overdue",
        "Sade Submitted",
        "Sam Scheduled",
        "Rex Rejected",
    }
    at_systems = rows(client.get(url, {"state": "not_scheduled", "stage": "1"}))
    assert set(at_systems) == {"Sam Scheduled", "Rex Rejected"}
    active_unscheduled = client.get(url, {"state": "not_scheduled", "status": "active"})
    assert "Rex Rejected" not in rows(active_unscheduled)


@pipeline_db
def test_pipeline_refuses_bad_filters_at_the_field(client, recruiter, loop, board):
    client.force_login(recruiter)
    response = client.get(
        reverse("scoring:pipeline", args=[loop.pk]), {"status": "lost", "stage": "9"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "status" in form.errors and "stage" in form.errors
    assert rows(response) == []
    assert "Check the filters above." in response.content.decode()


@pipeline_db
def test_pipeline_htmx_request_gets_only_the_results(client, recruiter, loop, board):
    client.force_login(recruiter)
    response = client.get(
        reverse("scoring:pipeline", args=[loop.pk]), {"state": "overdue"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="pipeline-results"')
    assert "<html" not in html and "Olu Overdue" in html and "Sam Scheduled" not in html
    assert '<span class="state-label">Overdue</span>' in html
    assert "HX-Request" in response["Vary"]


@pipeline_db
def test_pipeline_answers_get_only(client, recruiter, loop):
    client.force_login(recruiter)
    assert client.post(reverse("scoring:pipeline", args=[loop.pk])).status_code == 405
    assert client.post(reverse("scoring:pipelines")).status_code == 405


@pipeline_db
@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_only_recruiters_see_pipelines(client, persona_user, persona, loop, board):
    client.force_login(persona_user(persona))
    assert client.get(reverse("scoring:pipeline", args=[loop.pk])).status_code == 403
    assert client.get(reverse("scoring:pipelines")).status_code == 403


@pipeline_db
def test_a_missing_loop_is_404_for_recruiters(client, recruiter):
    client.force_login(recruiter)
    assert client.get(reverse("scoring:pipeline", args=[999999])).status_code == 404


@pipeline_db
def test_pipeline_gathers_every_version_of_the_loop(client, recruiter, loop, board):
    second = new_loop_version(loop, by=recruiter)
    publish_loop(second, by=recruiter, confirmed=True)
    newcomer = make_application(make_candidate("Vera Version-Two"), second)
    make_interview(newcomer, stage_of(second, 2), starts_at=timezone.now() + HOUR)
    client.force_login(recruiter)
    for version in (loop, second):
        names = rows(client.get(reverse("scoring:pipeline", args=[version.pk])))
        assert "Vera Version-Two" in names and "Olu Overdue" in names
    cells = {
        r.application.candidate.name: [c.state for c, _ in r.cells]
        for r in client.get(reverse("scoring:pipeline", args=[loop.pk])).context["page"]
    }
    assert cells["Vera Version-Two"] == [StageState.NOT_SCHEDULED, StageState.SCHEDULED]


@pipeline_db
def test_pipeline_cells_link_to_the_interview_or_else_the_application(
    client, recruiter, loop, board
):
    client.force_login(recruiter)
    html = client.get(reverse("scoring:pipeline", args=[loop.pk])).content.decode()
    application = board["overdue"]
    detail = reverse("candidates:application_detail", args=[application.pk])
    interview = reverse("candidates:interview_detail", args=[application.interviews.get().pk])
    assert html.count(f'href="{detail}"') == 2  # the name and the unscheduled stage
    assert html.count(f'href="{interview}"') == 1


def make_applications(loop, count: int, interviewer) -> None:
    """`count` applications, each with an interview on the first stage and a panel of one."""
    first = stage_of(loop, 1)
    for n in range(count):
        application = make_application(make_candidate(f"Candidate {n:02d}"), loop)
        interview = make_interview(
            application, first, starts_at=timezone.now() - (n % 3) * 20 * HOUR
        )
        seat = assign(interview, interviewer)
        if n % 4 == 0:
            submit(seat)
        if n % 5 == 0:
            set_interview_state(interview, "held", by=None)


@pipeline_db
def test_pipeline_is_paginated_by_25(client, recruiter, loop, interviewer):
    make_applications(loop, 30, interviewer)
    client.force_login(recruiter)
    url = reverse("scoring:pipeline", args=[loop.pk])
    assert len(rows(client.get(url))) == 25
    second = client.get(url, {"page": 2})
    assert len(rows(second)) == 5
    assert "30 of 30 applications · page 2 of 2" in second.content.decode()


# Session, user, groups; then the loop, its stages, interviews and applications (the
# overview: published loops, stages, active applications, interviews).
PIPELINE_QUERIES = {"scoring:pipeline": 7, "scoring:pipelines": 7}


@pipeline_db
@pytest.mark.parametrize("url_name", sorted(PIPELINE_QUERIES))
@pytest.mark.parametrize("size", [3, 30])
def test_pipeline_queries_do_not_grow_with_applications(
    client, recruiter, interviewer, loop, django_assert_num_queries, url_name, size
):
    make_applications(loop, size, interviewer)
    make_published_loop(stages=("Other",))  # another loop in the overview
    client.force_login(recruiter)
    url = reverse(url_name, args=[loop.pk]) if url_name == "scoring:pipeline" else reverse(url_name)
    with django_assert_num_queries(PIPELINE_QUERIES[url_name]):
        assert client.get(url).status_code == 200


@pipeline_db
def test_overview_counts_stage_states_of_active_applications(client, recruiter, loop, board):
    other = make_published_loop(stages=("Only",))
    make_application(make_candidate("Una Unscheduled"), other)
    client.force_login(recruiter)
    response = client.get(reverse("scoring:pipelines"))
    summaries = {s.loop.pk: s for s in response.context["summaries"]}
    mine = summaries[loop.pk]
    assert mine.active == 3  # the rejected application is no longer in the pipeline
    assert mine.counts[StageState.OVERDUE] == 1
    assert mine.counts[StageState.SUBMITTED] == 1
    assert mine.counts[StageState.SCHEDULED] == 1
    assert mine.counts[StageState.NOT_SCHEDULED] == 3
    assert summaries[other.pk].counts[StageState.NOT_SCHEDULED] == 1
    html = response.content.decode()
    pipeline_url = reverse("scoring:pipeline", args=[loop.pk])
    assert f'href="{pipeline_url}?status=active&amp;state=overdue"' in html


@pipeline_db
def test_overview_lists_each_loop_once_by_its_newest_published_version(
    client, recruiter, loop, board
):
    second = new_loop_version(loop, by=recruiter)
    publish_loop(second, by=recruiter, confirmed=True)
    client.force_login(recruiter)
    summaries = client.get(reverse("scoring:pipelines")).context["summaries"]
    assert [s.loop.pk for s in summaries if s.loop.key == loop.key] == [second.pk]
    assert next(s for s in summaries if s.loop.key == loop.key).active == 3


@pipeline_db
def test_builder_of_a_published_loop_links_its_pipeline(client, recruiter, loop):
    client.force_login(recruiter)
    html = client.get(reverse("interviews:loop_builder", args=[loop.pk])).content.decode()
    assert reverse("scoring:pipeline", args=[loop.pk]) in html


@pipeline_db
def test_the_due_hours_setting_changes_the_pipeline(client, recruiter, loop, board, settings):
    client.force_login(recruiter)
    url = reverse("scoring:pipeline", args=[loop.pk])
    settings.REMINDER_FIRST_HOURS = 100
    assert rows(client.get(url, {"state": "overdue"})) == []
    assert rows(client.get(url, {"state": "due"})) == ["Olu Overdue"]
