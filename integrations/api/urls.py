"""/api/v1/: every operation of integrations.api.core.api, outside the login wall (tokens).

Any other path under /api/v1/ answers a 404 problem (application/problem+json), not
Django's HTML page: a client always gets the API's error body.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt

from accounts.validators import shown
from integrations.api import resources  # noqa: F401  (registers the routers)
from integrations.api.core import api, problem


@csrf_exempt
@login_not_required
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return problem(
        request,
        404,
        "Not found.",
        f"There is no {request.method} /api/v1/{shown(path, 200)} in this API: see /api/v1/docs/.",
        kind="no-such-path",
    )


patterns, app_name, namespace = api.urls
for pattern in patterns:
    # ninja's root (/api/v1/ itself) only names the API's base path; its own answer would
    # be Django's HTML 404 page.
    pattern.callback = login_not_required(
        not_found if pattern.name == "api-root" else pattern.callback
    )

app_name = namespace  # reversed as "api-v1:<operation>"
urlpatterns = [*patterns, re_path(r"^(?P<path>.*)$", not_found, name="not_found")]
