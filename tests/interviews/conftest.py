"""A loop to build on: the shared catalogue, a draft loop with two stages, three questions."""

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from interviews.models import Loop, PlannedQuestion
from tests.factories import make_loop, make_question, make_stage, plan

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def loop_world(catalogue, recruiter):
    """A draft loop without coverage warnings.

    Systems (60 min, 10 buffer): failover (reliability, security second) and
    secrets (security). Operations (45, 5): postmortems (reliability, security
    second). Every competency is covered by both stages; no ground is shared.
    """
    senior = catalogue.ladder.levels.get(key="senior")
    secrets = make_question(
        catalogue.bank,
        "q-secrets",
        primary=catalogue.security,
        tags=["secrets"],
        title="Secrets rotation",
    )
    postmortem = make_question(
        catalogue.bank,
        "q-postmortem",
        primary=catalogue.reliability,
        secondary=[catalogue.security],
        tags=["postmortems"],
        title="A postmortem you led",
    )
    loop = make_loop(
        name="SRE, Senior",
        role=catalogue.role,
        level=senior,
        scale=catalogue.scale,
        competencies=[catalogue.reliability, catalogue.security],
        by=recruiter,
    )
    systems = make_stage(loop, name="Systems", duration=60, buffer=10, by=recruiter)
    operations = make_stage(loop, name="Operations", duration=45, buffer=5, by=recruiter)
    failover = plan(systems, catalogue.question, by=recruiter)
    secrets_planned = plan(systems, secrets, by=recruiter)
    postmortem_planned = plan(operations, postmortem, by=recruiter)
    return SimpleNamespace(
        catalogue=catalogue,
        recruiter=recruiter,
        loop=loop,
        systems=systems,
        operations=operations,
        failover=failover,
        secrets=secrets_planned,
        postmortem=postmortem_planned,
        questions=SimpleNamespace(
            failover=catalogue.question, secrets=secrets, postmortem=postmortem
        ),
        reliability=loop.loop_competencies.get(competency=catalogue.reliability),
        security=loop.loop_competencies.get(competency=catalogue.security),
    )


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


@pytest.fixture
def interviewer_client(interviewer):
    """A second browser, so a test can hold a recruiter's and an interviewer's at once."""
    other = Client()
    other.force_login(interviewer)
    return other


def loop_state(loop) -> tuple:
    """Everything a builder change can touch, to show that a refused one touched nothing."""
    fresh = Loop.objects.get(pk=loop.pk)
    return (
        (
            fresh.name,
            fresh.scale_id,
            fresh.bar,
            fresh.peers_may_read,
            fresh.second_opinion_from_another_stage,
            fresh.status,
        ),
        list(
            fresh.loop_competencies.order_by("pk").values_list(
                "competency_id", "order", "critical", "weight", "bar"
            )
        ),
        list(
            fresh.stages.order_by("pk").values_list(
                "pk", "order", "name", "duration_minutes", "buffer_minutes", "panel_size", "focus"
            )
        ),
        list(
            PlannedQuestion.objects.filter(stage__loop=fresh)
            .order_by("pk")
            .values_list(
                "pk",
                "stage_id",
                "question_id",
                "order",
                "minutes",
                "must_ask",
                "is_backup",
                "backup_condition",
            )
        ),
    )


def assert_builder_fragment(response) -> str:
    """An htmx answer: the builder region, the coverage out of band, and loop-changed."""
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="builder">')
    assert '<div id="coverage" class="card coverage" hx-swap-oob="true">' in body
    assert "<html" not in body
    assert "loop-changed" in json.loads(response["HX-Trigger"])
    return body
