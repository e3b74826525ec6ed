"""What the builder's views share: fetching with permission, and the builder's context."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django_htmx.http import trigger_client_event

from accounts.permissions import require, require_recruiter
from rubrics.models import Question

from .. import coverage
from ..forms import (
    AddCompetencyForm,
    BuilderSearchForm,
    LoopCompetencyForm,
    LoopSettingsForm,
    PlannedQuestionForm,
    PlanQuestionForm,
    StageForm,
)
from ..models import Loop, LoopCompetency, PlannedQuestion, Stage
from ..services import coverage_inputs, loop_for_coverage, loop_warnings

SEARCH_PAGE_SIZE = 8


def get_loop_for(user, pk: int, *, write: bool = False) -> Loop:
    """Loops are the recruiters' (404 for a missing one, 403 for others)."""
    require_recruiter(user)
    loop = get_object_or_404(Loop.objects.for_builder(), pk=pk)
    if write:
        require(loop.is_draft)
    return loop


def get_stage_for(user, pk: int, *, write: bool = False) -> Stage:
    require_recruiter(user)
    stage = get_object_or_404(Stage.objects.select_related("loop__scale"), pk=pk)
    if write:
        require(stage.loop.is_draft)
    return stage


def get_planned_for(user, pk: int, *, write: bool = False) -> PlannedQuestion:
    require_recruiter(user)
    planned = get_object_or_404(
        PlannedQuestion.objects.select_related("stage__loop", "question"), pk=pk
    )
    if write:
        require(planned.stage.loop.is_draft)
    return planned


def get_loop_competency_for(user, pk: int) -> LoopCompetency:
    require_recruiter(user)
    item = get_object_or_404(
        LoopCompetency.objects.select_related("loop__scale", "competency"), pk=pk
    )
    require(item.loop.is_draft)
    return item


def builder_context(loop: Loop, *, bound: dict | None = None) -> dict:
    """Everything the builder region shows, in a fixed number of queries.

    `bound` maps ("stage", pk) / ("planned", pk) / ("competency", pk) / "settings" /
    "new-stage" to a bound form with errors, shown in place of the fresh one.
    """
    bound = bound or {}
    # The bar shows once per competency (Loop.default_bar reads the scale's points).
    prefetch_related_objects([loop], "scale__points")
    stages, competencies = loop_for_coverage(loop)
    infos, stage_infos = coverage_inputs(stages, competencies)
    matrix = coverage.coverage_matrix(infos, stage_infos)
    warnings = loop_warnings(loop, infos, stage_infos)
    opinions = coverage.opinions(infos, stage_infos, matrix)
    flagged = {pid for w in warnings for pid in w.planned if w.severity == "strong"}
    editable = loop.is_draft
    stage_views = []
    for stage, info in zip(stages, stage_infos, strict=True):
        stage_views.append(
            {
                "stage": stage,
                "form": bound.get(("stage", stage.pk))
                or StageForm(instance=stage, prefix=f"stage-{stage.pk}"),
                "must_ask_minutes": info.must_ask_minutes(),
                "overrun": info.must_ask_minutes() > stage.minutes_available,
                "planned": [
                    {
                        "item": p,
                        "flagged": p.pk in flagged,
                        "outdated": not p.question.current,
                        "form": bound.get(("planned", p.pk))
                        or PlannedQuestionForm(instance=p, prefix=f"planned-{p.pk}"),
                    }
                    for p in stage.planned.all()
                ],
            }
        )
    return {
        "loop": loop,
        "editable": editable,
        "stages": stage_views,
        "competencies": [
            {
                "item": c,
                "form": bound.get(("competency", c.pk))
                or LoopCompetencyForm(instance=c, prefix=f"competency-{c.pk}"),
                "row": [matrix[c.competency.key][s.pk] for s in stages],
                "opinions": opinions[c.competency.key],
                "enough": opinions[c.competency.key].enough(
                    another_stage=loop.second_opinion_from_another_stage
                ),
            }
            for c in competencies
        ],
        "warnings": warnings,
        "settings_form": bound.get("settings") or LoopSettingsForm(instance=loop),
        "add_competency_form": bound.get("add-competency") or AddCompetencyForm(),
        "new_stage_form": bound.get("new-stage") or StageForm(prefix="new-stage"),
        "outdated_count": sum(1 for s in stage_views for p in s["planned"] if p["outdated"]),
    }


def search_context(loop: Loop, params) -> dict:
    """The builder's question search: the bank page's filters, with an "add to stage" form.

    It keeps to the questions whose primary competency the loop assesses until the
    recruiter chooses "Every bank" (or a competency): a refresh after a builder change
    sends the same choice back, so the scope never drops by itself.
    """
    form = BuilderSearchForm(params or None)
    questions = Question.objects.active().for_bank_page()
    if form.is_bound and form.is_valid():
        questions = form.filter(questions)
    scoped = form.scoped()
    if scoped:
        keys = loop.loop_competencies.values("competency__key")
        questions = questions.filter(primary_competency__key__in=keys)
    page = Paginator(questions, SEARCH_PAGE_SIZE).get_page(params.get("page"))
    query = params.copy()
    query.pop("page", None)
    return {
        "loop": loop,
        "search_form": form,
        "search_page": page,
        "search_query": query.urlencode(),
        "search_scoped": scoped,
        "plan_form": PlanQuestionForm(loop=loop),
    }


def builder_response(
    request: HttpRequest, loop: Loop, *, bound: dict | None = None, anchor: str = ""
) -> HttpResponse:
    """After a change: the builder region for htmx, else back to the builder page.

    With errors (bound forms), the page itself is rendered so they show at their fields.
    """
    if request.htmx:
        response = render(
            request, "interviews/builder.html#builder", builder_context(loop, bound=bound)
        )
        # The search pane's "add to stage" lists stages: it refreshes itself.
        return trigger_client_event(response, "loop-changed")
    if bound:
        return render(
            request,
            "interviews/builder.html",
            {**builder_context(loop, bound=bound), **search_context(loop, request.GET)},
        )
    return redirect(f"{loop.get_absolute_url()}{'#' + anchor if anchor else ''}")


def refuse(request: HttpRequest, loop: Loop, error: ValidationError) -> HttpResponse:
    """A rule refused the change: say why, change nothing."""
    for message in error.messages:
        messages.error(request, message)
    return builder_response(request, loop)
