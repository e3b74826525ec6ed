"""Performance reviews of hires: the one set of rules, and saving a review.

The browser form and the CSV import both check a review with `review_problems` and
save it with `save_review`, so a rule holds the same wherever a review comes from.
A review belongs to a hired application; its natural key is (application, date,
reviewer): saving again with the same three updates the review, never duplicates it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import record
from candidates.models import Application
from rubrics.models import Competency
from scoring.snapshots import request_refresh

from ..models import PerformanceRating, PerformanceReview

COMMENT_MAX_CHARS = 5_000
REVIEWER_MAX_CHARS = 200
SCALE_MAX_LIMIT = 100
DEFAULT_SCALE_MAX = 5


@dataclass
class ReviewData:
    """A review as entered: the form's cleaned data or one CSV row, before the rules."""

    reviewed_on: date | None
    reviewer_name: str
    overall: int | None
    scale_max: int = DEFAULT_SCALE_MAX
    comment: str = ""
    # Competency -> value; a competency left out is not rated.
    ratings: dict[Competency, int] = field(default_factory=dict)


def hired_on(application: Application) -> date | None:
    """The day the application became hired (its last status change), or None."""
    if application.status != Application.Status.HIRED:
        return None
    return timezone.localdate(application.status_changed_at)


def review_problems(
    application: Application, data: ReviewData, *, loop_competencies: set[int], today: date
) -> dict[str, str]:
    """Every rule a review breaks, by field ("ratings" for a competency, named): {} if none.

    `loop_competencies`: the ids of the competencies the application's loop assesses.
    """
    problems: dict[str, str] = {}
    if application.status != Application.Status.HIRED:
        status = application.get_status_display().lower()
        problems["application"] = f"Only a hire is reviewed; this application is {status}."
    start = hired_on(application)
    if data.reviewed_on is None:
        problems["reviewed_on"] = "Give the review's date."
    elif data.reviewed_on > today:
        problems["reviewed_on"] = f"The review date {data.reviewed_on:%Y-%m-%d} is in the future."
    elif start is not None and data.reviewed_on < start:
        problems["reviewed_on"] = (
            f"The review date {data.reviewed_on:%Y-%m-%d} is before the hire ({start:%Y-%m-%d})."
        )
    name = data.reviewer_name.strip()
    if not name:
        problems["reviewer_name"] = "Name the reviewer."
    elif len(name) > REVIEWER_MAX_CHARS:
        problems["reviewer_name"] = (
            f"The reviewer's name is limited to {REVIEWER_MAX_CHARS} characters."
        )
    if not 2 <= data.scale_max <= SCALE_MAX_LIMIT:
        problems["scale_max"] = (
            f"The scale's top must be 2 to {SCALE_MAX_LIMIT}, not {data.scale_max}."
        )
        return problems  # the ratings cannot be judged against a scale that is wrong
    if data.overall is None:
        problems["overall"] = f"Give the overall rating, 1 to {data.scale_max}."
    elif not 1 <= data.overall <= data.scale_max:
        problems["overall"] = (
            f"The overall rating {data.overall} is not on the scale 1 to {data.scale_max}."
        )
    if len(data.comment) > COMMENT_MAX_CHARS:
        problems["comment"] = f"The comment is limited to {COMMENT_MAX_CHARS:,} characters."
    for competency, value in data.ratings.items():
        if competency.pk not in loop_competencies:
            problems[f"rating:{competency.key}"] = (
                f"The loop does not assess {competency.name}: it cannot be rated here."
            )
        elif not 1 <= value <= data.scale_max:
            problems[f"rating:{competency.key}"] = (
                f"{competency.name}: {value} is not on the scale 1 to {data.scale_max}."
            )
    return problems


def loop_competency_ids(application: Application) -> set[int]:
    return set(application.loop.loop_competencies.values_list("competency_id", flat=True))


@transaction.atomic
def save_review(
    application: Application,
    data: ReviewData,
    *,
    by,
    review: PerformanceReview | None = None,
    today: date | None = None,
    update_existing: bool = True,
    refresh: bool = True,
) -> tuple[PerformanceReview, bool]:
    """Create or update a review (by its natural key, or `review` when editing); audited.

    Raises ValidationError by field when a rule is broken, nothing saved. The import
    updates the review its natural key names; the "new review" form refuses
    (`update_existing=False`). Returns the review and whether it was created. The
    loop's analytics snapshot (validity) is marked outdated unless `refresh` is False
    (the import asks once per loop for the whole file).
    """
    application.refuse_if_erased("application")
    application = Application.objects.select_related("loop").get(pk=application.pk)
    problems = review_problems(
        application,
        data,
        loop_competencies=loop_competency_ids(application),
        today=today or timezone.localdate(),
    )
    if problems:
        raise ValidationError(problems)
    name = data.reviewer_name.strip()
    clash = PerformanceReview.objects.filter(
        application=application, reviewed_on=data.reviewed_on, reviewer_name=name
    )
    if review is not None or not update_existing:
        if clash.exclude(pk=getattr(review, "pk", None)).exists():
            raise ValidationError(
                {"reviewer_name": f"{name} already has a review of this hire on that date."}
            )
    else:
        review = clash.first()
    created = review is None
    review = review or PerformanceReview(application=application, created_by=by)
    review.reviewed_on = data.reviewed_on
    review.reviewer_name = name
    review.overall = data.overall
    review.scale_max = data.scale_max
    review.comment = data.comment.strip()
    review.save()
    set_ratings(review, data.ratings)
    record(
        by,
        "review.created" if created else "review.updated",
        review,
        reviewed_on=data.reviewed_on,
        overall=data.overall,
    )
    if refresh:
        request_refresh(application.loop.key)
    return review, created


def set_ratings(review: PerformanceReview, ratings: dict[Competency, int]) -> None:
    """The review's competency ratings become exactly `ratings`."""
    review.competency_ratings.exclude(competency__in=list(ratings)).delete()
    have = {r.competency_id: r for r in review.competency_ratings.all()}
    changed, new = [], []
    for competency, value in ratings.items():
        rating = have.get(competency.pk)
        if rating is None:
            new.append(PerformanceRating(review=review, competency=competency, value=value))
        elif rating.value != value:
            rating.value = value
            changed.append(rating)
    PerformanceRating.objects.bulk_create(new)
    PerformanceRating.objects.bulk_update(changed, ["value"])


@transaction.atomic
def delete_review(review: PerformanceReview, *, by) -> None:
    review.application.refuse_if_erased("application")
    record(by, "review.deleted", review, reviewed_on=review.reviewed_on)
    review.delete()
    request_refresh(review.application.loop.key)


def anonymise_reviews(application_ids) -> int:
    """Erasure: ratings stay for the validity figures; comment and reviewer's name go."""
    now = timezone.now()
    reviews = PerformanceReview.objects.filter(
        application_id__in=application_ids, anonymised_at__isnull=True
    )
    # The natural key holds the reviewer's name: each anonymised review gets its own
    # neutral name, so two reviews of one date stay distinct.
    rows = list(reviews.only("pk"))
    for row in rows:
        row.reviewer_name = f"Reviewer of review #{row.pk}"
        row.comment = ""
        row.anonymised_at = now
    PerformanceReview.objects.bulk_update(rows, ["reviewer_name", "comment", "anonymised_at"])
    return len(rows)
