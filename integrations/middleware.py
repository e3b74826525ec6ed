"""Every API request is written down with its token's name (integrations.models.ApiRequest)."""

import time

from django.conf import settings

from accounts.axes_hooks import client_ip

API_PREFIX = "/api/v1/"


class ApiRequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX) or request.path.startswith(
            (API_PREFIX + "docs", API_PREFIX + "openapi.json")
        ):
            return self.get_response(request)
        started = time.monotonic()
        response = self.get_response(request)
        if not getattr(settings, "API_REQUEST_LOG", True):
            return response
        from integrations.models import ApiRequest

        token = getattr(request, "api_token", None)
        ApiRequest.objects.create(
            token=token,
            token_name=str(token) if token is not None else "",
            user=token.user if token is not None else None,
            method=request.method[:10],
            path=request.get_full_path()[:500],
            status_code=response.status_code,
            ip=client_ip(request) or None,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        return response
