"""The scorecard's parts as its pages show them: view-models, loaded in a fixed number of queries.

The live page, the read-only page and the amendment form all start from `load_parts`:
the notes in asking order, the ratings with the scale laid out against each
competency's anchors and bar, and the loop's bar. `place_missing` attaches the reasons
a submission was refused to the parts they concern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from interviews.bars import bar_for, meets_bar
from rubrics.anchors import loop_anchors
from rubrics.views.browse import scale_rows

from ..models import QuestionNote, Rating, Recommendation, Scorecard

if TYPE_CHECKING:
    from ..forms import BackupForm


@dataclass
class NoteView:
    """A planned question with its note, as the page shows it."""

    note: QuestionNote
    number: int | None  # None for a backup: it stands in for another
    values: dict[str, Any]
    error: str = ""
    replaced_by: NoteView | None = None
    replaces: NoteView | None = None
    backup_form: BackupForm | None = None
    status_html: str = ""
    # {question key: title} for the questions of this scorecard: bank files name other
    # questions by key ("use infra-backup instead"); interviewers read their titles.
    titles_for_keys: dict[str, str] = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.note.pk

    @property
    def planned(self):
        return self.note.planned

    @property
    def question(self):
        return self.note.planned.question

    @property
    def status_id(self) -> str:
        return f"note-{self.pk}-status"

    @property
    def part_state(self) -> str:
        return "saved" if self.note.revision else "idle"

    @property
    def interviewer_notes(self) -> str:
        return titled(self.question.interviewer_notes, self.titles_for_keys)

    @property
    def backup_condition(self) -> str:
        return titled(self.planned.backup_condition, self.titles_for_keys)

    @property
    def checklist(self) -> list[dict]:
        ticks = set(self.values["ticks"])
        return [
            {"index": i, "text": text, "ticked": i in ticks}
            for i, text in enumerate(self.question.checklist)
        ]


@dataclass
class RatingView:
    """A competency's rating with the scale laid out against its anchors."""

    rating: Rating
    bar: int | None
    bar_label: str
    critical: bool
    rows: list[dict]
    values: dict[str, Any]
    error: str = ""
    evidence_error: str = ""
    status_html: str = ""

    @property
    def pk(self) -> int:
        return self.rating.pk

    @property
    def meets(self) -> bool | None:
        """Whether the rating's score meets its bar (None: no score or no bar)."""
        return meets_bar(self.rating.score, self.bar)

    @property
    def competency(self):
        return self.rating.competency

    @property
    def status_id(self) -> str:
        return f"rating-{self.pk}-status"

    @property
    def part_state(self) -> str:
        return "saved" if self.rating.revision else "idle"

    @property
    def score_label(self) -> str:
        return next((r["label"] for r in self.rows if r["value"] == self.rating.score), "")


@dataclass
class Parts:
    notes: list[NoteView]
    ratings: list[RatingView]
    bar: int | None
    bar_label: str
    points: list = field(default_factory=list)

    @property
    def planned(self) -> list[NoteView]:
        return [n for n in self.notes if not n.planned.is_backup]

    @property
    def backups(self) -> list[NoteView]:
        return [n for n in self.notes if n.planned.is_backup]

    @property
    def in_asking_order(self) -> list[NoteView]:
        """The planned questions in order, a swapped-in backup in the place of the one it
        replaced (followed by that one, marked replaced, its notes kept)."""
        ordered = []
        for view in self.planned:
            if view.replaced_by is not None:
                ordered.append(view.replaced_by)
            ordered.append(view)
        return ordered

    @property
    def spare_backups(self) -> list[NoteView]:
        """Backups not swapped in: listed after the planned questions, ready to swap."""
        return [n for n in self.backups if n.replaces is None]

    @property
    def page_order(self) -> list[NoteView]:
        return self.in_asking_order + self.spare_backups

    def note(self, pk) -> NoteView | None:
        return next((n for n in self.notes if str(n.pk) == str(pk)), None)

    def rating(self, pk) -> RatingView | None:
        return next((r for r in self.ratings if str(r.pk) == str(pk)), None)


