"""Privacy screens: erase a candidate (typed confirmation) and the subject-access export.

Both are for recruiters and admins who owe no scorecard of their own on any of the
candidate's applications (403 with the reason otherwise): erasing would destroy the
colleagues' work they may not yet read, and the export holds it.
"""

import json

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from accounts.validators import SafeForm

from ..access import get_candidate_for
from ..models import Candidate
from ..privacy import check_owes_no_review, erase_candidate, export_candidate


class EraseConfirmForm(SafeForm):
    """The candidate's name, typed: erasure cannot be undone, so it is never one click."""

    name = forms.CharField(
        label="Type the candidate's name to confirm",
        max_length=200,
        error_messages={"required": "Type the candidate's name to confirm."},
    )

    def __init__(self, *args, candidate: Candidate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        self.fields["name"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_name(self) -> str:
        typed = " ".join(self.cleaned_data["name"].split())
        if typed.casefold() != " ".join(self.candidate.name.split()).casefold():
            raise forms.ValidationError("That is not the candidate's name: nothing was erased.")
        return typed


@require_http_methods(["GET", "POST"])
def candidate_erase(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_candidate_for(request.user, pk, write=True)
    check_owes_no_review(request.user, candidate)
    form = EraseConfirmForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        erase_candidate(candidate, by=request.user)
        messages.success(request, f"Candidate #{candidate.pk} erased.")
        destination = reverse("candidates:candidate_list")
        return HttpResponseClientRedirect(destination) if request.htmx else redirect(destination)
    context = {
        "candidate": candidate,
        "form": form,
        "applications": candidate.applications.select_related("loop").order_by("created_at"),
    }
    if request.htmx:
        return render(request, "candidates/candidate_erase.html#erase-form", context)
    return render(request, "candidates/candidate_erase.html", context)


@require_GET
def candidate_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held about the candidate, as a JSON download (subject access)."""
    candidate = get_candidate_for(request.user, pk, write=True)
    # The export holds the recruiter notes, colleagues' scorecards and the decisions:
    # someone still owing their own scorecard on this candidate may read none of them.
    check_owes_no_review(request.user, candidate)
    data = export_candidate(candidate, by=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="candidate-{candidate.pk}.json"',
            "X-Content-Type-Options": "nosniff",
        },
    )
    # Personal data: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
