"""Forms of the interviews section: schedule, move, change state, add and replace people.

Times are typed in the signed-in person's own time zone (UserTimezoneMiddleware
activates it; Django's DateTimeField makes the input aware in it) and stored in UTC.
People and stages come as lists loaded once per page, so that a form per row
costs no query per row.
"""

from django import forms
from django.utils import timezone

from accounts.models import User
from accounts.permissions import INTERVIEWER
from accounts.validators import SafeForm

from .models import Assignment, Interview

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def assignable_people():
    """Who may sit on an interview: active people in the interviewer group."""
    return (
        User.objects.filter(is_active=True, groups__name=INTERVIEWER)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


class LocalDateTimeField(forms.DateTimeField):
    """A date and time in the person's own zone (the browser's date-time picker)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT_FORMAT)

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Starts at")
        kwargs.setdefault("help_text", "In your time zone.")
        super().__init__(**kwargs)


class ObjectChoiceField(forms.TypedChoiceField):
    """A choice among objects already loaded: cleans to the object, no query."""

    def __init__(self, objects, *, empty_label: str = "—", **kwargs):
        self.objects = {obj.pk: obj for obj in objects}
        choices = [("", empty_label)] + [(pk, str(obj)) for pk, obj in self.objects.items()]
        super().__init__(choices=choices, coerce=int, **kwargs)

    def clean(self, value):
        pk = super().clean(value)
        return self.objects.get(pk) if pk not in (None, "") else None


class ScheduleForm(SafeForm):
    stage = forms.IntegerField(widget=forms.HiddenInput)
    starts_at = LocalDateTimeField()

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.stages = {stage.pk: stage for stage in stages}

    def clean_stage(self):
        stage = self.stages.get(self.cleaned_data["stage"])
        if stage is None:
            raise forms.ValidationError("That stage is not part of this application's loop.")
        return stage


class RescheduleForm(SafeForm):
    starts_at = LocalDateTimeField(label="New time")


class StateForm(SafeForm):
    state = forms.ChoiceField(choices=Interview.State.choices, label="State")


class AssignForm(SafeForm):
    person = ObjectChoiceField([], label="Person")
    role = forms.ChoiceField(
        choices=Assignment.Role.choices, initial=Assignment.Role.INTERVIEWER, label="As"
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = ObjectChoiceField(
            people, label="Person", empty_label="Choose a person…"
        )


class ReplaceForm(SafeForm):
    person = ObjectChoiceField([], label="Replace with")

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = ObjectChoiceField(
            people, label="Replace with", empty_label="Replace with…"
        )


class People:
    """The assignable people, loaded at most once per page, and only if a form shows them."""

    def __init__(self):
        self._people = None

    def all(self) -> list:
        if self._people is None:
            self._people = list(assignable_people())
        return self._people

    def excluding(self, assignments) -> list:
        taken = {a.person_id for a in assignments}
        return [p for p in self.all() if p.pk not in taken]


class RowForms:
    """The recruiter's forms for one stage row; each built on first use.

    `bound` maps (kind, pk) to a form bound to a refused POST, shown in place of the
    fresh one so its errors sit at their fields.
    """

    def __init__(self, stage, interview, assignments, *, people: People, bound: dict):
        self.stage, self.interview, self.assignments = stage, interview, assignments
        self.people, self.bound = people, bound

    @property
    def has_errors(self) -> bool:
        """A refused form of this row: the row's controls open to show it."""
        keys = {("schedule", self.stage.pk)}
        if self.interview is not None:
            keys |= {(k, self.interview.pk) for k in ("reschedule", "state", "add")}
            keys |= {("replace", a.pk) for a in self.assignments}
        return any(key in self.bound for key in keys)

    @property
    def started(self) -> bool:
        """Held and no-show make sense only once the interview has begun."""
        return self.interview is not None and self.interview.starts_at <= timezone.now()

    def _form(self, kind: str, pk: int, build):
        return self.bound.get((kind, pk)) or build(auto_id=form_id(kind, pk))

    @property
    def schedule(self) -> ScheduleForm:
        return self._form(
            "schedule",
            self.stage.pk,
            lambda **kw: ScheduleForm(stages=[self.stage], initial={"stage": self.stage.pk}, **kw),
        )

    @property
    def reschedule(self) -> RescheduleForm:
        initial = {"starts_at": self.interview.starts_at}
        return self._form(
            "reschedule", self.interview.pk, lambda **kw: RescheduleForm(initial=initial, **kw)
        )

    @property
    def state(self) -> StateForm:
        initial = {"state": self.interview.state}
        return self._form("state", self.interview.pk, lambda **kw: StateForm(initial=initial, **kw))

    @property
    def add(self) -> AssignForm:
        people = self.people.excluding(self.assignments)
        return self._form("add", self.interview.pk, lambda **kw: AssignForm(people=people, **kw))

    @property
    def seats(self) -> list[dict]:
        """Each person on the interview with the form that replaces them."""
        people = self.people.excluding(self.assignments)
        return [
            {
                "assignment": a,
                "replace_form": self._form(
                    "replace", a.pk, lambda **kw: ReplaceForm(people=people, **kw)
                ),
            }
            for a in self.assignments
        ]


def form_id(kind: str, pk: int) -> str:
    """Element ids unique on the page although every row's form has the same field names."""
    return f"id_{kind}-{pk}_%s"
