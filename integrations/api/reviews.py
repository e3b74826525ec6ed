"""/api/v1/reviews/: performance reviews of hires (recruiters and admins, as the pages).

One rule set wherever a review comes from: every write goes through
`outcomes.reviews.services.save_review` (`review_problems`: a hired application, a date
neither in the future nor before the hire, a named reviewer, ratings on the review's
scale, competencies the loop assesses), exactly as the form and the CSV import.
`POST /reviews/` creates (422 if that reviewer already reviewed the hire on that
date, as the form); `PUT /reviews/external/{external_id}` is the idempotent upsert:
the review with that external id is updated, else the one with the same application,
date and reviewer (the natural key) takes the id, else one is created.
"""

from datetime import date, datetime
from typing import Annotated

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from accounts.permissions import require_recruiter
from candidates.models import Application
from integrations.api.common import api_write, refuse_taken_external_id, set_external_id
from integrations.api.core import PROBLEMS, Page, require_scope
from integrations.api.core import updated_since as changed_since
from integrations.api.schemas import (
    MAX_ID,
    ExternalIdOrBlank,
    Id,
    PathExternalId,
    PathId,
    QueryExternalId,
    QuerySince,
    Text,
)
from outcomes.models import PerformanceRating, PerformanceReview
from outcomes.reviews.services import (
    COMMENT_MAX_CHARS,
    DEFAULT_SCALE_MAX,
    REVIEWER_MAX_CHARS,
    SCALE_MAX_LIMIT,
    ReviewData,
    save_review,
)
from rubrics.models import Competency

router = Router(tags=["reviews"])

READ, WRITE = "reviews:read", "reviews:write"
QueryApplication = Annotated[
    int | None, Query(None, ge=1, le=MAX_ID, description="Only this application's reviews.")
]
Rating = Annotated[int, Field(ge=1, le=SCALE_MAX_LIMIT)]
CompetencyKey = Annotated[str, Field(min_length=1, max_length=80)]


class ReviewRatingOut(Schema):
    competency_id: int
    competency_key: str
    value: int


class ReviewOut(Schema):
    id: int
    external_id: str
    application_id: int
    reviewed_on: date
    reviewer_name: str
    overall: int
    scale_max: int
    comment: str
    ratings: list[ReviewRatingOut]
    anonymised: bool
    created_at: datetime
    updated_at: datetime


class ReviewFields(Schema):
    application_id: Id
    reviewed_on: date
    reviewer_name: Text = Field(..., min_length=1, max_length=REVIEWER_MAX_CHARS)
    overall: Rating
    scale_max: int = Field(DEFAULT_SCALE_MAX, ge=2, le=SCALE_MAX_LIMIT)
    comment: Text = Field("", max_length=COMMENT_MAX_CHARS)
    ratings: dict[CompetencyKey, Rating] = Field(
        {}, max_length=100, description="Competency key → rating, for competencies of the loop."
    )


class ReviewIn(ReviewFields):
    external_id: ExternalIdOrBlank = ""


def reviews() -> QuerySet[PerformanceReview]:
    ratings = PerformanceRating.objects.select_related("competency").order_by("competency__key")
    return PerformanceReview.objects.prefetch_related(
        Prefetch("competency_ratings", queryset=ratings)
    )


def review_out(review: PerformanceReview) -> dict:
    return {
        "id": review.pk,
        "external_id": review.external_id,
        "application_id": review.application_id,
        "reviewed_on": review.reviewed_on,
        "reviewer_name": review.reviewer_name,
        "overall": review.overall,
        "scale_max": review.scale_max,
        "comment": review.comment,
        "ratings": [
            {"competency_id": r.competency_id, "competency_key": r.competency.key, "value": r.value}
            for r in review.competency_ratings.all()
        ],
        "anonymised": review.anonymised_at is not None,
        "created_at": review.created_at,
        "updated_at": review.updated_at,
    }


def one(review: PerformanceReview) -> dict:
    return review_out(reviews().get(pk=review.pk))


class ReviewPage(Page):
    def paginate_queryset(self, queryset, pagination, **params):
        result = super().paginate_queryset(queryset, pagination, **params)
        result["items"] = [review_out(review) for review in result["items"]]
        return result


@router.get(
    "",
    response={200: list[ReviewOut], **PROBLEMS},
    url_name="review_list",
    summary="List performance reviews (recruiters)",
)
@paginate(ReviewPage)
def review_list(
    request: HttpRequest,
    application: QueryApplication = None,
    external_id: QueryExternalId = None,
    updated_since: QuerySince = None,
):
    require_scope(request, READ)
    require_recruiter(request.user)
    found = reviews()
    if application is not None:
        found = found.filter(application_id=application)
    if external_id:
        found = found.filter(external_id=external_id)
    return changed_since(found, updated_since)


def review_data(application: Application, payload: ReviewFields) -> ReviewData:
    """The body as the service takes it; competencies named by key among the loop's."""
    competencies = {
        c.key: c
        for c in Competency.objects.filter(
            pk__in=application.loop.loop_competencies.values("competency_id")
        )
    }
    unknown = sorted(set(payload.ratings) - competencies.keys())
    if unknown:
        raise ValidationError(
            {
                f"ratings.{key}": f"The loop does not assess a competency “{key}”."
                for key in unknown[:20]
            }
        )
    return ReviewData(
        reviewed_on=payload.reviewed_on,
        reviewer_name=payload.reviewer_name,
        overall=payload.overall,
        scale_max=payload.scale_max,
        comment=payload.comment,
        ratings={competencies[key]: value for key, value in payload.ratings.items()},
    )


def hire(pk: int) -> Application:
    """The application a review is about; a missing one is a field error, not a 404."""
    application = Application.objects.select_related("loop").filter(pk=pk).first()
    if application is None:
        raise ValidationError({"application_id": "No such application."})
    return application


@router.post(
    "",
    response={201: ReviewOut, **PROBLEMS},
    url_name="review_create",
    summary="Record a performance review of a hire",
)
def review_create(request: HttpRequest, payload: ReviewIn):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        refuse_taken_external_id(PerformanceReview, payload.external_id)
        application = hire(payload.application_id)
        review, _ = save_review(
            application, review_data(application, payload), by=request.user, update_existing=False
        )
        set_external_id(review, payload.external_id, by=request.user)
    return Status(201, one(review))


@router.put(
    "external/{external_id}",
    response={200: ReviewOut, 201: ReviewOut, **PROBLEMS},
    url_name="review_upsert",
    summary="Create or update the review with this external id (idempotent)",
)
def review_upsert(request: HttpRequest, external_id: PathExternalId, payload: ReviewFields):
    with api_write(request, WRITE):
        require_recruiter(request.user)
        review = PerformanceReview.objects.filter(external_id=external_id).first()
        if review is not None and review.application_id != payload.application_id:
            raise HttpError(409, "This review is of another application; it cannot move.")
        application = hire(payload.application_id)
        review, created = save_review(
            application, review_data(application, payload), by=request.user, review=review
        )
        if review.external_id and review.external_id != external_id:
            raise HttpError(
                409,
                f"{review.reviewer_name}'s review of this hire on {review.reviewed_on} "
                f"already has the external_id “{review.external_id}”.",
            )
        set_external_id(review, external_id, by=request.user)
    return Status(201 if created else 200, one(review))


@router.get(
    "{id}",
    response={200: ReviewOut, **PROBLEMS},
    url_name="review_detail",
    summary="One performance review",
)
def review_detail(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    require_recruiter(request.user)
    review = reviews().filter(pk=id).first()
    if review is None:
        raise Http404("No such review.")
    return review_out(review)
