"""Debrief packets: request, render in a worker, requeue, and mark stale.

The packet row is its own outbox. `request_packet` saves a queued row and sends the
task only once that row is committed; if the broker is down, the row records when the
send failed (the page says the task queue is unreachable) and is sent again every
RESEND_GAP: by `resend_unsent_packets` (beat, every 15 s) and by the page's own poll
while someone watches it, so it goes out within seconds of the broker's return.
`requeue_stale_packets` (beat, every minute) sends rows whose message was lost.
A render claims its row with a conditional UPDATE, so duplicate messages are
harmless no-ops, and writes the PDF to storage under a fresh name before the row
points at it: a packet never shows a half-written file. A worker killed mid-render
leaves the row `rendering`: the redelivered message (acks_late +
reject_on_worker_lost) claims it again, and if that message is lost too, the requeue
resets rows stuck past the time limit.
"""

import logging
import secrets
from datetime import timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.cache import patch_cache_control
from kombu.exceptions import OperationalError as BrokerUnreachable

from accounts.audit import record
from candidates.access import get_application_for
from integrations import events

from .access import may_decide
from .models import Packet

logger = logging.getLogger(__name__)

# Worth another try: the database or the storage (disk, S3) hiccupped.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (DatabaseError, OSError)
# How long a queued row may wait for its message before the requeue sends another.
QUEUED_GRACE = timedelta(minutes=1)
# A render still "rendering" this long after the hard time limit has lost its worker.
STUCK_MARGIN = timedelta(seconds=30)
# A packet whose send failed is tried again at most this often (beat runs every 15 s;
# the page polls every 2 s), so that a broker still down costs one try, not one a poll.
RESEND_GAP = timedelta(seconds=10)
# Measured against a refused port: ~0.3 s. (`retry=False` is slower, ~6 s: kombu then
# falls back to its own connection retries, 2 s and 4 s apart.)
RESEND_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}


def hard_time_limit() -> int:
    """Seconds after which the worker kills a render (the soft limit fires first)."""
    return settings.PACKET_TIME_LIMIT_SECONDS + 15


# --- Requesting --------------------------------------------------------------------


@transaction.atomic
def request_packet(application, *, by) -> tuple[Packet, bool]:
    """Queue a packet for `application`, or join the one already in flight.

    Returns the packet and whether this call created it. The partial unique constraint
    `one_packet_in_flight` settles two requests racing each other: the second INSERT
    fails, and that request joins the first one's row.
    """
    for _ in range(3):
        packet = Packet.objects.in_flight().filter(application=application).first()
        if packet is not None:
            return packet, False
        try:
            with transaction.atomic():
                packet = Packet.objects.create(application=application, requested_by=by)
        except IntegrityError:
            continue  # another request won the race: join its row on the next pass
        record(by, "packet.requested", packet)
        transaction.on_commit(partial(send_render, packet.pk))
        return packet, True
    raise RuntimeError(f"Could not queue or find a packet for application {application.pk}")


def send_render(packet_id: int, *, resending: bool = False) -> bool:
    """Send the render task; if the broker is unreachable, the row says when and waits.

    Never raises: the request that queued the packet has committed and must answer.
    Without REDIS_URL the task runs inline here, and a failed render is on its row.
    The first send retries as Celery does (a few quick tries); a resend tries twice at
    once (the second on a fresh connection, if the pooled one died with the broker), so
    that a page's poll or the beat task never waits long on a broker still down.
    """
    from .tasks import render_packet_task

    try:
        if resending:
            render_packet_task.apply_async((packet_id,), retry_policy=RESEND_RETRY_POLICY)
        else:
            render_packet_task.delay(packet_id)
    except BrokerUnreachable:
        logger.warning("Packet %s not sent: the task queue is unreachable.", packet_id)
        Packet.objects.filter(pk=packet_id, status=Packet.Status.QUEUED).update(
            send_failed_at=timezone.now()
        )
        return False
    except Exception:
        logger.warning(
            "Packet %s was not sent or rendered now; requeue_stale_packets will retry it.",
            packet_id,
            exc_info=True,
        )
        return False
    if resending:
        Packet.objects.filter(pk=packet_id, send_failed_at__isnull=False).update(
            send_failed_at=None
        )
    return True


