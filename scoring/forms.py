"""The scorecard's forms: each autosaved part, the no-JavaScript part picker, the backup
swap and the amendment of a submitted scorecard.

The page's view-models (scoring/views/scorecard_parts.py) give the backup and amendment
forms their choices; the forms know nothing of requests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError

from accounts.validators import SafeForm

from . import services
from .models import QuestionNote, Recommendation, Scorecard

if TYPE_CHECKING:
    from .views.scorecard_parts import NoteView, Parts

REASON_MAX_CHARS = 2000


# --- Autosaved parts ------------------------------------------------------------------


# A day: more on one question is a clock left running, not an interview.
SECONDS_MAX = 24 * 60 * 60


class NoteForm(SafeForm):
    """A question's note; with JavaScript also the live clock's seconds on the question.

    `clock_only`: the clock sends its time alone (nothing typed changed): only
    `seconds` is kept, without a revision check (services.record_seconds).
    """

    text = forms.CharField(required=False, strip=False, max_length=services.NOTE_MAX_CHARS)
    state = forms.ChoiceField(choices=QuestionNote.State.choices, required=False)
    ticks = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())
    revision = forms.IntegerField(min_value=0)
    seconds = forms.IntegerField(min_value=0, max_value=SECONDS_MAX, required=False)
    clock_only = forms.BooleanField(required=False)

    def __init__(self, *args, checklist: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticks"].choices = [(i, item) for i, item in enumerate(checklist)]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("clock_only") and data.get("seconds") is None:
            self.add_error("seconds", "The clock sent no time to keep.")
        return data


class RatingForm(SafeForm):
    score = forms.CharField(required=False)
    evidence = forms.CharField(required=False, strip=False, max_length=services.EVIDENCE_MAX_CHARS)
    not_assessed = forms.BooleanField(required=False)
    not_assessed_reason = forms.CharField(required=False, strip=False, max_length=REASON_MAX_CHARS)
    revision = forms.IntegerField(min_value=0)


class OverallForm(SafeForm):
    recommendation = forms.ChoiceField(
        choices=[("", "Not yet"), *Recommendation.choices], required=False
    )
    summary = forms.CharField(required=False, strip=False, max_length=services.NOTE_MAX_CHARS)
    revision = forms.IntegerField(min_value=0)


class PartForm(SafeForm):
    """Which part a form posted without JavaScript is (scoring:part_save)."""

    part = forms.RegexField(regex=r"^(note-\d+|rating-\d+|overall)$")


# --- The backup question --------------------------------------------------------------


class BackupForm(SafeForm):
    """Ask a backup question instead of a planned one, and say why."""

    backup = forms.IntegerField(widget=forms.HiddenInput)
    instead_of = forms.TypedChoiceField(coerce=int, label="Instead of")
    reason = forms.CharField(
        max_length=REASON_MAX_CHARS,
        label="Why",
        help_text="E.g. no on-call experience.",
        error_messages={"required": "Say why the backup is asked (e.g. no on-call experience)."},
    )

    def __init__(self, *args, parts: Parts, backup: NoteView, **kwargs):
        kwargs.setdefault("initial", {"backup": backup.pk})
        kwargs.setdefault("auto_id", f"backup-{backup.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["instead_of"].choices = [
            (v.pk, f"{v.number}. {v.question.title}") for v in parts.planned
        ]


# --- Amendments -----------------------------------------------------------------------

RATING_FIELDS = ("score", "evidence", "not_assessed", "not_assessed_reason")


class AmendForm(SafeForm):
    """The ratings and the overall part of a submitted scorecard, and why they change."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, widget=forms.RadioSelect, label="Recommendation"
    )
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        strip=False,
        max_length=services.NOTE_MAX_CHARS,
        required=False,
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_CHARS,
        label="Why you amend it",
        help_text="Kept with the amendment and shown to everyone who reads this scorecard.",
        error_messages={"required": "Say why you amend a submitted scorecard."},
    )

    def __init__(self, *args, scorecard: Scorecard, parts: Parts, **kwargs):
        initial = {"recommendation": scorecard.recommendation, "summary": scorecard.summary}
        for view in parts.ratings:
            rating = view.rating
            initial |= {
                f"rating-{rating.pk}-score": rating.score if rating.score is not None else "",
                f"rating-{rating.pk}-evidence": rating.evidence,
                f"rating-{rating.pk}-not_assessed": rating.not_assessed,
                f"rating-{rating.pk}-not_assessed_reason": rating.not_assessed_reason,
            }
        super().__init__(*args, initial=initial, auto_id="amend-%s", **kwargs)
        self.parts = parts
        for view in parts.ratings:
            self._add_rating_fields(view)

    def _add_rating_fields(self, view) -> None:
        prefix = f"rating-{view.pk}"
        self.fields[f"{prefix}-score"] = forms.TypedChoiceField(
            coerce=int,
            empty_value=None,
            required=False,
            widget=forms.RadioSelect,
            choices=[(row["value"], f"{row['value']} {row['label']}") for row in view.rows],
            label=f"{view.competency.name}: score",
        )
        self.fields[f"{prefix}-evidence"] = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            required=False,
            strip=False,
            max_length=services.EVIDENCE_MAX_CHARS,
            label="Evidence",
        )
        self.fields[f"{prefix}-not_assessed"] = forms.BooleanField(
            required=False, label="Not assessed"
        )
        self.fields[f"{prefix}-not_assessed_reason"] = forms.CharField(
            required=False, max_length=REASON_MAX_CHARS, label="Why not assessed"
        )

    def rating_fields(self) -> list[dict]:
        return [
            {"view": view, **{name: self[f"rating-{view.pk}-{name}"] for name in RATING_FIELDS}}
            for view in self.parts.ratings
        ]

    def changes(self) -> tuple[dict[int, dict], dict]:
        data = self.cleaned_data
        ratings = {
            view.pk: {name: data[f"rating-{view.pk}-{name}"] for name in RATING_FIELDS}
            for view in self.parts.ratings
        }
        return ratings, {"recommendation": data["recommendation"], "summary": data["summary"]}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for key, messages_ in error.message_dict.items():
            name = key
            if key.startswith("rating-") and not key.endswith("-evidence"):
                name = f"{key}-score"
            for message in messages_:
                self.add_error(name if name in self.fields else None, message)
