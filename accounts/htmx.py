"""The one way a screen answers htmx: the whole page, or only the region htmx swaps.

Every htmx screen renders one template (CONVENTIONS: one template per screen, regions
as `{% partialdef %}` blocks); the view calls `render_screen` with the region's name.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_fragment_request(request: HttpRequest) -> bool:
    """htmx asks for a region, except on a history restore, which needs the whole page."""
    return bool(getattr(request, "htmx", False)) and not request.htmx.history_restore_request


def render_screen(
    request: HttpRequest, template: str, partial: str, context: dict, *, status: int = 200
) -> HttpResponse:
    """The full page, or only `partial` when htmx asks for it.

    `Vary: HX-Request` so that no cache hands the fragment to a full page load (or the
    page to htmx): the same URL answers both.
    """
    name = f"{template}#{partial}" if is_fragment_request(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
