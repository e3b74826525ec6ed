"""Pipelines: each application of a loop × each stage's state (recruiters and admins)."""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.htmx import render_screen
from accounts.permissions import require_recruiter
from accounts.validators import SafeForm
from candidates.models import Application
from interviews.models import Loop

from .. import queries
from ..pipeline import StageState

APPLICATIONS_PER_PAGE = 25


class PipelineFilterForm(SafeForm):
    """The pipeline's filters: application status, and a stage state (at one stage or any)."""

    status = forms.ChoiceField(
        required=False,
        label="Application status",
        choices=[("", "Any status"), *Application.Status.choices],
    )
    state = forms.ChoiceField(
        required=False,
        label="Stage state",
        choices=[("", "Any state"), *StageState.choices],
    )
    stage = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="At stage", choices=()
    )

    def __init__(self, *args, columns: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", "Any stage"),
            *[(position, f"{position}. {name}") for position, name in columns],
        ]


def get_pipeline_loop_for(user, pk: int) -> Loop:
    """Pipelines are the recruiters' (403 for anyone else, 404 for a missing loop)."""
    require_recruiter(user)
    return get_object_or_404(Loop.objects.select_related("role", "level__ladder"), pk=pk)


def state_filter_query(query, state: StageState) -> str:
    """The current filters with the stage state set to `state` (the legend's links)."""
    query = query.copy()
    query["state"] = state.value
    query.pop("stage", None)
    return query.urlencode()


@require_GET
def pipeline(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_pipeline_loop_for(request.user, pk)
    stages = queries.loop_stages([loop.key])
    columns = queries.stage_columns(loop, stages)
    form = PipelineFilterForm(request.GET, columns=columns)
    filters = form.cleaned_data if form.is_valid() else None
    result = queries.load_pipeline(
        loop,
        stages,
        now=timezone.now(),
        status=filters["status"] if filters else "",
        state=filters["state"] if filters else "",
        position=filters["stage"] if filters else None,
        viewer=request.user,
    )
    page = Paginator(result.rows if filters else [], APPLICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    legend = [
        (state, result.counts.get(state, 0), state_filter_query(query, state))
        for state in StageState
    ]
    return render_screen(
        request,
        "scoring/pipeline.html",
        "pipeline-results",
        {
            "loop": loop,
            "form": form,
            "pipeline": result,
            "columns": result.columns,
            "page": page,
            "query": query.urlencode(),
            "legend": legend,
            "states": StageState,
            "due_hours": queries.due_hours(),
        },
    )


@require_GET
def pipelines(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    return render(
        request,
        "scoring/pipelines.html",
        {
            "summaries": queries.pipeline_summaries(now=timezone.now()),
            "states": StageState,
            "due_hours": queries.due_hours(),
        },
    )
