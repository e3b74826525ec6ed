"""The validity page: do a loop's interview scores go with the hires' later performance?

Recruiters and admins only (403 for anyone else). Figures leave out every application
the viewer still owes their own scorecard on (DESIGN: independence holds in aggregates).
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.htmx import render_screen
from accounts.permissions import require_recruiter
from scoring.committee import excluded_applications, loop_choices
from scoring.views.calibration import LoopForm

from . import stats
from .data import validity_data
from .measures import PerformanceRule


class ValidityForm(LoopForm):
    """The loop (every version together) and what counts as later performance."""

    performance = forms.ChoiceField(
        label="Later performance",
        choices=PerformanceRule.choices,
        required=False,
        help_text="Each review's overall rating is rescaled to 0–1, so scales compare.",
    )

    def clean_performance(self) -> PerformanceRule:
        return PerformanceRule(self.cleaned_data.get("performance") or PerformanceRule.TWELVE)


def thresholds() -> dict:
    """The figures the page's explanations quote, from where they are set."""
    return {
        "min_hires": stats.MIN_HIRES,
        "small_n": stats.SMALL_N,
        "strong": stats.STRONG_RESTRICTION,
        "level": round(stats.LEVEL * 100),
    }


@require_GET
def validity(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = ValidityForm(request.GET, choices=loop_choices())
    context: dict = {"form": form, "rule": thresholds()}
    if form.is_valid():
        key = form.cleaned_data["loop"]
        context |= {
            "data": validity_data(key, request.user, form.cleaned_data["performance"]),
            "excluded": excluded_applications(key, request.user),
        }
    return render_screen(request, "outcomes/validity/validity.html", "validity-results", context)