def resend_if_due(packet_id: int, *, now=None) -> bool:
    """Try once more to send a queued packet whose send failed; True if it went out.

    The conditional UPDATE is the turn: of the beat task and every page polling the
    packet, one tries per RESEND_GAP, and the row shows when it was last tried.
    """
    now = now or timezone.now()
    turn = Packet.objects.filter(
        pk=packet_id, status=Packet.Status.QUEUED, send_failed_at__lte=now - RESEND_GAP
    ).update(send_failed_at=now)
    return bool(turn) and send_render(packet_id, resending=True)


def resend_unsent_packets(*, now=None) -> int:
    """Send again every queued packet whose send failed (beat); returns how many went out."""
    now = now or timezone.now()
    unsent = Packet.objects.filter(
        status=Packet.Status.QUEUED, send_failed_at__lte=now - RESEND_GAP
    ).values_list("pk", flat=True)
    return sum(resend_if_due(pk, now=now) for pk in unsent)


# --- Rendering (in the worker) -----------------------------------------------------


def render_packet(packet_id: int, *, redelivered: bool = False, retry: bool = False) -> str:
    """Render one packet if it is still to be done; returns the row's status afterwards.

    Idempotent: a packet already ready (or claimed by a live render) is left alone.
    `redelivered`: this message was handed back after its worker died, so a row it left
    `rendering` is taken up again. `retry`: a transient error puts the row back in the
    queue and is raised for the task to retry; otherwise the packet fails with why.
    """
    packet = claim(packet_id, redelivered=redelivered)
    if packet is None:
        return Packet.objects.filter(pk=packet_id).values_list("status", flat=True).first() or ""
    try:
        name, pages, fingerprint = produce(packet)
    except SoftTimeLimitExceeded:
        fail(packet, f"It took longer than {settings.PACKET_TIME_LIMIT_SECONDS} seconds to render.")
        return Packet.Status.FAILED
    except TRANSIENT_ERRORS as error:
        if retry:
            release(packet, f"Retrying after a temporary error: {describe(error)}")
            raise
        fail(packet, f"A temporary error stopped it more than once: {describe(error)}")
        return Packet.Status.FAILED
    except Exception as error:
        logger.exception("Packet %s failed to render", packet.pk)
        fail(packet, f"It could not be rendered: {describe(error)}")
        return Packet.Status.FAILED
    return finish(packet, name, pages, fingerprint)


def claim(packet_id: int, *, redelivered: bool = False) -> Packet | None:
    """Move the row to rendering (attempts + 1) if it is ours to render, else None."""
    claimable = Q(status=Packet.Status.QUEUED)
    if redelivered:
        claimable |= Q(status=Packet.Status.RENDERING)
    claimed = Packet.objects.filter(
        claimable, pk=packet_id, attempts__lt=settings.PACKET_MAX_ATTEMPTS
    ).update(
        status=Packet.Status.RENDERING,
        attempts=F("attempts") + 1,
        started_at=timezone.now(),
        finished_at=None,
        error="",
        # The render reads the scorecards as they are now; changes after this
        # moment mark it stale again (mark_stale covers rows in flight).
        stale=False,
    )
    if not claimed:
        give_up_if_exhausted(Packet.objects.filter(claimable, pk=packet_id))
        return None
    return Packet.objects.select_related("application").get(pk=packet_id)


def produce(packet: Packet) -> tuple[str, int, str]:
    """Render the PDF and store it under a new name: (storage name, pages, fingerprint)."""
    from . import pdf  # the renderer; imported late so the web process never loads it

    fingerprint = pdf.packet_fingerprint(packet.application)
    content, pages = pdf.render_packet_pdf(packet.application)
    field = Packet._meta.get_field("file")
    # A new, unguessable name for every render: the bytes are complete before this
    # call, and no row points at the name until the file is written.
    name = field.generate_filename(packet, f"packet-{packet.pk}-{secrets.token_hex(8)}.pdf")
    name = field.storage.save(name, ContentFile(content), max_length=field.max_length)
    return name, pages, fingerprint


def finish(packet: Packet, name: str, pages: int, fingerprint: str) -> str:
    """Mark the row ready with its file, unless another render took it over meanwhile.

    The packet.ready webhook is queued in the same transaction (integrations.events).
    """
    with transaction.atomic():
        done = Packet.objects.filter(
            pk=packet.pk, status=Packet.Status.RENDERING, attempts=packet.attempts
        ).update(
            status=Packet.Status.READY,
            file=name,
            pages=pages,
            fingerprint=fingerprint,
            finished_at=timezone.now(),
            error="",
        )
        if done:
            packet.pages = pages
            events.packet_ready(packet)
    if not done:
        # Requeued and claimed again (or erased) while we rendered: our file is nobody's.
        Packet._meta.get_field("file").storage.delete(name)
        return Packet.objects.filter(pk=packet.pk).values_list("status", flat=True).first() or ""
    return Packet.Status.READY


