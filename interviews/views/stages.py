"""Stages and their planned questions: add, change, order, suggest, fork."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rubrics.forms import QuestionForm
from rubrics.models import Competency, Question
from rubrics.services import fork_question, merged_question_initial

from .. import planning, services
from ..forms import (
    AcceptSuggestionForm,
    ForkQuestionForm,
    MoveForm,
    PlannedQuestionForm,
    PlanQuestionForm,
    ReorderForm,
    StageForm,
    SuggestForm,
)
from .common import builder_response, get_loop_for, get_planned_for, get_stage_for, refuse


@require_POST
def stage_add(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk, write=True)
    form = StageForm(request.POST, prefix="new-stage")
    if not form.is_valid():
        return builder_response(request, loop, bound={"new-stage": form})
    stage = services.add_stage(loop, by=request.user, **form.cleaned_data)
    return builder_response(request, loop, anchor=f"stage-{stage.pk}")


@require_POST
def stage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_for(request.user, pk, write=True)
    form = StageForm(request.POST, instance=stage, prefix=f"stage-{stage.pk}")
    if not form.is_valid():
        return builder_response(request, stage.loop, bound={("stage", stage.pk): form})
    services.update_stage(
        stage, {k: form.cleaned_data[k] for k in form.changed_data}, by=request.user
    )
    return builder_response(request, stage.loop, anchor=f"stage-{stage.pk}")


@require_POST
def stage_move(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_for(request.user, pk, write=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move_stage(stage, form.cleaned_data["direction"], by=request.user)
    return builder_response(request, stage.loop, anchor=f"stage-{stage.pk}")


@require_POST
def stage_remove(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_for(request.user, pk, write=True)
    services.remove_stage(stage, by=request.user)
    messages.success(request, f"Stage “{stage.name}” removed.")
    return builder_response(request, stage.loop, anchor="stages")


@require_POST
def planned_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Plan a question found by the builder's search into a stage."""
    loop = get_loop_for(request.user, pk, write=True)
    form = PlanQuestionForm(request.POST, loop=loop)
    if not form.is_valid():
        return refuse(request, loop, ValidationError("Choose a stage to add the question to."))
    question = get_object_or_404(Question.objects.active(), pk=form.cleaned_data["question"])
    stage = form.cleaned_data["stage"]
    try:
        services.plan_question(stage, question, by=request.user)
    except ValidationError as error:
        return refuse(request, loop, error)
    messages.success(request, f"“{question.title}” added to {stage.name}.")
    return builder_response(request, loop, anchor=f"stage-{stage.pk}")


@require_POST
def planned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, write=True)
    loop = planned.stage.loop
    form = PlannedQuestionForm(request.POST, instance=planned, prefix=f"planned-{planned.pk}")
    if not form.is_valid():
        return builder_response(request, loop, bound={("planned", planned.pk): form})
    services.update_planned(
        planned, {k: form.cleaned_data[k] for k in form.changed_data}, by=request.user
    )
    return builder_response(request, loop, anchor=f"planned-{planned.pk}")


@require_POST
def planned_move(request: HttpRequest, pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, write=True)
    form = MoveForm(request.POST)
    if form.is_valid():
        services.move_planned(planned, form.cleaned_data["direction"], by=request.user)
    return builder_response(request, planned.stage.loop, anchor=f"planned-{planned.pk}")


@require_POST
def planned_reorder(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_for(request.user, pk, write=True)
    form = ReorderForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["order"])
        services.reorder_planned(stage, form.cleaned_data["order"], by=request.user)
    except ValidationError as error:
        return refuse(request, stage.loop, error)
    return builder_response(request, stage.loop, anchor=f"stage-{stage.pk}")


@require_POST
def planned_remove(request: HttpRequest, pk: int) -> HttpResponse:
    planned = get_planned_for(request.user, pk, write=True)
    services.unplan_question(planned, by=request.user)
    return builder_response(request, planned.stage.loop, anchor=f"stage-{planned.stage_id}")


