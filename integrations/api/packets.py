"""Debrief packets through the API: request, status, download (`scoring.packets`).

Who: as the packet pages — those who may decide (`scoring.access.may_decide`:
recruiters and the application's committee, never while their own scorecard on it is
pending). Anyone else gets 404 on every packet operation: they may not even learn
whether packets exist.

A request goes through the packet outbox (`request_packet`): it saves a queued row and
sends the render to the worker once that row is committed; the request never renders.
A second request while one is in flight joins it (`created: false`). Poll
`GET /packets/{id}` until `status` is `ready` (or `failed`, with `error`), then
download the PDF; `stale: true` means a scorecard or decision changed since it was made.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from accounts.audit import audit_context
from integrations.api.common import api_write, token_name
from integrations.api.core import PROBLEMS, require_scope
from integrations.api.schemas import PathId
from scoring.models import Packet
from scoring.packets import (
    download_response,
    get_packets_application_for,
    request_packet,
    resend_if_due,
)

router = Router(tags=["packets"])

READ, WRITE = "packets:read", "packets:write"


class PacketOut(Schema):
    id: int
    application_id: int
    status: str = Field(..., description="queued, rendering, ready or failed.")
    stale: bool
    requested_at: datetime
    requested_by_id: int | None
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    pages: int | None
    error: str
    # When handing the render to the task queue last failed; it is sent again.
    send_failed_at: datetime | None
    download_url: str | None = Field(None, description="Set once the packet is ready.")


class PacketRequested(PacketOut):
    created: bool = Field(..., description="False: a packet in flight was joined.")


def packet_out(request: HttpRequest, packet: Packet) -> dict:
    ready = packet.status == Packet.Status.READY and bool(packet.file)
    return {
        "id": packet.pk,
        "application_id": packet.application_id,
        "status": packet.status,
        "stale": packet.stale,
        "requested_at": packet.requested_at,
        "requested_by_id": packet.requested_by_id,
        "started_at": packet.started_at,
        "finished_at": packet.finished_at,
        "attempts": packet.attempts,
        "pages": packet.pages,
        "error": packet.error,
        "send_failed_at": packet.send_failed_at,
        "download_url": request.build_absolute_uri(
            reverse("api-v1:packet_download", kwargs={"id": packet.pk})
        )
        if ready
        else None,
    }


def get_visible_packet(user, pk: int) -> Packet:
    """Any packet of an application whose packets `user` may see; 404 otherwise."""
    packet = Packet.objects.select_related("application__candidate").filter(pk=pk).first()
    if packet is None:
        raise Http404("No such packet.")
    get_packets_application_for(user, packet.application_id)
    return packet


@router.post(
    "applications/{id}/packets",
    response={202: PacketRequested, **PROBLEMS},
    url_name="packet_request",
    summary="Request a debrief packet (rendered in the background)",
)
def packet_request(request: HttpRequest, id: PathId):
    with api_write(request, WRITE):
        application = get_packets_application_for(request.user, id)
        try:
            # Erasure is final: no packet of an erased candidate.
            application.refuse_if_erased()
        except ValidationError as error:
            raise HttpError(409, " ".join(error.messages)) from None
        packet, created = request_packet(application, by=request.user)
    return Status(202, {**packet_out(request, packet), "created": created})


@router.get(
    "packets/{id}",
    response={200: PacketOut, **PROBLEMS},
    url_name="packet_status",
    summary="A packet's status",
)
def packet_status(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    packet = get_visible_packet(request.user, id)
    # As the page's poll: a packet whose send failed is tried again while someone asks.
    if packet.send_failed_at and resend_if_due(packet.pk):
        packet.refresh_from_db()
    return packet_out(request, packet)


PDF_RESPONSE = {
    "200": {
        "description": "The packet's PDF.",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.get(
    "packets/{id}/download",
    response={**PROBLEMS},
    url_name="packet_download",
    summary="Download a ready packet's PDF (409 while it is not ready)",
    openapi_extra={"responses": PDF_RESPONSE},
)
def packet_download(request: HttpRequest, id: PathId):
    require_scope(request, READ)
    packet = get_visible_packet(request.user, id)
    if packet.status != Packet.Status.READY or not packet.file:
        raise HttpError(409, f"The packet is {packet.get_status_display().lower()}, not ready.")
    with audit_context(via="api", token=token_name(request)):
        return download_response(packet, by=request.user)
