"""Recruiters' view across applications: calibration, reliability and the ratings export.

Recruiters and admins only (403 for anyone else). Whatever their groups, the
applications a recruiter still owes their own scorecard on are left out of every
figure and of the export (DESIGN: independence holds in aggregates and exports).
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from statistics import fmean

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from accounts.audit import record
from accounts.models import User
from accounts.permissions import require_recruiter

from ..calibration import (
    InterviewerCalibration,
    deviations,
    interviewer_calibration,
    leniency_by_month,
    leniency_by_scorecard,
)
from ..charts import leniency_chart
from ..committee import (
    EXPORT_HEADER,
    calibration_rows,
    excluded_applications,
    export_rows,
    loop_choices,
    loop_competency_names,
    newest_loop,
    reliability_rows,
    scale_points,
)
from ..reliability import MIN_CANDIDATES, RESAMPLES, reliability_by_competency
from .pipeline import render_screen

# Within a quarter of a scale point of the rest of the panel reads as "in line".
IN_LINE = 0.25
# Fewer comparisons than this: say the figure is thin rather than let it accuse anyone.
FEW_COMPARISONS = 10
# The leniency chart goes per month once there are this many months, else per scorecard.
MONTHS_FOR_MONTHLY = 3
BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 14, 3, 28


class LoopForm(forms.Form):
    """Which loop (by key: every version's applications together)."""

    loop = forms.ChoiceField(label="Loop", choices=())

    def __init__(
        self, data=None, *, choices: list[tuple[str, str]], default: bool = True, **kwargs
    ):
        # Without a choice, the first loop: the page has something to show at once.
        if default and choices and not (data or {}).get("loop"):
            data = data.copy() if data is not None else {}
            data["loop"] = choices[0][0]
        super().__init__(data, **kwargs)
        self.fields["loop"].choices = choices


class CalibrationForm(LoopForm):
    """The calibration filters: the loop, and a date range over interview dates."""

    date_from = forms.DateField(
        required=False, label="Interviews from", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="Interviews until", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end of the range comes before its start.")
        return data


def signed(value: float | None) -> str:
    """+0.42, −0.30: a real minus sign, so the sign reads as clearly as the plus."""
    return "" if value is None else f"{value:+.2f}".replace("-", "−")


def leniency_words(row: InterviewerCalibration) -> str:
    if row.leniency is None:
        return "no comparison yet"
    if abs(row.leniency) < IN_LINE:
        return "in line with the panel"
    return "lenient" if row.leniency > 0 else "severe"


def distribution_bars(distribution: dict[int, int]) -> dict:
    """A tiny bar chart's geometry per scale point (SVG attributes: no inline styles)."""
    points = sorted(distribution)
    top = max(distribution.values(), default=0) or 1
    bars = []
    for i, value in enumerate(points):
        count = distribution[value]
        height = round(BAR_HEIGHT * count / top, 1) if count else 0
        bars.append(
            {
                "x": i * (BAR_WIDTH + BAR_GAP),
                "y": BAR_HEIGHT - height,
                "height": height,
                "value": value,
                "count": count,
                "label_x": i * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH / 2,
            }
        )
    return {
        "bars": bars,
        "width": max(1, len(points) * (BAR_WIDTH + BAR_GAP) - BAR_GAP),
        "height": BAR_HEIGHT + 12,
        "bar_width": BAR_WIDTH,
        "base": BAR_HEIGHT,
        "text": ", ".join(f"{distribution[v]} × {v}" for v in points),
    }


def calibration_view_rows(rows: Iterable[InterviewerCalibration]) -> list[dict]:
    return [
        {
            "row": row,
            "words": leniency_words(row),
            "leniency": signed(row.leniency),
            "thin": 0 < row.comparisons < FEW_COMPARISONS,
            "bars": distribution_bars(row.distribution),
        }
        for row in rows
    ]


def calibration_for(form: CalibrationForm, user, person: int | None = None) -> tuple:
    """The chosen loop, its scale and the calibration rows' inputs (4 queries)."""
    key = form.cleaned_data["loop"]
    loop = newest_loop(key)
    scale = sorted(p.value for p in scale_points(loop)) if loop else []
    cards, ratings = calibration_rows(
        key,
        user,
        start=form.cleaned_data.get("date_from"),
        end=form.cleaned_data.get("date_to"),
        person=person,
    )
    return loop, scale, cards, ratings


@require_GET
def calibration(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = CalibrationForm(request.GET, choices=loop_choices())
    context: dict = {"form": form, "query": request.GET.urlencode()}
    if form.is_valid():
        loop, scale, cards, ratings = calibration_for(form, request.user)
        rows = interviewer_calibration(cards, ratings, scale=scale, now=timezone.now())
        context |= {
            "loop": loop,
            "rows": calibration_view_rows(rows),
            "scorecards": len(cards),
            "query": _filters_query(form),
        }
    return render_screen(request, "scoring/calibration.html", "calibration-results", context)


def _filters_query(form: CalibrationForm) -> str:
    """The filters as a query string for the per-person links (the cleaned values)."""
    from urllib.parse import urlencode

    data = {"loop": form.cleaned_data["loop"]}
    for name in ("date_from", "date_to"):
        if form.cleaned_data.get(name):
            data[name] = form.cleaned_data[name].isoformat()
    return urlencode(data)


@require_GET
def calibration_person(request: HttpRequest, pk: int) -> HttpResponse:
    """One interviewer: their rows, leniency over time, and per competency."""
    require_recruiter(request.user)
    person = get_object_or_404(User, pk=pk)
    form = CalibrationForm(request.GET, choices=loop_choices())
    context: dict = {"form": form, "person": person}
    if form.is_valid():
        loop, scale, cards, ratings = calibration_for(form, request.user, person.pk)
        rows = interviewer_calibration(cards, ratings, scale=scale, now=timezone.now())
        mine = [r for r in rows if r.interviewer_id == person.pk]
        devs = deviations(cards, ratings, interviewer_id=person.pk)
        names = loop_competency_names(form.cleaned_data["loop"])
        context |= {
            "loop": loop,
            "rows": calibration_view_rows(mine),
            "charts": [
                _role_chart(person, [d for d in devs if d.shadow == shadow], shadow)
                for shadow in (False, True)
                if any(d.shadow == shadow for d in devs)
            ],
            "competencies": _by_competency(devs, names),
            "query": _filters_query(form),
        }
    return render(request, "scoring/calibration.html", {**context, "detail": True})


def _role_chart(person: User, devs, shadow: bool) -> dict:
    months = leniency_by_month(devs)
    points = months if len(months) >= MONTHS_FOR_MONTHLY else leniency_by_scorecard(devs)
    role = "shadow" if shadow else "interviewer"
    return {
        "shadow": shadow,
        "monthly": points is months,
        "points": points,
        "chart": leniency_chart(
            points,
            name=f"{person} ({role})" if shadow else str(person),
            chart_id=f"leniency-{role}",
        ),
    }


def _by_competency(devs, names: dict[int, str]) -> list[dict]:
    grouped: dict = defaultdict(list)
    for d in devs:
        if not d.shadow:
            grouped[d.competency_id].append(d.value)
    order = list(names)
    return [
        {
            "name": names.get(c, f"Competency {c}"),
            "leniency": signed(fmean(values)),
            "comparisons": len(values),
        }
        for c, values in sorted(
            grouped.items(), key=lambda item: order.index(item[0]) if item[0] in order else 999
        )
    ]


@require_GET
def reliability(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    choices = loop_choices()
    form = LoopForm(request.GET, choices=choices)
    return render_screen(
        request,
        "scoring/reliability.html",
        "reliability-results",
        reliability_context(form, request.user),
    )


def export_form(data, choices) -> LoopForm:
    """The export's own loop field (its own ids: it sits on the reliability page too)."""
    return LoopForm(data, choices=choices, default=False, auto_id="export_%s")


def reliability_context(form: LoopForm, user, export: LoopForm | None = None) -> dict:
    """The reliability page's figures: alpha with bootstrap intervals and the ICC forms.

    `reliability_by_competency` never raises on what the scheduler allows (one person on
    two stages, rotating panels, constant scores, no scores): undefined figures come
    back as None with the reason, which the template shows beside a "—".
    """
    choices = form.fields["loop"].choices
    export = export or export_form(form.data or None, choices)
    context: dict = {
        "form": form,
        "export_form": export,
        "resamples": RESAMPLES,
        "min_candidates": MIN_CANDIDATES,
    }
    if form.is_valid():
        key = form.cleaned_data["loop"]
        loop = newest_loop(key)
        domain = sorted(p.value for p in scale_points(loop)) if loop else None
        results = reliability_by_competency(
            reliability_rows(key, user), loop_competency_names(key), domain=domain
        )
        context |= {
            "loop": loop,
            "results": results,
            "excluded": excluded_applications(key, user),
        }
    return context


# --- The ratings export ------------------------------------------------------------------

# A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text cells that a spreadsheet would read as a formula get a leading apostrophe.

    Numbers stay numbers: a score of -1 is data, not a formula.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A byte-order mark first: spreadsheets then read the evidence's accents as UTF-8.
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


@require_GET
def ratings_csv(request: HttpRequest) -> HttpResponse:
    """Every rating of a loop's submitted scorecards as CSV, streamed; audited."""
    require_recruiter(request.user)
    choices = loop_choices()
    form = export_form(request.GET, choices)
    if not form.is_valid():
        context = reliability_context(LoopForm(None, choices=choices), request.user, export=form)
        return render(request, "scoring/reliability.html", context, status=400)
    key = form.cleaned_data["loop"]
    excluded = excluded_applications(key, request.user)
    record(
        request.user,
        "ratings.exported",
        newest_loop(key),
        loop=key,
        excluded_applications=excluded,
    )
    response = StreamingHttpResponse(
        csv_lines(export_rows(key, request.user)), content_type="text/csv; charset=utf-8"
    )
    filename = f"ratings-{key}-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Evidence about candidates: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
