"""Interview kits: what an interviewer reads before a stage, on screen and on paper.

One page for the whole loop and one per stage, both printable (the print
stylesheet lays them out on A4). Recruiters and admins open every kit. An interviewer
opens the kit of a stage they sit on, shadows included: a shadow sits in the same
interview and learns from preparing the same way (candidates.models.observed_seat: an
active seat, not replaced, on an interview that is scheduled or held). Any other stage's
kit, and the whole loop's (it holds every stage's questions), is refused (403).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.permissions import is_recruiter
from candidates.models import Assignment, observed_seat
from interviews.bars import bar_for
from rubrics.anchors import loop_anchors
from rubrics.views.browse import anchored_scale

from ..models import Loop, PlannedQuestion, Stage
from .common import get_loop_for


@require_GET
def loop_kit(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk)
    return render(request, "interviews/kit.html", kit_context(loop) | {"may_plan": True})


def get_stage_kit_for(user, pk: int) -> Stage:
    """A stage whose kit `user` may read: 404 if there is none, 403 if it is not theirs."""
    stage = get_object_or_404(Stage.objects.select_related("loop__scale"), pk=pk)
    if is_recruiter(user) or sits_on(user, stage):
        return stage
    raise PermissionDenied


def sits_on(user, stage: Stage) -> bool:
    """Whether `user` has a seat (interviewer or shadow) on an interview of `stage`."""
    return Assignment.objects.filter(
        observed_seat(), person_id=user.pk, interview__stage=stage
    ).exists()


@require_GET
def stage_kit(request: HttpRequest, pk: int) -> HttpResponse:
    stage = get_stage_kit_for(request.user, pk)
    loop = Loop.objects.for_builder().get(pk=stage.loop_id)
    context = kit_context(loop, only=stage) | {"may_plan": is_recruiter(request.user)}
    return render(request, "interviews/kit.html", context)


def kit_context(loop: Loop, *, only: Stage | None = None) -> dict:
    """The loop and its stages (or one stage) as the kit shows them, in a fixed number of queries.

    Anchors are laid over the loop's own scale, whose points are loaded once; a
    competency's anchors are the loop's (`rubrics.anchors.loop_anchors`: where its level
    has its own, those), loaded in one query for all competencies.
    """
    stages = _stages(loop, only)
    competencies = list(loop.loop_competencies.select_related("competency").order_by("order", "pk"))
    points = list(loop.scale.points.order_by("-value"))
    labels = {p.value: p.label for p in points}
    loop_bar = loop.default_bar(points)
    assessed = [stage.assessed_competency_ids() for stage in stages]
    wanted = set().union(*assessed) if assessed else set()
    # The loop level's own anchors in place of the competency's (rubrics.anchors).
    anchors = loop_anchors(loop)
    rubrics = {
        c.competency.key: _rubric(
            c, loop_bar, labels, points=points, anchors=anchors.get(c.competency_id, {})
        )
        for c in competencies
        if c.competency_id in wanted
    }
    return {
        "loop": loop,
        "single_stage": only is not None,
        "points": points,
        "bar": loop_bar,
        "bar_label": labels.get(loop_bar, ""),
        "competencies": [_rubric(c, loop_bar, labels, scale=False) for c in competencies],
        "stages": [
            _stage_view(
                stage, [rubrics[c.competency.key] for c in competencies if c.competency_id in ids]
            )
            for stage, ids in zip(stages, assessed, strict=True)
        ],
    }


def _stage_view(stage: Stage, rubrics: list[dict]) -> dict:
    planned = stage.planned.all()
    counted = [p for p in planned if not p.is_backup]
    return {
        "stage": stage,
        "questions": _numbered(planned),
        "asked_count": len(counted),
        "backup_count": len(planned) - len(counted),
        "must_ask_minutes": sum(p.effective_minutes for p in counted if p.must_ask),
        "rubrics": rubrics,
    }


def _stages(loop: Loop, only: Stage | None) -> list[Stage]:
    planned = (
        PlannedQuestion.objects.select_related("question__primary_competency")
        .prefetch_related("question__secondary_competencies", "question__tags", "question__anchors")
        .order_by("order", "pk")
    )
    stages = loop.stages.order_by("order", "pk").prefetch_related(
        Prefetch("planned", queryset=planned)
    )
    if only is not None:
        stages = stages.filter(pk=only.pk)
    return list(stages)


def _numbered(planned) -> list[dict]:
    """Questions with their asking number; a backup has none (it stands in for another)."""
    items, number = [], 0
    for p in planned:
        if not p.is_backup:
            number += 1
        items.append({"item": p, "number": None if p.is_backup else number})
    return items


def _rubric(
    item,
    loop_bar: int | None,
    labels: dict[int, str],
    *,
    points=None,
    anchors=None,
    scale: bool = True,
) -> dict:
    """A loop competency with its bar and, unless `scale` is False, its anchored scale
    (`anchors`: the loop's for this competency, from `rubrics.anchors.loop_anchors`)."""
    bar = bar_for(points or (), loop_bar=loop_bar, own=item.bar)
    return {
        "competency": item.competency,
        "critical": item.critical,
        "bar": bar.value,
        "bar_label": bar.label or labels.get(bar.value, ""),
        "rows": anchored_scale(item.competency, points, anchors) if scale else [],
    }