@require_http_methods(["GET"])
def stage_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Up to three alternative question sets for the stage's time and wanted competencies."""
    stage = get_stage_for(request.user, pk, write=True)
    initial = {
        "competencies": stage.loop.loop_competencies.all(),
        "minutes": stage.minutes_available,
    }
    form = SuggestForm(request.GET or None, stage=stage, initial=initial)
    suggestions = []
    if form.is_bound and form.is_valid():
        suggestions = suggest_for(
            stage, form.cleaned_data["competencies"], form.cleaned_data["minutes"]
        )
    elif not form.is_bound:
        form = SuggestForm(stage=stage, initial=initial)
        suggestions = suggest_for(stage, list(initial["competencies"]), stage.minutes_available)
    titles = Question.objects.in_bulk({i.question_id for s in suggestions for i in s.items})
    context = {
        "stage": stage,
        "loop": stage.loop,
        "form": form,
        "suggestions": [_suggestion_view(s, titles) for s in suggestions],
    }
    template = "interviews/suggestions.html"
    return render(request, template + "#suggestions" if request.htmx else template, context)


def suggest_for(stage, wanted_items, minutes: int) -> list[planning.Suggestion]:
    """Run the planner over the current bank for these loop competencies."""
    keys = [lc.competency.key for lc in wanted_items]
    wanted = [
        planning.Wanted(
            lc.competency.key,
            lc.competency.name,
            lc.critical,
            float(lc.weight) if lc.weight is not None else 1.0,
        )
        for lc in wanted_items
    ]
    planned = Question.objects.filter(planned_in__stage__loop=stage.loop)
    in_loop = set(planned.values_list("key", flat=True))
    # Ground other stages already probe: another question there is overlap, not coverage.
    elsewhere = set(planned.exclude(planned_in__stage=stage).values_list("tags__key", flat=True))
    relevant = Competency.objects.filter(key__in=keys)
    pool = (
        Question.objects.active()
        .exclude(key__in=in_loop)
        .exclude(tags__key__in=elsewhere - {None})
        .filter(primary_competency__in=relevant)
        .select_related("primary_competency")
        .prefetch_related("secondary_competencies", "tags")
    )
    candidates = [
        planning.Candidate(
            id=q.pk,
            title=q.title,
            minutes=q.minutes,
            primary=q.primary_competency.key,
            secondary=frozenset(c.key for c in q.secondary_competencies.all()),
            tags=frozenset(t.key for t in q.tags.all()),
            technologies=frozenset(q.technologies),
        )
        for q in pool
    ]
    return planning.suggest_sets(candidates, wanted, minutes)


def _suggestion_view(suggestion: planning.Suggestion, questions: dict) -> dict:
    return {
        "suggestion": suggestion,
        "items": [
            {"question": questions[i.question_id], "must_ask": i.must_ask} for i in suggestion.items
        ],
        "ids": ",".join(str(i.question_id) for i in suggestion.items),
        "must_ask_ids": ",".join(str(i.question_id) for i in suggestion.items if i.must_ask),
    }


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


@require_http_methods(["GET", "POST"])
def planned_fork(request: HttpRequest, pk: int) -> HttpResponse:
    """Reword, combine or extend a planned question: a new bank question in its place."""
    planned = get_planned_for(request.user, pk, write=True)
    loop, origin = planned.stage.loop, planned.question
    others = planned.stage.planned.exclude(pk=planned.pk).select_related("question")
    combine_id = request.GET.get("combine") or request.POST.get("combine") or ""
    # Hand-edited or stale input: combine with nothing rather than fail on a non-number.
    combine = others.filter(pk=combine_id).first() if combine_id.isdigit() else None
    # No key is proposed: one is made from the title unless the recruiter writes one.
    initial = {**QuestionForm.initial_from(origin), "bank": origin.bank}
    initial.update({f"anchor_{a.value}": a.text for a in origin.anchors.all()})
    if combine:
        initial.update(merged_question_initial(origin, combine.question))
    form = ForkQuestionForm(request.POST or None, initial=initial, origin=origin)
    if request.method == "POST" and form.is_valid():
        fork = fork_question(
            origin, {**form.cleaned_data, "anchors": form.cleaned_anchors()}, by=request.user
        )
        services.swap_planned_question(planned, fork, drop=combine, by=request.user)
        messages.success(request, f"“{fork.title}” is in the bank and in {planned.stage.name}.")
        return redirect(f"{loop.get_absolute_url()}#planned-{planned.pk}")
    return render(
        request,
        "interviews/fork.html",
        {
            "form": form,
            "planned": planned,
            "loop": loop,
            "origin": origin,
            "others": others,
            "combine": combine,
        },
    )
