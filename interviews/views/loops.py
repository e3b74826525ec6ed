"""Loops: list, create, the builder page, settings, competencies, publishing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import require_recruiter

from .. import services
from ..forms import (
    AddCompetencyForm,
    LoopCompetencyForm,
    LoopCreateForm,
    LoopRoleForm,
    LoopSettingsForm,
)
from ..models import Loop
from .common import (
    builder_context,
    builder_response,
    get_loop_competency_for,
    get_loop_for,
    refuse,
    search_context,
)


@require_GET
def loop_list(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    return render(request, "interviews/loop_list.html", {"loops": Loop.objects.for_list()})


@require_http_methods(["GET", "POST"])
def loop_create(request: HttpRequest) -> HttpResponse:
    """The new-loop form; `?role=` (htmx, when the role changes) re-renders its
    role-dependent fields: the ladder's levels, the usual level and the default scale."""
    require_recruiter(request.user)
    start = LoopRoleForm(request.GET)
    role = start.cleaned_data["role"] if start.is_valid() else None
    form = LoopCreateForm(request.POST or None, role=role)
    if request.method == "POST" and form.is_valid():
        loop = services.create_loop(by=request.user, **form.cleaned_data)
        messages.success(request, f"Loop “{loop.name}” created. Add its stages and questions.")
        return redirect(loop)
    template = "interviews/loop_create.html"
    if request.htmx and request.htmx.target == "role-fields":
        template += "#role-fields"
    return render(request, template, {"form": form})


@require_GET
def loop_builder(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk)
    if request.htmx and request.htmx.target == "builder":
        return render(request, "interviews/builder.html#builder", builder_context(loop))
    return render(
        request,
        "interviews/builder.html",
        {**builder_context(loop), **search_context(loop, request.GET)},
    )


@require_GET
def loop_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder's question search, as a fragment (htmx) or the builder page (no JS)."""
    loop = get_loop_for(request.user, pk)
    if request.htmx:
        return render(
            request, "interviews/builder.html#search-results", search_context(loop, request.GET)
        )
    return render(
        request,
        "interviews/builder.html",
        {**builder_context(loop), **search_context(loop, request.GET)},
    )


@require_POST
def loop_settings(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk, write=True)
    form = LoopSettingsForm(request.POST, instance=Loop.objects.get(pk=loop.pk))
    if not form.is_valid():
        return builder_response(request, loop, bound={"settings": form})
    services.update_loop(
        loop, {k: form.cleaned_data[k] for k in form.changed_data}, by=request.user
    )
    messages.success(request, "Loop settings saved.")
    return builder_response(request, loop, anchor="settings")


@require_POST
def loop_competency_add(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk, write=True)
    form = AddCompetencyForm(request.POST)
    if not form.is_valid():
        return builder_response(request, loop, bound={"add-competency": form})
    try:
        services.add_competency(loop, form.cleaned_data["competency"], by=request.user)
    except ValidationError as error:
        form.add_error(None, error)
        return builder_response(request, loop, bound={"add-competency": form})
    return builder_response(request, loop, anchor="competencies")


@require_POST
def loop_competency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_loop_competency_for(request.user, pk)
    form = LoopCompetencyForm(request.POST, instance=item, prefix=f"competency-{item.pk}")
    if not form.is_valid():
        return builder_response(request, item.loop, bound={("competency", item.pk): form})
    services.update_loop_competency(
        item, {k: form.cleaned_data[k] for k in form.changed_data}, by=request.user
    )
    return builder_response(request, item.loop, anchor="competencies")


@require_POST
def loop_competency_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_loop_competency_for(request.user, pk)
    services.remove_competency(item, by=request.user)
    return builder_response(request, item.loop, anchor="competencies")


@require_http_methods(["GET", "POST"])
def loop_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish; with coverage warnings, first show them and ask for confirmation."""
    loop = get_loop_for(request.user, pk, write=True)
    confirmed = request.method == "POST" and request.POST.get("confirmed") == "yes"
    if request.method == "POST":
        try:
            services.publish_loop(loop, by=request.user, confirmed=confirmed)
        except services.NeedsConfirmation as pending:
            return render(
                request,
                "interviews/publish_confirm.html",
                {"loop": loop, "warnings": pending.warnings},
            )
        except ValidationError as error:
            return refuse(request, loop, error)
        messages.success(request, f"“{loop.name}” v{loop.version} is published and frozen.")
        return _redirect(request, loop)
    context = builder_context(loop)
    return render(
        request, "interviews/publish_confirm.html", {"loop": loop, "warnings": context["warnings"]}
    )


def _redirect(request: HttpRequest, loop: Loop) -> HttpResponse:
    url = loop.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
def loop_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk)
    try:
        draft = services.new_loop_version(loop, by=request.user)
    except ValidationError as error:
        return refuse(request, loop, error)
    messages.success(request, f"Version {draft.version} is a draft: change it, then publish.")
    return _redirect(request, draft)


@require_POST
def loop_archive(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk)
    try:
        services.archive_loop(loop, by=request.user)
    except ValidationError as error:
        return refuse(request, loop, error)
    messages.success(request, f"“{loop}” is archived: no new applications can use it.")
    return _redirect(request, loop)


@require_POST
def loop_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    loop = get_loop_for(request.user, pk, write=True)
    count = services.adopt_current_versions(loop, by=request.user)
    messages.success(
        request, f"{count} item{'s' if count != 1 else ''} now use the current catalogue version."
    )
    return builder_response(request, loop)
