"""Sending webhook deliveries: sign, post, record the answer, back off (docs/webhooks.md).

Each WebhookDelivery row is its own schedule. An attempt claims its row with a
conditional UPDATE (pending, due, attempts left), which pushes `next_attempt_at` a lease
ahead while the request is in flight: a duplicate message, or the beat task, finds
nothing to do, and a worker lost mid-request leaves a row the beat sends again once
the lease is over. A 2xx answer delivers; anything else (another status, a redirect,
no answer within the timeout) is retried after WEBHOOK_BACKOFF_BASE_SECONDS x 2^(n-1)
(n = attempts so far, jittered +/-20 %, capped at WEBHOOK_BACKOFF_MAX_SECONDS), until
WEBHOOK_MAX_ATTEMPTS; then the row is failed. A retry goes to Celery with a countdown
when it is short enough for Redis's visibility timeout, and the beat task
(`send_due`, every 15 s) sends every row overdue by more than DUE_GRACE, so a lost or
never-sent message delays a delivery without losing it.

Addresses: a delivery connects only to public addresses unless
WEBHOOK_ALLOW_PRIVATE_HOSTS. The check is made on the address the socket connects to,
after DNS resolution, so a name that resolves (or re-resolves) to 127.0.0.1, 10.x,
169.254.169.254 and the like is refused at send time, not only when it was saved.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import threading
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import record

from .events import EVENTS, TEST_EVENT, queue
from .models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Loopwright-Signature"
EVENT_HEADER = "Loopwright-Event"
DELIVERY_HEADER = "Loopwright-Delivery"
USER_AGENT = "Loopwright-Webhooks/1"
# The most of a subscriber's answer kept on the row (the column's size).
EXCERPT_CHARS = 500
# A row due for longer than this has lost its message: the beat task sends it again.
DUE_GRACE = timedelta(seconds=30)
# Rows the beat task sends per run (it runs every 15 s).
DUE_BATCH = 500
# Handing a row to the broker after commit: one quick retry, so that a request never
# waits long on a broker that is down (the beat task sends the row later).
SEND_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


class UnsafeAddress(Exception):
    """The URL leads to an address webhooks may not reach (private, loopback…)."""


# --- Signing ------------------------------------------------------------------------


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>.<body>" with the subscription's secret."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


# --- Schedule ----------------------------------------------------------------------


def backoff(attempts: int, *, jitter: float | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt (1, 2, …).

    `jitter` in [0, 1) picks the point in the +/-20 % band (random when None), so that
    deliveries failing together do not all come back at the same second.
    """
    jitter = random.random() if jitter is None else jitter
    seconds = settings.WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    seconds *= 0.8 + 0.4 * jitter
    return timedelta(seconds=min(seconds, settings.WEBHOOK_BACKOFF_MAX_SECONDS))


def lease() -> timedelta:
    """How long a claimed row is left alone: longer than any one request can take."""
    return timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3 + 30)


