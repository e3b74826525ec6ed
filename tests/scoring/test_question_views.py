"""Question analytics pages: on a question, and per loop (recruiters and admins).

State is set up through the services as interviewers would (assign, fill, submit); the
live clock's seconds are set directly until the scorecard records them.
"""

import pytest
from django.urls import reverse
from scipy import stats as sps

from scoring import services
from scoring.models import QuestionNote, Scorecard
from scoring.question_stats import Reading
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_interview,
    make_scoring_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
OUTAGE, QUEUE, RESCUE = "Outage you owned", "Design a queue", "Project you rescued"


def first_stage(loop):
    return loop.stages.order_by("order").first()


def question_pk(loop, title: str) -> int:
    return first_stage(loop).planned.get(question__title=title).question_id


def scored_interview(loop, scores: dict, *, minutes=None, submit=True, backup=False, person=None):
    """One application's first stage, scored by one interviewer (submitted by default).

    `minutes`: {question title: minutes on the clock}; `backup`: the backup is asked
    instead of the outage question.
    """
    application = make_application(loop=loop)
    interview = make_interview(application, first_stage(loop))
    card = assign(interview, person or make_user(groups=("interviewer",))).scorecard
    fill_scorecard(card, scores)
    if backup:
        notes = {
            n.planned.question.title: n for n in card.notes.select_related("planned__question")
        }
        services.use_backup(
            notes[RESCUE],
            instead_of=notes[OUTAGE],
            reason="No on-call yet",
            by=card.assignment.person,
        )
    for title, spent in (minutes or {}).items():
        QuestionNote.objects.filter(scorecard=card, planned__question__title=title).update(
            seconds_spent=int(spent * 60)
        )
    if submit:
        services.submit_scorecard(card, by=card.assignment.person)
    return card


@pytest.fixture
def loop(db):
    return make_scoring_loop()


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def analytics(client, loop, title=OUTAGE, **extra):
    return client.get(
        reverse("scoring:question_analytics", args=[question_pk(loop, title)]), **extra
    )


def test_the_question_page_counts_asking_time_and_exposure(recruiter_client, loop):
    for minutes in (18, 20, 25):
        scored_interview(loop, {"Ownership": 4, "Systems design": 3}, minutes={OUTAGE: minutes})
    response = analytics(recruiter_client, loop)
    stats = response.context["stats"]
    assert (stats.notes, stats.asked, stats.skipped, stats.exposure) == (3, 3, 0, 3)
    assert (stats.spent.value, stats.spent.n, stats.planned_minutes) == (20, 3, 15)
    assert stats.scores == {4: 3}
    body = response.content.decode()
    assert "20.0</span> min median vs 15 planned" in body
    assert "no interval below 6 timed" in body
    # Everyone scored 4 here: nothing to correlate, and the page says so.
    assert "no spread to compare" in body.casefold()


def test_a_backup_asked_instead_counts_as_replaced(recruiter_client, loop):
    scored_interview(loop, {"Ownership": 3}, backup=True)
    scored_interview(loop, {"Ownership": 4})
    stats = analytics(recruiter_client, loop).context["stats"]
    assert (stats.notes, stats.asked, stats.replaced) == (2, 1, 1)
    assert stats.replaced_share == 0.5


def test_drafts_and_shadows_do_not_count(recruiter_client, loop):
    scored_interview(loop, {"Ownership": 4}, minutes={OUTAGE: 30}, submit=False)
    shadowed = scored_interview(loop, {"Ownership": 2}, minutes={OUTAGE: 40})
    assign(shadowed.assignment.interview, make_user(groups=("interviewer",)), "shadow")
    stats = analytics(recruiter_client, loop).context["stats"]
    assert (stats.notes, stats.asked, stats.spent.value, stats.scores) == (1, 1, 40, {2: 1})


def test_a_viewer_who_owes_a_scorecard_sees_nothing_of_that_application(
    client, loop, recruiter_interviewer
):
    scored_interview(loop, {"Ownership": 5}, minutes={OUTAGE: 10})
    owed = scored_interview(loop, {"Ownership": 1}, minutes={OUTAGE: 50})
    # The recruiter also interviews on the second application and has not submitted.
    assign(owed.assignment.interview, recruiter_interviewer)
    client.force_login(recruiter_interviewer)
    response = analytics(client, loop)
    stats = response.context["stats"]
    assert (stats.asked, stats.scores, stats.spent.value, stats.exposure) == (1, {5: 1}, 10, 1)
    assert "1 application left out until you submit your own scorecard" in (
        response.content.decode()
    )
    table = client.get(reverse("scoring:loop_questions", args=[loop.pk]))
    outage = next(r for r in table.context["rows"] if r.title == OUTAGE)
    assert (outage.asked, outage.scores) == (1, {5: 1})
    assert table.context["excluded"] == 1


