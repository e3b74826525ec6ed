"""A hired application to review, made through the services as a recruiter would."""

from datetime import timedelta

from django.utils import timezone

from candidates.models import Application
from candidates.services import change_status
from outcomes.reviews.services import ReviewData, save_review
from tests.factories import make_application, make_candidate, make_scoring_loop


def make_hire(recruiter, *, loop=None, name=None, hired_days_ago: int = 400) -> Application:
    """A candidate hired `hired_days_ago` days ago on a scored loop (two competencies)."""
    candidate = make_candidate(name)
    application = make_application(candidate, loop or make_scoring_loop(by=recruiter), by=recruiter)
    change_status(application, Application.Status.HIRED, by=recruiter)
    # The hire happened in the past: its reviews are dated after it.
    when = timezone.now() - timedelta(days=hired_days_ago)
    Application.objects.filter(pk=application.pk).update(status_changed_at=when)
    application.refresh_from_db()
    return application


def competencies_of(application):
    items = application.loop.loop_competencies.select_related("competency").order_by("order")
    return [item.competency for item in items]


def review(application, recruiter, *, days_after: int = 182, reviewer="Robin Lee", **fields):
    from outcomes.reviews.services import hired_on

    data = ReviewData(
        reviewed_on=hired_on(application) + timedelta(days=days_after),
        reviewer_name=reviewer,
        overall=fields.pop("overall", 4),
        comment=fields.pop("comment", "Steady on call; mentors the new starter."),
        ratings=fields.pop("ratings", {}),
        **fields,
    )
    return save_review(application, data, by=recruiter)[0]
