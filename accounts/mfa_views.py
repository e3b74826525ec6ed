"""Two-factor views of ours: leaving the code step, an admin's reset (lost phone)."""

from allauth.account.internal.stagekit import clear_login
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import permissions
from .mfa import reset_two_factor
from .views import get_person_for


@login_not_required
@require_POST
def sign_in_cancel(request: HttpRequest) -> HttpResponse:
    """Leave the code step: the password half of the sign-in is forgotten."""
    if not request.user.is_authenticated:
        # Signed in already: their records say how (single sign-on), so they stay.
        clear_login(request)
    return redirect("accounts:login")


@require_POST
def person_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    # Admins only: a reset lets the person in with their password alone until they set
    # up a new app, which is for an admin to decide after checking who is asking.
    permissions.require(permissions.is_admin(request.user))
    person = get_person_for(request.user, pk, write=True)
    if reset_two_factor(person, by=request.user):
        messages.success(
            request,
            f"Two-factor authentication of {person} is reset: they sign in with their "
            "password and set up their authenticator app again.",
        )
    else:
        messages.info(request, f"{person} has no two-factor authentication to reset.")
    return redirect("accounts:person_edit", pk=person.pk)
