"""Single sign-on screens: the sign-in policy page and allauth's closed doors."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_not_required
def closed(request: HttpRequest, **kwargs) -> HttpResponse:
    """An allauth page Loopwright does not offer: not found, signed in or not."""
    raise Http404


@login_not_required
def to_login(request: HttpRequest, **kwargs) -> HttpResponse:
    """allauth's signup pages: accounts come from an invitation or single sign-on."""
    return redirect("accounts:login")
