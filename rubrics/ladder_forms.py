"""Forms for editing rating scales, ladders and levels in the browser.

The row formsets check uniqueness across the whole submitted set (values,
the bar, keys, orders) instead of row by row against the database: a row's
stored neighbours are about to change too (swapping two values, moving the
bar), so only the set as submitted can say what is a clash.
"""

from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet, inlineformset_factory

from accounts.validators import SafeForm, SafeModelForm, SafeTextValidator

from .models import Bank, Ladder, LadderDimension, Level, RatingScale, ScalePoint

POINT_FIELDS = ("value", "label", "definition", "meets_bar")
DIMENSION_FIELDS = ("key", "name", "order")


class LinesField(forms.CharField):
    """A textarea holding one item per line, cleaned to a list; blank lines are dropped."""

    # Each line checked on its own by the shared text check, named by its position.
    default_validators = [SafeTextValidator()]

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(str(item) for item in value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


class ScaleListForm(SafeForm):
    """The scale list's only filter: whether archived scales show too."""

    archived = forms.BooleanField(required=False, label="Include archived scales")


class ScaleForm(SafeModelForm):
    """A scale's own fields; key and bank are chosen once, when it is created."""

    class Meta:
        model = RatingScale
        fields = ["key", "name", "description", "bank"]
        labels = {"key": "Key"}
        help_texts = {
            "key": "Letters, digits, hyphens; how bank files and loops name the scale. "
            "It cannot change later.",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["key"]
            del self.fields["bank"]
        else:
            self.fields["bank"].queryset = Bank.objects.order_by("name")

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if RatingScale.objects.filter(key=key).exists():
            raise ValidationError(
                "A scale with the key “%(key)s” already exists; choose another.",
                code="duplicate",
                params={"key": key},
            )
        return key


class SetCheckedRowForm(SafeModelForm):
    """A row whose uniqueness rules its formset checks over all rows at once."""

    def validate_unique(self) -> None:
        """Skipped: the stored neighbours may change in the same save (see module doc)."""

    def validate_constraints(self) -> None:
        """Skipped for the same reason; the formset's clean() holds the rules."""


class ScalePointForm(SetCheckedRowForm):
    class Meta:
        model = ScalePoint
        fields = list(POINT_FIELDS)
        labels = {"meets_bar": "Meets the bar"}
        widgets = {
            "value": forms.NumberInput(attrs={"class": "input-narrow"}),
            "definition": forms.Textarea(attrs={"rows": 2}),
        }


class RowSetFormSet(BaseInlineFormSet):
    """An inline formset that reports clashes between rows at the rows themselves."""

    def kept_forms(self) -> list[forms.Form]:
        """Rows that will exist after saving: stored ones not deleted, and filled-in new ones."""
        return [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk is not None or form.has_changed())
        ]

    def deleted_pks(self) -> list[int]:
        return [
            form.instance.pk
            for form in self.initial_forms
            if form.instance.pk is not None and self._should_delete_form(form)
        ]

    def rows(self, fields) -> list[dict]:
        """The kept rows as plain data with their stored pk (None for new rows)."""
        return [
            {"pk": form.instance.pk, **{name: form.cleaned_data[name] for name in fields}}
            for form in self.kept_forms()
        ]

    def validate_unique(self) -> None:
        """Replaced by the per-row messages of clean()."""

    def flag_duplicates(self, field: str, message: str) -> None:
        """Put `message` on every kept row whose `field` value another kept row shares."""
        by_value = defaultdict(list)
        for form in self.kept_forms():
            value = form.cleaned_data.get(field)
            if value is not None and value != "":
                by_value[value].append(form)
        for value, forms_with_value in by_value.items():
            if len(forms_with_value) > 1:
                for form in forms_with_value:
                    form.add_error(field, message % {"value": value})


class ScalePointFormSet(RowSetFormSet):
    def clean(self) -> None:
        self.flag_duplicates(
            "value", "Another point also has the value %(value)s; each point needs its own value."
        )
        meeting = [f for f in self.kept_forms() if f.cleaned_data.get("meets_bar")]
        if len(meeting) > 1:
            for form in meeting:
                form.add_error("meets_bar", "Only one point can meet the bar.")
        if len(self.kept_forms()) < 2:
            raise ValidationError("A scale needs at least two points.", code="too_few")

    def point_rows(self) -> list[dict]:
        return self.rows(POINT_FIELDS)


def point_formset_class(*, extra: int) -> type[ScalePointFormSet]:
    return inlineformset_factory(
        RatingScale,
        ScalePoint,
        form=ScalePointForm,
        formset=ScalePointFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
    )


class LadderForm(SafeModelForm):
    """A ladder's own fields; the key is chosen once, when it is created."""

    class Meta:
        model = Ladder
        fields = ["key", "name", "description", "bank"]
        help_texts = {
            "key": "Letters, digits, hyphens; how bank files name the ladder. "
            "It cannot change later.",
        }
        error_messages = {
            "key": {"unique": "A ladder with this key already exists; choose another."}
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["key"]
        self.fields["bank"].queryset = Bank.objects.order_by("name")


class DimensionForm(SetCheckedRowForm):
    class Meta:
        model = LadderDimension
        fields = list(DIMENSION_FIELDS)
        widgets = {"order": forms.NumberInput(attrs={"class": "input-narrow"})}


class DimensionFormSet(RowSetFormSet):
    def clean(self) -> None:
        self.flag_duplicates("key", "Another dimension also has the key “%(value)s”.")
        self.flag_duplicates("order", "Another dimension is also at position %(value)s.")

    def dimension_rows(self) -> list[dict]:
        return self.rows(DIMENSION_FIELDS)


def dimension_formset_class(*, extra: int) -> type[DimensionFormSet]:
    return inlineformset_factory(
        Ladder,
        LadderDimension,
        form=DimensionForm,
        formset=DimensionFormSet,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
    )


class LevelForm(SafeModelForm):
    """A level, with one expectation per dimension of its ladder and one-per-line lists."""

    readiness_signals = LinesField(
        label="Ready for this level when", help_text="One signal per line."
    )
    anti_patterns = LinesField(label="What holds people back", help_text="One per line.")

    class Meta:
        model = Level
        fields = ["key", "name", "order", "summary", "litmus", "readiness_signals", "anti_patterns"]
        labels = {"litmus": "Litmus test"}
        # One line each, so the three inputs of the first row line up.
        help_texts = {
            "key": "Letters, digits, hyphens.",
            "name": "As the ladder shows it.",
            "order": "Lowest first.",
        }
        widgets = {
            "order": forms.NumberInput(attrs={"class": "input-narrow"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "litmus": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args, ladder: Ladder, dimensions, expectations: dict[int, str], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ladder = ladder
        self.dimensions = list(dimensions)
        for dimension in self.dimensions:
            self.fields[self.expectation_field(dimension)] = forms.CharField(
                label=dimension.name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=expectations.get(dimension.pk, ""),
            )

    @staticmethod
    def expectation_field(dimension: LadderDimension) -> str:
        return f"expectation_{dimension.pk}"

    def expectation_fields(self) -> list[forms.BoundField]:
        return [self[self.expectation_field(d)] for d in self.dimensions]

    def _taken(self, **lookup) -> bool:
        return (
            Level.objects.filter(ladder=self.ladder, **lookup).exclude(pk=self.instance.pk).exists()
        )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if self._taken(key=key):
            raise ValidationError(
                "This ladder already has a level with the key “%(key)s”.",
                code="duplicate",
                params={"key": key},
            )
        return key

    def clean_order(self) -> int:
        order = self.cleaned_data["order"]
        if self._taken(order=order):
            raise ValidationError(
                "Another level of this ladder is already at position %(order)s.",
                code="duplicate",
                params={"order": order},
            )
        return order

    def level_fields(self, *, changed_only: bool = False) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if not changed_only or name in self.changed_data
        }

    def expectations(self, *, changed_only: bool = False) -> dict[int, str]:
        """Each dimension's expectation text by dimension pk (blank means none)."""
        return {
            d.pk: self.cleaned_data[self.expectation_field(d)].strip()
            for d in self.dimensions
            if not changed_only or self.expectation_field(d) in self.changed_data
        }
