"""/api/v1/: every operation of integrations.api.core.api, outside the login wall (tokens)."""

from django.contrib.auth.decorators import login_not_required

from integrations.api import resources  # noqa: F401  (registers the routers)
from integrations.api.core import api

patterns, app_name, namespace = api.urls
for pattern in patterns:
    pattern.callback = login_not_required(pattern.callback)

app_name = namespace  # reversed as "api-v1:<operation>"
urlpatterns = patterns
