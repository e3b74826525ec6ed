"""Demo scorecards from a data file (fixtures/demo/scorecards.yaml), written as interviewers would.

Each entry fills one person's scorecard through the same services the scorecard page
autosaves with, then submits it as that person. A scorecard already written in or
submitted is left alone, so `make run` twice changes nothing. The file is checked entry
by entry before anything is saved, and the load is one transaction.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from .models import QuestionNote, Scorecard
from .services import save_note, save_overall, save_rating, submit_scorecard

ENTRY_FIELDS = {"candidate", "stage", "person", "recommendation", "summary", "notes", "ratings"}


class DemoScorecardError(Exception):
    """The demo file is wrong: an unknown candidate, stage, person or competency."""


@dataclass
class Filled:
    submitted: int
    skipped: int

    def summary(self) -> str:
        if not self.submitted:
            return f"Demo scorecards: none new, {self.skipped} already there."
        return f"Demo scorecards: {self.submitted} submitted, {self.skipped} already there."


def load_demo_scorecards(path: str | Path) -> Filled:
    entries = (yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}).get("scorecards")
    if not isinstance(entries, list):
        raise DemoScorecardError(f"{path}: expected a list under “scorecards”.")
    with transaction.atomic():
        cards = [_scorecard(entry, f"scorecards[{i}]") for i, entry in enumerate(entries)]
        submitted = 0
        for entry, card in zip(entries, cards, strict=True):
            if card.is_untouched:
                _fill_and_submit(card, entry)
                submitted += 1
    return Filled(submitted=submitted, skipped=len(entries) - submitted)


def _scorecard(entry: Any, where: str) -> Scorecard:
    if not isinstance(entry, dict) or not ENTRY_FIELDS >= set(entry) >= ENTRY_FIELDS - {"notes"}:
        raise DemoScorecardError(f"{where}: expected the fields {sorted(ENTRY_FIELDS)}.")
    card = (
        Scorecard.objects.select_related("assignment__interview__application__loop")
        .filter(
            assignment__person__username=entry["person"],
            assignment__interview__stage__name=entry["stage"],
            assignment__interview__application__candidate__email=entry["candidate"],
            assignment__interview__application__candidate__erased_at__isnull=True,
        )
        .first()
    )
    if card is None:
        raise DemoScorecardError(
            f"{where}: {entry['person']} has no scorecard for {entry['candidate']} "
            f"at “{entry['stage']}” (load the demo candidates first)."
        )
    rated = set(card.ratings.values_list("competency__key", flat=True))
    if set(entry["ratings"]) != rated:
        raise DemoScorecardError(
            f"{where}: the stage rates {sorted(rated)}; the file gives {sorted(entry['ratings'])}."
        )
    return card


def _fill_and_submit(card: Scorecard, entry: dict) -> None:
    scale_id = card.assignment.interview.application.loop.scale_id
    for rating in card.ratings.select_related("competency"):
        given = entry["ratings"][rating.competency.key]
        save_rating(
            rating,
            score=given["score"],
            evidence=given["evidence"].strip(),
            not_assessed=False,
            reason="",
            base_revision=rating.revision,
            scale_id=scale_id,
        )
    for note in card.notes.select_related("planned__question"):
        if note.planned.is_backup:
            continue
        save_note(
            note,
            text=entry.get("notes", "").strip(),
            state=QuestionNote.State.ASKED,
            ticks=list(range(len(note.planned.question.checklist))),
            base_revision=note.revision,
        )
    card.refresh_from_db()
    save_overall(
        card,
        recommendation=entry["recommendation"],
        summary=entry["summary"].strip(),
        base_revision=card.overall_revision,
    )
    submit_scorecard(card, by=card.assignment.person)
