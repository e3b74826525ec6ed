"""Home pages by role: each role's panel, only one's own things, the viewer's own day."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import Application
from candidates.scheduling import set_interview_state
from candidates.services import change_status
from scoring import queries
from scoring.models import Scorecard
from scoring.pipeline import day_bounds
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)
AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def submit(assignment) -> None:
    """What the scorecard page's submit will do (no such page yet)."""
    Scorecard.objects.filter(assignment=assignment).update(
        status=Scorecard.Status.SUBMITTED, submitted_at=timezone.now()
    )


@pytest.fixture
def loop(recruiter):
    return make_published_loop(stages=("Systems", "People"), by=recruiter)


def stage(loop, position: int):
    return loop.stages.order_by("order")[position - 1]


def interview_for(loop, name: str, starts_at, *, position: int = 1, committee=()):
    application = make_application(make_candidate(name), loop, committee=committee)
    return make_interview(application, stage(loop, position), starts_at=starts_at)


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


# --- interviewer ------------------------------------------------------------------------


def test_today_follows_each_interviewers_own_time_zone(loop):
    """At 10:30 UTC on 10 March it is late evening in Auckland and early morning in LA."""
    kiwi = make_user("kiwi", groups=("interviewer",), time_zone="Pacific/Auckland")
    angeleno = make_user("angeleno", groups=("interviewer",), time_zone="America/Los_Angeles")
    # 20:00 UTC: 09:00 on 11 March in Auckland, 13:00 on 10 March in Los Angeles.
    interview = interview_for(loop, "Tia Tz", datetime(2026, 3, 10, 20, 0, tzinfo=UTC))
    assign(interview, kiwi)
    assign(interview, angeleno)
    now = datetime(2026, 3, 10, 10, 30, tzinfo=UTC)
    in_auckland = queries.interviewer_panel(kiwi, now=now, tz=AUCKLAND, upcoming_limit=10)
    in_la = queries.interviewer_panel(angeleno, now=now, tz=LOS_ANGELES, upcoming_limit=10)
    assert in_auckland.today == [] and [a.interview for a in in_auckland.upcoming] == [interview]
    assert [a.interview for a in in_la.today] == [interview] and in_la.upcoming == []
    assert str(in_auckland.day) == "2026-03-10" and str(in_la.day) == "2026-03-10"


def an_instant_in_auckland_today_only(now: datetime) -> datetime:
    """Both zones' "today" contain now but start at different instants: one end differs."""
    akl_start, akl_end = day_bounds(now.astimezone(AUCKLAND).date(), AUCKLAND)
    la_start, la_end = day_bounds(now.astimezone(LOS_ANGELES).date(), LOS_ANGELES)
    for instant in (akl_start + timedelta(minutes=1), akl_end - timedelta(minutes=1)):
        if not la_start <= instant < la_end:
            return instant
    raise AssertionError("the two zones' days cannot coincide")


def test_home_shows_todays_interviews_by_the_viewers_day_and_clock(client, loop):
    kiwi = make_user("kiwi", groups=("interviewer",), time_zone="Pacific/Auckland")
    angeleno = make_user("angeleno", groups=("interviewer",), time_zone="America/Los_Angeles")
    starts_at = an_instant_in_auckland_today_only(timezone.now())
    interview = interview_for(loop, "Tia Tz", starts_at)
    assign(interview, kiwi)
    assign(interview, angeleno)

    kiwi_home = home(client, kiwi)
    assert [a.interview for a in kiwi_home.context["mine"].today] == [interview]
    html = kiwi_home.content.decode()
    assert "Times in Pacific/Auckland" in html
    assert starts_at.astimezone(AUCKLAND).strftime("%H:%M") in html

    la_home = home(client, angeleno)
    assert la_home.context["mine"].today == []
    assert "Times in America/Los_Angeles" in la_home.content.decode()