def load_parts(scorecard: Scorecard) -> Parts:
    """Notes, ratings, the scale, the bars and the anchors: seven queries, whatever their number.

    Ratings come in the loop's order of competencies, critical ones first; each point's
    anchor is the loop's (rubrics.anchors.loop_anchors: a level's own overrides the
    competency's).
    """
    loop = scorecard.assignment.interview.application.loop
    notes = list(
        scorecard.notes.select_related("planned__question__primary_competency").prefetch_related(
            "planned__question__anchors", "planned__question__secondary_competencies"
        )
    )
    points = list(loop.scale.points.order_by("-value"))
    loop_bar = bar_for(points, loop_bar=loop.bar)
    views = numbered_notes(notes)
    by_planned = {v.planned.pk: v for v in views}
    for view in views:
        if view.note.backup_for_id and view.note.backup_for_id in by_planned:
            view.replaces = by_planned[view.note.backup_for_id]
            view.replaces.replaced_by = view
    keys = {v.question.key: v.question.title for v in views}
    for view in views:
        view.titles_for_keys = keys
    anchors = loop_anchors(loop)
    items = {item.competency_id: item for item in loop.loop_competencies.all()}
    rating_views = []
    for rating in scorecard.ratings.select_related("competency"):
        item = items.get(rating.competency_id)
        bar = bar_for(points, loop_bar=loop.bar, own=item.bar if item is not None else None)
        rows = scale_rows(
            rating.competency, points, bar.value, anchors=anchors.get(rating.competency_id, {})
        )
        rating_views.append(
            RatingView(
                rating=rating,
                bar=bar.value,
                bar_label=bar.label,
                critical=bool(item and item.critical),
                rows=rows,
                values=rating.form_values(),
            )
        )
    rating_views.sort(key=lambda view: loop_order(items.get(view.rating.competency_id)))
    return Parts(views, rating_views, loop_bar.value, loop_bar.label, points)


def loop_order(item) -> tuple:
    """Where a competency's rating goes: critical ones first, then the loop's own order."""
    if item is None:  # not (or no longer) on the loop: last
        return (2, 0, 0)
    return (0 if item.critical else 1, item.order, item.pk)


def titled(text: str, titles: dict[str, str]) -> str:
    """`text` with each question key it names replaced by that question's title, quoted."""
    if not text or not titles:
        return text
    pattern = "|".join(re.escape(key) for key in sorted(titles, key=len, reverse=True))
    return re.sub(rf"(?<![\w-])({pattern})(?![\w-])", lambda m: f"“{titles[m.group(1)]}”", text)


def numbered_notes(notes: list[QuestionNote]) -> list[NoteView]:
    """Each note's view, numbered in asking order; a backup has no number (it stands in)."""
    views, number = [], 0
    for note in notes:
        if not note.planned.is_backup:
            number += 1
        number_shown = None if note.planned.is_backup else number
        views.append(NoteView(note=note, number=number_shown, values=note.form_values()))
    return views


def place_missing(parts: Parts, missing: dict[str, str]) -> list[dict]:
    """Attach each message to its part; the summary list, in page order, linking to each."""
    summary = []
    for view in parts.notes:
        message = missing.get(f"note-{view.pk}")
        if message:
            view.error = message
            summary.append(
                {
                    "target": f"note-{view.pk}-state-open",
                    "what": view.question.title,
                    "message": message,
                }
            )
    for view in parts.ratings:
        summary += _place_rating_missing(view, missing)
    for key, target, what in (
        ("recommendation", "overall-recommendation-0", "Recommendation"),
        ("summary", "overall-summary", "Summary"),
    ):
        if key in missing:
            summary.append({"target": target, "what": what, "message": missing[key]})
    return summary


def _place_rating_missing(view: RatingView, missing: dict[str, str]) -> list[dict]:
    summary = []
    message = missing.get(f"rating-{view.pk}")
    evidence = missing.get(f"rating-{view.pk}-evidence")
    name = view.competency.name
    if message:
        view.error = message
        first = f"rating-{view.pk}-score-{view.rows[0]['value']}" if view.rows else ""
        summary.append({"target": first, "what": name, "message": message})
    if evidence:
        view.evidence_error = evidence
        target = f"rating-{view.pk}-evidence"
        summary.append({"target": target, "what": f"{name}: evidence", "message": evidence})
    return summary


def page_context(scorecard: Scorecard) -> dict:
    """What every scorecard page shows around its parts: who, which stage, which loop."""
    assignment = scorecard.assignment
    interview = assignment.interview
    application = interview.application
    return {
        "scorecard": scorecard,
        "assignment": assignment,
        "interview": interview,
        "stage": interview.stage,
        "application": application,
        "candidate": application.candidate,
        "loop": application.loop,
        "recommendations": Recommendation.choices,
        "states": QuestionNote.State.choices,
    }


def back_to(request: HttpRequest, scorecard: Scorecard, anchor: str = "") -> HttpResponse:
    """Back to the scorecard's page (at `anchor`): a redirect, or htmx's whole-page one."""
    url = reverse("scoring:scorecard", args=[scorecard.pk]) + (f"#{anchor}" if anchor else "")
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)