def fail(packet: Packet, reason: str) -> None:
    Packet.objects.filter(
        pk=packet.pk, status=Packet.Status.RENDERING, attempts=packet.attempts
    ).update(status=Packet.Status.FAILED, error=reason[:2000], finished_at=timezone.now())


def release(packet: Packet, reason: str) -> None:
    """Back to the queue for the task's retry (which claims it again)."""
    Packet.objects.filter(
        pk=packet.pk, status=Packet.Status.RENDERING, attempts=packet.attempts
    ).update(status=Packet.Status.QUEUED, error=reason[:2000])


def give_up_if_exhausted(packets) -> int:
    """Rows still in flight after every attempt fail, so that nobody waits forever."""
    return packets.filter(attempts__gte=settings.PACKET_MAX_ATTEMPTS).update(
        status=Packet.Status.FAILED,
        finished_at=timezone.now(),
        error=(
            f"Rendering was stopped {settings.PACKET_MAX_ATTEMPTS} times (the worker was "
            "lost or ran out of time). Try again; if it fails again, tell an administrator."
        ),
    )


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


# --- Requeue (beat) ----------------------------------------------------------------


def requeue_stale_packets(*, now=None) -> int:
    """Send again what is waiting without a message; returns how many were sent.

    Rows queued for more than a minute may have lost their message (Redis restarted
    without it, or their send failed: `resend_unsent_packets` usually took those up
    sooner); rows rendering past the hard time limit lost their worker and go back to
    the queue. A duplicate message is harmless: the claim decides. Rows that used up
    their attempts fail instead.
    """
    now = now or timezone.now()
    stuck = Packet.objects.filter(
        status=Packet.Status.RENDERING,
        started_at__lt=now - timedelta(seconds=hard_time_limit()) - STUCK_MARGIN,
    )
    give_up_if_exhausted(stuck)
    stuck.filter(attempts__lt=settings.PACKET_MAX_ATTEMPTS).update(
        status=Packet.Status.QUEUED, error="The worker was lost mid-render; it is queued again."
    )
    waiting = Packet.objects.filter(
        status=Packet.Status.QUEUED, requested_at__lt=now - QUEUED_GRACE
    ).values_list("pk", flat=True)
    return sum(send_render(pk, resending=True) for pk in waiting)


# --- Staleness ---------------------------------------------------------------------


def mark_stale(application) -> int:
    """A scorecard or decision changed: packets made before no longer say what is true.

    Rows in flight are marked too: the render may have read the old version (the next
    claim clears the mark, since it reads afresh).
    """
    return (
        Packet.objects.filter(application=application, stale=False)
        .exclude(status=Packet.Status.FAILED)
        .update(stale=True)
    )


# --- Who may see and request packets ------------------------------------------------


def may_see_packets(user, application) -> bool:
    """Those who may decide (`scoring.access.may_decide`): never someone owing a review."""
    return may_decide(user, application)


def get_packets_application_for(user, pk: int):
    """The application whose packets the user may see and request; 404 otherwise.

    Everyone who may see packets may request one, so there is no 403 here: anyone
    else, interviewers included, may not even learn whether packets exist.
    """
    application = get_application_for(user, pk)
    if not may_see_packets(user, application):
        raise Http404("No packets here.")
    return application


def get_packet_for(user, pk: int) -> Packet:
    """A ready packet the user may download; 404 otherwise."""
    packet = (
        Packet.objects.select_related("application__candidate")
        .filter(pk=pk, status=Packet.Status.READY)
        .exclude(file="")
        .first()
    )
    if packet is None:
        raise Http404("No such packet.")
    get_packets_application_for(user, packet.application_id)
    return packet


def download_response(packet: Packet, *, by) -> FileResponse:
    """A ready packet's PDF for `by` (audited), never kept by a shared or browser cache.

    The one answer of the packets page's download and the API's.
    """
    try:
        handle = packet.file.open("rb")
    except FileNotFoundError:
        raise Http404("The packet's file is missing.") from None
    record(by, "packet.downloaded", packet)
    day = timezone.localdate(packet.finished_at or packet.requested_at)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"Debrief packet - {packet.application.candidate.name} - {day:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Everyone's scorecards about a person: no shared or browser cache keeps a copy.
    patch_cache_control(response, private=True, no_store=True)
    return response
