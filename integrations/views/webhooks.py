"""Webhook pages (admins only): subscriptions, their secret, test events, the delivery log.

A secret is shown in the answer to the POST that made it (creating the subscription or
rotating its secret) and nowhere else: not in a URL, the session or a message; those
answers are `no-store`. Everyone but an admin gets 403 on every page here.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions
from accounts.htmx import is_fragment_request, render_screen
from accounts.models import User
from integrations import events, subscriptions, webhooks
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.webhook_forms import SubscriptionForm

DELIVERIES_PER_PAGE = 25


def require_admin(user: User) -> None:
    permissions.require(permissions.is_admin(user))


def get_subscription_for(user: User, pk: int) -> WebhookSubscription:
    """A subscription, for admins only (403 for everyone else, before any lookup)."""
    require_admin(user)
    return get_object_or_404(WebhookSubscription, pk=pk)


def get_delivery_for(user: User, pk: int) -> WebhookDelivery:
    require_admin(user)
    return get_object_or_404(WebhookDelivery.objects.select_related("subscription"), pk=pk)


@require_GET
def webhooks_list(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    listed = WebhookSubscription.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)),
        last_delivery_at=Max("deliveries__created_at"),
    )
    listed = list(listed)
    for subscription in listed:
        # Only the host: a Slack or Teams address is itself the credential.
        subscription.host = urlsplit(subscription.url).hostname
    return render(request, "integrations/webhooks.html", {"subscriptions": listed})


@never_cache
@require_http_methods(["GET", "POST"])
def webhook_create(request: HttpRequest) -> HttpResponse:
    require_admin(request.user)
    form = SubscriptionForm(request.POST or None, initial={"events": list(events.EVENTS)})
    if request.method == "POST" and form.is_valid():
        subscription = subscriptions.create_subscription(by=request.user, **form.cleaned_data)
        messages.success(request, f"The subscription “{subscription}” is created.")
        return detail_screen(request, subscription, secret=subscription.secret, status=201)
    return render(
        request,
        "integrations/webhook_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for(request.user, pk)
    form = SubscriptionForm(request.POST or None, instance=subscription)
    if request.method == "POST" and form.is_valid():
        subscriptions.update_subscription(subscription, by=request.user, **form.cleaned_data)
        messages.success(request, f"Changes to “{subscription}” are saved.")
        return redirect("integrations:webhook_detail", pk=pk)
    if request.method == "POST":
        subscription.refresh_from_db()  # the page's heading shows what is saved
    return detail_screen(request, subscription, form=form, status=422 if form.errors else 200)


def detail_screen(
    request: HttpRequest,
    subscription: WebhookSubscription,
    *,
    form: SubscriptionForm | None = None,
    secret: str = "",
    status: int = 200,
) -> HttpResponse:
    deliveries = subscription.deliveries.select_related("resend_of", "resent_by").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(deliveries, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for delivery in page.object_list:
        delivery.payload_json = json.dumps(delivery.payload, indent=2, ensure_ascii=False)
    context = {
        "subscription": subscription,
        "form": form or SubscriptionForm(instance=subscription),
        "secret": secret,
        "page": page,
        "event_labels": {**events.EVENTS, events.TEST_EVENT: "Test event"},
        "max_attempts": settings.WEBHOOK_MAX_ATTEMPTS,
    }
    if secret:
        return render(request, "integrations/webhook_detail.html", context, status=status)
    # The log's pages are fetched by htmx; the whole page otherwise.
    if request.method == "GET" and is_fragment_request(request):
        return render_screen(
            request, "integrations/webhook_detail.html", "webhook-deliveries", context
        )
    return render(request, "integrations/webhook_detail.html", context, status=status)


@never_cache
@require_POST
def webhook_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for(request.user, pk)
    secret = subscriptions.rotate_secret(subscription, by=request.user)
    messages.success(request, "The secret is replaced: the old one no longer signs anything.")
    return detail_screen(request, subscription, secret=secret)


@require_POST
def webhook_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for(request.user, pk)
    stopped = subscriptions.set_active(subscription, False, by=request.user)
    messages.success(
        request,
        f"“{subscription}” is deactivated: nothing more is sent to it" + stopped_note(stopped),
    )
    return redirect("integrations:webhook_detail", pk=pk)


def stopped_note(stopped: int) -> str:
    if not stopped:
        return "."
    return f" ({stopped} pending {'delivery' if stopped == 1 else 'deliveries'} stopped)."


@require_POST
def webhook_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for(request.user, pk)
    subscriptions.set_active(subscription, True, by=request.user)
    messages.success(request, f"“{subscription}” is active again: new events are sent to it.")
    return redirect("integrations:webhook_detail", pk=pk)


@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_subscription_for(request.user, pk)
    if not subscription.active:
        messages.error(request, "Reactivate the subscription to send it a test event.")
    else:
        events.send_test(subscription, by=request.user)
        messages.success(
            request, "A test event is on its way: its delivery is at the top of the log."
        )
    return redirect("integrations:webhook_detail", pk=pk)


@require_POST
def webhook_resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_delivery_for(request.user, pk)
    subscription = delivery.subscription
    if not subscription.active:
        messages.error(request, "Reactivate the subscription to resend to it.")
    else:
        webhooks.resend(delivery, by=request.user)
        messages.success(
            request, f"Delivery {delivery.pk} is sent again as a new delivery (same event id)."
        )
    return redirect("integrations:webhook_detail", pk=subscription.pk)
