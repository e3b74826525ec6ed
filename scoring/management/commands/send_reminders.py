"""Send the overdue-scorecard reminders now due, as the hourly beat task does.

For installations without Celery beat (cron instead), and to see what is due:
`--dry-run` counts the reminders without sending or recording anything.
"""

from django.core.management.base import BaseCommand

from scoring.reminders import due_reminders, send_overdue_reminders


class Command(BaseCommand):
    help = "Email reminders for overdue scorecards (never twice for the same step)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what is due; send nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if dry_run:
            due = due_reminders()
            first = sum(r.step == 1 for r in due)
            self.stdout.write(
                f"Would send {len(due)} reminder(s): {first} first, {len(due) - first} second."
            )
            return
        self.stdout.write(f"Sent {send_overdue_reminders()} reminder(s).")
