"""The project's URLs plus `bench/floor/`: the cheapest useful authenticated POST.

The floor inserts one row (an audit entry) and answers with a fragment the size of an
autosave status element: what any of our POST endpoints costs at the least. It exists
only under bench.settings, never in production.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_POST

from accounts.audit import record
from config.urls import urlpatterns as project_urlpatterns

FLOOR_VERB = "bench.floor"


@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    entry = record(request.user, FLOOR_VERB)
    return HttpResponse(
        f'<div id="floor-{entry.pk}-status" class="save-status save-status--saved" '
        f'data-state="saved" data-revision="{entry.pk}" role="status">\n'
        f'  <input type="hidden" name="revision" value="{entry.pk}">\n'
        '  <span class="save-status__text">Saved</span>\n</div>\n'
    )


urlpatterns = [*project_urlpatterns, path("bench/floor/", floor, name="bench_floor")]
