"""Property-based tests of every project form: a message at the field or a clean value, never a 500.

Every form class in the project must inherit the shared raw-input screen
(accounts.validators.SafeInputMixin). Each form, built with the context it
needs (CONTEXT), is fed random hostile input in every field (NUL, lone surrogates, huge
strings, long lists); is_valid() must return, and whatever it accepts must be
storable text within its field's limits. The question form also goes through
its page with the test client: a 200 with the message, or a redirect after a
save of exactly what was sent. Bounded (hypothesis deadline plus a watchdog,
derandomized) so CI stays fast and reproducible.
"""

import contextlib
import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import pytest
from django import forms
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from accounts.validators import TEXT_MAX, SafeInputMixin, text_problem
from interviews.models import Stage
from rubrics.models import Level, Question
from tests.factories import make_candidate, make_loop, make_stage
from tests.rubrics.test_bankfile_malformed import watchdog

APPS = ("accounts", "candidates", "interviews", "rubrics", "scoring", "outcomes", "integrations")
BOUNDED = settings(
    max_examples=50,
    deadline=3000,
    derandomize=True,
    database=None,  # derandomized: nothing to replay, and no .hypothesis/ in the tree
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


def project_modules():
    for app in APPS:
        package = importlib.import_module(app)
        yield package
        for info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in info.name or ".management" in info.name:
                continue
            yield importlib.import_module(info.name)


def project_forms() -> list[type[forms.BaseForm]]:
    found = {}
    for module in project_modules():
        for _, cls in inspect.getmembers(module, inspect.isclass):
            ours = cls.__module__.split(".")[0] in APPS and cls.__module__ != "accounts.validators"
            if issubclass(cls, forms.BaseForm) and ours:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[name] for name in sorted(found)]


FORMS = project_forms()

hostile_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=40),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "x\udfffy", "line\n\x00\nline", "9" * 5000]),
    st.integers(min_value=1, max_value=120_000).map(lambda n: "t" * n),
)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, max_size=30))
# What a browser can send: any text but lone surrogates (they cannot be encoded to UTF-8,
# and Django decodes request bodies with replacement), so the page tests leave them out.
sendable_text = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=200),
    st.sampled_from(["\x00", "a\x00b", "line\n\x00\nline", "9" * 5000, "a,\x00,b"]),
    st.integers(min_value=1, max_value=120_000).map(lambda n: "t" * n),
)


def as_submitted(data: dict) -> QueryDict:
    """Form data as a request carries it: every field a list of texts."""
    submitted = QueryDict(mutable=True)
    for name, value in data.items():
        submitted.setlist(name, value if isinstance(value, list) else [value])
    return submitted


def test_the_project_has_forms_to_check():
    assert len(FORMS) > 30


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__qualname__)
def test_every_project_form_screens_its_raw_input(form_class):
    assert issubclass(form_class, SafeInputMixin), (
        f"{form_class.__module__}.{form_class.__qualname__} must inherit SafeForm, "
        "SafeModelForm or SafeInputMixin (accounts/validators.py)"
    )


# Forms built with their context (a loop, a stage, a candidate, a user, choices...):
# what each needs, made through the real code paths.
CONTEXT = {
    "SetPasswordForm": lambda w: {"user": w.recruiter},
    "PasswordChangeForm": lambda w: {"user": w.recruiter},
    "LoginForm": lambda w: {"request": RequestFactory().post("/accounts/login/")},
    "ApplicationForm": lambda w: {"candidate": w.candidate},
    "EraseConfirmForm": lambda w: {"candidate": w.candidate},
    "AssignForm": lambda w: {"people": User.objects.all()},
    "ReplaceForm": lambda w: {"people": User.objects.all()},
    "ScheduleForm": lambda w: {"stages": Stage.objects.all()},
    "LoopCompetencyForm": lambda w: {"instance": w.loop.loop_competencies.first()},
    "PlanQuestionForm": lambda w: {"loop": w.loop},
    "SuggestForm": lambda w: {"stage": w.stage},
    "ForkQuestionForm": lambda w: {"origin": w.question},
    "LevelForm": lambda w: {
        "ladder": w.ladder,
        "dimensions": list(w.ladder.dimensions.all()),
        "expectations": {},
    },
    "NoteForm": lambda w: {"checklist": ["Forecast", "Headroom"]},
    "CalibrationForm": lambda w: {"choices": [(str(w.loop.pk), "Loop")]},
    "LoopForm": lambda w: {"choices": [(str(w.loop.pk), "Loop")]},
    "ValidityForm": lambda w: {"choices": [(str(w.loop.pk), "Loop")]},
    "DecisionForm": lambda w: {"levels": Level.objects.all()},
    "PipelineFilterForm": lambda w: {"columns": [(w.stage.pk, "Stage")]},
    # allauth's two-factor forms (accounts/mfa.py) take the person they check a code for.
    "CodeForm": lambda w: {"user": w.recruiter},
    "ConfirmCodeForm": lambda w: {"user": w.recruiter},
    "ActivateForm": lambda w: {"user": w.recruiter},
    "SignInPolicyForm": lambda w: {"providers": []},
    "MappingForm": lambda w: {"header": ["Name", "Email", "External id", ""]},
}
# Not fuzzed here: a base class with no model of its own, and two scorecard forms that
# need a whole scorecard view model (their page tests post bad input); all three inherit
# the same screen, which the test above checks.
NOT_FUZZED = {"SetCheckedRowForm", "AmendForm", "BackupForm"}


