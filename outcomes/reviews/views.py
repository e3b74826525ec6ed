"""Performance reviews of hires: a hire's reviews, the review form, the CSV import.

Recruiters and admins only, checked on the server for every request (403 for anyone
else, before the object is looked up: nobody else learns which applications exist).
"""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_recruiter
from candidates.models import Application
from rubrics.models import Competency

from ..demo import EMAIL_DOMAIN
from ..models import PerformanceRating, PerformanceReview
from .forms import ReviewForm, ReviewUploadForm
from .importing import CELL_MAX_CHARS, MAX_BYTES, MAX_ROWS, ReviewFileError, import_reviews
from .services import ReviewData, delete_review, hired_on, save_review

FORM_TEMPLATE = "outcomes/reviews/review_form.html"
IMPORT_TEMPLATE = "outcomes/reviews/import.html"


def get_hire_for(user, pk: int) -> Application:
    """The application, for a recruiter or admin (403 for anyone else, 404 if none)."""
    require_recruiter(user)
    return get_object_or_404(
        Application.objects.select_related("candidate", "loop__role", "loop__level"), pk=pk
    )


def get_review_for(user, pk: int) -> PerformanceReview:
    require_recruiter(user)
    return get_object_or_404(
        PerformanceReview.objects.select_related(
            "application__candidate", "application__loop__role", "application__loop__level"
        ),
        pk=pk,
    )


def loop_competencies(application: Application) -> list[Competency]:
    items = application.loop.loop_competencies.select_related("competency").order_by("order", "pk")
    return [item.competency for item in items]


@require_GET
def hire_reviews(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_hire_for(request.user, pk)
    ratings = PerformanceRating.objects.select_related("competency")
    reviews = application.performance_reviews.prefetch_related(
        Prefetch("competency_ratings", queryset=ratings)
    ).order_by("reviewed_on", "pk")
    start = hired_on(application)
    rows = [
        {
            "review": review,
            "months": months_between(start, review.reviewed_on) if start else None,
            "ratings": list(review.competency_ratings.all()),
        }
        for review in reviews
    ]
    return render(
        request,
        "outcomes/reviews/hire_reviews.html",
        {
            "application": application,
            "hired_on": start,
            "rows": rows,
            "invented": application.candidate.email.endswith(f"@{EMAIL_DOMAIN}"),
        },
    )


def months_between(start, end) -> int:
    """Whole months from the hire to the review (a 6-month review says 6)."""
    return round((end - start).days / 30.44)


@require_http_methods(["GET", "POST"])
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_hire_for(request.user, pk)
    return review_form(request, application, None)


@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk)
    return review_form(request, review.application, review)


def review_form(request, application: Application, review: PerformanceReview | None):
    competencies = loop_competencies(application)
    form = ReviewForm(
        request.POST or None, competencies=competencies, initial=initial_for(review, competencies)
    )
    context = {
        "application": application,
        "review": review,
        "form": form,
        "hired_on": hired_on(application),
    }
    if application.is_erased or (review is None and application.status != Application.Status.HIRED):
        return render(
            request, FORM_TEMPLATE, context, status=200 if request.method == "GET" else 409
        )
    if request.method == "POST" and form.is_valid():
        data = ReviewData(
            reviewed_on=form.cleaned_data["reviewed_on"],
            reviewer_name=form.cleaned_data["reviewer_name"],
            overall=form.cleaned_data["overall"],
            scale_max=form.cleaned_data["scale_max"],
            comment=form.cleaned_data["comment"],
            ratings=form.ratings(),
        )
        try:
            save_review(application, data, by=request.user, review=review, update_existing=False)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("outcomes:reviews_for_hire", application.pk)
    status = 422 if form.errors else 200
    return render(request, FORM_TEMPLATE, context, status=status)


def initial_for(review: PerformanceReview | None, competencies) -> dict:
    if review is None:
        return {}
    values = {r.competency_id: r.value for r in review.competency_ratings.all()}
    initial = {
        "reviewed_on": review.reviewed_on,
        "reviewer_name": review.reviewer_name,
        "scale_max": review.scale_max,
        "overall": review.overall,
        "comment": review.comment,
    }
    for competency in competencies:
        if competency.pk in values:
            initial[ReviewForm.rating_field(competency)] = values[competency.pk]
    return initial


def add_errors(form: ReviewForm, error: ValidationError) -> None:
    for key, messages in error.message_dict.items():
        form.add_error(form.field_for(key), messages)


@require_POST
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_review_for(request.user, pk)
    application = review.application
    try:
        delete_review(review, by=request.user)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=409, content_type="text/plain")
    return redirect("outcomes:reviews_for_hire", application.pk)


@require_http_methods(["GET", "POST"])
def review_import(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = ReviewUploadForm(request.POST or None, request.FILES or None)
    result, problems = None, []
    if request.method == "POST" and form.is_valid():
        try:
            result = import_reviews(
                form.cleaned_data["file"], by=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except ReviewFileError as error:
            problems = error.listed()
            form.add_error("file", f"Nothing was imported: {len(error.problems)} problem(s).")
        else:
            form = ReviewUploadForm()
    context = {
        "form": form,
        "result": result,
        "problems": problems,
        "max_bytes": MAX_BYTES,
        "max_rows": MAX_ROWS,
        "cell_max": CELL_MAX_CHARS,
    }
    template = f"{IMPORT_TEMPLATE}#review-import" if request.htmx else IMPORT_TEMPLATE
    return render(request, template, context, status=422 if form.errors else 200)