def test_interviewer_sees_their_scorecards_due_and_overdue_and_nothing_else(
    client, loop, interviewer, other_interviewer
):
    now = timezone.now()
    due = assign(interview_for(loop, "Dee Due", now - 3 * HOUR), interviewer)
    overdue = assign(interview_for(loop, "Otto Overdue", now - 40 * HOUR), interviewer)
    submit(assign(interview_for(loop, "Sue Submitted", now - 40 * HOUR), interviewer))
    cancelled = interview_for(loop, "Cal Cancelled", now - 40 * HOUR)
    assign(cancelled, interviewer)
    set_interview_state(cancelled, "cancelled", by=None)
    assign(interview_for(loop, "Nell Notmine", now - 40 * HOUR), other_interviewer)
    assign(interview_for(loop, "Fay Future", now + 30 * HOUR), interviewer)

    response = home(client, interviewer)
    mine = response.context["mine"]
    assert [o.scorecard for o in mine.due] == [due.scorecard]
    assert [o.scorecard for o in mine.overdue] == [overdue.scorecard]
    html = response.content.decode()
    assert "Otto Overdue" in html and "Dee Due" in html and "Fay Future" in html
    assert "Sue Submitted" not in html and "Cal Cancelled" not in html
    assert "Nell Notmine" not in html
    assert "hours late" in html  # 40 hours after a 45-minute interview, 24 allowed
    # Not a recruiter: no team panel, no pipelines, no catalogue.
    assert 'id="home-team-overdue"' not in html and 'id="home-pipelines"' not in html


def test_interviewer_sees_only_their_own_interviews(client, loop, interviewer, other_interviewer):
    now = timezone.now()
    mine = interview_for(loop, "Mia Mine", now + 26 * HOUR)
    assign(mine, interviewer)
    assign(interview_for(loop, "Theo Theirs", now + 26 * HOUR), other_interviewer)
    html = home(client, interviewer).content.decode()
    assert "Mia Mine" in html and "Theo Theirs" not in html
    assert reverse("candidates:interview_detail", args=[mine.pk]) in html


def test_a_replaced_interviewer_no_longer_sees_the_interview(client, loop, interviewer):
    from candidates.scheduling import replace_assignment

    seat = assign(interview_for(loop, "Rae Replaced", timezone.now() + 26 * HOUR), interviewer)
    replace_assignment(seat, make_user("newcomer", groups=("interviewer",)), by=None)
    assert "Rae Replaced" not in home(client, interviewer).content.decode()


# --- recruiter --------------------------------------------------------------------------


def test_recruiter_sees_overdue_scorecards_across_the_team(
    client, loop, recruiter, interviewer, other_interviewer
):
    now = timezone.now()
    assign(interview_for(loop, "Otto Overdue", now - 4 * 24 * HOUR), interviewer)
    assign(interview_for(loop, "Lou Late", now - 30 * HOUR), other_interviewer)
    assign(interview_for(loop, "Dee Due", now - 3 * HOUR), interviewer)  # not late yet
    response = home(client, recruiter)
    overdue = response.context["team_overdue"]
    assert [(o.assignment.person, o.interview.application.candidate.name) for o in overdue] == [
        (interviewer, "Otto Overdue"),
        (other_interviewer, "Lou Late"),
    ]
    html = response.content.decode()
    assert "Ivan Interviewer" in html and "Olga" in html
    assert "2 days late" in html and "5 hours late" in html  # 4 days - 45 min - 24 h
    assert "Dee Due" not in html


def test_recruiter_sees_pipelines_with_counts_and_the_catalogue(client, loop, recruiter):
    interview_for(loop, "Una Unscheduled", timezone.now() + 26 * HOUR)
    response = home(client, recruiter)
    html = response.content.decode()
    assert reverse("scoring:pipeline", args=[loop.pk]) in html
    assert reverse("scoring:pipelines") in html
    [summary] = [s for s in response.context["pipelines"] if s.loop.pk == loop.pk]
    assert summary.active == 1
    assert summary.counts["scheduled"] == 1 and summary.counts["not_scheduled"] == 1
    assert "questions in" in html  # the catalogue tiles stay


def test_recruiter_without_other_roles_sees_no_personal_panels(client, recruiter):
    html = home(client, recruiter).content.decode()
    assert 'id="home-interviews"' not in html and 'id="home-committee"' not in html


