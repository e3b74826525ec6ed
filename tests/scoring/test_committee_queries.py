"""Query counts: the committee page, calibration, reliability and the export at two sizes."""

import pytest
from django.urls import reverse

from tests.factories import make_application, make_scoring_loop, make_user

from .committee_setup import submitted_card

# Session, user, groups, the application, own review pending, committee membership (asked
# once per request however many rules ask it), then the page's 8 loads and the audit list.
COMMITTEE_PAGE_QUERIES = 14
# Computed in the request (no snapshot yet): session, user, groups, loop choices, the
# viewer's excluded count, the snapshot lookup, then the figures' own loads.
# Reading a stored snapshot: tests/scoring/test_snapshots.py.
CALIBRATION_QUERIES = 10
RELIABILITY_QUERIES = 10
PERSON_QUERIES = 10
EXPORT_QUERIES = 8


def panel(application, size: int) -> None:
    """`size` submitted scorecards over both stages, and a shadow's."""
    for n in range(size):
        stage = "Technical" if n % 2 == 0 else "Values"
        submitted_card(application, stage, {"Ownership": 1 + n % 5, "Systems design": 3})
    submitted_card(application, "Technical", {"Ownership": 2}, role="shadow")


@pytest.mark.parametrize("size", [2, 200])
def test_the_committee_page_queries_do_not_grow_with_scorecards(
    client, committee, recruiter, django_assert_num_queries, size
):
    application = make_application(
        loop=make_scoring_loop(by=recruiter), committee=[committee], by=recruiter
    )
    panel(application, size)
    client.force_login(committee)
    url = reverse("scoring:committee", args=[application.pk])
    client.get(url)  # warm the session

    with django_assert_num_queries(COMMITTEE_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200
    assert f"{size} submitted scorecard" in response.content.decode()


@pytest.mark.parametrize("applications", [1, 12])
def test_calibration_and_reliability_queries_do_not_grow_with_applications(
    client, recruiter, django_assert_num_queries, applications
):
    loop = make_scoring_loop(by=recruiter)
    for _ in range(applications):
        panel(make_application(loop=loop, by=recruiter), 2)
    client.force_login(recruiter)
    query = {"loop": loop.key}
    client.get(reverse("scoring:calibration"), query)

    with django_assert_num_queries(CALIBRATION_QUERIES):
        assert client.get(reverse("scoring:calibration"), query).status_code == 200
    with django_assert_num_queries(RELIABILITY_QUERIES):
        assert client.get(reverse("scoring:reliability"), query).status_code == 200


@pytest.mark.parametrize("applications", [1, 12])
def test_the_person_page_and_the_export_queries_do_not_grow_with_applications(
    client, recruiter, django_assert_num_queries, applications
):
    loop = make_scoring_loop(by=recruiter)
    regular = make_user(groups=("interviewer",))
    for _ in range(applications):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 4}, person=regular)
        panel(application, 2)
    client.force_login(recruiter)
    query = {"loop": loop.key}
    client.get(reverse("scoring:calibration"), query)

    with django_assert_num_queries(PERSON_QUERIES):
        url = reverse("scoring:calibration_person", args=[regular.pk])
        assert client.get(url, query).status_code == 200
    with django_assert_num_queries(EXPORT_QUERIES):
        response = client.get(reverse("scoring:ratings_csv"), query)
        rows = b"".join(response.streaming_content).decode().splitlines()
    assert len(rows) == 1 + applications * 7  # 2 + 2 + 1 ratings, and the shadow's 2
