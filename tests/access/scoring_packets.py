"""Access registry: debrief packets (recruiters, admins and the application's committee).

Everyone else gets 404 on every packet URL, interviewers included: they may not even
learn whether packets exist. The world's `interviewer` also still owes their own
scorecard (independence). A request from someone allowed redirects to the packet page
(the render itself is not run here: the test's transaction never commits).
The download needs a ready packet: made once per world, with a small file in the
world's temporary MEDIA_ROOT.
"""

from django.core.files.base import ContentFile

from .registry import PENDING, RECRUITERS, Access, everyone

# Whoever still owes their own scorecard is not a reader, whatever their groups.
PACKET_READERS = {*RECRUITERS, "committee"} - set(PENDING)


def readers(status: int) -> dict[str, int]:
    return {**everyone(404), **dict.fromkeys(PACKET_READERS, status)}


def application(world) -> dict:
    return {"pk": world.application.pk}


def ready_packet(world) -> dict:
    from scoring.models import Packet

    if not hasattr(world, "packet"):
        # Saving the file inserts the row: a ready packet never exists without one.
        world.packet = Packet(
            application=world.application, status=Packet.Status.READY, pages=1, fingerprint="0" * 64
        )
        world.packet.file.save("packet.pdf", ContentFile(b"%PDF-1.7 access test"))
    return {"pk": world.packet.pk}


ENTRIES = {
    "scoring:packets": Access(kwargs=application, expect=readers(200)),
    "scoring:packet_request": Access(method="post", kwargs=application, expect=readers(302)),
    "scoring:packet_download": Access(kwargs=ready_packet, expect=readers(200)),
}
