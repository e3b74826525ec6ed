"""The debrief packet: the committee's PDF, typeset by WeasyPrint from Django templates.

`render_packet_pdf(application)` returns the PDF and its page count;
`packet_fingerprint(application)` hashes what the packet says, so a packet made from
other scorecards (or another decision) is known to be stale.

Only submitted, non-shadow scorecards appear (DESIGN: the definitions). The statistics
come from `scoring.aggregate`, fed here in a fixed number of queries. Everything the
templates print that a person wrote goes through Django's autoescape, and WeasyPrint may
fetch nothing but our own static files (`StaticOnlyFetcher`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from candidates.models import Application, Assignment
from interviews.bars import bar_for
from interviews.models import LoopCompetency
from rubrics.anchors import loop_anchors
from rubrics.models import Level
from rubrics.views.browse import scale_rows

from . import aggregate
from .charts import CompetencyDotsChart, competency_dots_chart
from .committee import application_scorecards, specs_for
from .models import Amendment, Decision, QuestionNote, Rating, Recommendation, Scorecard

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

# Relative URLs in the packet resolve against this origin, which only our fetcher knows.
PACKET_ORIGIN = "https://packet.loopwright.invalid/"
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


# --- Public API -----------------------------------------------------------------------


def render_packet_pdf(application: Application) -> tuple[bytes, int]:
    """The packet's PDF bytes and its number of pages."""
    html = render_packet_html(application)
    document = HTML(string=html, base_url=PACKET_ORIGIN, url_fetcher=StaticOnlyFetcher()).render()
    return document.write_pdf(), len(document.pages)


def render_packet_html(application: Application) -> str:
    """The packet as the HTML WeasyPrint typesets (also handy to look at in a browser)."""
    return render_to_string("scoring/pdf/packet.html", packet_context(application))


def packet_fingerprint(application: Application) -> str:
    """sha256 of what the packet is made from: counted scorecards and the latest decision.

    Same content, same string: the JSON is canonical (sorted keys, rows in id order).
    Timestamps are left out except through the amendments themselves, so re-saving an
    unchanged scorecard does not make a packet stale.
    """
    cards = (
        _counted_scorecards(application)
        .prefetch_related("ratings", "notes", "amendments")
        .order_by("pk")
    )
    content: dict[str, Any] = {"scorecards": [_card_content(card) for card in cards]}
    decision = application.decisions.order_by("-at", "-pk").first()
    content["decision"] = (
        None
        if decision is None
        else {
            "id": decision.pk,
            "outcome": decision.outcome,
            "level": decision.level_id,
            "rationale": decision.rationale,
        }
    )
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _card_content(card: Scorecard) -> dict[str, Any]:
    return {
        "id": card.pk,
        "recommendation": card.recommendation,
        "summary": card.summary,
        "ratings": sorted(
            (
                [r.competency_id, r.score, r.evidence, r.not_assessed, r.not_assessed_reason]
                for r in card.ratings.all()
            ),
            key=lambda row: row[0],
        ),
        "notes": sorted(
            (
                [n.planned_id, n.text, n.state, sorted(n.ticks), n.backup_for_id, n.backup_reason]
                for n in card.notes.all()
            ),
            key=lambda row: row[0],
        ),
        "amendments": [
            [a.pk, a.by_id, a.reason, a.before, a.after]
            for a in sorted(card.amendments.all(), key=lambda a: a.pk)
        ],
    }


# --- Fetching: our static files and nothing else --------------------------------------


class StaticOnlyFetcher(URLFetcher):
    """Serves files under STATIC_URL from the static finders or STATIC_ROOT; refuses the rest.

    No network, no file:// anywhere, no data: URLs, no path escaping the static roots:
    a packet is made of our stylesheet and whatever the templates themselves contain.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("https",), allow_redirects=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_file_for(url)
        if path is None:
            raise ValueError(f"The packet may only use our static files, not {url[:200]}")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(
            url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
        )


def static_file_for(url: str) -> Path | None:
    """The static file a packet URL names, or None when it names anything else."""
    parts = urlsplit(url)
    origin = urlsplit(PACKET_ORIGIN)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
        return None
    if parts.query or not parts.path.startswith(prefix):
        return None
    relative = unquote(parts.path[len(prefix) :])
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative:
        return None
    if any(part in ("", ".", "..") for part in relative.split("/")):
        return None
    found = finders.find(relative)
    candidates = [Path(found)] if found else []
    if settings.STATIC_ROOT:
        candidates.append(Path(settings.STATIC_ROOT) / relative)
    roots = _static_roots()
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and any(resolved.is_relative_to(root) for root in roots):
            return resolved
    return None


def _static_roots() -> list[Path]:
    roots = [Path(d if isinstance(d, str | Path) else d[1]) for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location))
    return [root.resolve() for root in roots]


# --- Loading: a fixed number of queries -------------------------------------------------


def _counted_scorecards(application: Application):
    """The application's counted scorecards: what the committee reads."""
    return Scorecard.objects.counted().filter(assignment__interview__application=application)


