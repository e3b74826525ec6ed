"""Webhook pages: admins manage subscriptions, see the secret once, test, resend; others 403."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from integrations import events
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.subscriptions import create_subscription
from tests.celery_fixtures import tasks_eager

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.com/loopwright"


@pytest.fixture(autouse=True)
def inline_tasks():
    yield from tasks_eager(True)


@pytest.fixture
def subscription(admin):
    return create_subscription(
        by=admin, name="Greenhouse", url=URL, kind="json", events=["decision.recorded"]
    )


def new_form(**changes) -> dict:
    return {
        "name": "Greenhouse",
        "url": URL,
        "kind": "json",
        "events": ["application.created", "decision.recorded"],
        **changes,
    }


def test_an_admin_creates_a_subscription_and_sees_its_secret_once(client, admin):
    client.force_login(admin)

    response = client.post(reverse("integrations:webhook_create"), new_form())

    assert response.status_code == 201
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["application.created", "decision.recorded"]
    assert subscription.secret.startswith("whsec_")
    assert subscription.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    page = client.get(reverse("integrations:webhook_detail", args=[subscription.pk]))
    assert page.status_code == 200 and subscription.secret not in page.content.decode()
    assert AuditEntry.objects.filter(verb="webhook.created").exists()
    assert subscription.secret not in str(AuditEntry.objects.values_list("data", flat=True)[0])


def test_the_create_form_offers_every_event(client, admin):
    client.force_login(admin)
    page = client.get(reverse("integrations:webhook_create")).content.decode()
    for event in events.EVENTS:
        assert f'value="{event}"' in page


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"url": "http://169.254.169.254/latest/"}, "private, loopback or link-local"),
        ({"events": []}, "Choose at least one event."),
        ({"url": "not a url"}, "Enter a valid URL."),
    ],
)
def test_bad_input_is_refused_with_the_reason_and_nothing_saved(
    client, admin, settings, changes, field_message
):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    client.force_login(admin)

    response = client.post(reverse("integrations:webhook_create"), new_form(**changes))

    assert response.status_code == 422
    assert field_message in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_an_admin_edits_the_events(client, admin, subscription):
    client.force_login(admin)
    url = reverse("integrations:webhook_detail", args=[subscription.pk])

    response = client.post(url, new_form(events=["packet.ready"], name="ATS"))

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.events == ["packet.ready"] and subscription.name == "ATS"
    entry = AuditEntry.objects.get(verb="webhook.updated")
    assert entry.data["fields"] == ["events", "name"]


def test_rotating_the_secret_shows_the_new_one_once(client, admin, subscription):
    client.force_login(admin)
    old = subscription.secret

    response = client.post(reverse("integrations:webhook_rotate", args=[subscription.pk]))

    subscription.refresh_from_db()
    assert response.status_code == 200 and subscription.secret != old
    assert subscription.secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_deactivate_and_reactivate(client, admin, subscription):
    client.force_login(admin)
    (pending,) = events.queue([subscription], events.new_payload("decision.recorded", {}))

    client.post(reverse("integrations:webhook_deactivate", args=[subscription.pk]))
    subscription.refresh_from_db()
    pending.refresh_from_db()
    assert not subscription.active and pending.status == "failed"

    client.post(reverse("integrations:webhook_reactivate", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert subscription.active


def test_send_test_event_logs_a_test_delivery(client, admin, subscription):
    client.force_login(admin)

    response = client.post(reverse("integrations:webhook_test", args=[subscription.pk]))

    assert response.status_code == 302
    delivery = WebhookDelivery.objects.get()
    assert delivery.event == "webhook.test" and delivery.subscription == subscription
    page = client.get(response["Location"]).content.decode()
    assert "Test event" in page and f"#{delivery.pk}" in page


def test_resend_from_the_log(client, admin, subscription):
    client.force_login(admin)
    (first,) = events.queue([subscription], events.new_payload("decision.recorded", {"a": 1}))
    WebhookDelivery.objects.filter(pk=first.pk).update(status="failed", response_status=500)

    response = client.post(reverse("integrations:webhook_resend", args=[first.pk]))

    assert response.status_code == 302
    again = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert again.resend_of_id == first.pk and again.resent_by == admin
    assert str(again.event_id) == first.payload["id"]
    page = client.get(response["Location"]).content.decode()
    assert f"Resend of #{first.pk}" in page and "HTTP 500" in page


@pytest.mark.parametrize("persona", ["recruiter", "committee", "nobody"])
def test_only_admins_manage_webhooks(client, request, subscription, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("integrations:webhooks")).status_code == 403
    rotate = client.post(reverse("integrations:webhook_rotate", args=[subscription.pk]))
    assert rotate.status_code == 403
    created = client.post(reverse("integrations:webhook_create"), new_form())
    assert created.status_code == 403
    old = subscription.secret
    subscription.refresh_from_db()
    assert subscription.secret == old and WebhookSubscription.objects.count() == 1


def test_actions_refuse_get(client, admin, subscription):
    client.force_login(admin)
    for name in ("webhook_rotate", "webhook_deactivate", "webhook_test"):
        assert (
            client.get(reverse(f"integrations:{name}", args=[subscription.pk])).status_code == 405
        )


def add_deliveries(subscription, count: int) -> None:
    for _ in range(count):
        events.queue([subscription], events.new_payload("decision.recorded", {}))
    resent = WebhookDelivery.objects.first()
    events.queue([subscription], resent.payload, resend_of=resent)


@pytest.mark.parametrize("count", [2, 20])
def test_the_delivery_log_costs_the_same_queries_at_any_size(
    client, admin, subscription, django_assert_num_queries, count
):
    add_deliveries(subscription, count)
    client.force_login(admin)
    url = reverse("integrations:webhook_detail", args=[subscription.pk])
    # session, user, subscription, count, page of deliveries (with resend_of, resent_by)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.content.decode().count("Resend</button>") == count + 1


@pytest.mark.parametrize("count", [1, 10])
def test_the_list_costs_the_same_queries_at_any_size(
    client, admin, django_assert_num_queries, count
):
    for n in range(count):
        create_subscription(by=admin, name=f"S{n}", url=URL, kind="slack", events=["packet.ready"])
    client.force_login(admin)
    with django_assert_num_queries(3):
        response = client.get(reverse("integrations:webhooks"))
    assert response.content.decode().count("Slack incoming webhook") == count


def test_the_log_pages_through_htmx_as_a_fragment(client, admin, subscription):
    add_deliveries(subscription, 30)
    client.force_login(admin)
    url = reverse("integrations:webhook_detail", args=[subscription.pk])

    response = client.get(url, {"page": 2}, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert body.lstrip().startswith('<section id="webhook-deliveries"')
    assert "page 2 of 2" in body and "<html" not in body
