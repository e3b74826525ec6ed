"""Erase the candidates whose applications all closed more than RETENTION_DAYS ago.

The daily beat task does the same; the command is for installations without beat,
and `--dry-run` shows which candidates (by id only: no personal data in logs) would go.
"""

from django.core.management.base import BaseCommand

from candidates.privacy import erase_expired_candidates


class Command(BaseCommand):
    help = "Erase candidates past the retention period (RETENTION_DAYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List who would be erased; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        candidates = erase_expired_candidates(dry_run=dry_run)
        ids = ", ".join(f"#{c.pk}" for c in candidates) or "none"
        verb = "Would erase" if dry_run else "Erased"
        self.stdout.write(f"{verb} {len(candidates)} candidate(s): {ids}.")
