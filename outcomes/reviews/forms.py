"""The review form (one review of one hire) and the CSV upload form."""

from django import forms

from accounts.validators import SafeForm

from .importing import MAX_BYTES
from .services import COMMENT_MAX_CHARS, DEFAULT_SCALE_MAX, REVIEWER_MAX_CHARS, SCALE_MAX_LIMIT


class ReviewForm(SafeForm):
    """Date, reviewer, overall rating, scale, comment; one optional rating per competency.

    The rules beyond a field's own type (in the future, before the hire, on the scale)
    are the service's (`review_problems`), shown at the field they concern.
    """

    reviewed_on = forms.DateField(
        label="Review date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example 6 or 12 months after the hire.",
    )
    reviewer_name = forms.CharField(
        label="Reviewer", max_length=REVIEWER_MAX_CHARS, help_text="Who gave the review."
    )
    scale_max = forms.IntegerField(
        label="Scale runs from 1 to",
        min_value=2,
        max_value=SCALE_MAX_LIMIT,
        initial=DEFAULT_SCALE_MAX,
    )
    overall = forms.IntegerField(label="Overall rating", min_value=1, max_value=SCALE_MAX_LIMIT)
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Removed if the candidate's data is erased; the ratings stay, anonymised.",
    )

    def __init__(self, *args, competencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[self.rating_field(competency)] = forms.IntegerField(
                label=competency.name,
                required=False,
                min_value=1,
                max_value=SCALE_MAX_LIMIT,
                help_text="Optional; on the same scale.",
            )

    @staticmethod
    def rating_field(competency) -> str:
        return f"rating_{competency.pk}"

    def rating_fields(self):
        return [self[self.rating_field(c)] for c in self.competencies]

    def ratings(self) -> dict:
        return {
            c: self.cleaned_data[self.rating_field(c)]
            for c in self.competencies
            if self.cleaned_data.get(self.rating_field(c)) is not None
        }

    def field_for(self, problem_key: str) -> str | None:
        """The form field a service problem key ("rating:<key>", "overall"...) belongs to."""
        if problem_key.startswith("rating:"):
            key = problem_key.removeprefix("rating:")
            return next((self.rating_field(c) for c in self.competencies if c.key == key), None)
        return problem_key if problem_key in self.fields else None


class ReviewUploadForm(SafeForm):
    file = forms.FileField(
        label="Review file (CSV)",
        help_text="Comma-separated, UTF-8, with a header row: see the format below.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Only check the file and report what would change"
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size:,} bytes; a review file may be at most {MAX_BYTES:,}.",
                code="too_large",
            )
        return upload.read()
