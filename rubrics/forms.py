from django import forms

from accounts.validators import SafeForm, column_max, items_problems, shown

from .models import Bank, Competency, Level, Question, Tag


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"{obj.ladder.name}: {obj.name}"


class QuestionFilterForm(SafeForm):
    """The question bank's filters: a plain GET form that htmx also submits live."""

    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Words in title, prompt or goal"}
        ),
    )
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.active().order_by("name"),
        to_field_name="key",
        required=False,
        empty_label="Any competency",
    )
    level = LevelChoiceField(
        queryset=Level.objects.select_related("ladder").order_by("ladder__name", "order"),
        required=False,
        empty_label="Any level",
    )
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Question.Kind.choices], required=False)
    tag = forms.ModelChoiceField(
        queryset=Tag.objects.order_by("name"),
        to_field_name="key",
        required=False,
        empty_label="Any tag",
    )
    bank = forms.ModelChoiceField(
        queryset=Bank.objects.order_by("name"),
        to_field_name="key",
        required=False,
        empty_label="Any bank",
    )

    def filter(self, questions):
        """Narrow a Question queryset by the valid filters (all of them must hold)."""
        data = self.cleaned_data
        return questions.matching(
            text=data.get("q", ""),
            competency=data.get("competency"),
            level=data.get("level"),
            kind=data.get("kind", ""),
            tag=data.get("tag"),
            bank=data.get("bank"),
        )


class LinesField(forms.Field):
    """A list of short texts, edited one per line in a textarea (blank lines dropped)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *, min_items: int = 0, max_length: int = 500, **kwargs):
        self.min_items = min_items
        self.max_length = max_length
        kwargs.setdefault("required", min_items > 0)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        if len(value) < self.min_items:
            raise forms.ValidationError(
                f"Write at least {self.min_items}, one per line."
                if self.min_items > 1
                else "Write at least one, one per line.",
                code="min_items",
            )
        # Each line checked on its own (the shared text check), named by its position.
        problems = items_problems(value, max_length=self.max_length)
        if problems:
            raise forms.ValidationError(problems, code="unsafe_line")
        duplicates = sorted({v for v in value if value.count(v) > 1})
        if duplicates:
            raise forms.ValidationError(
                f"“{shown(duplicates[0])}” is written twice.", code="duplicate"
            )


class TagsField(forms.CharField):
    """Topic tags as comma-separated words; stored as slug keys."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(getattr(t, "key", t) for t in value)
        return value

    def to_python(self, value) -> list[str]:
        from django.utils.text import slugify

        words = [w.strip() for w in (super().to_python(value) or "").split(",")]
        keys = []
        longest = column_max(Tag, "key")
        for position, word in enumerate(words, start=1):
            key = slugify(word)
            if word and not key:
                raise forms.ValidationError(
                    f"Tag {position} (“{shown(word, 40)}”) has no letters or digits "
                    "to make a tag of."
                )
            if len(key) > longest:
                raise forms.ValidationError(
                    f"Tag {position} (“{shown(word, 40)}”) is too long "
                    f"({len(key)} characters, at most {longest})."
                )
            if key and key not in keys:
                keys.append(key)
        return keys


def anchor_values(*existing: dict[int, str]) -> list[int]:
    """The score values anchors can be written for: every current scale's points, best first."""
    from .models import ScalePoint

    values = set(
        ScalePoint.objects.filter(scale__current=True, scale__archived=False).values_list(
            "value", flat=True
        )
    )
    for anchors in existing:
        values |= set(anchors)
    return sorted(values or {5, 4, 3, 2, 1}, reverse=True)


