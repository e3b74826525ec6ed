"""Contract tests: schemathesis against the served schema, /api/v1/openapi.json, per role.

The schema is fetched from the Django WSGI application in-process (the same document
the server serves), and every operation in it is called with requests schemathesis
generates from it, as each role: a recruiter, an interviewer whose scorecard is still
pending, a committee member, an admin and a shadow, each with a token holding every
scope. Checks: no 5xx (`not_a_server_error`), the status code is one the schema
documents (`status_code_conformance`), the body conforms to the documented schema
(`response_schema_conformance`). For the recruiter, requests the schema forbids are
generated too; each must be refused with a documented 4xx.

Generated ids mostly name nothing (404), so every operation is also called with the
path parameters of real objects of a small world (a published loop, an application
with interviews, submitted and pending scorecards, a decision, a ready packet, a
hire's review): those answers are real objects, checked against the schema too.

Reproducible and bounded for CI: hypothesis derandomized, no example database, no
shrinking, MAX_EXAMPLES per operation and way of choosing ids. Measured on the
2-core machine: see the README (tests/api, "contract").
"""

import os
import time
from collections import Counter
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.files.base import ContentFile
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from outcomes.models import PerformanceReview
from scoring.models import Packet
from scoring.services import record_decision
from tests.access.test_url_personas import build_world
from tests.api.conftest import ApiClient, make_token
from tests.factories import assign, make_user, submit_filled_scorecard

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/openapi.json"
ROLES = ("recruiter", "interviewer", "committee", "admin", "shadow")
# Per operation and way of choosing ids; CONTRACT_MAX_EXAMPLES=50 for a deeper local run.
MAX_EXAMPLES = int(os.environ.get("CONTRACT_MAX_EXAMPLES", "3"))
# Also sent requests the schema forbids (each must be refused with a documented 4xx): for
# the recruiter only, who reaches every write's validation, to keep the run short.
NEGATIVE_ROLES = {"recruiter"}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
EXTERNAL_ID = "contract-ext-1"


@pytest.fixture
def in_process_wsgi():
    """Django's WSGI handler on the test's own connection and transaction.

    The handler closes "old" connections at each request's start and end, which inside
    the test's transaction would drop it; Django's own test client disconnects the same
    two receivers.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(catalogue, request, settings, tmp_path):
    """The access registry's world, plus what makes each endpoint answer with a real object."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(catalogue, request)
    recruiter = request.getfixturevalue("recruiter")
    colleague = assign(world.interview, make_user(groups=("interviewer",))).scorecard
    world.submitted = submit_filled_scorecard(colleague)
    world.decision = record_decision(
        world.application,
        outcome="hold",
        level=world.application.loop.level,
        rationale="Contract world",
        by=recruiter,
    )
    world.packet = Packet(application=world.application, status=Packet.Status.READY, pages=1)
    world.packet.file.save("packet.pdf", ContentFile(b"%PDF-1.7 contract"))
    world.review = PerformanceReview.objects.create(
        application=world.stranger_application,
        reviewed_on="2026-01-05",
        reviewer_name="Contract",
        overall=3,
        external_id=EXTERNAL_ID,
    )
    return world


def real_ids(world: SimpleNamespace) -> dict[str, int | str]:
    """The world's object of each resource, by the path's first segment under /api/v1/."""
    return {
        "candidates": world.candidate.pk,
        "applications": world.application.pk,
        "interviews": world.interview.pk,
        "loops": world.published.pk,
        "scorecards": world.submitted.pk,
        "decisions": world.decision.pk,
        "packets": world.packet.pk,
        "reviews": world.review.pk,
        "people": world.interview.assignments.first().person_id,
        "banks": world.catalogue.bank.key,
    }


def real_path_parameters(operation, ids: dict) -> dict | None:
    """Path parameters naming the world's objects for `operation`, or None if it has none."""
    names = [parameter.name for parameter in operation.path_parameters]
    if not names:
        return None
    resource = operation.path.removeprefix("/api/v1/").split("/")[0]
    values = {}
    for name in names:
        if name == "external_id":
            values[name] = EXTERNAL_ID
        elif resource in ids:
            values[name] = ids[resource]
        else:
            return None
    return values


def run_operation(
    operation, ids: dict, headers: dict, statuses: Counter, *, negative: bool = False
) -> None:
    strategies = [operation.as_strategy()]
    if negative:
        strategies.append(operation.as_strategy(schemathesis.GenerationMode.NEGATIVE))
    real = real_path_parameters(operation, ids)
    if real is not None:
        strategies.append(operation.as_strategy(path_parameters=real))

    @settings(
        max_examples=MAX_EXAMPLES * len(strategies),
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(case=st.one_of(*strategies))
    def check(case):
        response = case.call(headers=headers)
        statuses[response.status_code // 100 * 100] += 1
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_contract_for_each_role(
    role, world, in_process_wsgi, persona_user
):
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, in_process_wsgi)
    ids = real_ids(world)
    user = persona_user(role)
    failures, started, calls, statuses = [], time.monotonic(), 0, Counter()
    for result in schema.get_all_operations():
        operation = result.ok()
        # A token per operation: the rate limit (API_RATE_LIMIT per token) stays out of it.
        headers = {"Authorization": f"Bearer {make_token(user, name=f'contract {role}')}"}
        try:
            run_operation(operation, ids, headers, statuses, negative=role in NEGATIVE_ROLES)
        # Schemathesis raises a FailureGroup (a BaseExceptionGroup): every operation runs,
        # and all failures are reported together.
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
        calls += 1
    elapsed = time.monotonic() - started
    print(f"contract {role}: {calls} operations in {elapsed:.1f}s, answers {dict(statuses)}")
    assert calls > 20, "the served schema lists too few operations"
    # The world's ids make real objects answer, not only 404s and 422s.
    assert statuses[200] >= 15, f"only {statuses[200]} successful answers"
    assert not failures, f"{role}:\n" + "\n\n".join(failures)


def test_a_colleagues_scorecard_is_refused_through_the_api_until_ones_own_is_submitted(
    world, client, persona_user
):
    """Independence through the API, on the contract world: a committee member who also
    interviews reads no colleague's scorecard while their own is pending, then does."""
    member = persona_user("committee_interviewer")
    api = ApiClient(client, make_token(member, ["scorecards:read"]))
    colleague = reverse("api-v1:scorecard_detail", kwargs={"id": world.submitted.pk})
    listing = reverse("api-v1:scorecard_list")

    refused = api.get(colleague)
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/problem+json"
    assert api.get(listing).json()["items"] == []

    submit_filled_scorecard(world.persona_cards["committee_interviewer"])
    readable = api.get(colleague)
    assert readable.status_code == 200
    assert readable.json()["ratings"][0]["evidence"].startswith("Evidence on")
    assert world.submitted.pk in [item["id"] for item in api.get(listing).json()["items"]]
