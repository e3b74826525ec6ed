"""Send again the debrief packets that wait without a message, as the beat task does.

Why: a packet requested while the broker was down stays queued, and one whose worker
was killed mid-render stays rendering; beat's `requeue_stale_packets_task` picks both
up every minute. Run this after a broker outage, or where beat does not run (cron).
Sending twice is harmless: a render claims its row, so a duplicate message does nothing.
"""

from django.core.management.base import BaseCommand

from scoring.packets import requeue_stale_packets


class Command(BaseCommand):
    help = "Re-send packets left queued or stuck rendering past the time limit."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Sent {requeue_stale_packets()} packet(s) to the workers again.")
