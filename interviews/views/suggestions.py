"""A stage's suggested question sets: the bank's curated sets first, then the planner's."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from rubrics.models import Question

from .. import services
from ..forms import AcceptSuggestionForm, ApplyCuratedSetForm, SuggestForm
from ..suggestions import apply_curated_set, curated_sets_for, stage_suggestions
from .common import builder_response, get_stage_for, refuse


def _loop_competencies(stage):
    return list(stage.loop.loop_competencies.select_related("competency").order_by("order", "pk"))


@require_GET
def stage_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Curated sets that fit, then up to three different sets for the stage's time."""
    stage = get_stage_for(request.user, pk, write=True)
    items = _loop_competencies(stage)
    initial = {"competencies": items, "minutes": stage.minutes_available}
    form = SuggestForm(request.GET or None, stage=stage, initial=initial)
    shown = None
    if form.is_bound and form.is_valid():
        shown = stage_suggestions(
            stage, list(form.cleaned_data["competencies"]), form.cleaned_data["minutes"]
        )
    elif not form.is_bound:
        shown = stage_suggestions(stage, items, stage.minutes_available)
    context = {
        "stage": stage,
        "loop": stage.loop,
        "form": form,
        "shown": shown,
        "replaces": stage.planned.exists(),
        "suggestions": shown.options if shown else [],
    }
    template = "interviews/suggestions.html"
    return render(request, template + "#suggestions" if request.htmx else template, context)


@require_POST
def stage_suggest_accept(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_for(request.user, pk, write=True)
    form = AcceptSuggestionForm(request.POST)
    if not form.is_valid():
        return refuse(request, stage.loop, ValidationError(form.non_field_errors()))
    by_id = Question.objects.active().in_bulk([qid for qid, _ in form.cleaned_data["items"]])
    if len(by_id) != len(form.cleaned_data["items"]):
        # Accepting what is left would silently plan less than was shown (or empty the stage).
        return refuse(
            request,
            stage.loop,
            ValidationError("Some of those questions are no longer in the bank; suggest again."),
        )
    items = [(by_id[qid], must) for qid, must in form.cleaned_data["items"]]
    services.accept_suggestion(stage, items, by=request.user)
    messages.success(
        request,
        f"{stage.name} now has the suggested {len(items)} questions; edit them as you like.",
    )
    return builder_response(request, stage.loop, anchor=f"stage-{stage.pk}")


@require_POST
def stage_curated_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a bank's curated set into the stage, in its order, with its backups."""
    stage = get_stage_for(request.user, pk, write=True)
    items = _loop_competencies(stage)
    form = ApplyCuratedSetForm(request.POST, sets=curated_sets_for(stage, items))
    if not form.is_valid():
        return refuse(request, stage.loop, ValidationError(form.errors["curated_set"]))
    curated = form.cleaned_data["curated_set"]
    try:
        planned = apply_curated_set(stage, curated, items, by=request.user)
    except ValidationError as error:
        return refuse(request, stage.loop, error)
    backups = sum(p.is_backup for p in planned)
    asked = len(planned) - backups
    extra = f" and {backups} backup{'s' if backups != 1 else ''}" if backups else ""
    messages.success(
        request,
        f"{stage.name} now has “{curated.name}”: {asked} questions{extra}, in the set's order.",
    )
    return builder_response(request, stage.loop, anchor=f"stage-{stage.pk}")
