from django import forms

from accounts.validators import SafeForm, SafeModelForm
from rubrics.forms import LevelChoiceField
from rubrics.models import Competency, Level, RatingScale, Role

from .models import MAX_PANEL, Loop, LoopCompetency, PlannedQuestion, Stage


class CompetencyChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        return f"{obj.name} — {obj.bank.name}"


class LoopCreateForm(SafeForm):
    name = forms.CharField(max_length=200, help_text="e.g. “DevOps engineer, Senior”.")
    role = forms.ModelChoiceField(queryset=Role.objects.select_related("ladder").order_by("name"))
    level = LevelChoiceField(
        queryset=Level.objects.select_related("ladder").order_by("ladder__name", "order"),
        help_text="A level of the role's ladder.",
    )
    scale = forms.ModelChoiceField(queryset=RatingScale.objects.active().order_by("name"))
    competencies = CompetencyChoices(
        queryset=Competency.objects.active().select_related("bank").order_by("bank__name", "name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What the loop assesses; you can change this while building.",
    )

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
        fields = ["name", "scale", "bar", "peers_may_read", "second_opinion_from_another_stage"]
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


class PublishForm(SafeForm):
    confirmed = forms.BooleanField(required=False)