@dataclass
class CardView:
    """One scorecard as the packet prints it."""

    scorecard: Scorecard
    number: int
    interviewer: str
    stage: str
    starts_at: Any
    ratings: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    amendments: list[dict] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"scorecard-{self.scorecard.pk}"

    @property
    def title(self) -> str:
        return f"{self.stage} — {self.interviewer}"


def packet_context(application: Application) -> dict[str, Any]:
    """Everything the packet's templates print, loaded in a fixed number of queries."""
    application = Application.objects.select_related(
        "candidate", "loop__role", "loop__level__ladder", "loop__scale"
    ).get(pk=application.pk)
    loop = application.loop
    points = list(loop.scale.points.order_by("-value"))
    loop_bar = loop.default_bar(points)
    loop_competencies = list(
        LoopCompetency.objects.filter(loop=loop)
        .select_related("competency")
        .order_by("order", "pk")
    )
    # The anchors the interviewer saw: the loop level's own where it has them.
    anchors = loop_anchors(loop)
    scales = {
        lc.competency_id: scale_rows(
            lc.competency, points, anchors=anchors.get(lc.competency_id, {})
        )
        for lc in loop_competencies
    }
    assignments = list(
        Assignment.objects.active()
        .filter(interview__application=application)
        .select_related("person", "interview__stage", "scorecard")
        .order_by("interview__stage__order", "interview__starts_at", "pk")
    )
    labels = {p.value: p.label for p in points}
    cards = _load_cards(application, assignments, scales, labels)
    # The committee page's specs, so both weigh and bar the competencies alike.
    specs = specs_for(loop_competencies, loop_bar)
    # The committee page's scorecard rows too: the same outstanding count and readiness
    # (a draft of a cancelled interview owes nothing).
    rows = [card.row for card in application_scorecards(application)]
    summary = aggregate.aggregate_application(
        specs, rows, _rating_rows(cards), another_stage=loop.second_opinion_from_another_stage
    )
    return {
        "application": application,
        "candidate": application.candidate,
        "loop": loop,
        "paper": _paper_size(),
        "generated_at": timezone.localtime(),
        "points": points,
        "labels": labels,
        "loop_bar": loop_bar,
        "aggregate": summary,
        "flagged": [c for c in summary.competencies if c.flagged],
        "unflagged": [c for c in summary.competencies if not c.flagged],
        "tally": _tally(summary.recommendations),
        "chart": _chart(summary, points),
        "cards": cards,
        "amended_cards": [c for c in cards if c.amendments],
        "levels": _levels(loop.level),
        "bars": [
            {
                "competency": lc.competency,
                "critical": lc.critical,
                "bar": bar.value,
                "bar_label": bar.label,
            }
            for lc in loop_competencies
            for bar in [bar_for(points, loop_bar=loop.bar, own=lc.bar)]
        ],
        "decision": _latest_decision(application),
        "rubric": [
            {"competency": lc.competency, "critical": lc.critical, "rows": scales[lc.competency_id]}
            for lc in loop_competencies
        ],
    }


def _paper_size() -> str:
    wanted = str(getattr(settings, "PACKET_PAPER_SIZE", "A4") or "A4")
    return PAPER_SIZES.get(wanted.lower(), "A4")


def _load_cards(application, assignments, scales, labels) -> list[CardView]:
    counted_ids = [
        a.scorecard.pk
        for a in assignments
        if not a.is_shadow and hasattr(a, "scorecard") and a.scorecard.is_submitted
    ]
    cards = (
        Scorecard.objects.filter(pk__in=counted_ids)
        .prefetch_related(
            Prefetch("ratings", queryset=Rating.objects.select_related("competency")),
            Prefetch(
                "notes",
                queryset=QuestionNote.objects.select_related(
                    "planned__question", "backup_for__question"
                ),
            ),
            Prefetch("amendments", queryset=Amendment.objects.select_related("by")),
        )
        .in_bulk()
    )
    views = []
    for assignment in assignments:
        card = cards.get(getattr(getattr(assignment, "scorecard", None), "pk", None))
        if card is None:
            continue
        views.append(
            CardView(
                scorecard=card,
                number=len(views) + 1,
                interviewer=str(assignment.person),
                stage=assignment.interview.stage.name,
                starts_at=assignment.interview.starts_at,
                ratings=[_rating_view(r, scales[r.competency_id]) for r in card.ratings.all()],
                notes=_note_views(card.notes.all()),
                amendments=[_amendment_view(a, labels) for a in card.amendments.all()],
            )
        )
    return views


RATING_PARTS = (
    ("score", "score"),
    ("not_assessed", "not assessed"),
    ("not_assessed_reason", "why not assessed"),
    ("evidence", "evidence"),
)


