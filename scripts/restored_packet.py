"""The packet half of scripts/backup_restore_check.sh: make a packet to back up, then open it.

    restored_packet.py prepare   # in the database being backed up: a ready packet
    restored_packet.py verify N  # in the restored database and media: packet N opens

`prepare` renders a packet, through the project's own request and render functions, for
the demo application with the most counted scorecards (reusing a ready one), and prints
its id. `verify` opens that packet's PDF from the restored media, reads its text back,
checks that it names the candidate and that the restored rows still give the packet's
fingerprint (what it was made from survived), and renders the packet again from the
restored database. Exits non-zero with the reason when anything differs.
"""

import os
import sys
from io import BytesIO
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.db.models import Count, Q  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from candidates.models import Application  # noqa: E402
from scoring.models import Packet, counted_scorecard  # noqa: E402
from scoring.packets import render_packet, request_packet  # noqa: E402
from scoring.pdf import packet_fingerprint, render_packet_pdf  # noqa: E402


def fail(reason: str) -> None:
    print(f"restored packet: {reason}", file=sys.stderr)
    sys.exit(1)


def best_application() -> Application:
    """The open application with the most counted scorecards: the fullest packet."""
    counted = Count(
        "interviews__assignments__scorecard",
        filter=counted_scorecard("interviews__assignments__scorecard__"),
    )
    application = (
        Application.objects.exclude(status__in=Application.CLOSED)
        .annotate(counted=counted)
        .filter(counted__gt=0)
        .order_by("-counted", "pk")
        .first()
    )
    if application is None:
        fail("no application with a submitted scorecard: load the demo first")
    return application


def prepare() -> None:
    application = best_application()
    ready = application.packets.filter(Q(status=Packet.Status.READY) & ~Q(file=""))
    # A ready row whose file is gone (media kept elsewhere, a checkout since deleted) is
    # no packet to back up: render a new one then.
    packet = next(
        (
            p
            for p in ready.filter(stale=False).order_by("-pk")
            if p.file.storage.exists(p.file.name)
        ),
        None,
    )
    if packet is None:
        packet, _ = request_packet(application, by=None)
        status = render_packet(packet.pk)
        if status != Packet.Status.READY:
            fail(f"packet {packet.pk} did not render: {status}")
    print(packet.pk)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def verify(packet_id: int) -> None:
    packet = Packet.objects.select_related("application__candidate").filter(pk=packet_id).first()
    if packet is None or packet.status != Packet.Status.READY:
        fail(f"packet {packet_id} is not in the restored database as ready")
    try:
        with packet.file.open("rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        fail(f"packet {packet_id}'s file {packet.file.name} is not in the restored media")
    name = packet.application.candidate.name
    if not data.startswith(b"%PDF") or name not in pdf_text(data):
        fail(f"packet {packet_id}'s file does not read back as a PDF naming {name}")
    if packet_fingerprint(packet.application) != packet.fingerprint:
        fail(f"the restored rows no longer give packet {packet_id}'s fingerprint")
    fresh, pages = render_packet_pdf(packet.application)
    if name not in pdf_text(fresh):
        fail("a packet rendered from the restored database does not name the candidate")
    print(
        f"Restored packet #{packet_id} opens ({len(data):,} bytes, {packet.pages} pages) and "
        f"its fingerprint matches; rendered again from the restored database: {pages} pages."
    )


if __name__ == "__main__":
    if sys.argv[1:] == ["prepare"]:
        prepare()
    elif len(sys.argv) == 3 and sys.argv[1] == "verify" and sys.argv[2].isdigit():
        verify(int(sys.argv[2]))
    else:
        fail("usage: restored_packet.py prepare | verify PACKET_ID")
