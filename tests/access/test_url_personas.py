"""Every URL pattern x every persona gets the status the registry says."""

import json
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from interviews.services import add_stage, create_loop, plan_question, publish_loop
from tests.conftest import PERSONAS

from .personas import no_text, seat_personas
from .registry import registry

# Django's own admin guards itself (staff only) and is tested by Django.
SKIPPED_NAMESPACES = {"admin"}
UNNAMED_ALLOWED = {"django.views.generic.base.RedirectView"}


def named_patterns(resolver=None, namespace: str = "") -> list[str]:
    names = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns in SKIPPED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names += named_patterns(entry, prefix)
        elif isinstance(entry, URLPattern):
            if not entry.name and entry.lookup_str in UNNAMED_ALLOWED:
                # allauth's unnamed legacy redirects (social/login/cancelled/ → its new
                # path): they serve nothing of their own.
                continue
            assert entry.name, f"URL pattern {entry.pattern} has no name"
            names.append(f"{namespace}{entry.name}")
    return names


def test_every_url_pattern_has_a_registry_entry():
    missing = sorted(set(named_patterns()) - registry().keys())
    assert not missing, f"URL patterns without an access registry entry: {missing}"


def test_registry_names_only_existing_urls():
    stale = sorted(registry().keys() - set(named_patterns()))
    assert not stale, f"Registry entries for URLs that no longer exist: {stale}"


@pytest.fixture
def world(catalogue, request, settings, tmp_path):
    """The catalogue, a draft loop (one stage, one planned question) and a published loop."""
    # Files the URLs write or serve (packets) stay in the test's own directory.
    settings.MEDIA_ROOT = tmp_path / "media"
    return build_world(catalogue, request)


def build_world(catalogue, request, fill_for=no_text) -> SimpleNamespace:
    """The world every registry entry's kwargs name; `fill_for`: what personas write."""
    senior = catalogue.ladder.levels.get(key="senior")
    loop, published = (
        create_loop(
            name=name,
            role=catalogue.role,
            level=senior,
            scale=catalogue.scale,
            competencies=[catalogue.reliability, catalogue.security],
            by=None,
        )
        for name in ("SRE, Senior", "SRE, Senior (published)")
    )
    stage = add_stage(loop, name="Systems", duration_minutes=60, buffer_minutes=10, by=None)
    planned = plan_question(stage, catalogue.question, by=None)
    published_stage = add_stage(
        published, name="Systems", duration_minutes=60, buffer_minutes=10, by=None
    )
    plan_question(published_stage, catalogue.question, by=None)
    publish_loop(published, by=None, confirmed=True)
    return SimpleNamespace(
        catalogue=catalogue,
        loop=loop,
        stage=stage,
        planned=planned,
        published=published,
        **candidate_world(published, request, fill_for),
    )


def candidate_world(published, request, fill_for=no_text) -> dict:
    """A candidate on the published loop: `interviewer` assigned, `committee` reviewing.

    The leak-prone personas sit on it too (personas.seat_personas). `other_interviewer`
    and `other_committee` have nothing to do with it; a second candidate nobody but
    recruiters may see is `stranger`.
    """
    from tests.factories import assign, make_application, make_candidate, make_interview

    interviewer = request.getfixturevalue("interviewer")
    committee = request.getfixturevalue("committee")
    candidate = make_candidate("Casey Candidate", recruiter_notes="Private recruiter note")
    application = make_application(candidate, published, committee=[committee])
    interview = make_interview(application)
    assignment = assign(interview, interviewer)
    persona_cards = seat_personas(request, application, interview, fill_for)
    stranger = make_candidate("Sam Stranger")
    return {
        "candidate": candidate,
        "application": application,
        "interview": interview,
        "assignment": assignment,
        "scorecard": assignment.scorecard,
        "persona_cards": persona_cards,
        "stranger": stranger,
        "stranger_application": make_application(stranger, published),
    }


@pytest.mark.parametrize("url_name", sorted(registry()))
def test_every_persona_gets_the_intended_status(persona_user, world, url_name):
    """One world per URL; each persona's request in a savepoint rolled back after it.

    (A world per URL and persona cost most of CI's time once the API and allauth's URLs
    joined the registry; the savepoint gives each persona the same untouched world.)
    """
    access = registry()[url_name]
    users = {persona: persona_user(persona) for persona in PERSONAS}
    # Objects the entry's kwargs and data make exist for every persona (made once).
    url = reverse(url_name, kwargs=access.kwargs(world))
    data = access.data(world)
    wrong = []
    for persona, user in users.items():
        with transaction.atomic():
            client = Client()
            if access.api:
                response = call_api(client, user, access.method, url, data)
            else:
                if user is not None:
                    client.force_login(user)
                response = getattr(client, access.method)(url, data)
            transaction.set_rollback(True)
        if response.status_code != access.expect[persona]:
            wrong.append(
                f"{persona} {access.method.upper()} {url}: got {response.status_code}, "
                f"expected {access.expect[persona]}"
            )
    assert not wrong, "\n".join(wrong)


def call_api(client, user, method: str, url: str, data: dict):
    """The API as `user` with a token holding every scope (no token for anonymous)."""
    from datetime import timedelta

    from django.utils import timezone

    from integrations.models import ApiToken, hash_token
    from integrations.scopes import SCOPES

    headers = {}
    if user is not None:
        prefix, secret = ApiToken.new_secret()
        ApiToken.objects.create(
            user=user,
            name="registry",
            prefix=prefix,
            key_hash=hash_token(secret),
            scopes=list(SCOPES),
            expires_at=timezone.now() + timedelta(days=1),
        )
        headers["Authorization"] = f"Bearer {secret}"
    if method == "get":
        return client.get(url, data, headers=headers)
    return client.generic(
        method.upper(), url, json.dumps(data), content_type="application/json", headers=headers
    )
