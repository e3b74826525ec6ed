"""Single sign-on screens: the sign-in policy page and allauth's closed doors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.audit import record
from accounts.models import SignInPolicy
from accounts.permissions import is_admin, require

from .adapters import provider_settings
from .forms import SignInPolicyForm
from .policy import sso_providers


@require_http_methods(["GET", "POST"])
def sign_in_policy(request: HttpRequest) -> HttpResponse:
    """Admins choose who may sign in with a password and whether two factors are required."""
    require(is_admin(request.user))
    policy = SignInPolicy.current()
    providers = sso_providers(request)
    before = {"password_login": policy.password_login, "two_factor": policy.require_two_factor}
    form = SignInPolicyForm(request.POST or None, instance=policy, providers=providers)
    if request.method == "POST" and form.is_valid():
        policy = form.save(commit=False)
        policy.updated_by = request.user
        policy.save()
        after = {"password_login": policy.password_login, "two_factor": policy.require_two_factor}
        if after != before:
            record(request.user, "sign_in_policy.changed", policy, before=before, after=after)
        messages.success(request, "The sign-in policy is saved.")
        return redirect("accounts:sign_in_policy")
    return render(
        request,
        "accounts/sign_in_policy.html",
        {"form": form, "policy": policy, "providers": [describe(p) for p in providers]},
    )


def describe(provider) -> dict:
    """What the policy page shows about a provider: where it is configured, what it maps."""
    config = provider_settings(provider.app)
    return {
        "name": provider.name,
        "source": "environment" if provider.app.pk is None else "admin (Social applications)",
        "server_url": provider.app.settings.get("server_url", ""),
        "groups_claim": config["groups_claim"],
        "group_map": sorted((idp, ", ".join(roles)) for idp, roles in config["group_map"].items()),
        "domains": ", ".join(config["allowed_email_domains"]),
    }


@login_not_required
def closed(request: HttpRequest, **kwargs) -> HttpResponse:
    """An allauth page Loopwright does not offer: not found, signed in or not."""
    raise Http404


@login_not_required
def to_login(request: HttpRequest, **kwargs) -> HttpResponse:
    """allauth's signup pages: accounts come from an invitation or single sign-on."""
    return redirect("accounts:login")
