"""Performance reviews and personal data: erasure anonymises, the export includes them."""

import pytest

from candidates.privacy import erase_candidate, export_candidate
from outcomes.models import PerformanceRating, PerformanceReview
from tests.outcomes.reviews_setup import competencies_of, make_hire, review


@pytest.fixture
def reviewed(recruiter):
    hire = make_hire(recruiter, name="Quinn Example")
    first, second = competencies_of(hire)
    review(hire, recruiter, days_after=182, reviewer="Robin Lee", ratings={first: 4, second: 2})
    review(hire, recruiter, days_after=182, reviewer="Sam Lead", overall=3)
    return hire


def test_erasure_keeps_the_ratings_and_removes_comments_and_reviewer_names(recruiter, reviewed):
    before = sorted(PerformanceReview.objects.values_list("reviewed_on", "overall", "scale_max"))
    ratings = sorted(PerformanceRating.objects.values_list("competency_id", "value"))

    erase_candidate(reviewed.candidate, by=recruiter)

    reviews = PerformanceReview.objects.filter(application=reviewed)
    assert sorted(reviews.values_list("reviewed_on", "overall", "scale_max")) == before
    assert sorted(PerformanceRating.objects.values_list("competency_id", "value")) == ratings
    assert all(r.anonymised_at and r.comment == "" for r in reviews)
    names = set(reviews.values_list("reviewer_name", flat=True))
    assert not names & {"Robin Lee", "Sam Lead"} and len(names) == 2  # still two reviews


def test_erasure_leaves_other_candidates_reviews_alone(recruiter, reviewed):
    other = make_hire(recruiter, name="Other Hire")
    kept = review(other, recruiter, reviewer="Robin Lee")

    erase_candidate(reviewed.candidate, by=recruiter)

    kept.refresh_from_db()
    assert kept.reviewer_name == "Robin Lee" and kept.comment and kept.anonymised_at is None


def test_the_subject_access_export_includes_each_review_in_full(recruiter, reviewed):
    export = export_candidate(reviewed.candidate, by=recruiter)

    [application] = export["applications"]
    reviews = application["performance_reviews"]
    first, second = competencies_of(reviewed)
    robin = next(r for r in reviews if r["reviewer"] == "Robin Lee")
    assert robin["competency_ratings"] == {first.name: 4, second.name: 2}
    assert robin["overall"] == 4 and robin["comment"].startswith("Steady on call")
    assert {r["reviewer"] for r in reviews} == {"Robin Lee", "Sam Lead"}


def test_the_export_stays_at_a_fixed_number_of_queries(
    recruiter, reviewed, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        export_candidate(reviewed.candidate, by=recruiter)
    for day in range(10):
        review(reviewed, recruiter, days_after=200 + day, reviewer="Robin Lee")
    with django_assert_max_num_queries(len(few)):
        export_candidate(reviewed.candidate, by=recruiter)
