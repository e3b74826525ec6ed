"""Webhooks: the outbox, signing, backoff, failure, resend, payload contents, SSRF, Slack/Teams.

Deliveries go to a real HTTP server on 127.0.0.1 (tests/integrations/webhook_receiver.py);
tasks run inline (eager) here; tests/integrations/test_webhooks_worker.py runs them on a
real Celery worker.
"""

import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from candidates.privacy import erase_candidate
from integrations import events, webhooks
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.subscriptions import create_subscription, set_active
from integrations.webhook_forms import SubscriptionForm
from scoring.services import record_decision
from tests.celery_fixtures import tasks_eager
from tests.factories import (
    assign,
    make_application,
    make_interview,
    make_scoring_loop,
    make_user,
    submit_filled_scorecard,
)

from .webhook_receiver import Receiver, documented_verifier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def inline_tasks():
    yield from tasks_eager(True)


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def owner():
    return make_user("webhook-admin", is_superuser=True)


def subscribe(owner, url, events_=tuple(events.EVENTS), kind="json", name="ATS"):
    return create_subscription(by=owner, name=name, url=url, kind=kind, events=list(events_))


def due_now(delivery: WebhookDelivery) -> None:
    """Skip the wait before the next attempt."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())


def payload_of(received) -> dict:
    return json.loads(received.body)


# --- The outbox -----------------------------------------------------------------------


def test_an_event_queues_one_delivery_per_active_subscriber_once_committed(
    owner, receiver, django_capture_on_commit_callbacks
):
    wanted = subscribe(owner, receiver.url, ["application.created"], name="Wants it")
    subscribe(owner, receiver.url, ["decision.recorded"], name="Other event")
    off = subscribe(owner, receiver.url, ["application.created"], name="Switched off")
    set_active(off, False, by=owner)
    loop = make_scoring_loop()

    with django_capture_on_commit_callbacks() as callbacks:
        application = make_application(loop=loop)
    assert receiver.requests == []  # nothing is sent before the commit

    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.subscription == wanted and delivery.status == "pending"
    assert delivery.payload["event"] == "application.created"
    assert delivery.payload["data"]["application"]["id"] == application.pk
    assert delivery.payload["data"]["loop"]["key"] == loop.key
    assert str(delivery.event_id) == delivery.payload["id"]
    assert len(callbacks) >= 1


def test_a_rolled_back_change_leaves_no_delivery_and_sends_nothing(
    owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(owner, receiver.url, ["application.created"])
    loop = make_scoring_loop()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_application(loop=loop)
        assert WebhookDelivery.objects.count() == 1  # written inside the transaction
        raise RuntimeError("the request failed after the application was made")

    assert WebhookDelivery.objects.count() == 0
    assert receiver.requests == []


def test_without_subscribers_an_event_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert events.emit("candidate.erased", lambda: pytest.fail("payload built")) == []


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError, match="Unknown webhook event"):
        events.emit("application.deleted", {})


# --- Signing --------------------------------------------------------------------------


def test_a_delivery_is_signed_and_the_documented_code_verifies_it(
    owner, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(owner, receiver.url, ["application.created"])
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(loop=make_scoring_loop())

    (request,) = receiver.requests
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.response_status == 200
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Loopwright-Event"] == "application.created"
    assert request.headers["Loopwright-Delivery"] == str(delivery.pk)
    assert payload_of(request)["data"]["application"]["id"] == application.pk
    verify = documented_verifier()
    header = request.headers["Loopwright-Signature"]
    assert verify(subscription.secret, header, request.body)
    assert not verify(subscription.secret, header, request.body.replace(b"active", b"closed"))
    assert not verify("whsec_someone-else", header, request.body)
    signed_at = int(header.split(",")[0].removeprefix("t="))
    assert abs(signed_at - time.time()) < 60
    # A captured delivery replayed after five minutes is refused.
    assert not verify(subscription.secret, header, request.body, now=signed_at + 301)
    assert verify(subscription.secret, header, request.body, now=signed_at + 299)


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body():
    import hashlib
    import hmac

    body = b'{"id":"x"}'
    expected = hmac.new(b"whsec_k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.signature_header("whsec_k", body, 1700000000) == f"t=1700000000,v1={expected}"


# --- Retries, backoff, failure --------------------------------------------------------


def test_backoff_doubles_from_the_base_with_jitter_and_a_cap(settings):
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.WEBHOOK_BACKOFF_MAX_SECONDS = 6 * 3600
    middle = [webhooks.backoff(n, jitter=0.5).total_seconds() for n in range(1, 12)]
    assert middle == [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600]
    assert webhooks.backoff(1, jitter=0).total_seconds() == 24  # -20 %
    assert webhooks.backoff(1, jitter=0.999999).total_seconds() == pytest.approx(36)  # +20 %
    assert webhooks.backoff(30, jitter=0.99).total_seconds() == 21600


def test_a_failed_attempt_keeps_the_answer_and_schedules_the_next(
    owner, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    subscribe(owner, receiver.url, ["application.created"])
    with django_capture_on_commit_callbacks(execute=True):
        make_application(loop=make_scoring_loop())
    after = timezone.now()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.response_status == 500 and delivery.error == "Answered 500."
    assert delivery.response_excerpt.startswith("answer 500 ")
    assert len(delivery.response_excerpt) == 500  # the answer was 911 characters
    wait = (delivery.next_attempt_at - after).total_seconds()
    assert 30 * 0.8 - 1 <= wait <= 30 * 1.2


def test_a_delivery_fails_after_the_last_attempt(owner, receiver, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [500, 503, 502, 200]
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    statuses = []
    for _ in range(4):
        statuses.append(webhooks.attempt(delivery.pk))
        due_now(delivery)

    assert statuses == ["pending", "pending", "failed", "failed"]
    delivery.refresh_from_db()
    assert delivery.attempts == 3 and delivery.response_status == 502
    assert len(receiver.requests) == 3  # no fourth attempt


def test_an_attempt_not_yet_due_sends_nothing(owner, receiver):
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )

    assert webhooks.attempt(delivery.pk) == "pending"
    assert receiver.requests == []


def test_redirects_are_not_followed(owner, receiver):
    receiver.statuses = [302]
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    assert webhooks.attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.response_status == 302 and "redirects are not followed" in delivery.error
    assert len(receiver.requests) == 1


def test_no_answer_within_the_timeout_is_a_failed_attempt(owner, receiver, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    receiver.delay = 1.5
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    assert webhooks.attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert delivery.error == "No answer within 1 s." and delivery.response_status is None


def test_the_beat_task_sends_overdue_deliveries_and_fails_lost_last_attempts(
    owner, receiver, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    lost, fresh, exhausted = events.queue(
        [subscription] * 3, events.new_payload("candidate.erased", {})
    )
    long_ago = timezone.now() - timedelta(minutes=5)
    WebhookDelivery.objects.filter(pk__in=[lost.pk, exhausted.pk]).update(next_attempt_at=long_ago)
    WebhookDelivery.objects.filter(pk=exhausted.pk).update(attempts=2)

    assert webhooks.send_due() == 1

    assert [r.headers["Loopwright-Delivery"] for r in receiver.requests] == [str(lost.pk)]
    statuses = dict(WebhookDelivery.objects.values_list("pk", "status"))
    assert statuses == {lost.pk: "delivered", fresh.pk: "pending", exhausted.pk: "failed"}


def test_deactivating_a_subscription_stops_its_pending_deliveries(owner, receiver):
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    assert set_active(subscription, False, by=owner) == 1

    assert webhooks.attempt(delivery.pk) == "failed"
    assert receiver.requests == []
    assert events.emit("candidate.erased", {}) == []


# --- Resend ---------------------------------------------------------------------------


def test_resend_makes_a_new_delivery_of_the_same_event(
    owner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    receiver.statuses = [500]
    subscription = subscribe(owner, receiver.url, ["candidate.erased"])
    (first,) = events.queue([subscription], events.new_payload("candidate.erased", {"x": 1}))
    assert webhooks.attempt(first.pk) == "failed"

    with django_capture_on_commit_callbacks(execute=True):
        again = webhooks.resend(first, by=owner)

    again.refresh_from_db()
    first.refresh_from_db()
    assert again.pk != first.pk and again.resend_of == first and again.resent_by == owner
    assert again.event_id == first.event_id and again.payload == first.payload
    assert again.status == "delivered" and again.attempts == 1
    one, two = receiver.requests
    assert payload_of(one)["id"] == payload_of(two)["id"] == str(first.event_id)
    assert one.headers["Loopwright-Delivery"] != two.headers["Loopwright-Delivery"]
    assert first.status == "failed"  # the original's log stays as it was


# --- What payloads carry --------------------------------------------------------------


def test_no_payload_carries_scorecard_text_a_rationale_or_the_candidates_name(
    owner, receiver, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    subscribe(owner, receiver.url)
    loop = make_scoring_loop()
    chair = make_user(groups=("committee",))
    interviewer = make_user(groups=("interviewer",), first_name="Ivy")
    with django_capture_on_commit_callbacks(execute=True):
        application = make_application(loop=loop, committee=[chair])
        candidate = application.candidate
        interview = make_interview(application)
        card = assign(interview, interviewer).scorecard
        submit_filled_scorecard(
            card,
            evidence="EVIDENCE-SECRET {competency}",
            notes="NOTE-SECRET {question}",
            summary="SUMMARY-SECRET",
        )
        record_decision(
            application, outcome="hire", level=loop.level, rationale="RATIONALE-SECRET", by=chair
        )
        from scoring.packets import render_packet, request_packet

        packet, _ = request_packet(application, by=chair)
    render_packet(packet.pk)
    name, email = candidate.name, candidate.email
    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(candidate, by=None)

    sent = [payload_of(r) for r in receiver.requests]
    assert [p["event"] for p in sent] == [
        "application.created",
        "scorecard.submitted",
        "decision.recorded",
        "packet.ready",
        "candidate.erased",
    ]
    text = json.dumps(sent) + json.dumps(list(WebhookDelivery.objects.values_list("payload")))
    for secret in ("EVIDENCE-SECRET", "NOTE-SECRET", "SUMMARY-SECRET", "RATIONALE-SECRET"):
        assert secret not in text
    assert name not in text and email not in text
    assert '"recommendation"' not in text
    by_event = {p["event"]: p["data"] for p in sent}
    assert by_event["scorecard.submitted"]["scorecard"]["id"] == card.pk
    assert by_event["scorecard.submitted"]["interviewer"]["id"] == interviewer.pk
    decision = by_event["decision.recorded"]
    assert decision["decision"]["outcome"] == "hire"
    assert decision["decision"]["level"]["name"] == loop.level.name
    assert decision["decision"]["by"]["id"] == chair.pk
    assert decision["application"]["status"] == "offer"
    ready = by_event["packet.ready"]["packet"]
    assert ready["id"] == packet.pk and ready["pages"] > 0
    assert ready["download_path"] == f"/api/v1/packets/{packet.pk}/download"
    assert by_event["candidate.erased"] == {
        "candidate": {"id": candidate.pk, "external_id": candidate.external_id}
    }


# --- Addresses (SSRF) -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
        "ftp://example.com/hook",
        "http://user:pass@93.184.216.34/hook",
    ],
)
def test_a_subscription_to_a_private_address_is_refused_when_saved(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    form = SubscriptionForm(
        {"name": "x", "url": url, "kind": "json", "events": ["decision.recorded"]}
    )
    assert not form.is_valid()
    assert "url" in form.errors


def test_a_public_address_is_accepted(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    form = SubscriptionForm(
        {
            "name": "x",
            "url": "https://93.184.216.34/hook",
            "kind": "json",
            "events": ["packet.ready"],
        }
    )
    assert form.is_valid(), form.errors


def test_a_delivery_to_a_private_address_is_refused_at_send(owner, receiver, settings):
    # Saved while allowed (or its name resolved elsewhere then): the send checks again.
    subscription = subscribe(owner, receiver.url.replace("127.0.0.1", "localhost"))
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    assert webhooks.attempt(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert delivery.error.startswith("Refused: localhost resolves to ")
    assert "which webhooks may not reach" in delivery.error
    assert receiver.requests == []


# --- Slack and Teams ------------------------------------------------------------------


@pytest.fixture
def decision_payload():
    return events.new_payload(
        "decision.recorded",
        {
            "decision": {"outcome": "hire", "outcome_label": "Hire", "level": {"name": "Senior"}},
            "application": {"id": 12, "url": "https://lw.example.com/candidates/applications/12/"},
        },
    )


def test_slack_gets_one_line_with_a_link_and_no_signature(owner, receiver, decision_payload):
    subscription = subscribe(owner, receiver.url, kind=WebhookSubscription.Kind.SLACK)
    (delivery,) = events.queue([subscription], decision_payload)

    assert webhooks.attempt(delivery.pk) == "delivered"
    (request,) = receiver.requests
    assert payload_of(request) == {
        "text": "Decision recorded: Hire at Senior for application #12 — "
        "<https://lw.example.com/candidates/applications/12/|Open in Loopwright>"
    }
    assert "Loopwright-Signature" not in request.headers


def test_slack_text_escapes_its_control_characters(decision_payload):
    decision_payload["data"]["decision"]["level"]["name"] = "L5 <b> & up"
    text = webhooks.slack_message(decision_payload)["text"]
    assert "at L5 &lt;b&gt; &amp; up for" in text


def test_teams_gets_an_adaptive_card(owner, receiver, decision_payload):
    subscription = subscribe(owner, receiver.url, kind=WebhookSubscription.Kind.TEAMS)
    (delivery,) = events.queue([subscription], decision_payload)

    assert webhooks.attempt(delivery.pk) == "delivered"
    body = payload_of(receiver.requests[0])
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "Decision recorded: Hire at Senior for application #12"
    assert card["actions"][0]["url"] == "https://lw.example.com/candidates/applications/12/"
    assert "Loopwright-Signature" not in receiver.requests[0].headers


@pytest.mark.parametrize(
    ("event", "data", "line"),
    [
        (
            "application.created",
            {"application": {"id": 3}, "loop": {"name": "Backend"}},
            "Application created: #3 on Backend",
        ),
        (
            "scorecard.submitted",
            {
                "application": {"id": 3},
                "interviewer": {"name": "Ivy"},
                "interview": {"stage": "Tech"},
            },
            "Scorecard submitted by Ivy (Tech) for application #3",
        ),
        (
            "packet.ready",
            {"application": {"id": 3}, "packet": {"pages": 9}},
            "Debrief packet ready for application #3 (9 pages)",
        ),
        ("candidate.erased", {"candidate": {"id": 8}}, "Candidate #8 erased"),
    ],
)
def test_every_event_reads_as_one_line(event, data, line):
    assert webhooks.summary({"event": event, "data": data}) == line


def test_a_name_that_does_not_resolve_is_retried_not_refused(owner):
    subscription = subscribe(owner, "http://loopwright-receiver.invalid/hook")
    (delivery,) = events.queue([subscription], events.new_payload("candidate.erased", {}))

    assert webhooks.attempt(delivery.pk) == "pending"
    delivery.refresh_from_db()
    assert "could not be resolved" in delivery.error and delivery.attempts == 1


def test_application_created_carries_the_external_id_given_at_the_start(owner, receiver, settings):
    from candidates.services import start_application
    from tests.factories import make_candidate

    settings.SITE_URL = "https://lw.example.com"
    subscribe(owner, receiver.url, ["application.created"])
    candidate = make_candidate()
    application = start_application(
        candidate, make_scoring_loop(), by=owner, external_id="gh-app-8812"
    )

    data = WebhookDelivery.objects.get().payload["data"]
    assert data["application"] == {
        "id": application.pk,
        "external_id": "gh-app-8812",
        "status": "active",
        "url": f"https://lw.example.com/candidates/applications/{application.pk}/",
    }
    assert data["candidate"] == {"id": candidate.pk, "external_id": ""}


def test_many_applications_are_announced_in_one_query_and_one_insert(
    owner, receiver, django_assert_num_queries
):
    subscribe(owner, receiver.url, ["application.created"], name="One")
    subscribe(owner, receiver.url, ["application.created"], name="Two")
    loop = make_scoring_loop()
    applications = [make_application(loop=loop) for _ in range(3)]
    WebhookDelivery.objects.all().delete()

    with django_assert_num_queries(2):  # the subscribers, then one INSERT for all rows
        deliveries = events.applications_created(applications)

    assert len(deliveries) == 6
    ids = {d.payload["data"]["application"]["id"] for d in WebhookDelivery.objects.all()}
    assert ids == {a.pk for a in applications}
    # One event per application, the same id for both its subscribers.
    assert WebhookDelivery.objects.values("event_id").distinct().count() == 3
