from django import forms
from django.utils.text import slugify

from accounts.validators import SafeForm, SafeModelForm
from rubrics.forms import LevelChoiceField, QuestionFilterForm, QuestionForm
from rubrics.models import Competency, CuratedSet, Level, Question, RatingScale, Role
from rubrics.services import unique_key

from .models import MAX_PANEL, Loop, LoopCompetency, PlannedQuestion, Stage


class CompetencyChoices(forms.ModelMultipleChoiceField):
    """Competencies as checkboxes, named alone: the page groups them under their bank."""

    def label_from_instance(self, obj: Competency) -> str:
        return obj.name


class LoopRoleForm(SafeForm):
    """The new-loop page's GET: which role it starts from (its ladder's levels, defaults)."""

    role = forms.ModelChoiceField(
        queryset=Role.objects.select_related("ladder", "usual_level").order_by("name"),
        required=False,
    )


def scale_for_role(role: Role | None) -> RatingScale | None:
    """The current version of the role's default scale; None when it names none (or no
    active scale has that key): the recruiter chooses, as before roles had one."""
    if role is None or not role.default_scale_key:
        return None
    return RatingScale.objects.active().filter(key=role.default_scale_key).first()


class LoopCreateForm(SafeForm):
    """A new loop: the levels offered are the chosen role's ladder's, the role's usual
    level and default scale come preselected, and the competencies come grouped by bank."""

    name = forms.CharField(max_length=200, help_text="e.g. “DevOps engineer, Senior”.")
    role = forms.ModelChoiceField(
        queryset=Role.objects.select_related("ladder", "usual_level").order_by("name"),
        help_text="Its ladder gives the levels to choose from.",
    )
    level = LevelChoiceField(
        queryset=Level.objects.select_related("ladder").order_by("ladder__name", "order"),
        help_text="A level of the role's ladder.",
    )
    scale = forms.ModelChoiceField(queryset=RatingScale.objects.active().order_by("name"))
    emphasis = forms.ChoiceField(
        choices=Loop.Emphasis.choices,
        initial=Loop.Emphasis.BALANCED,
        required=False,
        help_text="What the suggested question sets lead with.",
    )
    competencies = CompetencyChoices(
        queryset=Competency.objects.active().select_related("bank").order_by("bank__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What the loop assesses; you can change this while building.",
    )

    def __init__(self, *args, role: Role | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        role = self._chosen_role() or role
        self.chosen_role = role
        field = self.fields["level"]
        if role is None:
            # No role yet: every ladder's levels, grouped, until one is chosen.
            grouped: dict[str, list] = {}
            for level in field.queryset:
                grouped.setdefault(level.ladder.name, []).append((level.pk, level.name))
            field.widget.choices = [("", field.empty_label), *grouped.items()]
            return
        self.initial.setdefault("role", role.pk)
        if role.usual_level_id and role.usual_level.ladder_id == role.ladder_id:
            self.initial.setdefault("level", role.usual_level_id)
        scale = scale_for_role(role)
        if scale is not None:
            self.initial.setdefault("scale", scale.pk)
        # Only the role's ladder is offered; clean() still says why another one is refused.
        field.widget.choices = [("", field.empty_label)] + [
            (level.pk, level.name) for level in role.ladder.levels.order_by("order")
        ]

    def _chosen_role(self) -> Role | None:
        """The role in the submitted data, if it is one (bad input is clean()'s to report)."""
        if not self.is_bound:
            return None
        try:
            return self.fields["role"].clean(self.data.get(self.add_prefix("role")))
        except forms.ValidationError:
            return None

    def clean_emphasis(self) -> str:
        return self.cleaned_data["emphasis"] or Loop.Emphasis.BALANCED

    def competency_groups(self) -> list[tuple[str, list]]:
        """The competency checkboxes by bank, in the field's order: one fieldset each."""
        groups: dict[str, list] = {}
        options = self["competencies"].subwidgets
        for competency, option in zip(self.fields["competencies"].queryset, options, strict=True):
            groups.setdefault(competency.bank.name, []).append(option)
        return list(groups.items())

    def clean(self):
        cleaned = super().clean()
        role, level = cleaned.get("role"), cleaned.get("level")
        if role and level and level.ladder_id != role.ladder_id:
            self.add_error(
                "level",
                f"{role.name} uses the {role.ladder.name} ladder; choose one of its levels.",
            )
        return cleaned


class LoopSettingsForm(SafeModelForm):
    class Meta:
        model = Loop
        fields = [
            "name",
            "scale",
            "bar",
            "emphasis",
            "peers_may_read",
            "second_opinion_from_another_stage",
        ]
        labels = {
            "peers_may_read": "Interviewers may read colleagues' submitted scorecards "
            "after submitting their own",
            "second_opinion_from_another_stage": "The second opinion on a competency must "
            "come from another stage (not only from another interviewer on the same panel)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scale"].queryset = RatingScale.objects.active().order_by("name")

    def clean(self):
        cleaned = super().clean()
        scale, bar = cleaned.get("scale"), cleaned.get("bar")
        if scale and bar is not None and not scale.points.filter(value=bar).exists():
            values = ", ".join(str(v) for v in scale.points.values_list("value", flat=True))
            self.add_error("bar", f"{bar} is not a point of {scale.name} ({values}).")
        return cleaned


class BuilderSearchForm(QuestionFilterForm):
    """The builder's question search: the bank page's filters, within the loop's
    competencies until the recruiter widens it (the choice travels with every search)."""

    LOOP, ALL = "loop", "all"
    field_order = ["q", "scope"]
    scope = forms.ChoiceField(
        label="Show",
        choices=[(LOOP, "This loop's competencies"), (ALL, "Every bank")],
        required=False,
        initial=LOOP,
    )

    def scoped(self) -> bool:
        """Within the loop's competencies: unless widened, or a competency is chosen."""
        if not self.is_bound:
            return True
        if not self.is_valid():
            return self.data.get("scope") != self.ALL
        data = self.cleaned_data
        return data.get("scope") != self.ALL and not data.get("competency")


class AddCompetencyForm(SafeForm):
    competency = forms.ModelChoiceField(
        queryset=Competency.objects.active().select_related("bank").order_by("name"),
        label="Add a competency",
    )


class LoopCompetencyForm(SafeModelForm):
    class Meta:
        model = LoopCompetency
        fields = ["critical", "weight", "bar"]

    def clean_bar(self):
        bar = self.cleaned_data["bar"]
        scale = self.instance.loop.scale
        if bar is not None and not scale.points.filter(value=bar).exists():
            raise forms.ValidationError(f"{bar} is not a point of {scale.name}.")
        return bar


class StageForm(SafeModelForm):
    panel_size = forms.IntegerField(
        label="Interviewers",
        initial=1,
        min_value=1,
        max_value=MAX_PANEL,
        help_text="How many interviewers score this stage, each on their own scorecard. "
        "Each one is an independent opinion on what the stage assesses.",
        error_messages={
            "min_value": "A stage needs at least one interviewer.",
            "max_value": f"At most {MAX_PANEL} interviewers score one stage.",
        },
    )

    class Meta:
        model = Stage
        fields = ["name", "duration_minutes", "buffer_minutes", "panel_size", "focus"]
        labels = {"duration_minutes": "Minutes", "buffer_minutes": "Buffer (minutes)"}
        widgets = {"focus": forms.Textarea(attrs={"rows": 2})}


class PlannedQuestionForm(SafeModelForm):
    class Meta:
        model = PlannedQuestion
        fields = ["minutes", "must_ask", "is_backup", "backup_condition"]
        labels = {"must_ask": "Must ask", "is_backup": "Backup", "backup_condition": "Use it when"}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_backup") and not (cleaned.get("backup_condition") or "").strip():
            self.add_error("backup_condition", "Say when to use the backup question.")
        return cleaned


class MoveForm(SafeForm):
    direction = forms.TypedChoiceField(choices=[("-1", "up"), ("1", "down")], coerce=int)


class ReorderForm(SafeForm):
    order = forms.CharField(help_text="Planned question ids, comma-separated, in the new order.")

    def clean_order(self) -> list[int]:
        try:
            return [int(x) for x in self.cleaned_data["order"].split(",") if x.strip()]
        except ValueError:
            raise forms.ValidationError("The order must be a list of numbers.") from None


class PlanQuestionForm(SafeForm):
    question = forms.IntegerField(widget=forms.HiddenInput)
    stage = forms.ModelChoiceField(queryset=Stage.objects.none(), label="Add to")

    def __init__(self, *args, loop: Loop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = loop.stages.order_by("order", "pk")


class SuggestForm(SafeForm):
    competencies = forms.ModelMultipleChoiceField(
        queryset=LoopCompetency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Competencies wanted",
    )
    minutes = forms.IntegerField(min_value=5, max_value=480, label="Minutes for questions")

    def __init__(self, *args, stage: Stage, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].queryset = stage.loop.loop_competencies.select_related(
            "competency"
        ).order_by("order", "pk")
        self.fields["competencies"].label_from_instance = lambda lc: (
            f"{lc.competency.name}{' (critical)' if lc.critical else ''}"
        )


class AcceptSuggestionForm(SafeForm):
    questions = forms.CharField(widget=forms.HiddenInput)
    must_ask = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        try:
            ids = [int(x) for x in cleaned.get("questions", "").split(",") if x]
            must = {int(x) for x in cleaned.get("must_ask", "").split(",") if x}
        except ValueError:
            raise forms.ValidationError("That suggestion is not readable; suggest again.") from None
        if not ids:
            raise forms.ValidationError("That suggestion is empty; suggest again.")
        # A question planned twice in a stage breaks its unique constraint: keep the first.
        cleaned["items"] = [(qid, qid in must) for qid in dict.fromkeys(ids)]
        return cleaned


class ApplyCuratedSetForm(SafeForm):
    """Which of the bank's curated sets to plan into a stage (among those offered there)."""

    curated_set = forms.ModelChoiceField(
        queryset=CuratedSet.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose a curated set to use.",
            "invalid_choice": "That curated set is not one this loop's banks offer.",
        },
    )

    def __init__(self, *args, sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sets is not None:
            self.fields["curated_set"].queryset = sets


class PublishForm(SafeForm):
    confirmed = forms.BooleanField(required=False)


class ForkQuestionForm(QuestionForm):
    """The fork page's question form in plain words: the new question lives in the
    original's bank and takes a key made from its title, both changeable under "Advanced"."""

    key_help = (
        "Leave empty and one is made from the title. A key is the question's stable name "
        "in bank files: lower-case letters, digits and hyphens, never reused."
    )

    def __init__(self, *args, origin: Question, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin = origin
        self.fields["bank"].required = False
        self.fields["bank"].empty_label = None
        self.fields["bank"].help_text = "Where the new question is kept: the original's bank."
        key = self.fields["key"]
        key.required = False
        key.help_text = self.key_help
        key.error_messages["invalid"] = (
            "A key uses only lower-case letters, digits and hyphens (e.g. on-call-handover)."
        )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if key and Question.objects.filter(key=key).exists():
            raise forms.ValidationError(
                f"Another question already has the key “{key}”. Choose another one, "
                "or leave it empty to have one made from the title."
            )
        return key

    def clean(self):
        cleaned = super().clean()
        cleaned["bank"] = cleaned.get("bank") or self.origin.bank
        if not cleaned.get("key") and "key" not in self.errors:
            base = slugify(cleaned.get("title") or "")[:76] or f"{self.origin.key}-fork"[:76]
            cleaned["key"] = unique_key(Question, base)
        return cleaned

    def advanced_errors(self) -> bool:
        """Whether "Advanced" opens by itself: one of its fields has an error."""
        return bool(self["key"].errors or self["bank"].errors)
