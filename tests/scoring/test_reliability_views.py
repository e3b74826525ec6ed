"""The reliability page: the demo data, every assignment pattern, fixed query counts."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from tests.factories import make_application, make_scoring_loop, make_user

from .committee_setup import submitted_card
from .test_committee_queries import RELIABILITY_QUERIES

DEMO_LOOP = "devops-engineer-senior"


@pytest.fixture
def demo(db, settings, tmp_path) -> User:
    """Everything `make run` loads (banks, loops, people, candidates, scorecards)."""
    settings.MEDIA_ROOT = tmp_path
    settings.LOCAL_RUN = True
    call_command("load_demo", stdout=StringIO())
    return User.objects.get(username="recruiter")


def page(client, user, **query):
    client.force_login(user)
    return client.get(reverse("scoring:reliability"), query)


def assert_sound(response) -> str:
    html = response.content.decode()
    assert response.status_code == 200
    assert not re.search(r"\bnan\b", html, re.IGNORECASE)
    return html


def test_the_demo_data_opens_for_the_demo_recruiter(client, demo):
    """Noor Haddad's panel has one interviewer on security in two stages: once a 500."""
    html = assert_sound(page(client, demo))
    assert "Do interviewers agree?" in html


def test_the_demo_devops_loop_counts_the_repeated_security_score_once(client, demo):
    html = assert_sound(page(client, demo, loop=DEMO_LOOP))

    security = html.split(">Security", 1)[1].split("</article>", 1)[0]
    assert "repeated score" in security and "one person, one opinion" in security
    assert "Candidates</dt>" in security


def test_the_demo_results_answer_htmx_with_the_fragment(client, demo):
    client.force_login(demo)
    response = client.get(
        reverse("scoring:reliability"), {"loop": DEMO_LOOP}, headers={"HX-Request": "true"}
    )
    assert response.content.decode().lstrip().startswith('<section id="reliability-results"')
    assert_sound(response)


@pytest.fixture
def loop(recruiter):
    return make_scoring_loop(by=recruiter)


def test_one_person_on_two_stages_of_one_application_gives_a_page(client, recruiter, loop):
    both = make_user(groups=("interviewer",))
    for _ in range(3):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=both)
        submitted_card(application, "Values", {"Systems design": 2}, person=both)
        submitted_card(application, "Technical", {"Ownership": 3, "Systems design": 3})

    html = assert_sound(page(client, recruiter, loop=loop.key))

    systems = html.split(">Systems design</h2>", 1)[1].split("</article>", 1)[0]
    assert "3 repeated scores" in systems
    assert "Too few candidates to tell whether interviewers agree on Systems design: 3" in systems


def test_constant_scores_show_a_dash_with_the_reason(client, recruiter, loop):
    for _ in range(3):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 3, "Systems design": 3})
        submitted_card(application, "Technical", {"Ownership": 3, "Systems design": 3})

    html = assert_sound(page(client, recruiter, loop=loop.key))

    ownership = html.split(">Ownership</h2>", 1)[1].split("</article>", 1)[0]
    assert "—" in ownership
    assert "Not defined: every score is the same" in ownership
    # Six different interviewers over three candidates: rotating panels, one-way ICC.
    icc = ownership.split("ICC(1)</th>", 1)[1]
    assert "Every score is the same: no variation to attribute to candidates" in icc


def test_a_single_rater_and_an_empty_loop_give_pages(client, recruiter, loop):
    html = assert_sound(page(client, recruiter, loop=loop.key))
    assert "No intraclass correlation: needs two candidates" in html
    assert "no candidate has two people&#x27;s scores yet" in html

    alone = make_user(groups=("interviewer",))
    for _ in range(2):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(
            application, "Technical", {"Ownership": 4, "Systems design": 2}, person=alone
        )
    html = assert_sound(page(client, recruiter, loop=loop.key))
    assert "; 2 scored in all" in html  # candidates: 0 with two people's scores


def test_rotating_panels_show_icc1_with_intervals(client, recruiter, loop):
    people = [make_user(groups=("interviewer",)) for _ in range(4)]
    for n in range(12):
        application = make_application(loop=loop, by=recruiter)
        for seat in range(2):
            score = 1 + (n + seat * (n % 2)) % 5
            submitted_card(
                application, "Technical", {"Ownership": score}, person=people[(n + seat) % 4]
            )

    html = assert_sound(page(client, recruiter, loop=loop.key))

    ownership = html.split(">Ownership</h2>", 1)[1].split("</article>", 1)[0]
    assert "rotating panels: 12 candidates, 24 scores by 4 interviewers" in ownership
    assert "ICC(1)" in ownership and "ICC(1,k)" in ownership
    assert "95&nbsp;% interval" in ownership
    assert "over 12 candidates" in ownership


def rotating(loop, recruiter, applications: int) -> None:
    """Panels of two drawn from four people, one of them on both stages each time."""
    people = [make_user(groups=("interviewer",)) for _ in range(4)]
    for n in range(applications):
        application = make_application(loop=loop, by=recruiter)
        first, second = people[n % 4], people[(n + 1) % 4]
        submitted_card(
            application, "Technical", {"Ownership": 1 + n % 5, "Systems design": 3}, person=first
        )
        submitted_card(application, "Values", {"Systems design": 1 + n % 4}, person=first)
        submitted_card(
            application, "Technical", {"Ownership": 2, "Systems design": 4}, person=second
        )


@pytest.mark.parametrize("applications", [1, 15])
def test_the_page_queries_do_not_grow_with_applications_or_patterns(
    client, recruiter, loop, django_assert_num_queries, applications
):
    rotating(loop, recruiter, applications)
    client.force_login(recruiter)
    query = {"loop": loop.key}
    client.get(reverse("scoring:reliability"), query)

    with django_assert_num_queries(RELIABILITY_QUERIES):
        response = client.get(reverse("scoring:reliability"), query)

    assert_sound(response)
