"""Chart geometry, computed in Python so the SVG templates only draw.

Two charts, server-rendered as SVG (readable without JavaScript, no style attributes
under the CSP, and self-contained for the WeasyPrint packet):

- `competency_dots_chart(summaries, scale)`: one application, a row per competency,
  the scale across, a labelled dot per interviewer, the bar as a vertical line, rows
  with a disagreement or a gap highlighted. Fed with `aggregate_application(...)`'s
  `competencies`; drawn by templates/scoring/charts/_competency_dots.svg.html.
- `leniency_chart(points, name=...)`: an interviewer's leniency over time around a
  zero line. Fed with `calibration.leniency_by_month(...)` (or `_by_scorecard`);
  drawn by templates/scoring/charts/_leniency.svg.html.

Include a template with `{% include "scoring/charts/_competency_dots.svg.html" with
chart=chart %}`. Colours and fonts are SVG presentation attributes (so the PDF needs
no stylesheet); every element also carries a `chart-…` class for app.css to refine.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from scoring.aggregate import CompetencySummary
from scoring.calibration import LeniencyPoint

FONT = "DejaVu Sans, Verdana, system-ui, sans-serif"

# A calm palette: slate ink, pale washes for flagged rows, one teal accent for the bar.
# Passed to the templates as `chart.colors` so the PDF needs no stylesheet.
COLORS = {
    "ink": "#2f3b48",
    "muted": "#596470",  # 5.3:1 on the disagreement wash (WCAG AA for small text)
    "grid": "#d9dee4",
    "bar": "#0f766e",
    "disagreement": "#fbefd9",
    "gap": "#edf0f4",
    "dot": "#3d5a80",
    "dot_text": "#ffffff",
    "lenient": "#b45309",
    "severe": "#1d4ed8",
    "line": "#9aa5b1",
}


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    initials: str
    title: str  # the tooltip and the screen reader's text: who, which stage, what score


@dataclass(frozen=True)
class DotRow:
    top: float
    height: float
    middle: float
    bottom: float
    bar_top: float
    bar_bottom: float
    label: str
    critical: bool
    dots: tuple[Dot, ...]
    bar_x: float | None
    note: str  # right-hand column: "median 3.5 · below the bar"
    unassessed: str  # "2 not assessed", or ""
    flags: str  # "disagreement", "gap", "disagreement · gap" or ""
    wash: str | None  # background fill for a flagged row
    css: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float
    text_x: float
    initials: str
    name: str


@dataclass(frozen=True)
class CompetencyDotsChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    label_x: float
    note_x: float
    rows: tuple[DotRow, ...]
    ticks: tuple[Tick, ...]
    axis_caption: str
    legend: tuple[LegendItem, ...]
    legend_y: float
    dot_radius: float
    tick_label_y: float
    caption_y: float
    key: tuple[float, float, float]  # the bar's legend: x, top, bottom
    font: str = FONT
    colors: dict[str, str] = field(default_factory=lambda: dict(COLORS))


# --- (a) per-competency dots for one application ------------------------------------

WIDTH = 660
LABEL_X = 12
PLOT_LEFT = 200
PLOT_RIGHT = 450
NOTE_X = 472
TOP = 12
ROW_MIN = 38
DOT_R = 10
STACK_STEP = 22
LEGEND_COLUMNS = 3
LEGEND_LINE = 20


def competency_dots_chart(
    summaries: Sequence[CompetencySummary],
    scale: Sequence[tuple[int, str]],
    *,
    chart_id: str = "competency-dots",
    title: str = "Scores per competency",
) -> CompetencyDotsChart:
    """Lay out one application's scores: rows top to bottom in the order given.

    `scale` is the loop's scale as (value, label) pairs, lowest first. Interviewers are
    shown by initials in the dots and named in the legend, so the chart reads the
    same printed as on screen (no hover needed).
    """
    values = [v for v, _ in scale]
    x_of = _scale_x(min(values), max(values))
    initials = _initials_for([e.interviewer for s in summaries for e in s.entries])
    rows, y = [], float(TOP)
    for summary in summaries:
        row = _dot_row(summary, y, x_of, initials)
        rows.append(row)
        y += row.height
    plot_bottom = y
    legend, legend_y = _legend(initials, plot_bottom + 52)
    height = int(legend_y + LEGEND_LINE * math.ceil(len(legend) / LEGEND_COLUMNS) + 8)
    return CompetencyDotsChart(
        chart_id=chart_id,
        title=title,
        desc=_dots_desc(summaries),
        width=WIDTH,
        height=height,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        label_x=LABEL_X,
        note_x=NOTE_X,
        rows=tuple(rows),
        ticks=tuple(Tick(x_of(v), str(v)) for v in values),
        axis_caption=f"score: {scale[0][0]} {scale[0][1]} to {scale[-1][0]} {scale[-1][1]}",
        legend=legend,
        legend_y=legend_y,
        dot_radius=DOT_R,
        tick_label_y=plot_bottom + 16,
        caption_y=plot_bottom + 32,
        key=(NOTE_X, plot_bottom + 21, plot_bottom + 35),
    )


def _scale_x(low: int, high: int):
    """Map a score to x, with half a step of margin so end dots stay inside the plot."""
    span = max(high - low, 1)
    step = (PLOT_RIGHT - PLOT_LEFT) / (span + 1)

    def x_of(value: float) -> float:
        return round(PLOT_LEFT + step * (value - low + 0.5), 1)

    return x_of


def _dot_row(summary: CompetencySummary, top: float, x_of, initials: dict[str, str]) -> DotRow:
    scored = [e for e in summary.entries if e.score is not None]
    stacks: dict[int, int] = {}
    for e in scored:
        stacks[e.score] = stacks.get(e.score, 0) + 1
    height = max(ROW_MIN, max(stacks.values(), default=1) * STACK_STEP + 16)
    middle = top + height / 2
    seen: dict[int, int] = {}
    dots = []
    for e in scored:
        depth, seen[e.score] = seen.get(e.score, 0), seen.get(e.score, 0) + 1
        offset = (depth - (stacks[e.score] - 1) / 2) * STACK_STEP
        stage = f", {e.stage}" if e.stage else ""
        dots.append(
            Dot(
                x_of(e.score),
                round(middle + offset, 1),
                initials[e.interviewer],
                f"{e.interviewer}{stage}: {e.score}",
            )
        )
    flags = " · ".join(
        f for f, on in (("disagreement", summary.disagreement), ("gap", summary.gap)) if on
    )
    wash = (
        COLORS["disagreement"] if summary.disagreement else COLORS["gap"] if summary.gap else None
    )
    css = " ".join(["chart-row"] + [f"chart-row--{f}" for f in flags.split(" · ") if f])
    return DotRow(
        top=top,
        height=height,
        middle=middle,
        bottom=top + height,
        bar_top=top + 4,
        bar_bottom=top + height - 4,
        label=summary.name,
        critical=summary.competency.critical,
        dots=tuple(dots),
        bar_x=None if summary.bar is None else x_of(summary.bar),
        note=_row_note(summary),
        unassessed=f"{summary.not_assessed} not assessed" if summary.not_assessed else "",
        flags=flags,
        wash=wash,
        css=css,
    )


def _row_note(summary: CompetencySummary) -> str:
    """The right-hand text: where the median stands against the bar."""
    if summary.median is None:
        return "no scores"
    verdict = {"meets": "meets the bar", "below": "below the bar", "unknown": "no bar"}
    return f"median {summary.median:g} · {verdict[summary.bar_status]}"


def _initials_for(names: Sequence[str]) -> dict[str, str]:
    """Short labels for the dots, each a different one: "Ana Lee" → "AL".

    Where initials clash, every name sharing them takes more of its letters ("Ana Lee"
    and "Alex Li" → "ALe", "ALi"; else "AnL", "AlL"; else "Ana", "Ale"), so no label
    reads as another's with a number added. Only names still alike after that are
    numbered, all of them ("AL1", "AL2"). Three letters at most: they sit inside a dot.
    """
    options = {name: _label_options(name) for name in dict.fromkeys(names)}
    level = dict.fromkeys(options, 0)
    while True:
        groups: dict[str, list[str]] = {}
        for name, depth in level.items():
            groups.setdefault(options[name][depth], []).append(name)
        clashing = [n for group in groups.values() if len(group) > 1 for n in group]
        movable = [n for n in clashing if level[n] + 1 < len(options[n])]
        if not movable:
            break
        for name in movable:
            level[name] += 1
    labels = {name: options[name][depth] for name, depth in level.items()}
    alike = Counter(labels.values())
    numbered: Counter[str] = Counter()
    for name, label in labels.items():
        if alike[label] > 1:
            numbered[label] += 1
            labels[name] = f"{options[name][0]}{numbered[label]}"
    return labels


def _label_options(name: str) -> list[str]:
    """Labels for `name`, tried in turn: initials, then more letters of the last or first word."""
    words = re.findall(r"[^\W\d_]+", name)  # letters only: "O'Brien & <Co>" → OC
    if not words:
        return ["?"]
    first, last = words[0], words[-1]
    if len(words) == 1:
        return list(dict.fromkeys([first[:2].upper(), first[:3].capitalize()]))
    initials = (first[0] + last[0]).upper()
    return list(
        dict.fromkeys(
            [
                initials,
                initials + last[1:2].lower(),
                first[0].upper() + first[1:2] + last[0].upper(),
                first[:3].capitalize(),
            ]
        )
    )


def _legend(initials: dict[str, str], top: float) -> tuple[tuple[LegendItem, ...], float]:
    column = (WIDTH - 2 * LABEL_X) / LEGEND_COLUMNS
    items = tuple(
        LegendItem(
            x=round(LABEL_X + DOT_R + column * (i % LEGEND_COLUMNS), 1),
            y=round(top + LEGEND_LINE * (i // LEGEND_COLUMNS), 1),
            text_x=round(LABEL_X + DOT_R + column * (i % LEGEND_COLUMNS) + DOT_R + 6, 1),
            initials=label,
            name=name,
        )
        for i, (name, label) in enumerate(initials.items())
    )
    return items, top


def _dots_desc(summaries: Sequence[CompetencySummary]) -> str:
    """The whole chart in words, for screen readers and for a PDF's text layer."""
    parts = []
    for s in summaries:
        scores = ", ".join(f"{e.interviewer} {e.score}" for e in s.entries if e.score is not None)
        bar = f"; bar {s.bar}" if s.bar is not None else ""
        flags = "".join(
            f"; {f}" for f, on in (("disagreement", s.disagreement), ("gap", s.gap)) if on
        )
        parts.append(f"{s.name}: {scores or 'no scores'}{bar}{flags}.")
    return " ".join(parts)