class AnchorFieldsMixin:
    """One optional textarea per scale value: the behaviour that earns that score."""

    anchor_help = (
        "Observable behaviour that earns this score. Leave empty to read “between its neighbours”."
    )

    def add_anchor_fields(self, existing: dict[int, str]) -> None:
        for value in anchor_values(existing):
            self.fields[f"anchor_{value}"] = forms.CharField(
                label=f"Anchor at {value}",
                required=False,
                initial=existing.get(value, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=self.anchor_help,
            )

    def anchor_fields(self):
        return [self[name] for name in self.fields if name.startswith("anchor_")]

    def cleaned_anchors(self) -> dict[int, str]:
        return {
            int(name.removeprefix("anchor_")): text.strip()
            for name, text in self.cleaned_data.items()
            if name.startswith("anchor_") and text.strip()
        }


class CompetencyForm(AnchorFieldsMixin, SafeForm):
    bank = forms.ModelChoiceField(queryset=Bank.objects.order_by("name"))
    key = forms.SlugField(max_length=80, help_text="A stable name in lower-case-with-hyphens.")
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, competency: Competency | None = None, **kwargs):
        self.competency = competency
        if competency is not None:
            kwargs.setdefault(
                "initial", {"name": competency.name, "description": competency.description}
            )
        super().__init__(*args, **kwargs)
        if competency is not None:
            del self.fields["bank"], self.fields["key"]
        existing = {a.value: a.text for a in competency.anchors.all()} if competency else {}
        self.add_anchor_fields(existing)

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if Competency.objects.filter(key=key).exists():
            raise forms.ValidationError("A competency with this key exists already.")
        return key

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.cleaned_anchors():
            self.add_error(None, "Write at least one anchor: interviewers rate against them.")
        return cleaned


class LevelsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Level) -> str:
        return f"{obj.ladder.name}: {obj.name}"


class QuestionForm(AnchorFieldsMixin, SafeForm):
    """Everything a question carries; also used to duplicate and to version."""

    anchor_help = "What an answer to this question shows at this score (optional)."

    bank = forms.ModelChoiceField(queryset=Bank.objects.order_by("name"))
    key = forms.SlugField(max_length=80, help_text="A stable name in lower-case-with-hyphens.")
    title = forms.CharField(max_length=200, help_text="A short name to find it by.")
    prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="What the interviewer asks."
    )
    follow_ups = LinesField(required=False, help_text="One per line.")
    goal = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), help_text="What the question tests."
    )
    kind = forms.ChoiceField(choices=Question.Kind.choices)
    minutes = forms.IntegerField(min_value=1, max_value=180, help_text="Suggested minutes.")
    primary_competency = forms.ModelChoiceField(
        queryset=Competency.objects.active().order_by("name"),
        help_text="The one competency this question is mainly for.",
    )
    secondary_competencies = forms.ModelMultipleChoiceField(
        queryset=Competency.objects.active().order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    levels = LevelsChoiceField(
        queryset=Level.objects.select_related("ladder").order_by("ladder__name", "order"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave empty for any level.",
    )
    tags = TagsField(
        required=False,
        max_length=500,
        help_text="Topics it probes, separated by commas (e.g. kubernetes, on-call).",
    )
    great_signals = LinesField(
        min_items=2, label="A great answer mentions", help_text="At least two, one per line."
    )
    negative_signals = LinesField(
        min_items=1,
        label="Warning signs",
        help_text="Distinct red flags (not the opposite of a great signal), one per line.",
    )
    checklist = LinesField(required=False, label="Must cover", help_text="One item per line.")
    technologies = LinesField(
        required=False, help_text="Technologies that may be mentioned, one per line."
    )
    interviewer_notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, question: Question | None = None, **kwargs):
        self.question = question
        if question is not None:
            kwargs.setdefault("initial", self.initial_from(question))
        super().__init__(*args, **kwargs)
        if question is not None:
            del self.fields["bank"], self.fields["key"]
        existing = {a.value: a.text for a in question.anchors.all()} if question else {}
        self.add_anchor_fields(existing)

    @classmethod
    def initial_from(cls, question: Question) -> dict:
        current = {c.key: c for c in Competency.objects.current()}
        return {
            **{name: getattr(question, name) for name in Question.TEXT_FIELDS},
            # A question may point at an older version; the form offers current ones.
            "primary_competency": current.get(question.primary_competency.key),
            "secondary_competencies": [
                current[c.key] for c in question.secondary_competencies.all() if c.key in current
            ],
            "levels": list(question.levels.all()),
            "tags": list(question.tags.all()),
        }

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if Question.objects.filter(key=key).exists():
            raise forms.ValidationError("A question with this key exists already.")
        return key

    def clean(self):
        cleaned = super().clean()
        primary = cleaned.get("primary_competency")
        if primary and primary in cleaned.get("secondary_competencies", []):
            self.add_error(
                "secondary_competencies",
                f"“{primary.name}” is already the primary competency; untick it here.",
            )
        great = {s.casefold() for s in cleaned.get("great_signals", [])}
        echoed = [s for s in cleaned.get("negative_signals", []) if s.casefold() in great]
        if echoed:
            self.add_error(
                "negative_signals",
                f"“{echoed[0]}” is also a great signal; a warning sign must differ.",
            )
        return cleaned
