"""The candidate import's forms: the upload, and the manual column mapping."""

from django import forms

from accounts.validators import SafeForm
from interviews.models import Loop

from .presets import FIELDS, LABELS, NATIVE, PRESET_CHOICES
from .reading import MAX_BYTES


def published_loop_choices() -> list[tuple[str, str]]:
    """One choice per loop key with a published version (its newest published version)."""
    newest: dict[str, Loop] = {}
    for loop in Loop.objects.filter(status=Loop.Status.PUBLISHED).order_by("key", "-version"):
        newest.setdefault(loop.key, loop)
    return [("", "None: only rows with a loop column start an application")] + [
        (key, f"{loop.name} — {key} v{loop.version}")
        for key, loop in sorted(newest.items(), key=lambda item: item[1].name)
    ]


class CandidateUploadForm(SafeForm):
    file = forms.FileField(
        label="Candidate file (CSV)",
        help_text="Comma-separated, UTF-8, with a header row: see the format below.",
    )
    preset = forms.ChoiceField(
        label="Exported from",
        choices=PRESET_CHOICES,
        initial=NATIVE,
        help_text="Which system's column names the file uses. With “Other” you choose the "
        "columns on the next page.",
    )
    default_loop = forms.ChoiceField(
        label="Loop for rows without one",
        required=False,
        help_text="Start an application on this published loop for every row whose loop "
        "cell is empty (an ATS export has no loop column).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_loop"].choices = published_loop_choices()

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"This file is {upload.size:,} bytes; a candidate file may be at most "
                f"{MAX_BYTES:,}.",
                code="too_large",
            )
        self.filename = (upload.name or "")[:255]
        return upload.read()


class MappingForm(SafeForm):
    """One choice per field among the file's columns (none: the field is not imported)."""

    def __init__(self, *args, header: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "— not in the file —")] + [
            (name, name) for name in dict.fromkeys(h for h in header if h)
        ]
        for name in FIELDS:
            self.fields[name] = forms.ChoiceField(
                label=LABELS[name], choices=choices, required=False
            )
        self.fields["name"].help_text = "Or choose first name and last name below."
        self.fields["email"].help_text = "Required."

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("email"):
            self.add_error("email", "Choose the column that holds the email.")
        if not (cleaned.get("name") or cleaned.get("first_name") or cleaned.get("last_name")):
            self.add_error("name", "Choose the column that holds the name (or first and last).")
        chosen: dict[str, str] = {}
        for name in FIELDS:
            column = cleaned.get(name)
            if column and column in chosen:
                self.add_error(name, f"“{column}” is already chosen for {LABELS[chosen[column]]}.")
            elif column:
                chosen[column] = name
        return cleaned

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS if self.cleaned_data.get(name)}
