"""The home page: composes what each app has for the signed-in person (wiring only).

Each role the person holds adds its panel: a recruiter who also interviews sees
both. Every panel loads in a fixed number of queries (scoring.queries).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import permissions
from rubrics.services import catalogue_counts
from scoring import queries

UPCOMING_SHOWN = 10
TEAM_OVERDUE_SHOWN = 20
REVIEWS_SHOWN = 25


def recruiter_context(now) -> dict:
    overdue = queries.owed_scorecards(now=now, overdue_only=True)
    return {
        "catalogue": catalogue_counts(),
        "pipelines": queries.pipeline_summaries(now=now),
        "team_overdue": overdue[:TEAM_OVERDUE_SHOWN],
        "team_overdue_total": len(overdue),
    }


def committee_context(user) -> dict:
    reviews, total = queries.committee_reviews(user, limit=REVIEWS_SHOWN)
    return {"reviews": reviews, "reviews_total": total}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user, now = request.user, timezone.now()
    roles = {
        "is_recruiter": permissions.is_recruiter(user),
        "is_interviewer": permissions.is_interviewer(user),
        "is_committee": permissions.is_committee(user),
    }
    context = {**roles, "due_hours": queries.due_hours()}
    if roles["is_recruiter"]:
        context |= recruiter_context(now)
    if roles["is_interviewer"]:
        # The zone UserTimezoneMiddleware activated: the person's own day boundaries.
        context["mine"] = queries.interviewer_panel(
            user, now=now, tz=timezone.get_current_timezone(), upcoming_limit=UPCOMING_SHOWN
        )
    if roles["is_committee"]:
        context |= committee_context(user)
    return render(request, "home.html", context)