@pytest.fixture
def world(catalogue, recruiter):
    loop = make_loop()
    return SimpleNamespace(
        recruiter=recruiter,
        candidate=make_candidate(),
        loop=loop,
        stage=make_stage(loop),
        ladder=catalogue.ladder,
        question=catalogue.question,
    )


def context_for(form_class, world) -> dict:
    make = CONTEXT.get(form_class.__qualname__)
    return make(world) if make else {}


def assert_storable(form: forms.BaseForm) -> None:
    for name, value in form.cleaned_data.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str):
                limit = getattr(form.fields[name], "max_length", None) or TEXT_MAX
                assert text_problem(item, limit) is None, (name, item[:60])


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: c.__qualname__)
def test_hostile_input_in_every_field_gets_a_message_or_a_storable_value(form_class, world, stack):
    if form_class.__qualname__ in NOT_FUZZED:
        return
    if form_class.__module__ == "accounts.mfa":
        # allauth's code forms read the request from allauth's context (session, limits).
        stack.enter_context(allauth_request(world.recruiter))
    context = context_for(form_class, world)
    blank = form_class(**context)
    names = [blank.add_prefix(name) for name in blank.fields]
    examples = []

    @BOUNDED
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(names, hostile_value)))
    def check(data):
        examples.append(data)
        with watchdog():
            form = form_class(data=as_submitted(data), **context)
            if form.is_valid():
                assert_storable(form)
            else:
                assert all(form.errors.values())

    check()
    assert len(examples) >= 20 or not names, len(examples)


@pytest.fixture
def stack():
    with contextlib.ExitStack() as entered:
        yield entered


@contextlib.contextmanager
def allauth_request(user):
    from allauth.core import context
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().post("/accounts/2fa/authenticate/")
    request.user = user
    request.session = SessionStore()
    with context.request_context(request):
        yield


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["title", "prompt", "tags", "great_signals", "checklist", "follow_ups", "anchor_5"]
)
def test_the_question_page_shows_a_message_or_saves_exactly_what_was_sent(
    client, recruiter, catalogue, field
):
    from tests.rubrics.test_edit_questions import question_post

    client.force_login(recruiter)
    url = reverse("rubrics:question_create")
    keys = iter(range(10**6))

    @BOUNDED
    @given(sendable_text)
    def check(value):
        key = f"prop-{next(keys)}"
        data = question_post(catalogue, key=key, **{field: value})
        with watchdog():
            response = client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        saved = Question.objects.filter(key=key).first()
        if response.status_code == 200:
            assert saved is None
            assert response.context["form"].errors
        else:
            assert saved is not None
            stored = {
                "tags": ", ".join(t.key for t in saved.tags.all()),
                "anchor_5": "".join(a.text for a in saved.anchors.filter(value=5)),
            }.get(field, getattr(saved, field, None))
            stored = "\n".join(stored) if isinstance(stored, list) else stored
            assert text_problem(stored) is None

    check()


@pytest.mark.django_db
def test_the_question_form_names_the_line_of_a_bad_list_item():
    from rubrics.forms import QuestionForm

    form = QuestionForm(data={"great_signals": "fine\n" + "x" * 501 + "\nfine too"})

    assert not form.is_valid()
    assert form.errors["great_signals"] == [
        "Line 2 (xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…) too long (501 characters, at most 500)."
    ]


@pytest.mark.django_db
def test_nul_in_a_list_field_is_refused_with_its_line_before_cleaning():
    from rubrics.forms import QuestionForm

    form = QuestionForm(data={"checklist": "Forecast\nHead\x00room"})

    assert not form.is_valid()
    assert form.errors["checklist"] == ["Line 2 contains a NUL character (\\x00)."]


@pytest.mark.django_db
def test_a_100000_character_tag_field_is_refused_at_the_field():
    from rubrics.forms import QuestionForm

    form = QuestionForm(data={"tags": "k" * 100_000})

    assert not form.is_valid()
    assert form.errors["tags"] == ["This text is too long (100000 characters, at most 500)."]
