"""Recruiters' view across applications: calibration, reliability and the ratings export.

Recruiters and admins only (403 for anyone else). Whatever their groups, the
applications a recruiter still owes their own scorecard on are left out of every
figure and of the export (DESIGN: independence holds in aggregates and exports).
"""

import csv
from collections.abc import Iterable, Iterator

from django import forms
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from accounts.audit import record
from accounts.models import User
from accounts.permissions import require_recruiter
from accounts.validators import SafeForm

from .. import snapshots
from ..calibration import (
    BAND,
    LEVEL,
    InterviewerCalibration,
    Leniency,
    Reading,
    deviations,
    interviewer_calibration,
    leniency_by,
    leniency_by_month,
    leniency_by_scorecard,
)
from ..calibration import MIN_CANDIDATES as LABEL_MIN_CANDIDATES
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

# The practical band (scoring.calibration.BAND, ±0.25): a label needs the whole 95 %
# interval beyond it (lenient/severe) or within it (in line).
IN_LINE = BAND
# The interval strip's axis: ±2 scale points (wider intervals run off its ends).
STRIP_LIMIT, STRIP_WIDTH, STRIP_HEIGHT = 2.0, 160, 18
# The leniency chart goes per month once there are this many months, else per scorecard.
MONTHS_FOR_MONTHLY = 3
BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 14, 3, 28


class LoopForm(SafeForm):
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


def leniency_words(leniency: Leniency) -> str:
    """The reading, with the n it rests on when the evidence is not enough yet."""
    note = evidence_note(leniency)
    return f"{leniency.reading} ({note})" if note else str(leniency.reading)


def evidence_note(leniency: Leniency) -> str:
    """The n beside "not enough evidence yet" ("n = 3 candidates"): how far it has to go."""
    if leniency.reading != Reading.NOT_ENOUGH:
        return ""
    return f"n = {leniency.candidates} candidate{_s(leniency.candidates)}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def interval_text(leniency: Leniency) -> str:
    if leniency.low is None or leniency.high is None:
        return ""
    return f"{signed(leniency.low)} to {signed(leniency.high)}"


def leniency_cells(leniency: Leniency) -> dict:
    """What a row of leniency shows: mean, interval, n, reading and the interval strip."""
    return {
        "leniency": leniency,
        "mean": signed(leniency.mean),
        "interval": interval_text(leniency),
        "reading": leniency.reading.value,
        "words": leniency_words(leniency),
        "note": evidence_note(leniency),
        "strip": interval_strip(leniency),
    }


def interval_strip(leniency: Leniency) -> dict | None:
    """A small SVG strip: the ±band shaded, the interval as a line, the mean as a dot."""
    if leniency.mean is None:
        return None

    def x(value: float) -> float:
        clipped = max(-STRIP_LIMIT, min(STRIP_LIMIT, value))
        return round((clipped + STRIP_LIMIT) / (2 * STRIP_LIMIT) * STRIP_WIDTH, 1)

    has_interval = leniency.low is not None and leniency.high is not None
    words = f"Leniency {signed(leniency.mean)}"
    if has_interval:
        words += f", 95 % interval {interval_text(leniency)}"
    return {
        "width": STRIP_WIDTH,
        "height": STRIP_HEIGHT,
        "mid": STRIP_HEIGHT / 2,
        "band_y": 2,
        "band_height": STRIP_HEIGHT - 4,
        "band_x": x(-BAND),
        "band_width": round(x(BAND) - x(-BAND), 1),
        "zero": x(0),
        "low": x(leniency.low) if has_interval else None,
        "high": x(leniency.high) if has_interval else None,
        "mean": x(leniency.mean),
        "label": f"{words}; band ±{BAND:.2f}",
    }


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
        {"row": row, **leniency_cells(row.leniency), "bars": distribution_bars(row.distribution)}
        for row in rows
    ]


def label_rule() -> dict:
    """The figures the page's explanation line quotes, from the one place they are set."""
    return {
        "band": f"{BAND:.2f}",
        "level": round(LEVEL * 100),
        "min_candidates": LABEL_MIN_CANDIDATES,
    }


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
        key = form.cleaned_data["loop"]
        excluded = excluded_applications(key, request.user)
        ranged = form.cleaned_data.get("date_from") or form.cleaned_data.get("date_to")
        # The stored snapshot is everyone's whole history: a range, or applications
        # this person must not see yet, are computed now for them (as is a loop that
        # has no snapshot yet).
        snapshot = None if ranged or excluded else snapshots.stored_snapshot(key)
        if snapshot is None:
            loop, scale, cards, ratings = calibration_for(form, request.user)
            rows = interviewer_calibration(cards, ratings, scale=scale, now=timezone.now())
            context |= {"loop": loop, "scorecards": len(cards), "live": True}
        else:
            rows, scorecards = snapshots.calibration_of(snapshot)
            context |= {"loop": newest_loop(key), "scorecards": scorecards, "snapshot": snapshot}
        context |= {
            "rows": calibration_view_rows(rows),
            "excluded": excluded,
            "query": _filters_query(form),
            "rule": label_rule(),
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
            "rule": label_rule(),
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
    """Per competency, as an interviewer (not a shadow): each over its own candidates."""
    per = leniency_by((d for d in devs if not d.shadow), key=lambda d: d.competency_id)
    order = list(names)
    return [
        {"name": names.get(c, f"Competency {c}"), **leniency_cells(leniency)}
        for c, leniency in sorted(
            per.items(), key=lambda item: order.index(item[0]) if item[0] in order else 999
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
        excluded = excluded_applications(key, user)
        # Without the applications this person still owes a scorecard on, or with no
        # snapshot yet: computed now.
        snapshot = None if excluded else snapshots.stored_snapshot(key)
        if snapshot is None:
            domain = sorted(p.value for p in scale_points(loop)) if loop else None
            results = reliability_by_competency(
                reliability_rows(key, user), loop_competency_names(key), domain=domain
            )
            context["live"] = True
        else:
            results = snapshots.reliability_of(snapshot)
            context["snapshot"] = snapshot
        context |= {"loop": loop, "results": results, "excluded": excluded}
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
