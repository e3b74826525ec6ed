"""Adverse impact: the aggregate page and its LL144 CSV (recruiters, admins; audited),
the recruiter's self-identification link, and the candidate's page (no sign-in)."""

import csv
import io

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import record
from accounts.htmx import render_screen
from accounts.permissions import require_recruiter
from candidates import access
from scoring.committee import loop_choices

from . import data, report, selfid, throttle
from .forms import FairnessForm, SelfIdForm


def fairness_form(request: HttpRequest) -> FairnessForm:
    return FairnessForm(request.GET or None, loops=loop_choices(), years_for=data.year_choices)


def fairness_report(form: FairnessForm, user) -> report.Report | None:
    if not form.is_valid():
        return None
    key, year = form.cleaned_data["loop"], form.cleaned_data["year"]
    return report.build(
        data.cohort(key, year, user), settings.FAIRNESS_MIN_CELL, data.cached_suppress
    )


@require_GET
def fairness(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = fairness_form(request)
    result = fairness_report(form, request.user)
    if result is not None:
        record(
            request.user,
            "fairness.viewed",
            None,
            loop=form.cleaned_data["loop"],
            year=form.cleaned_data["year"],
        )
    return render_screen(
        request,
        "outcomes/fairness/fairness.html",
        "fairness-results",
        {"form": form, "report": result, "minimum": settings.FAIRNESS_MIN_CELL},
    )


@require_GET
def fairness_csv(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = fairness_form(request)
    result = fairness_report(form, request.user)
    if result is None:
        return render(
            request,
            "outcomes/fairness/fairness.html",
            {"form": form, "report": None, "minimum": settings.FAIRNESS_MIN_CELL},
            status=400,
        )
    key, year = form.cleaned_data["loop"], form.cleaned_data["year"]
    record(request.user, "fairness.exported", None, loop=key, year=year)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(report.CSV_HEADER)
    writer.writerows(report.csv_rows(result))
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="adverse-impact-{key}-{year}.csv"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def self_id_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a link for the candidate: emailed to them, and shown once to copy."""
    application = access.get_application_for(request.user, pk, write=True)
    try:
        _, token = selfid.invite(application, by=request.user)
    except ValidationError as error:
        return render(
            request,
            "outcomes/fairness/invite.html",
            {"application": application, "error": error.messages[0]},
            status=400,
        )
    return render(
        request,
        "outcomes/fairness/invite.html",
        {
            "application": application,
            "link": selfid.link_for(token),
            "emailed": bool(application.candidate.email),
            "days": settings.SELF_ID_INVITE_DAYS,
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def self_id(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate's page: voluntary, every answer "prefer not to say" unless chosen."""
    if throttle.refused(request):
        return render(
            request, "outcomes/fairness/self_id_closed.html", {"state": "throttled"}, status=429
        )
    invite, state = selfid.find(token)
    if state is not selfid.LinkState.OPEN:
        throttle.note_failure(request)
        status = 404 if state is selfid.LinkState.UNKNOWN else 410
        return render(
            request, "outcomes/fairness/self_id_closed.html", {"state": state}, status=status
        )
    form = SelfIdForm(
        request.POST if request.method == "POST" else None, categories=selfid.questions()
    )
    if request.method == "POST" and form.is_valid():
        try:
            selfid.submit(token, form.answers())
        except ValidationError:
            return render(
                request, "outcomes/fairness/self_id_closed.html", {"state": "used"}, status=410
            )
        return render(request, "outcomes/fairness/self_id_closed.html", {"state": "thanks"})
    return render(
        request,
        "outcomes/fairness/self_id.html",
        {
            "form": form,
            "role": invite.application.loop.role,
            "expires_at": invite.expires_at,
            "minimum": settings.FAIRNESS_MIN_CELL,
        },
        status=400 if form.is_bound else 200,
    )
