"""The committee's page of one application: where the panel split, who said what, the decision.

Readers: the application's committee and recruiters (who also decide), and colleagues
on the panel whose own scorecard is in when the loop lets peers read — whatever their
groups, nobody still owing their own scorecard on it (scoring.access).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.htmx import render_screen
from accounts.validators import SafeForm
from candidates.models import Application
from rubrics.models import Level

from .. import services
from ..access import get_application_for_review, may_decide
from ..aggregate import RECOMMENDATIONS
from ..committee import application_audit, committee_data
from ..models import Decision, Recommendation

TEMPLATE = "scoring/committee.html"


class DecisionForm(SafeForm):
    """Hire / No hire / Hold, at a level of the loop's ladder, with the committee's why."""

    outcome = forms.ChoiceField(
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose hire, no hire or hold."},
    )
    level = forms.TypedChoiceField(
        coerce=int,
        label="Level",
        choices=(),
        error_messages={"invalid_choice": "Choose a level of this role's ladder."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Rationale",
        error_messages={"required": "Give the committee's rationale."},
        help_text="What the committee weighed: the evidence, the disagreements, the level.",
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = {level.pk: level for level in levels}
        self.fields["level"].choices = [(level.pk, level.name) for level in levels]

    def chosen_level(self):
        return self.levels.get(self.cleaned_data["level"])


def decision_form(application: Application, data, levels) -> DecisionForm:
    return DecisionForm(data, levels=levels, initial={"level": application.loop.level_id})


def page_context(request: HttpRequest, application: Application, form=None) -> dict:
    """Everything the page shows; the same fixed number of queries however many scorecards."""
    data = committee_data(application)
    decides = may_decide(request.user, application)
    names = dict(Recommendation.choices)
    return {
        "application": application,
        "candidate": application.candidate,
        "loop": application.loop,
        "data": data,
        "summary": data.aggregate,
        "tally": [
            (names[value], data.aggregate.recommendations.get(value, 0))
            for value in reversed(RECOMMENDATIONS)
        ],
        "cards": [(card, names.get(card.row.recommendation, "")) for card in data.cards],
        "may_decide": decides,
        "form": form or decision_form(application, None, data.levels.choices),
        "audit": application_audit(application) if decides else [],
    }


def render_page(request: HttpRequest, application, form=None, *, status: int = 200):
    context = page_context(request, application, form)
    return render_screen(request, TEMPLATE, "committee-decision", context, status=status)


@require_GET
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_application_for_review(request.user, pk)
    return render_page(request, application)


@require_POST
def decision_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the decision; errors at their fields (422) and nothing saved."""
    application = get_application_for_review(request.user, pk, decide=True)
    levels = list(
        Level.objects.filter(ladder_id=application.loop.level.ladder_id).order_by("order")
    )
    form = decision_form(application, request.POST, levels)
    if form.is_valid():
        try:
            decision = services.record_decision(
                application,
                outcome=form.cleaned_data["outcome"],
                level=form.chosen_level(),
                rationale=form.cleaned_data["rationale"],
                by=request.user,
            )
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(
                request,
                f"Decision recorded: {decision.get_outcome_display()} at {decision.level.name}.",
            )
            url = reverse("scoring:committee", args=[application.pk])
            # htmx: the same address without a fragment, so the browser reloads rather
            # than only scrolling; the status, decisions and audit trail all changed.
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url + "#decisions")
    return render_page(request, application, form, status=422)
