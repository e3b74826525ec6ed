"""The catalogue as recruiters browse it: questions, competencies, ladders."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from accounts.htmx import render_screen
from accounts.permissions import require_recruiter

from ..forms import QuestionFilterForm
from ..models import Competency, Ladder, Level, Question, RatingScale
from ..usage import used_by

QUESTIONS_PER_PAGE = 20


def get_catalogue_item_for(user, model, pk: int, queryset=None):
    """Fetch and authorise one catalogue item: recruiters and admins only (403 otherwise)."""
    require_recruiter(user)
    return get_object_or_404(queryset if queryset is not None else model.objects.all(), pk=pk)


@require_GET
def question_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = QuestionFilterForm(request.GET or None)
    questions = Question.objects.active().for_bank_page()
    if form.is_bound and form.is_valid():
        questions = form.filter(questions)
    page = Paginator(questions, QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render_screen(
        request,
        "rubrics/question_list.html",
        "question-results",
        {
            "form": form,
            "page": page,
            "query_string": _without_page(request.GET),
        },
    )


def _without_page(params) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_catalogue_item_for(request.user, Question, pk, Question.objects.for_detail())
    versions = (
        Question.objects.filter(key=question.key)
        .order_by("-version")
        .only("pk", "version", "current", "locked", "key")
    )
    return render(
        request,
        "rubrics/question_detail.html",
        {
            "question": question,
            "versions": versions,
            "derivatives": question.derivatives.filter(current=True).only("pk", "title", "key"),
            "competency_scale": anchored_scale(question.primary_competency),
            "used_by": used_by(question),
        },
    )


@require_GET
def competency_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    competencies = (
        Competency.objects.active()
        .select_related("bank")
        .annotate(
            primary_count=Count(
                "primary_questions",
                filter=Q(primary_questions__current=True, primary_questions__archived=False),
                distinct=True,
            ),
            anchor_count=Count("anchors", distinct=True),
        )
        .order_by("bank__name", "name")
    )
    return render(request, "rubrics/competency_list.html", {"competencies": competencies})


@require_GET
def competency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    competency = get_catalogue_item_for(
        request.user,
        Competency,
        pk,
        Competency.objects.select_related("bank").prefetch_related(
            "anchors", "level_anchors__level__ladder"
        ),
    )
    questions = (
        Question.objects.active()
        .filter(
            Q(primary_competency=competency)
            | Q(
                pk__in=Question.secondary_competencies.through.objects.filter(
                    competency=competency
                ).values("question_id")
            )
        )
        .select_related("bank")
        .order_by("key")
    )
    return render(
        request,
        "rubrics/competency_detail.html",
        {
            "competency": competency,
            "scale_rows": anchored_scale(competency),
            "level_anchors": anchors_by_level(competency),
            "questions": questions,
            "used_by": used_by(competency),
        },
    )


def anchors_by_level(competency: Competency) -> list[dict]:
    """The competency's anchors written for particular levels: each level (by ladder, lowest
    first) with its anchors, highest score first. Reads the prefetched `level_anchors`."""
    by_level: dict = {}
    for anchor in competency.level_anchors.all():
        by_level.setdefault(anchor.level, []).append(anchor)
    return [
        {"level": level, "anchors": sorted(by_level[level], key=lambda a: -a.value)}
        for level in sorted(by_level, key=lambda lv: (lv.ladder.name, lv.order))
    ]


def anchored_scale(competency: Competency, points=None, anchors=None) -> list[dict]:
    """The competency's anchors laid over a rating scale, best first.

    Points without an anchor of their own read "between the neighbours"
    (DESIGN: anchors at 5, 3 and 1 cover a five-point scale). `points`: the scale
    to lay them over (a loop's own); by default a scale that fits them. `anchors`:
    a loop's anchors for this competency (`rubrics.anchors.loop_anchors`, a level's
    own overriding); by default the competency's own.
    """
    levels = _anchor_levels(anchors)
    anchors = _anchor_texts(competency, anchors)
    if not anchors:
        return []
    if points is None:
        scale = matching_scale(competency, set(anchors))
        points = list(scale.points.all()) if scale else []
    points = {p.value: p for p in points}
    values = sorted(
        set(points) | set(anchors) if points else range(min(anchors), max(anchors) + 1),
        reverse=True,
    )
    return [
        {
            "value": value,
            "label": points[value].label if value in points else "",
            "meets": points[value].meets_bar if value in points else False,
            "anchor": anchors.get(value, ""),
            "anchor_level": levels.get(value, ""),
        }
        for value in values
    ]


def scale_rows(competency: Competency, points, bar: int | None = None, anchors=None) -> list[dict]:
    """A loop's scale as an interviewer rates on it: each point, in the order given (best
    first), with its label, definition and the competency's anchor for it.

    Shared by the scorecard page and the debrief packet, so the committee reads the same
    anchor text the interviewer saw. `anchors`: the loop's anchors for this competency
    (`rubrics.anchors.loop_anchors`: a level's own override the competency's); by
    default the competency's own. `anchor_level` names the level an anchor was written
    for ("" for the competency's own).
    """
    levels = _anchor_levels(anchors)
    anchors = _anchor_texts(competency, anchors)
    return [
        {
            "value": p.value,
            "label": p.label,
            "meets": p.meets_bar,
            "definition": p.definition,
            "anchor": anchors.get(p.value, ""),
            "anchor_level": levels.get(p.value, ""),
            "at_bar": p.value == bar,
        }
        for p in points
    ]


def _anchor_texts(competency: Competency, anchors) -> dict[int, str]:
    """{value: text}: the loop's anchors when given (`rubrics.anchors.Anchor`s), else the
    competency's own (prefetched `anchors`)."""
    if anchors is None:
        return {a.value: a.text for a in competency.anchors.all()}
    return {value: a.text for value, a in anchors.items()}


def _anchor_levels(anchors) -> dict[int, str]:
    """{value: level name} of the anchors written for the loop's level."""
    return {value: a.level for value, a in (anchors or {}).items() if a.level}


def matching_scale(competency: Competency, values: set[int]) -> RatingScale | None:
    """A current scale whose points include every anchored value, preferring the same bank."""
    scales = RatingScale.objects.current().prefetch_related("points").order_by("pk")
    fitting = [s for s in scales if values <= {p.value for p in s.points.all()}]
    same_bank = [s for s in fitting if s.bank_id == competency.bank_id]
    return (same_bank or fitting or [None])[0]


@require_GET
def ladder_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    ladders = Ladder.objects.select_related("bank").prefetch_related(
        Prefetch("levels", queryset=Level.objects.order_by("order")),
        "roles",
    )
    return render(request, "rubrics/ladder_list.html", {"ladders": ladders})


@require_GET
def ladder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_catalogue_item_for(
        request.user,
        Ladder,
        pk,
        Ladder.objects.prefetch_related(
            "dimensions",
            "roles",
            Prefetch("levels", queryset=Level.objects.prefetch_related("expectations")),
        ),
    )
    levels = list(ladder.levels.all())
    rows = []
    for dimension in ladder.dimensions.all():
        texts = []
        for level in levels:
            match = next(
                (e.text for e in level.expectations.all() if e.dimension_id == dimension.pk), ""
            )
            texts.append(match)
        rows.append({"dimension": dimension, "cells": texts})
    return render(
        request,
        "rubrics/ladder_detail.html",
        {
            "ladder": ladder,
            "levels": levels,
            "rows": rows,
        },
    )
