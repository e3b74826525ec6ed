"""Forms for candidates and applications: every input goes through one of these."""

import codecs
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat

from accounts.models import User
from accounts.permissions import COMMITTEE
from accounts.validators import SafeForm, SafeModelForm
from interviews.models import Loop
from rubrics.forms import LinesField

from .models import Application, Candidate

CV_EXTENSIONS = ("pdf", "doc", "docx", "odt", "txt")
# What each kind of file starts with; txt has no signature and must decode as UTF-8 instead.
CV_SIGNATURES = {
    "pdf": b"%PDF",
    "doc": b"\xd0\xcf\x11\xe0",  # OLE compound document (Word 97-2003)
    "docx": b"PK\x03\x04",  # a zip container
    "odt": b"PK\x03\x04",
}
CANDIDATES_PER_PAGE = 25


class CandidateSearchForm(SafeForm):
    """The candidate list's search: a plain GET form that htmx also submits as you type."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or email"}),
    )


class URLLinesField(LinesField):
    """Profile or portfolio links, one URL per line."""

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        check = URLValidator(schemes=["http", "https"])
        for line in value:
            try:
                check(line)
            except forms.ValidationError:
                raise forms.ValidationError(
                    f"“{line[:80]}” is not a web address (it should start with https://).",
                    code="invalid_url",
                ) from None


def check_cv(upload) -> None:
    """Refuse a CV that is too large, of another type, or whose content belies its extension."""
    limit = settings.CV_MAX_BYTES
    if upload.size > limit:
        raise forms.ValidationError(
            f"The file is {filesizeformat(upload.size)}; the largest accepted is "
            f"{filesizeformat(limit)}.",
            code="too_large",
        )
    extension = Path(upload.name).suffix.lower().lstrip(".")
    if extension not in CV_EXTENSIONS:
        raise forms.ValidationError(
            f"Upload a PDF, Word (.doc, .docx), OpenDocument (.odt) or plain text file, "
            f"not “.{extension or '(none)'}”.",
            code="extension",
        )
    if not _content_matches(upload, extension):
        raise forms.ValidationError(
            f"The file's content is not a {extension.upper()} document: "
            "check that it is the right file and not renamed.",
            code="content",
        )


def _content_matches(upload, extension: str) -> bool:
    upload.seek(0)
    try:
        if extension == "txt":
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                for chunk in upload.chunks():
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return False
            return True
        signature = CV_SIGNATURES[extension]
        return upload.read(len(signature)) == signature
    finally:
        upload.seek(0)


class CandidateForm(SafeModelForm):
    """A candidate's details. Without `notes`, recruiter notes are neither shown nor changed."""

    links = URLLinesField(
        required=False,
        max_length=500,
        label="Links",
        help_text="Profile or portfolio addresses, one per line.",
    )
    cv = forms.FileField(
        required=False,
        label="CV",
        help_text="PDF, Word, OpenDocument or plain text.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.doc,.docx,.odt,.txt"}),
    )
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="Create anyway",
        help_text="This is a different person who happens to share the address.",
    )

    class Meta:
        model = Candidate
        fields = ["name", "email", "links", "recruiter_notes"]
        help_texts = {"recruiter_notes": "Never shown to interviewers or the committee."}

    def __init__(self, *args, notes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text += f" At most {filesizeformat(settings.CV_MAX_BYTES)}."
        self.fields["links"].widget.attrs["rows"] = 3
        self.fields["recruiter_notes"].widget.attrs["rows"] = 5
        if not notes:
            del self.fields["recruiter_notes"]
        self.duplicates: list[Candidate] = []

    def clean_cv(self):
        upload = self.cleaned_data.get("cv")
        if not upload:
            return None
        check_cv(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        email_changed = self.instance.pk is None or "email" in self.changed_data
        if email and email_changed and not cleaned.get("confirm_duplicate"):
            from .services import duplicate_email

            others = duplicate_email(email, exclude=self.instance if self.instance.pk else None)
            self.duplicates = list(others.order_by("pk")[:5])
            if self.duplicates:
                self.add_error(
                    "confirm_duplicate",
                    "Another candidate has this email address. Tick “Create anyway” "
                    "if this is a different person.",
                )
        return cleaned

    def changes(self) -> dict:
        """The candidate fields to save (the CV travels separately)."""
        return {
            name: self.cleaned_data[name]
            for name in ("name", "email", "links", "recruiter_notes")
            if name in self.fields
        }


class CommitteeField(forms.ModelMultipleChoiceField):
    """Active members of the committee group, as checkboxes."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "queryset",
            User.objects.filter(groups__name=COMMITTEE, is_active=True)
            .distinct()
            .order_by("first_name", "last_name", "username"),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("label", "Committee")
        super().__init__(**kwargs)


class PublishedLoopField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Loop) -> str:
        return f"{obj.name} — v{obj.version} ({obj.role.name}, {obj.level.name})"


class ApplicationForm(SafeForm):
    """Start a candidate on a published loop version, with the committee who will review."""

    loop = PublishedLoopField(
        queryset=Loop.objects.filter(status=Loop.Status.PUBLISHED)
        .select_related("role", "level")
        .order_by("name", "-version"),
        empty_label="Choose a published loop",
        help_text="Only published loop versions take candidates.",
    )
    committee = CommitteeField(help_text="Who reviews the scorecards and decides. Optional.")

    def __init__(self, *args, candidate: Candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate

    def clean_loop(self) -> Loop:
        loop = self.cleaned_data["loop"]
        already = self.candidate.applications.filter(loop=loop).exclude(
            status__in=Application.CLOSED
        )
        if already.exists():
            raise forms.ValidationError(
                f"{self.candidate} is already going through this loop version.",
                code="duplicate_application",
            )
        return loop


class StatusForm(SafeForm):
    # "Erased" is set by erasing the candidate only.
    status = forms.ChoiceField(
        choices=[c for c in Application.Status.choices if c[0] != Application.Status.ERASED],
        label="Status",
    )


class CommitteeForm(SafeForm):
    committee = CommitteeField(help_text="Only people in the committee group are offered.")
