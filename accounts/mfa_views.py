"""An admin resets a person's two-factor authentication (lost or replaced phone)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from . import permissions
from .mfa import reset_two_factor
from .views import get_person_for


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
