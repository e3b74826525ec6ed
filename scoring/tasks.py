"""Celery tasks of the scoring app: thin shells around plain functions."""

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from . import packets
from .reminders import send_overdue_reminders


@shared_task
def send_reminders_task() -> int:
    """Send the overdue-scorecard reminders now due (beat runs it hourly)."""
    return send_overdue_reminders()


@shared_task(
    bind=True,
    acks_late=True,
    # A worker killed mid-render hands the message back (see scoring/packets.py).
    reject_on_worker_lost=True,
    soft_time_limit=settings.PACKET_TIME_LIMIT_SECONDS,
    time_limit=packets.hard_time_limit(),
    autoretry_for=packets.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    max_retries=3,
)
def render_packet_task(self, packet_id: int) -> str:
    """Render a debrief packet if it still needs it; returns its status."""
    delivery = self.request.delivery_info or {}
    return packets.render_packet(
        packet_id,
        redelivered=bool(delivery.get("redelivered")),
        retry=self.request.retries < self.max_retries,
    )


@shared_task
def requeue_stale_packets_task() -> int:
    """Send again packets left queued or stuck rendering (beat runs it every minute)."""
    return packets.requeue_stale_packets()


@shared_task
def resend_unsent_packets_task() -> int:
    """Send again packets whose send failed, the broker being down (beat, every 15 s)."""
    return packets.resend_unsent_packets()


@worker_process_init.connect
def warm_up_weasyprint(**kwargs) -> None:
    """Load WeasyPrint's fonts once per worker process, not during the first packet."""
    from weasyprint import HTML

    HTML(string="<p>Loopwright</p>").write_pdf()


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def refresh_analytics_task(loop_key: str) -> str:
    """Compute a loop's calibration and reliability snapshot unless it is current."""
    from . import snapshots

    return snapshots.refresh(loop_key)


@shared_task
def resend_outdated_analytics_task() -> int:
    """Send a refresh for every outdated analytics snapshot (beat, every 5 minutes)."""
    from . import snapshots

    return snapshots.resend_outdated()
