from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import permissions, services
from .audit import record, visible_entries
from .forms import (
    AuditFilterForm,
    InviteForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    PeopleFilterForm,
    PersonForm,
    ProfileForm,
)
from .htmx import is_fragment_request, render_screen
from .models import AuditEntry, User

PEOPLE_PER_PAGE = 25
AUDIT_ENTRIES_PER_PAGE = 50


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """Our password form; a right password hands the person to allauth's login flow.

    allauth's stages run from there: a person with an authenticator app is asked
    for its code (allauth.mfa, /accounts/2fa/authenticate/) before being signed in.
    django-axes still counts the password attempts (its backend runs in the form).
    """

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        user = form.get_user()
        # get_success_url() is Django's checked `next` (same host only) or the default.
        login = Login(user=user, redirect_url=self.get_success_url())
        return perform_password_login(self.request, {"username": user.get_username()}, login)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(self.request.user, "password.changed", self.request.user, via="change")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Serves both forgotten passwords and invitations (an invitee has no password yet)."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        via = "reset" if form.user.has_usable_password() else "invitation"
        response = super().form_valid(form)
        record(form.user, "password.changed", form.user, via=via)
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def get_person_for(user: User, pk: int, *, write: bool = False) -> User:
    """The person `user` may manage: 403 for non-recruiters, 403 to change an admin unless admin."""
    permissions.require_recruiter(user)
    person = get_object_or_404(User.objects.prefetch_related("groups"), pk=pk)
    if write:
        permissions.require(not person.is_superuser or permissions.is_admin(user))
    return person


def page_query(request: HttpRequest) -> str:
    """The current filters as a query string, for pagination links that keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
def people(request: HttpRequest) -> HttpResponse:
    permissions.require_recruiter(request.user)
    form = PeopleFilterForm(request.GET)
    page = Paginator(form.filter(User.objects.for_people_list()), PEOPLE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_screen(
        request,
        "accounts/people.html",
        "people-results",
        {
            "form": form,
            "page": page,
            "query": page_query(request),
        },
    )


@require_http_methods(["GET", "POST"])
def person_invite(request: HttpRequest) -> HttpResponse:
    permissions.require_recruiter(request.user)
    # Colleagues usually share a time zone: start from the inviter's.
    form = InviteForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        try:
            person = services.invite_person(
                by=request.user,
                **form.cleaned_data,
                site_root=request.build_absolute_uri("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"{person} is invited: we emailed {person.email} a link to choose a password.",
            )
            return redirect_after_change(request, reverse("accounts:people"))
    return render_form(request, "accounts/person_invite.html", "invite-form", {"form": form})


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for(request.user, pk, write=True)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_person(
                person,
                by=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                groups=data["groups"],
                time_zone=data["time_zone"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Changes to {person} are saved.")
            return redirect_after_change(request, reverse("accounts:person_edit", args=[pk]))
    return render_form(
        request, "accounts/person_edit.html", "person-form", {"form": form, "person": person}
    )


@require_POST
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return change_status(request, pk, services.deactivate_person, "{} is deactivated.")


@require_POST
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return change_status(request, pk, services.reactivate_person, "{} can sign in again.")


def change_status(request: HttpRequest, pk: int, change, done: str) -> HttpResponse:
    """Deactivate or reactivate; htmx swaps only the status panel of the person's page."""
    person = get_person_for(request.user, pk, write=True)
    error = None
    try:
        change(person, by=request.user)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if is_fragment_request(request):
        return render(
            request,
            "accounts/person_edit.html#person-status",
            {
                "person": person,
                "status_error": error,
                "status_done": None if error else done.format(person),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, done.format(person))
    return redirect("accounts:person_edit", pk=pk)


def render_form(request: HttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """A form page, or just the form (with its errors) when htmx posted it."""
    fragment = request.method == "POST" and is_fragment_request(request)
    return render(request, f"{template}#{partial}" if fragment else template, context)


def redirect_after_change(request: HttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@require_GET
def audit(request: HttpRequest) -> HttpResponse:
    permissions.require_recruiter(request.user)
    # Independence: nothing about an application the viewer still owes their own
    # scorecard on, in the rows, the count or the filters' choices.
    entries = visible_entries(request.user, AuditEntry.objects.for_listing())
    form = AuditFilterForm(request.GET, entries=entries)
    page = Paginator(form.filter(entries), AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render_screen(
        request,
        "accounts/audit.html",
        "audit-results",
        {
            "form": form,
            "page": page,
            "query": page_query(request),
        },
    )
