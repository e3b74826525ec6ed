"""The validity page: do a loop's interview scores go with the hires' later performance?

Recruiters and admins only (403 for anyone else). Figures leave out every application
the viewer still owes their own scorecard on (DESIGN: independence holds in aggregates).
Under the default performance choice the page reads the loop's analytics snapshot
(scoring.snapshots, computed in the background) when it may, as calibration does.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from accounts.htmx import render_screen
from accounts.permissions import require_recruiter
from scoring import snapshots
from scoring.committee import excluded_applications, loop_choices, newest_loop
from scoring.views.calibration import LoopForm

from . import stats, stored
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
        key, rule = form.cleaned_data["loop"], form.cleaned_data["performance"]
        excluded = excluded_applications(key, request.user)
        # The stored snapshot is everyone's figures under the default choice: another
        # choice, or applications this person must not see yet, are computed now for
        # them (as is a loop with no snapshot, or one stored before validity was).
        snapshot = None
        if rule == stored.STORED_RULE and not excluded:
            snapshot = snapshots.stored_snapshot(key)
        if snapshot is not None and snapshot.validity:
            data = stored.from_json(snapshot.validity, newest_loop(key))
            context["snapshot"] = snapshot
        else:
            data = validity_data(key, request.user, rule)
            context["live"] = True
        context |= {"data": data, "excluded": excluded}
    return render_screen(request, "outcomes/validity/validity.html", "validity-results", context)