# --- committee --------------------------------------------------------------------------


def test_committee_sees_its_applications_ready_or_incomplete(
    client, loop, committee, other_committee, interviewer, other_interviewer
):
    now = timezone.now()
    ready = interview_for(loop, "Rita Ready", now - 3 * HOUR, committee=[committee])
    submit(assign(ready, interviewer))
    assign(ready, other_interviewer, "shadow")  # a shadow's draft does not hold it back
    waiting = interview_for(loop, "Ian Incomplete", now - 3 * HOUR, committee=[committee])
    submit(assign(waiting, interviewer))
    later = make_interview(waiting.application, stage(loop, 2), starts_at=now + HOUR)
    assign(later, other_interviewer)
    interview_for(loop, "Ned Nobody-Yet", now + HOUR, committee=[committee])
    interview_for(loop, "Xena Elsewhere", now - 3 * HOUR, committee=[other_committee])
    closed = interview_for(loop, "Carl Closed", now - 3 * HOUR, committee=[committee])
    change_status(closed.application, Application.Status.HIRED, by=None)

    response = home(client, committee)
    reviews = {r.application.candidate.name: r.progress for r in response.context["reviews"]}
    assert set(reviews) == {"Rita Ready", "Ian Incomplete", "Ned Nobody-Yet"}
    assert reviews["Rita Ready"].ready
    assert not reviews["Ian Incomplete"].ready
    assert (reviews["Ian Incomplete"].submitted, reviews["Ian Incomplete"].counted) == (1, 2)
    assert not reviews["Ned Nobody-Yet"].ready
    assert response.context["reviews"][0].application.candidate.name == "Rita Ready"
    html = response.content.decode()
    assert "Ready for decision" in html and "1 of 2 scorecards in" in html
    assert "Xena Elsewhere" not in html and "Carl Closed" not in html
    assert 'id="home-interviews"' not in html and 'id="home-team-overdue"' not in html


# --- several roles, none ----------------------------------------------------------------


def test_a_person_with_several_roles_sees_each_panel(client, loop):
    both = make_user("both", groups=("interviewer", "committee"))
    assign(interview_for(loop, "Pat Panel", timezone.now() + 26 * HOUR, committee=[both]), both)
    html = home(client, both).content.decode()
    assert 'id="home-interviews"' in html and 'id="home-committee"' in html
    assert 'id="home-team-overdue"' not in html
    assert html.count("Pat Panel") == 2


def test_someone_without_a_role_is_told_so(client, nobody):
    html = home(client, nobody).content.decode()
    assert "No role yet" in html and 'id="home-interviews"' not in html


def test_home_answers_get_only(client, interviewer):
    client.force_login(interviewer)
    assert client.post(reverse("home")).status_code == 405


# --- query counts -----------------------------------------------------------------------


def populate(loop, size: int, *, interviewer, committee) -> None:
    """`size` applications for `committee`, each with an interview `interviewer` sits on:
    today, upcoming, due, overdue and submitted in turn."""
    now = timezone.now()
    offsets = (HOUR, 50 * HOUR, -3 * HOUR, -40 * HOUR, -40 * HOUR)
    for n in range(size):
        interview = interview_for(
            loop, f"Candidate {n:02d}", now + offsets[n % 5], committee=[committee]
        )
        seat = assign(interview, interviewer)
        if n % 5 == 4:
            submit(seat)


# Session, user and groups, then: the recruiter's six catalogue counts, four for the
# pipelines and one for overdue scorecards; the interviewer's four; the committee's two.
HOME_QUERIES = {"recruiter": 14, "interviewer": 7, "committee": 5}


@pytest.mark.parametrize("persona", sorted(HOME_QUERIES))
@pytest.mark.parametrize("size", [3, 30])
def test_home_queries_do_not_grow_with_applications(
    client, loop, persona_user, interviewer, committee, persona, size, django_assert_num_queries
):
    populate(loop, size, interviewer=interviewer, committee=committee)
    client.force_login(persona_user(persona))
    with django_assert_num_queries(HOME_QUERIES[persona]):
        assert client.get(reverse("home")).status_code == 200
