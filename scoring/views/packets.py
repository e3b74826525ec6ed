"""Debrief packets of an application: status with polling, request, download."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ..models import Packet
from ..packets import (
    download_response,
    get_packet_for,
    get_packets_application_for,
    request_packet,
    resend_if_due,
)

EARLIER_SHOWN = 20


def packets_context(application) -> dict:
    """The latest packet and the ones before it, in one query."""
    rows = list(
        application.packets.select_related("requested_by").order_by("-requested_at", "-pk")[
            : EARLIER_SHOWN + 1
        ]
    )
    latest = rows[0] if rows else None
    return {
        "application": application,
        "candidate": application.candidate,
        "latest": latest,
        "earlier": rows[1:],
        "in_flight": latest is not None
        and latest.status in (Packet.Status.QUEUED, Packet.Status.RENDERING),
    }


@require_GET
def packets(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_packets_application_for(request.user, pk)
    template = "scoring/packets.html"
    # The status element polls itself while a packet is in flight.
    if request.htmx and request.htmx.target == "packet-status":
        template += "#packet-status"
    context = packets_context(application)
    latest = context["latest"]
    # The task queue was unreachable when this packet was sent: while someone watches,
    # their poll tries again (once per RESEND_GAP whoever polls), so the packet goes out
    # as soon as the broker is back rather than at the next beat.
    if latest is not None and latest.send_failed_at and resend_if_due(latest.pk):
        context = packets_context(application)
    return render(request, template, context)


@require_POST
def packet_request(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_packets_application_for(request.user, pk)
    try:
        with transaction.atomic():
            # Erasure is final: no packet of an erased candidate (403 with the reason).
            application.refuse_if_erased()
            _, created = request_packet(application, by=request.user)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    notice = (
        "Packet requested: it renders in the background."
        if created
        else "A packet is already on its way: your request joins it."
    )
    if request.htmx:
        context = {**packets_context(application), "notice": notice}
        return render(request, "scoring/packets.html#packets", context)
    messages.success(request, notice)
    return redirect("scoring:packets", pk=application.pk)


@require_GET
def packet_download(request: HttpRequest, pk: int) -> FileResponse:
    packet = get_packet_for(request.user, pk)
    return download_response(packet, by=request.user)
