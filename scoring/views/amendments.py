"""Amending a submitted scorecard: its author changes ratings or the overall part, with a reason.

The amendment form is scoring.forms.AmendForm; the service (services.amend_scorecard)
keeps what changed, before and after, and the reason. The read-only page lists each
amendment in words through `amendment_view`.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from .. import services
from ..access import get_scorecard_for
from ..forms import AmendForm
from ..models import Recommendation
from .scorecard_parts import Parts, back_to, load_parts, page_context

AMEND_TEMPLATE = "scoring/scorecard_amend.html"


@require_http_methods(["GET", "POST"])
def amend(request: HttpRequest, pk: int) -> HttpResponse:
    scorecard = get_scorecard_for(request.user, pk, write=True)
    if not scorecard.is_submitted:
        messages.info(request, "A draft is not amended: change it here, it saves as you type.")
        return back_to(request, scorecard)
    parts = load_parts(scorecard)
    form = AmendForm(request.POST or None, scorecard=scorecard, parts=parts)
    if request.method == "POST" and form.is_valid():
        ratings, overall = form.changes()
        try:
            amendment = services.amend_scorecard(
                scorecard,
                by=request.user,
                reason=form.cleaned_data["reason"],
                ratings=ratings,
                overall=overall,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if amendment is None:
                form.add_error(None, "Nothing changed: change a rating or the overall part first.")
            else:
                messages.success(request, "Amended. The change and your reason are kept below.")
                return back_to(request, scorecard, "amendments")
    status = 422 if form.errors else 200
    context = page_context(scorecard) | {"form": form, "parts": parts}
    return render(request, AMEND_TEMPLATE, context, status=status)


def amendment_view(amendment, parts: Parts) -> dict:
    """An amendment as lines of "what: before → after" in words, not JSON."""
    labels = {p.value: p.label for p in parts.points}
    changes = []
    for part, after in amendment.after.items():
        before = amendment.before.get(part)
        if part == "recommendation":
            what = "Recommendation"
            before, after = _recommendation_label(before), _recommendation_label(after)
        elif part == "summary":
            what = "Summary"
        else:
            what = part
            before, after = _rating_words(before, labels), _rating_words(after, labels)
        changes.append({"what": what, "before": before, "after": after})
    return {"amendment": amendment, "changes": changes}


def _recommendation_label(value: str | None) -> str:
    return Recommendation(value).label if value in Recommendation.values else "—"


def _rating_words(snapshot: dict | None, labels: dict[int, str]) -> str:
    if not snapshot:
        return "—"
    if snapshot.get("not_assessed"):
        head = f"Not assessed ({snapshot.get('not_assessed_reason') or 'no reason'})"
    elif snapshot.get("score") is None:
        head = "No score"
    else:
        score = snapshot["score"]
        head = f"{score} {labels.get(score, '')}".strip()
    evidence = snapshot.get("evidence") or ""
    return f"{head} — {evidence}" if evidence else head
