"""A hire's performance reviews: the list, the form (new and edit), deleting.

Recruiters and admins only; everyone else 403 (tests/access/outcomes_reviews.py walks
every persona). Bad input: the message at its field, nothing saved.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from candidates.models import Application
from candidates.privacy import erase_candidate
from candidates.services import change_status
from outcomes.models import PerformanceReview
from outcomes.reviews.services import hired_on
from tests.outcomes.reviews_setup import competencies_of, make_hire, review


@pytest.fixture
def hire(recruiter):
    return make_hire(recruiter, name="Quinn Example")


@pytest.fixture
def as_recruiter(client, recruiter):
    client.force_login(recruiter)
    return client


def form_data(hire, **overrides) -> dict:
    first, second = competencies_of(hire)
    data = {
        "reviewed_on": f"{hired_on(hire) + timedelta(days=182):%Y-%m-%d}",
        "reviewer_name": "Robin Lee",
        "scale_max": "5",
        "overall": "4",
        "comment": "Steady on call.",
        f"rating_{first.pk}": "5",
        f"rating_{second.pk}": "",
    }
    return {**data, **overrides}


def test_the_hire_page_lists_reviews_with_months_after_hire_and_ratings(
    as_recruiter, hire, recruiter
):
    first, _ = competencies_of(hire)
    review(hire, recruiter, days_after=365, reviewer="Sam Lead", ratings={first: 2})
    review(hire, recruiter, days_after=182, overall=5)

    response = as_recruiter.get(reverse("outcomes:reviews_for_hire", args=[hire.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Robin Lee") < html.index("Sam Lead")  # oldest first
    assert f"{first.name}</dt><dd>2 of" in html and "5 of 5" in html
    rows = [r["months"] for r in response.context["rows"]]
    assert rows == [6, 12]


def test_the_application_page_links_a_hire_to_its_reviews(as_recruiter, hire):
    page = as_recruiter.get(reverse("candidates:application_detail", args=[hire.pk]))

    assert reverse("outcomes:reviews_for_hire", args=[hire.pk]) in page.content.decode()


def test_a_recruiter_adds_a_review_with_a_competency_rating(as_recruiter, hire, recruiter):
    response = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[hire.pk]), form_data(hire)
    )

    assert response.status_code == 302
    saved = PerformanceReview.objects.get()
    first, _ = competencies_of(hire)
    assert (saved.overall, saved.reviewer_name, saved.created_by) == (4, "Robin Lee", recruiter)
    assert [(r.competency, r.value) for r in saved.competency_ratings.all()] == [(first, 5)]
    assert AuditEntry.objects.filter(verb="review.created", scope=f"application:{hire.pk}").exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("overall", "6", "not on the scale 1 to 5"),
        ("reviewed_on", "2099-01-01", "in the future"),
        ("reviewed_on", "not a date", "Enter a valid date"),
        ("reviewer_name", "", "required"),
        ("scale_max", "1", "greater than or equal to 2"),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_saved(
    as_recruiter, hire, field, value, message
):
    response = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[hire.pk]), form_data(hire, **{field: value})
    )

    assert response.status_code == 422
    assert any(message in e for e in response.context["form"].errors[field])
    assert not PerformanceReview.objects.exists()


def test_a_rating_off_the_scale_is_shown_at_its_competency(as_recruiter, hire):
    first, _ = competencies_of(hire)
    response = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[hire.pk]),
        form_data(hire, scale_max="3", overall="3", **{f"rating_{first.pk}": "4"}),
    )

    assert response.status_code == 422
    assert "not on the scale 1 to 3" in response.context["form"].errors[f"rating_{first.pk}"][0]
    assert not PerformanceReview.objects.exists()


def test_a_review_before_the_hire_is_refused(as_recruiter, hire):
    before = f"{hired_on(hire) - timedelta(days=1):%Y-%m-%d}"
    response = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[hire.pk]), form_data(hire, reviewed_on=before)
    )

    assert "before the hire" in response.context["form"].errors["reviewed_on"][0]


def test_a_second_review_by_the_same_reviewer_on_the_same_day_is_refused(
    as_recruiter, hire, recruiter
):
    existing = review(hire, recruiter, days_after=182)

    response = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[hire.pk]), form_data(hire)
    )

    assert response.status_code == 422
    assert "already has a review" in response.context["form"].errors["reviewer_name"][0]
    assert list(PerformanceReview.objects.all()) == [existing]


def test_editing_changes_the_review_and_its_ratings(as_recruiter, hire, recruiter):
    first, second = competencies_of(hire)
    existing = review(hire, recruiter, ratings={first: 3})
    page = as_recruiter.get(reverse("outcomes:reviews_edit", args=[existing.pk]))
    assert page.context["form"].initial[f"rating_{first.pk}"] == 3

    response = as_recruiter.post(
        reverse("outcomes:reviews_edit", args=[existing.pk]),
        form_data(hire, overall="2", **{f"rating_{first.pk}": "", f"rating_{second.pk}": "4"}),
    )

    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.overall == 2
    assert [(r.competency, r.value) for r in existing.competency_ratings.all()] == [(second, 4)]


def test_deleting_a_review_removes_it_and_is_audited(as_recruiter, hire, recruiter):
    existing = review(hire, recruiter)

    assert (
        as_recruiter.get(reverse("outcomes:reviews_delete", args=[existing.pk])).status_code == 405
    )
    response = as_recruiter.post(reverse("outcomes:reviews_delete", args=[existing.pk]))

    assert response.status_code == 302 and not PerformanceReview.objects.exists()
    assert AuditEntry.objects.filter(verb="review.deleted").exists()


def test_only_a_hire_takes_a_new_review(as_recruiter, recruiter):
    application = make_hire(recruiter)
    change_status(application, Application.Status.REJECTED, by=recruiter)

    page = as_recruiter.get(reverse("outcomes:reviews_create", args=[application.pk]))
    posted = as_recruiter.post(
        reverse("outcomes:reviews_create", args=[application.pk]), form_data_for_any()
    )

    html = page.content.decode()
    assert "Only hires are reviewed" in html and 'name="overall"' not in html
    assert posted.status_code == 409 and not PerformanceReview.objects.exists()


def form_data_for_any() -> dict:
    return {"reviewed_on": "2025-01-01", "reviewer_name": "R", "scale_max": "5", "overall": "3"}


def test_nothing_is_written_about_an_erased_hire(as_recruiter, hire, recruiter):
    existing = review(hire, recruiter)
    erase_candidate(hire.candidate, by=recruiter)

    edit = as_recruiter.post(reverse("outcomes:reviews_edit", args=[existing.pk]), form_data(hire))
    delete = as_recruiter.post(reverse("outcomes:reviews_delete", args=[existing.pk]))

    assert edit.status_code == 409 and delete.status_code == 409
    existing.refresh_from_db()
    assert existing.overall == 4 and existing.anonymised_at is not None


@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_others_get_403_and_write_nothing(client, request, persona, hire, recruiter):
    existing = review(hire, recruiter)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("outcomes:reviews_for_hire", args=[hire.pk])).status_code == 403
    create = client.post(reverse("outcomes:reviews_create", args=[hire.pk]), form_data(hire))
    edit = client.post(
        reverse("outcomes:reviews_edit", args=[existing.pk]), form_data(hire, overall="1")
    )
    delete = client.post(reverse("outcomes:reviews_delete", args=[existing.pk]))

    assert (create.status_code, edit.status_code, delete.status_code) == (403, 403, 403)
    assert list(PerformanceReview.objects.values_list("overall", flat=True)) == [4]


def test_the_hire_page_makes_the_same_queries_for_two_reviews_and_for_twenty(
    as_recruiter, hire, recruiter, django_assert_num_queries
):
    first, second = competencies_of(hire)
    url = reverse("outcomes:reviews_for_hire", args=[hire.pk])
    for n in range(2):
        review(hire, recruiter, days_after=10 + n, ratings={first: 3, second: 4})
    as_recruiter.get(url)  # the session and the like, once
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        as_recruiter.get(url)
    for n in range(2, 20):
        review(hire, recruiter, days_after=10 + n, ratings={first: 3, second: 4})
    with django_assert_num_queries(len(small)):
        response = as_recruiter.get(url)
    assert len(response.context["rows"]) == 20