# --- (b) an interviewer's leniency over time ----------------------------------------


@dataclass(frozen=True)
class LeniencyMark:
    x: float
    y: float
    r: float
    title: str
    lenient: bool


@dataclass(frozen=True)
class LeniencyChart:
    chart_id: str
    title: str
    desc: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    zero_y: float
    marks: tuple[LeniencyMark, ...]
    line: str  # the polyline's points attribute
    y_ticks: tuple[Tick, ...]  # Tick.x holds the y coordinate here
    x_labels: tuple[Tick, ...]
    empty: bool
    font: str = FONT
    colors: dict[str, str] = field(default_factory=lambda: dict(COLORS))


L_WIDTH = 640
L_HEIGHT = 240
L_LEFT = 56
L_RIGHT = 610
L_TOP = 20
L_BOTTOM = 196


def leniency_chart(
    points: Sequence[LeniencyPoint],
    *,
    name: str,
    chart_id: str = "leniency",
) -> LeniencyChart:
    """Lay out leniency points left to right (oldest first) on a symmetric y axis.

    The axis is symmetric around zero so lenient and severe look equally far; it
    spans at least ±1 scale point so small wobbles do not look dramatic.
    """
    limit = _axis_limit(max((abs(p.leniency) for p in points), default=0.0))
    y_of = _linear(-limit, limit, L_BOTTOM, L_TOP)
    x_of = _spread(len(points))
    marks = tuple(
        LeniencyMark(
            x=x_of(i),
            y=y_of(p.leniency),
            r=round(min(7.0, 3.0 + math.sqrt(p.comparisons)), 1),
            title=f"{p.label}: {p.leniency:+.2f} over {p.comparisons} comparison"
            + ("s" if p.comparisons != 1 else ""),
            lenient=p.leniency >= 0,
        )
        for i, p in enumerate(points)
    )
    return LeniencyChart(
        chart_id=chart_id,
        title=f"Leniency of {name} over time",
        desc=_leniency_desc(name, points),
        width=L_WIDTH,
        height=L_HEIGHT,
        plot_left=L_LEFT,
        plot_right=L_RIGHT,
        plot_top=L_TOP,
        plot_bottom=L_BOTTOM,
        zero_y=y_of(0),
        marks=marks,
        line=" ".join(f"{m.x},{m.y}" for m in marks),
        y_ticks=tuple(Tick(y_of(v), _signed(v)) for v in _y_values(limit)),
        x_labels=_x_labels(points, x_of),
        empty=not points,
    )