def _amendment_view(amendment: Amendment, labels: dict[int, str]) -> dict:
    """An amendment as rows of part, before and after, only for what changed."""
    changes = []
    for part in amendment.after:
        before, after = amendment.before.get(part), amendment.after.get(part)
        if isinstance(after, dict) or isinstance(before, dict):
            before, after = before or {}, after or {}
            for key, label in RATING_PARTS:
                if before.get(key) != after.get(key):
                    changes.append(
                        {
                            "part": f"{part}: {label}",
                            "before": _shown(key, before.get(key), labels),
                            "after": _shown(key, after.get(key), labels),
                        }
                    )
        else:
            names = dict(Recommendation.choices) if part == "recommendation" else {}
            changes.append(
                {
                    "part": part.replace("_", " ").capitalize(),
                    "before": names.get(before, before) or "—",
                    "after": names.get(after, after) or "—",
                }
            )
    return {"by": amendment.by, "at": amendment.at, "reason": amendment.reason, "changes": changes}


def _shown(key: str, value: Any, labels: dict[int, str]) -> str:
    if key == "score":
        return "—" if value is None else f"{value} · {labels.get(value, '')}".rstrip(" ·")
    if key == "not_assessed":
        return "yes" if value else "no"
    return value or "—"


def _rating_view(rating: Rating, scale: list[dict]) -> dict:
    point = next((row for row in scale if row["value"] == rating.score), None)
    return {"rating": rating, "point": point}


def _note_views(notes) -> list[dict]:
    notes = list(notes)
    replaced = {n.backup_for_id: n for n in notes if n.backup_for_id}
    views = []
    for note in notes:
        question = note.planned.question
        if note.planned.is_backup and not note.used_as_backup:
            continue  # a backup nobody used is not part of what happened
        checklist = [
            {"item": item, "covered": i in set(note.ticks)}
            for i, item in enumerate(question.checklist or [])
        ]
        views.append(
            {
                "note": note,
                "question": question,
                "checklist": checklist,
                "covered": sum(1 for c in checklist if c["covered"]),
                "missed": [c for c in checklist if not c["covered"]],
                "replaced_by": replaced.get(note.planned_id),
            }
        )
    return views


def _rating_rows(cards: list[CardView]) -> list[aggregate.RatingRow]:
    return [
        aggregate.RatingRow(
            scorecard_id=card.scorecard.pk,
            competency_id=view["rating"].competency_id,
            score=view["rating"].score,
            not_assessed=view["rating"].not_assessed,
            evidence=view["rating"].evidence,
        )
        for card in cards
        for view in card.ratings
    ]


def _tally(recommendations: dict[str, int]) -> list[dict]:
    names = dict(Recommendation.choices)
    return [
        {"value": value, "label": names.get(value, value), "count": recommendations.get(value, 0)}
        for value in reversed(aggregate.RECOMMENDATIONS)
    ]


def _chart(summary: aggregate.ApplicationAggregate, points) -> CompetencyDotsChart | None:
    """The scoring app's per-competency chart, when there is anything to draw."""
    if not summary.competencies or not points:
        return None
    scale = [(p.value, p.label) for p in sorted(points, key=lambda p: p.value)]
    return competency_dots_chart(summary.competencies, scale, chart_id="packet-chart")


def _levels(level: Level) -> dict[str, Any]:
    """The loop's level with the levels just below and above, and their expectations.

    Neighbours by position on the ladder, not by order number (orders may have gaps).
    """
    ladder = list(
        Level.objects.filter(ladder=level.ladder_id)
        .prefetch_related("expectations__dimension")
        .order_by("order")
    )
    at = next((i for i, lv in enumerate(ladder) if lv.pk == level.pk), 0)
    levels = ladder[max(0, at - 1) : at + 2]
    dimensions: dict[int, dict] = {}
    for lv in levels:
        for expectation in lv.expectations.all():
            dim = dimensions.setdefault(
                expectation.dimension_id,
                {"dimension": expectation.dimension, "texts": {}},
            )
            dim["texts"][lv.pk] = expectation.text
    rows = [
        {"dimension": d["dimension"], "texts": [d["texts"].get(lv.pk, "") for lv in levels]}
        for d in sorted(dimensions.values(), key=lambda d: d["dimension"].order)
    ]
    current_index = next((i for i, lv in enumerate(levels) if lv.pk == level.pk), 0)
    return {
        "levels": levels,
        "current": level,
        "current_index": current_index,
        "rows": rows,
        "summaries": any(lv.summary for lv in levels),
        "signals": any(lv.readiness_signals for lv in levels),
        "anti_patterns": any(lv.anti_patterns for lv in levels),
    }


def _latest_decision(application: Application) -> Decision | None:
    return application.decisions.select_related("level", "by").order_by("-at", "-pk").first()
