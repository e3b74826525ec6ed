"""Question analytics: on a question (every loop that asked it) and per loop (a table).

Recruiters and admins only (403 for anyone else). Counted scorecards only; whatever
their groups, the applications a viewer still owes their own scorecard on are left out
of every figure (DESIGN: independence holds in aggregates), and the page says how many.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from accounts.htmx import render_screen
from accounts.permissions import require_recruiter
from interviews.models import Loop
from rubrics.models import Question

from .. import question_data
from ..question_stats import (
    ATTENTION_LIMIT,
    MIN_CANDIDATES,
    MIN_TIMED_FOR_INTERVAL,
    SEPARATES,
    attention,
    loop_question_stats,
    question_stats,
)

THRESHOLDS = {
    "min_candidates": MIN_CANDIDATES,
    "separates": SEPARATES,
    "min_timed": MIN_TIMED_FOR_INTERVAL,
    "attention_limit": ATTENTION_LIMIT,
}


@require_GET
def question_analytics(request: HttpRequest, pk: int) -> HttpResponse:
    """One question's figures across every loop (the question page loads it by htmx)."""
    require_recruiter(request.user)
    question = get_object_or_404(Question.objects.select_related("primary_competency"), pk=pk)
    notes, ratings = question_data.for_question(question.key, request.user)
    context = {
        "question": question,
        "stats": question_stats(question.key, notes, ratings),
        "excluded": question_data.excluded_for_question(question.key, request.user),
        **THRESHOLDS,
    }
    return render_screen(request, "scoring/question_analytics.html", "question-analytics", context)


@require_GET
def loop_questions(request: HttpRequest, pk: int) -> HttpResponse:
    """Every question of a loop (all its versions) in one table, and those to look at."""
    require_recruiter(request.user)
    loop = get_object_or_404(Loop.objects.only("pk", "key", "name", "version"), pk=pk)
    notes, ratings = question_data.for_loop(loop.key, request.user)
    rows = loop_question_stats(notes, ratings)
    context = {
        "loop": loop,
        "rows": rows,
        "attention": attention(rows),
        "excluded": question_data.excluded_for_loop(loop.key, request.user),
        **THRESHOLDS,
    }
    return render_screen(request, "scoring/loop_questions.html", "loop-questions", context)
