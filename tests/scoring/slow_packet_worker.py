"""The Celery app for tests/scoring/test_packets_worker.py's worker subprocess.

The project's own app, with one test-only change in each pool process: the packet
renderer writes its process id to PACKET_TEST_MARKER, then waits PACKET_TEST_SLOW_SECONDS
before rendering, so that the test can kill that process mid-render. Production code
has no such hook; this module is only ever named with `celery -A` by that test.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from config.celery import app

__all__ = ["app"]


@worker_process_init.connect
def slow_down_the_renderer(**kwargs) -> None:
    from scoring import pdf

    render = pdf.render_packet_pdf
    delay = float(os.environ.get("PACKET_TEST_SLOW_SECONDS", "0"))
    marker = Path(os.environ["PACKET_TEST_MARKER"])

    def slow_render(application):
        marker.write_text(str(os.getpid()))
        time.sleep(delay)
        return render(application)

    pdf.render_packet_pdf = slow_render