def _axis_limit(largest: float) -> float:
    """At least ±1; in half points up to ±1.5, whole points beyond (so ticks reach the edge)."""
    if largest <= 1.5:
        return max(1.0, math.ceil(largest * 2) / 2)
    return float(math.ceil(largest))


def _signed(value: float) -> str:
    """+0.5, 0, −0.5: a real minus sign, so the sign reads as clearly as the plus."""
    return "0" if value == 0 else f"{value:+g}".replace("-", "−")


def _linear(low: float, high: float, out_low: float, out_high: float):
    def scale(value: float) -> float:
        return round(out_low + (value - low) * (out_high - out_low) / (high - low), 1)

    return scale


def _spread(count: int):
    """Evenly spaced x positions with a margin, a single point in the middle."""
    inner_left, inner_right = L_LEFT + 24, L_RIGHT - 24

    def x_of(i: int) -> float:
        if count <= 1:
            return round((inner_left + inner_right) / 2, 1)
        return round(inner_left + i * (inner_right - inner_left) / (count - 1), 1)

    return x_of


def _y_values(limit: float) -> list[float]:
    step = 0.5 if limit <= 1.5 else 1.0
    n = int(limit / step)
    return [k * step for k in range(-n, n + 1)]


def _x_labels(points: Sequence[LeniencyPoint], x_of) -> tuple[Tick, ...]:
    """Every label when they fit, else every n-th (always the first and the last)."""
    every = max(1, math.ceil(len(points) / 8))
    keep = {i for i in range(0, len(points), every)} | ({len(points) - 1} if points else set())
    return tuple(Tick(x_of(i), p.label) for i, p in enumerate(points) if i in keep)


def _leniency_desc(name: str, points: Sequence[LeniencyPoint]) -> str:
    if not points:
        return f"No comparisons yet for {name}."
    listed = "; ".join(f"{p.label} {p.leniency:+.2f} ({p.comparisons})" for p in points)
    return (
        f"{name}'s scores minus the rest of the panel's mean, per period, with the number of"
        f" comparisons: {listed}. Above zero is lenient, below is severe."
    )
