"""Recruiters create and change questions and competencies in the browser.

A pinned item (used by a published loop) is never changed in place: saving
makes version n+1 (services.save_question / save_competency).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.permissions import require_recruiter

from .. import services
from ..forms import CompetencyForm, QuestionForm
from ..models import Competency, Question
from ..usage import used_by
from .browse import get_catalogue_item_for


def _question_data(form: QuestionForm) -> dict:
    return {**form.cleaned_data, "anchors": form.cleaned_anchors()}


@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    initial = {"kind": Question.Kind.BEHAVIOURAL, "minutes": 10}
    if bank := request.GET.get("bank"):
        initial["bank"] = bank
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        question = services.save_question(None, _question_data(form), by=request.user)
        messages.success(request, f"Question “{question.title}” created.")
        return redirect("rubrics:question_detail", question.pk)
    return render(request, "rubrics/question_form.html", {"form": form, "question": None})


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_catalogue_item_for(request.user, Question, pk, Question.objects.for_detail())
    if not question.current:
        messages.warning(request, "That was an older version; you are editing the current one.")
        return redirect(
            "rubrics:question_edit", Question.objects.current().get(key=question.key).pk
        )
    form = QuestionForm(request.POST or None, question=question)
    if request.method == "POST" and form.is_valid():
        saved = services.save_question(question, _question_data(form), by=request.user)
        if saved.pk != question.pk:
            messages.success(
                request,
                f"Saved as version {saved.version}; published loops keep "
                f"version {question.version}.",
            )
        else:
            messages.success(request, "Question saved.")
        return redirect("rubrics:question_detail", saved.pk)
    return render(
        request,
        "rubrics/question_form.html",
        {"form": form, "question": question, "used_by": used_by(question)},
    )


@require_POST
def question_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_catalogue_item_for(request.user, Question, pk)
    copy = services.duplicate_question(question, by=request.user)
    messages.success(request, f"Duplicated as “{copy.title}”: change what should differ.")
    url = copy.get_edit_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
def question_archive(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_catalogue_item_for(request.user, Question, pk, Question.objects.for_detail())
    archive = request.POST.get("archived", "1") != "0"
    services.set_archived(question, archive, by=request.user)
    if request.htmx:
        return render(
            request, "rubrics/question_detail.html#question-status", {"question": question}
        )
    messages.success(
        request,
        "Question archived: it no longer appears in the bank."
        if archive
        else "Question restored to the bank.",
    )
    return redirect("rubrics:question_detail", question.pk)


@require_http_methods(["GET", "POST"])
def competency_create(request: HttpRequest) -> HttpResponse:
    require_recruiter(request.user)
    form = CompetencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        competency = services.save_competency(
            None, {**form.cleaned_data, "anchors": form.cleaned_anchors()}, by=request.user
        )
        messages.success(request, f"Competency “{competency.name}” created.")
        return redirect("rubrics:competency_detail", competency.pk)
    return render(request, "rubrics/competency_form.html", {"form": form, "competency": None})


@require_http_methods(["GET", "POST"])
def competency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    competency = get_catalogue_item_for(
        request.user, Competency, pk, Competency.objects.prefetch_related("anchors")
    )
    if not competency.current:
        return redirect(
            "rubrics:competency_edit", Competency.objects.current().get(key=competency.key).pk
        )
    form = CompetencyForm(request.POST or None, competency=competency)
    if request.method == "POST" and form.is_valid():
        saved = services.save_competency(
            competency, {**form.cleaned_data, "anchors": form.cleaned_anchors()}, by=request.user
        )
        messages.success(
            request,
            f"Saved as version {saved.version}; published loops keep version {competency.version}."
            if saved.pk != competency.pk
            else "Competency saved.",
        )
        return redirect("rubrics:competency_detail", saved.pk)
    return render(
        request,
        "rubrics/competency_form.html",
        {"form": form, "competency": competency, "used_by": used_by(competency)},
    )


@require_POST
def competency_archive(request: HttpRequest, pk: int) -> HttpResponse:
    competency = get_catalogue_item_for(request.user, Competency, pk)
    archive = request.POST.get("archived", "1") != "0"
    services.set_archived(competency, archive, by=request.user)
    messages.success(request, "Competency archived." if archive else "Competency restored.")
    return redirect("rubrics:competency_detail", competency.pk)
