"""Personas and shared fixtures (CONVENTIONS: Tests)."""

import os
from types import SimpleNamespace

import pytest

from tests.factories import (
    make_bank,
    make_competency,
    make_ladder,
    make_question,
    make_role,
    make_scale,
    make_user,
)

# live_server runs the app in a thread while Playwright's sync API holds an event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"Skipped under CI=true, which must run every test: {report.longrepr}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing is slow by design; tests need many users, not strong hashes."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def forget_known_scorecard_parts():
    """Autosave remembers who owns a part per process; test databases reuse primary keys."""
    from scoring.access import _known_parts

    _known_parts.clear()
    yield
    _known_parts.clear()


PERSONAS = (
    "anonymous",
    "nobody",
    "recruiter",
    "interviewer",
    "other_interviewer",
    "committee",
    "other_committee",
    "admin",
    # Where independence could leak (seated by tests/access/personas.py).
    "shadow",
    "recruiter_interviewer",
    "recruiter_interviewer_submitted",
    "committee_interviewer",
    "replaced_interviewer",
)


@pytest.fixture
def recruiter(db):
    return make_user("recruiter-p", groups=("recruiter",), first_name="Rita", last_name="Recruiter")


@pytest.fixture
def interviewer(db):
    return make_user(
        "interviewer-p", groups=("interviewer",), first_name="Ivan", last_name="Interviewer"
    )


@pytest.fixture
def other_interviewer(db):
    return make_user("other-interviewer-p", groups=("interviewer",), first_name="Olga")


@pytest.fixture
def committee(db):
    return make_user("committee-p", groups=("committee",), first_name="Cora")


@pytest.fixture
def other_committee(db):
    return make_user("other-committee-p", groups=("committee",), first_name="Otto")


@pytest.fixture
def shadow(db):
    return make_user("shadow-p", groups=("interviewer",), first_name="Sasha", last_name="Shadow")


@pytest.fixture
def recruiter_interviewer(db):
    """A recruiter who also interviews (tests/access seats them, scorecard pending)."""
    return make_user(
        "recruiter-interviewer-p", groups=("recruiter", "interviewer"), first_name="Rex"
    )


@pytest.fixture
def recruiter_interviewer_submitted(db):
    """A recruiter who also interviews (tests/access seats them, scorecard submitted)."""
    return make_user(
        "recruiter-interviewer-submitted-p",
        groups=("recruiter", "interviewer"),
        first_name="Rosa",
        last_name="Reviewer",
    )


@pytest.fixture
def committee_interviewer(db):
    """A committee member who also interviews (tests/access: on both, scorecard pending)."""
    return make_user(
        "committee-interviewer-p", groups=("committee", "interviewer"), first_name="Cyd"
    )


@pytest.fixture
def replaced_interviewer(db):
    """A committee member replaced on an interview after starting the scorecard (tests/access)."""
    return make_user(
        "replaced-interviewer-p", groups=("committee", "interviewer"), first_name="Remy"
    )


@pytest.fixture
def nobody(db):
    return make_user("nobody-p")


@pytest.fixture
def anonymous():
    return None


@pytest.fixture
def admin(db):
    from accounts.models import User

    return User.objects.create_superuser("admin-p", "admin@example.com", "x-admin-pass-123")


@pytest.fixture
def persona_user(request):
    """The user of a persona by name (None for anonymous)."""

    def get(name: str):
        return request.getfixturevalue(name)

    return get


@pytest.fixture
def catalogue(db):
    """A small catalogue: one bank with a scale, two competencies, a ladder, a role, questions."""
    bank = make_bank("core", name="Core bank")
    scale = make_scale(bank, "five")
    reliability = make_competency(bank, "reliability", name="Reliability")
    security = make_competency(bank, "security", name="Security")
    ladder = make_ladder(bank, "eng", name="Engineering")
    role = make_role(ladder, "sre", name="Site reliability engineer")
    question = make_question(
        bank,
        "q-failover",
        primary=reliability,
        secondary=[security],
        tags=["incident-response"],
        levels=list(ladder.levels.all()[:2]),
        title="Failover under pressure",
    )
    return SimpleNamespace(
        bank=bank,
        scale=scale,
        reliability=reliability,
        security=security,
        ladder=ladder,
        role=role,
        question=question,
    )