# --- Addresses (SSRF) ----------------------------------------------------------------


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to; a connection error (worth a retry) for none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"{host} could not be resolved ({error}).") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def safe_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`; UnsafeAddress if any is not public."""
    addresses = resolve(host, port)
    if not settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        refused = [a for a in addresses if not is_public(a)]
        if refused:
            raise UnsafeAddress(
                f"{host} resolves to {refused[0]}, a private, loopback or link-local "
                "address, which webhooks may not reach."
            )
    return addresses


def check_url(url: str) -> None:
    """ValidationError unless `url` is an http(s) URL to an address webhooks may reach."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError("Give an http:// or https:// address.")
    if parts.username or parts.password:
        raise ValidationError("Put no user name or password in the address.")
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return
    try:
        safe_addresses(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (UnsafeAddress, httpcore.ConnectError) as error:
        raise ValidationError(str(error)) from None


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses `safe_addresses` allows: the check is on the socket's
    own address, so DNS cannot answer differently between the check and the connection."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = safe_addresses(host, port)[0]
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


_client: httpx.Client | None = None
_client_lock = threading.Lock()


def guarded_client() -> httpx.Client:
    """The process's one client (building its TLS context costs ~50 ms, far more on a busy
    machine). No kept-alive connections: every attempt connects anew, through the check."""
    global _client
    with _client_lock:
        if _client is None:
            # No proxy from the environment (it would connect for us, past the address
            # check), no redirects (a 3xx could point anywhere; it counts as a failure).
            transport = httpx.HTTPTransport(
                retries=0, trust_env=False, limits=httpx.Limits(max_keepalive_connections=0)
            )
            pool = transport._pool
            assert hasattr(pool, "_network_backend"), "httpx/httpcore changed: see GuardedBackend"
            pool._network_backend = GuardedBackend()
            _client = httpx.Client(transport=transport, follow_redirects=False, trust_env=False)
        return _client


# --- Messages --------------------------------------------------------------------------


def summary(payload: dict[str, Any]) -> str:
    """One line for people (Slack, Teams), from the payload alone."""
    event, data = payload.get("event"), payload.get("data", {})
    application = data.get("application", {})
    app = f"application #{application.get('id')}"
    if event == "application.created":
        loop = data.get("loop", {})
        return f"Application created: #{application.get('id')} on {loop.get('name')}"
    if event == "scorecard.submitted":
        stage = data.get("interview", {}).get("stage")
        who = data.get("interviewer", {}).get("name")
        return f"Scorecard submitted by {who} ({stage}) for {app}"
    if event == "decision.recorded":
        decision = data.get("decision", {})
        level = decision.get("level", {}).get("name")
        return f"Decision recorded: {decision.get('outcome_label')} at {level} for {app}"
    if event == "packet.ready":
        pages = data.get("packet", {}).get("pages")
        return f"Debrief packet ready for {app} ({pages} pages)"
    if event == "candidate.erased":
        return f"Candidate #{data.get('candidate', {}).get('id')} erased"
    if event == TEST_EVENT:
        return f"Test event from Loopwright to “{data.get('subscription', {}).get('name')}”"
    return EVENTS.get(event, str(event))


def slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(payload: dict[str, Any]) -> dict[str, Any]:
    text = slack_escape(summary(payload))
    url = payload.get("data", {}).get("application", {}).get("url")
    return {"text": f"{text} — <{url}|Open in Loopwright>" if url else text}


def teams_message(payload: dict[str, Any]) -> dict[str, Any]:
    """An Adaptive Card message: what Teams Workflows and incoming webhooks both accept."""
    url = payload.get("data", {}).get("application", {}).get("url")
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [{"type": "TextBlock", "text": summary(payload), "wrap": True}],
    }
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Loopwright", "url": url}]
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def request_for(delivery: WebhookDelivery, now: datetime) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one attempt (signed afresh: its timestamp is now)."""
    subscription = delivery.subscription
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.pk),
    }
    if subscription.kind == WebhookSubscription.Kind.SLACK:
        message = slack_message(delivery.payload)
    elif subscription.kind == WebhookSubscription.Kind.TEAMS:
        message = teams_message(delivery.payload)
    else:
        message = delivery.payload
    body = json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()
    if subscription.kind == WebhookSubscription.Kind.JSON:
        headers[SIGNATURE_HEADER] = signature_header(
            subscription.secret, body, int(now.timestamp())
        )
    return body, headers


# --- Sending ---------------------------------------------------------------------------


def send_soon(delivery_ids: list[int]) -> None:
    """Hand each committed row to Celery; a failed send waits for the beat task."""
    from .tasks import deliver_webhook_task

    for pk in delivery_ids:
        try:
            deliver_webhook_task.apply_async((pk,), retry_policy=SEND_RETRY_POLICY)
        except Exception:
            logger.warning(
                "Webhook delivery %s not sent now; the beat task will.", pk, exc_info=True
            )


def claim(delivery_id: int, now: datetime) -> WebhookDelivery | None:
    """Take the row for one attempt (attempts + 1, leased), or None if it is not ours."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=settings.WEBHOOK_MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_attempt_at=now + lease())
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def attempt(delivery_id: int) -> str:
    """One attempt at a delivery if it is due; returns the row's status afterwards."""
    now = timezone.now()
    delivery = claim(delivery_id, now)
    if delivery is None:
        return (
            WebhookDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first()
            or ""
        )
    if not delivery.subscription.active:
        return finish(delivery, error="The subscription is deactivated.", final=True)
    body, headers = request_for(delivery, now)
    try:
        with guarded_client().stream(
            "POST",
            delivery.subscription.url,
            content=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        ) as response:
            code, excerpt = response.status_code, read_excerpt(response)
    except UnsafeAddress as error:
        return finish(delivery, error=f"Refused: {error}", final=True)
    except httpx.TimeoutException:
        return finish(delivery, error=f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s.")
    except httpx.HTTPError as error:
        return finish(delivery, error=describe(error))
    if 200 <= code < 300:
        return finish(delivery, code=code, excerpt=excerpt, delivered=True)
    error = f"Answered {code}" + (" (redirects are not followed)." if 300 <= code < 400 else ".")
    return finish(delivery, code=code, excerpt=excerpt, error=error)


def read_excerpt(response: httpx.Response) -> str:
    """The start of the answer's body, as storable text (no NUL), without reading it all."""
    data = b""
    for chunk in response.iter_bytes():
        data += chunk
        if len(data) >= EXCERPT_CHARS * 4:
            break
    return data.decode("utf-8", "replace").replace("\x00", "")[:EXCERPT_CHARS]


def describe(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return f"{type(error).__name__}: {text}"[:EXCERPT_CHARS]


def finish(
    delivery: WebhookDelivery,
    *,
    code: int | None = None,
    excerpt: str = "",
    error: str = "",
    delivered: bool = False,
    final: bool = False,
) -> str:
    """Record the attempt's outcome; schedule the next one if there is one."""
    now = timezone.now()
    fields: dict[str, Any] = {
        "response_status": code,
        "response_excerpt": excerpt,
        "error": error[:500],
    }
    retry_in = None
    if delivered:
        fields |= {"status": WebhookDelivery.Status.DELIVERED, "delivered_at": now}
    elif final or delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        fields["status"] = WebhookDelivery.Status.FAILED
    else:
        retry_in = backoff(delivery.attempts)
        fields["next_attempt_at"] = now + retry_in
    # Only our own claim's row: a stale attempt never overwrites a newer one's outcome.
    WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.PENDING, attempts=delivery.attempts
    ).update(**fields)
    if retry_in is not None:
        schedule_retry(delivery.pk, retry_in)
    return fields.get("status", WebhookDelivery.Status.PENDING)


def schedule_retry(delivery_id: int, wait: timedelta) -> None:
    """Send the next attempt with a countdown, if Redis can hold it that long.

    Redis hands back a message not acknowledged within its visibility timeout, and a
    countdown message waits unacknowledged: longer waits are left to the beat task.
    Inline (no broker) there is no countdown at all: the beat task sends it.
    """
    from celery import current_app

    from .tasks import deliver_webhook_task

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    if current_app.conf.task_always_eager or wait.total_seconds() > visibility / 2:
        return
    try:
        # A second late, so that the message never finds its row not yet due.
        deliver_webhook_task.apply_async(
            (delivery_id,), countdown=wait.total_seconds() + 1, retry_policy=SEND_RETRY_POLICY
        )
    except Exception:
        logger.warning("Webhook retry %s not sent; the beat task will.", delivery_id, exc_info=True)


def send_due(now: datetime | None = None) -> int:
    """Send the rows due for longer than DUE_GRACE (the beat task); returns how many.

    Rows whose last attempt was lost with its worker, with no attempts left, fail.
    """
    now = now or timezone.now()
    overdue = WebhookDelivery.objects.due().filter(next_attempt_at__lte=now - DUE_GRACE)
    overdue.filter(attempts__gte=settings.WEBHOOK_MAX_ATTEMPTS).update(
        status=WebhookDelivery.Status.FAILED,
        error="The last attempt was lost (its worker stopped); no attempts are left.",
    )
    ids = list(overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:DUE_BATCH])
    send_soon(ids)
    return len(ids)


# --- Resending ----------------------------------------------------------------------


def resend(delivery: WebhookDelivery, *, by) -> WebhookDelivery:
    """A new delivery of the same event (same event id and payload) to the same subscriber."""
    with transaction.atomic():
        (new,) = queue([delivery.subscription], delivery.payload, resend_of=delivery, resent_by=by)
        record(by, "webhook.resent", delivery.subscription, delivery=delivery.pk, new=new.pk)
    return new
