"""API token pages: a person's own tokens, admins' integration accounts, a token's log.

A new token's secret is in the answer to the POST that created it and nowhere else:
not in a URL, the session, a message or a log. The answer is `no-store`, so neither
the back button nor a reload shows it again (a reload after htmx asks the page anew).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import permissions
from accounts.htmx import is_fragment_request, render_screen
from accounts.models import User
from integrations import tokens as service
from integrations.models import ApiToken
from integrations.token_forms import IntegrationAccountForm, TokenForm, scope_rows

REQUESTS_PER_PAGE = 50


def get_token_for(user: User, pk: int) -> ApiToken:
    """A token `user` may manage: their own, or (admins) an integration account's; else 404."""
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    if token.user_id == user.pk:
        return token
    if permissions.is_admin(user) and service.is_integration_account(token.user):
        return token
    raise Http404("No such token.")


def get_account_for(user: User, pk: int) -> User:
    """An integration account, for admins only (403 for everyone else)."""
    permissions.require(permissions.is_admin(user))
    return get_object_or_404(service.integration_accounts(), pk=pk)


def tokens_of(owner: User):
    return ApiToken.objects.filter(user=owner).select_related("created_by")


def token_context(owner: User, form: TokenForm, *, created=None, secret: str = "") -> dict:
    return {
        "owner": owner,
        "tokens": tokens_of(owner),
        "form": form,
        "scope_rows": scope_rows(),
        "chosen_scopes": form.chosen_scopes(),
        "created": created,
        "secret": secret,
        "now": timezone.now(),
    }


def token_screen(request: HttpRequest, owner: User, template: str, extra: dict) -> HttpResponse:
    """The list and the create form of `owner`'s tokens; a valid POST shows the secret once."""
    form = TokenForm(request.POST or None)
    created, secret, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = service.create_token(
                owner,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form, status = TokenForm(), 201
    elif request.method == "POST":
        status = 422
    context = {**token_context(owner, form, created=created, secret=secret), **extra}
    # A fragment only for htmx's own POST; a history restore needs the whole page.
    fragment = request.method == "POST" and is_fragment_request(request)
    name = f"{template}#token-screen" if fragment else template
    return render(request, name, context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    return token_screen(request, request.user, "integrations/tokens.html", {})


@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for(request.user, pk)
    back = back_url(token, request.user)
    if request.method == "POST":
        service.revoke_token(token, by=request.user)
        messages.success(request, f"The token “{token.name}” is revoked: it no longer works.")
        return redirect(back)
    return render(
        request,
        "integrations/token_revoke.html",
        {"token": token, "back": back, "back_label": back_label(token, request.user)},
    )


@require_GET
def token_requests(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_token_for(request.user, pk)
    page = Paginator(token.requests.order_by("-at", "-pk"), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_screen(
        request,
        "integrations/token_requests.html",
        "token-requests",
        {
            "token": token,
            "page": page,
            "back": back_url(token, request.user),
            "back_label": back_label(token, request.user),
        },
    )


def back_url(token: ApiToken, user: User) -> str:
    if token.user_id == user.pk:
        return reverse("integrations:tokens")
    return reverse("integrations:account", args=[token.user_id])


def back_label(token: ApiToken, user: User) -> str:
    return "API tokens" if token.user_id == user.pk else str(token.user)


@require_http_methods(["GET", "POST"])
def accounts(request: HttpRequest) -> HttpResponse:
    permissions.require(permissions.is_admin(request.user))
    form = IntegrationAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = service.create_integration_account(
                name=form.cleaned_data["name"], groups=form.cleaned_data["groups"], by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{account} is created: now give it a token.")
            return redirect("integrations:account", pk=account.pk)
    now = timezone.now()
    listed = service.integration_accounts().annotate(
        usable_tokens=Count(
            "api_tokens",
            filter=Q(api_tokens__revoked_at__isnull=True, api_tokens__expires_at__gt=now),
        )
    )
    return render(
        request,
        "integrations/accounts.html",
        {"form": form, "accounts": listed},
        status=422 if form.errors else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest, pk: int) -> HttpResponse:
    owner = get_account_for(request.user, pk)
    return token_screen(request, owner, "integrations/account.html", {"account": owner})
