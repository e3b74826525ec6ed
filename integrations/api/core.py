"""The API's frame: token authentication, scopes, problem-details errors, rate limits,
pagination. Resources live in integrations/api/<resource>.py, one Router each.

Errors are RFC 9457 problem details (application/problem+json):
{"type": ..., "title": ..., "status": ..., "detail": ..., "errors": [{"field", "message"}]}.
"""

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.docs import Swagger
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle
from pydantic import Field

from accounts.axes_hooks import client_ip
from integrations.models import ApiToken, hash_token
from integrations.scopes import grants

logger = logging.getLogger(__name__)

PROBLEM_TYPE_ROOT = "https://loopwright.dev/problems/"
PROBLEM_CONTENT_TYPE = "application/problem+json"


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lw_…`: a usable token; the request acts as its person."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        token = token.strip()
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.usable()
            .select_related("user")
            .filter(key_hash=hash_token(token))
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # One write a minute at most per token, not one per request.
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
            found.last_used_at = now
        request.user = found.user
        request.api_token = found
        return found


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token (per client address before authentication)."""

    scope = "token"

    def __init__(self) -> None:
        super().__init__(rate=settings.API_RATE_LIMIT)

    def get_cache_key(self, request: HttpRequest) -> str:
        token = getattr(request, "api_token", None)
        ident = token.prefix if token is not None else f"ip:{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


api = NinjaAPI(
    title="Loopwright API",
    version="1",
    description=(
        "Candidates, applications, interviews, scorecards, decisions and packets. "
        "Authenticate with `Authorization: Bearer <token>`: create a token on your profile, "
        "[API tokens](/integrations/tokens/) (admins: [integration accounts]"
        "(/integrations/accounts/)). A token acts as its person and never grants more; "
        "its scopes only narrow what it may touch. "
        "Errors are RFC 9457 problem details."
    ),
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs=Swagger(settings={"persistAuthorization": True}),
    docs_url="/docs/",
    openapi_url="/openapi.json",
    docs_decorator=None,
)


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str = "",
    *,
    kind: str = "",
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_ROOT + (kind or str(status)),
        "title": title,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ProblemSchema(Schema):
    type: str
    title: str
    status: int
    detail: str | None = None
    errors: list[dict[str, str]] | None = None


# Responses every operation may give besides its own: declare with **PROBLEMS.
PROBLEMS = {
    400: ProblemSchema,
    401: ProblemSchema,
    403: ProblemSchema,
    404: ProblemSchema,
    409: ProblemSchema,
    422: ProblemSchema,
    429: ProblemSchema,
}


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 unless the request's token holds `scope` (e.g. "candidates:write")."""
    token = getattr(request, "api_token", None)
    if token is None or not grants(token.scopes, scope):
        raise HttpError(403, f"This token lacks the scope {scope}.")


def location(loc: tuple | list) -> str:
    """ninja's ("body", "payload", "email") → "email"; ("query", "page") → "page"."""
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "request"


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": location(error.get("loc", ())), "message": error.get("msg", "Invalid.")}
        for error in exc.errors
    ]
    return problem(
        request, 422, "The request is not valid.", "See errors.", kind="invalid", errors=errors
    )


@api.exception_handler(DjangoValidationError)
def on_invalid_data(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        errors = [
            {"field": "request" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        errors = [{"field": "request", "message": message} for message in exc.messages]
    return problem(
        request,
        422,
        "The request is not valid.",
        " ".join(error["message"] for error in errors),
        kind="invalid",
        errors=errors,
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        request,
        401,
        "Authentication required.",
        "Send a valid, unexpired token: Authorization: Bearer <token>.",
        kind="unauthenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(Throttled)
def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = int(exc.wait or 1)
    return problem(
        request,
        429,
        "Too many requests.",
        f"Try again in {wait} s (limit {settings.API_RATE_LIMIT}).",
        kind="rate-limited",
        headers={"Retry-After": str(wait)},
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    titles = {403: "Not allowed.", 404: "Not found.", 409: "Conflict."}
    return problem(request, exc.status_code, titles.get(exc.status_code, exc.message), exc.message)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, "Not allowed.", str(exc) or "Your account may not do this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "Not found.", "No such object, or not one you may see.")


class Page(PaginationBase):
    """`?page=N&page_size=M` (at most API_MAX_PAGE_SIZE): count, next, previous, items.

    Lists are ordered by (updated_at, id) where they can be filtered by update time
    (`updated_since`), so a sync reads each change once by walking the pages.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int = Field(50, ge=1, le=200)

    class Output(Schema):
        count: int
        next: str | None
        previous: str | None
        items: list[Any]

    def paginate_queryset(self, queryset: QuerySet, pagination: Input, **params: Any) -> dict:
        request: HttpRequest = params["request"]
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        count = queryset.count()
        items = list(queryset[offset : offset + size])

        def link(page: int) -> str:
            query = request.GET.copy()
            query["page"] = str(page)
            query["page_size"] = str(size)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "count": count,
            "next": link(pagination.page + 1) if offset + size < count else None,
            "previous": link(pagination.page - 1) if pagination.page > 1 and count else None,
            "items": items,
        }


def updated_since(queryset: QuerySet, since: datetime | None, field: str = "updated_at"):
    """Rows changed at or after `since` (an ISO 8601 time with its offset), oldest first."""
    if since is not None:
        if timezone.is_naive(since):
            since = timezone.make_aware(since, timezone.UTC)
        queryset = queryset.filter(**{f"{field}__gte": since})
    return queryset.order_by(field, "pk")