def test_separation_equals_scipy_and_reads_on_the_interval(recruiter_client, loop):
    ownership = [1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5]
    systems = [1, 1, 2, 2, 3, 4, 3, 4, 5, 4, 5, 5]
    for own, sys_ in zip(ownership, systems, strict=True):
        scored_interview(loop, {"Ownership": own, "Systems design": sys_})
    separation = analytics(recruiter_client, loop).context["stats"].separation
    expected = sps.pearsonr(ownership, systems)
    interval = expected.confidence_interval(0.95)
    assert separation.n == 12
    assert separation.r == pytest.approx(expected.statistic, abs=1e-9)
    assert separation.interval.low == pytest.approx(interval.low, abs=1e-9)
    assert separation.reading == Reading.SEPARATES


def test_the_loop_table_lists_its_questions_and_what_to_look_at(recruiter_client, loop):
    for n in range(7):
        scored_interview(loop, {"Ownership": 3 + n % 2}, minutes={OUTAGE: 25 + n, QUEUE: 9 + n % 2})
    response = recruiter_client.get(reverse("scoring:loop_questions", args=[loop.pk]))
    rows = {r.title: r for r in response.context["rows"]}
    assert set(rows) == {OUTAGE, QUEUE, RESCUE}
    assert rows[OUTAGE].overruns and not rows[QUEUE].overruns
    assert [r.title for r in response.context["attention"].overrunning] == [OUTAGE]
    assert rows[RESCUE].asked == 0 and rows[RESCUE].notes == 7
    body = response.content.decode()
    assert "Most overrun" in body and "28.0 min median vs 15 planned" in body


def test_the_question_page_answers_htmx_with_its_region(recruiter_client, loop):
    response = analytics(recruiter_client, loop, **HTMX)
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="question-analytics"')
    assert "<html" not in body


def test_the_catalogue_question_page_loads_the_figures(recruiter_client, loop):
    pk = question_pk(loop, OUTAGE)
    page = recruiter_client.get(reverse("rubrics:question_detail", args=[pk])).content.decode()
    assert f'hx-get="{reverse("scoring:question_analytics", args=[pk])}"' in page


def test_the_builder_links_to_the_loop_table(recruiter_client, loop):
    page = recruiter_client.get(reverse("interviews:loop_builder", args=[loop.pk]))
    assert reverse("scoring:loop_questions", args=[loop.pk]) in page.content.decode()


def test_interviewers_may_not_see_question_analytics(client, loop, interviewer):
    client.force_login(interviewer)
    assert analytics(client, loop).status_code == 403
    assert client.get(reverse("scoring:loop_questions", args=[loop.pk])).status_code == 403


def test_a_missing_question_or_loop_is_404(recruiter_client, loop):
    assert (
        recruiter_client.get(reverse("scoring:question_analytics", args=[9999])).status_code == 404
    )
    assert recruiter_client.get(reverse("scoring:loop_questions", args=[9999])).status_code == 404


def test_question_analytics_refuse_post(recruiter_client, loop):
    assert analytics(recruiter_client, loop).status_code == 200
    url = reverse("scoring:question_analytics", args=[question_pk(loop, OUTAGE)])
    assert recruiter_client.post(url).status_code == 405


@pytest.mark.parametrize("size", [2, 6])
def test_question_page_queries_do_not_grow(recruiter_client, loop, size, django_assert_num_queries):
    for n in range(size):
        scored_interview(loop, {"Ownership": 1 + n % 5}, minutes={OUTAGE: 10 + n})
    url = reverse("scoring:question_analytics", args=[question_pk(loop, OUTAGE)])
    with django_assert_num_queries(QUESTION_PAGE_QUERIES):
        response = recruiter_client.get(url)
    assert response.context["stats"].asked == size


@pytest.mark.parametrize("size", [2, 6])
def test_loop_table_queries_do_not_grow(recruiter_client, loop, size, django_assert_num_queries):
    for n in range(size):
        scored_interview(loop, {"Ownership": 1 + n % 5}, minutes={OUTAGE: 10 + n})
    with django_assert_num_queries(LOOP_TABLE_QUERIES):
        response = recruiter_client.get(reverse("scoring:loop_questions", args=[loop.pk]))
    assert len(response.context["rows"]) == 3


# Session, user and groups; the question (or loop); notes; ratings; the left-out count.
QUESTION_PAGE_QUERIES = 7
LOOP_TABLE_QUERIES = 7


def test_only_counted_scorecards_are_read(recruiter_client, loop):
    """The figures rest on Scorecard.objects.counted(): the same set the committee counts."""
    counted = scored_interview(loop, {"Ownership": 4})
    scored_interview(loop, {"Ownership": 2}, submit=False)
    assert list(Scorecard.objects.counted()) == [counted]
    assert analytics(recruiter_client, loop).context["stats"].asked == 1
