"""Recruiters keep rating scales (versioned), ladders and levels up to date in the browser."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import require_recruiter

from ..ladder_forms import (
    LadderForm,
    LevelForm,
    ScaleForm,
    ScaleListForm,
    dimension_formset_class,
    point_formset_class,
)
from ..ladder_services import (
    create_ladder,
    create_scale,
    edit_ladder,
    edit_scale,
    save_level,
    toggle_scale_archived,
)
from ..models import Ladder, Level, RatingScale, ScalePoint
from .browse import get_catalogue_item_for

# Blank rows offered for adding: a new scale usually has about five points.
NewPointFormSet = point_formset_class(extra=5)
PointFormSet = point_formset_class(extra=2)
NewDimensionFormSet = dimension_formset_class(extra=4)
DimensionFormSet = dimension_formset_class(extra=2)


def get_scale_for(user, pk: int) -> RatingScale:
    return get_catalogue_item_for(
        user,
        RatingScale,
        pk,
        RatingScale.objects.select_related("bank").prefetch_related("points"),
    )


def get_ladder_for(user, pk: int) -> Ladder:
    return get_catalogue_item_for(
        user, Ladder, pk, Ladder.objects.select_related("bank").prefetch_related("dimensions")
    )


def get_level_for(user, pk: int) -> Level:
    return get_catalogue_item_for(
        user,
        Level,
        pk,
        Level.objects.select_related("ladder").prefetch_related(
            "expectations", "ladder__dimensions"
        ),
    )


def _posted(request: HttpRequest):
    """The submitted data on POST (bound even when empty), None on GET."""
    return request.POST if request.method == "POST" else None


def _all_valid(*forms) -> bool:
    # Validate every form, not just up to the first invalid one, so all errors show.
    return all([form.is_valid() for form in forms])


@require_GET
def scale_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = ScaleListForm(request.GET)
    include_archived = form.is_valid() and form.cleaned_data["archived"]
    scales = (
        RatingScale.objects.current()
        .select_related("bank")
        .prefetch_related(Prefetch("points", queryset=ScalePoint.objects.order_by("-value")))
        .order_by("bank__name", "name")
    )
    if not include_archived:
        scales = scales.filter(archived=False)
    return render(
        request,
        "rubrics/scale_list.html",
        {
            "scales": scales,
            "form": form,
            "include_archived": include_archived,
        },
    )


@require_GET
def scale_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scale = get_scale_for(request.user, pk)
    versions = (
        RatingScale.objects.filter(key=scale.key)
        .order_by("-version")
        .only("pk", "key", "version", "current", "locked")
    )
    return render(request, "rubrics/scale_detail.html", {"scale": scale, "versions": versions})


@require_http_methods(["GET", "POST"])
def scale_create(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    data = _posted(request)
    form = ScaleForm(data)
    points = NewPointFormSet(data, instance=RatingScale(), prefix="points")
    if data is not None and _all_valid(form, points):
        scale = create_scale(by=request.user, fields=form.cleaned_data, points=points.point_rows())
        messages.success(request, f"Scale “{scale.name}” created.")
        return redirect("rubrics:scale_detail", scale.pk)
    return render(request, "rubrics/scale_form.html", {"form": form, "points": points})


@require_http_methods(["GET", "POST"])
def scale_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scale = get_scale_for(request.user, pk)
    if not scale.current:
        current = RatingScale.objects.by_key(scale.key)
        messages.info(
            request,
            f"Version {scale.version} has been replaced; "
            f"this is the current version, {current.version}.",
        )
        return redirect("rubrics:scale_edit", current.pk)
    data = _posted(request)
    form = ScaleForm(data, instance=scale)
    points = PointFormSet(data, instance=scale, prefix="points")
    if data is not None and _all_valid(form, points):
        if not (form.has_changed() or points.has_changed()):
            messages.info(request, "Nothing changed.")
            return redirect("rubrics:scale_detail", scale.pk)
        saved = edit_scale(
            scale,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
            points=points.point_rows(),
            deleted=points.deleted_pks(),
        )
        if saved.pk != scale.pk:
            messages.success(
                request,
                f"Saved as version {saved.version}. Published loops keep version {scale.version}.",
            )
        else:
            messages.success(request, f"Scale “{saved.name}” saved.")
        return redirect("rubrics:scale_detail", saved.pk)
    return render(
        request,
        "rubrics/scale_form.html",
        {
            "form": form,
            "points": points,
            "scale": scale,
            "next_version": scale.version + 1,
        },
    )


@require_POST
def scale_archive(request: HttpRequest, pk: int) -> HttpResponse:
    scale = get_scale_for(request.user, pk)
    if not scale.current:
        messages.error(
            request, "Only the current version of a scale can be archived or brought back."
        )
        return redirect("rubrics:scale_detail", scale.pk)
    toggle_scale_archived(scale, by=request.user)
    if scale.archived:
        messages.success(request, f"“{scale.name}” archived: new loops no longer offer it.")
    else:
        messages.success(request, f"“{scale.name}” is active again.")
    return redirect("rubrics:scale_detail", scale.pk)


@require_http_methods(["GET", "POST"])
def ladder_create(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    data = _posted(request)
    form = LadderForm(data)
    dimensions = NewDimensionFormSet(
        data,
        instance=Ladder(),
        prefix="dimensions",
        initial=_next_orders(0, NewDimensionFormSet.extra),
    )
    if data is not None and _all_valid(form, dimensions):
        ladder = create_ladder(
            by=request.user, fields=form.cleaned_data, dimensions=dimensions.dimension_rows()
        )
        messages.success(request, f"Ladder “{ladder.name}” created. Now add its levels.")
        return redirect("rubrics:ladder_detail", ladder.pk)
    return render(request, "rubrics/ladder_form.html", {"form": form, "dimensions": dimensions})


@require_http_methods(["GET", "POST"])
def ladder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_ladder_for(request.user, pk)
    data = _posted(request)
    form = LadderForm(data, instance=ladder)
    start = max((d.order for d in ladder.dimensions.all()), default=-1) + 1
    dimensions = DimensionFormSet(
        data,
        instance=ladder,
        prefix="dimensions",
        initial=_next_orders(start, DimensionFormSet.extra),
    )
    if data is not None and _all_valid(form, dimensions):
        edit_ladder(
            ladder,
            by=request.user,
            changes={name: form.cleaned_data[name] for name in form.changed_data},
            dimensions=dimensions.dimension_rows(),
            deleted=dimensions.deleted_pks(),
        )
        messages.success(request, f"Ladder “{ladder.name}” saved.")
        return redirect("rubrics:ladder_detail", ladder.pk)
    return render(
        request,
        "rubrics/ladder_form.html",
        {
            "form": form,
            "dimensions": dimensions,
            "ladder": ladder,
        },
    )


def _next_orders(start: int, count: int) -> list[dict]:
    """Prefilled positions for the blank rows (an untouched row still counts as blank)."""
    return [{"order": start + i} for i in range(count)]


@require_http_methods(["GET", "POST"])
def level_create(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_ladder_for(request.user, pk)
    next_order = max((level.order for level in ladder.levels.all()), default=-1) + 1
    form = LevelForm(
        _posted(request),
        ladder=ladder,
        dimensions=ladder.dimensions.all(),
        expectations={},
        initial={"order": next_order},
    )
    if form.is_bound and form.is_valid():
        level = save_level(
            ladder,
            None,
            by=request.user,
            fields=form.level_fields(),
            expectations=form.expectations(),
        )
        messages.success(request, f"Level “{level.name}” added to {ladder.name}.")
        return redirect(f"{_ladder_url(ladder)}#level-{level.key}")
    return render(request, "rubrics/level_form.html", {"form": form, "ladder": ladder})


@require_http_methods(["GET", "POST"])
def level_edit(request: HttpRequest, pk: int) -> HttpResponse:
    level = get_level_for(request.user, pk)
    ladder = level.ladder
    form = LevelForm(
        _posted(request),
        instance=level,
        ladder=ladder,
        dimensions=ladder.dimensions.all(),
        expectations={e.dimension_id: e.text for e in level.expectations.all()},
    )
    if form.is_bound and form.is_valid():
        save_level(
            ladder,
            level,
            by=request.user,
            fields=form.level_fields(changed_only=True),
            expectations=form.expectations(changed_only=True),
        )
        messages.success(request, f"Level “{level.name}” saved.")
        return redirect(f"{_ladder_url(ladder)}#level-{level.key}")
    return render(
        request,
        "rubrics/level_form.html",
        {
            "form": form,
            "ladder": ladder,
            "level": level,
        },
    )


def _ladder_url(ladder: Ladder) -> str:
    return reverse("rubrics:ladder_detail", args=[ladder.pk])
