"""Stages and their planned questions: add, change, order, fork (suggestions: suggestions.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rubrics.forms import QuestionForm
from rubrics.models import Question
from rubrics.services import fork_question, merged_question_initial

from .. import services
from ..forms import (
    ForkQuestionForm,
    MoveForm,
    PlannedQuestionForm,
    PlanQuestionForm,
    ReorderForm,
    StageForm,
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
