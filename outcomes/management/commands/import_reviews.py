"""Import hires' performance reviews from a CSV file (docs/performance-review-csv.md).

The same checks as the import page: the whole file first, every problem with its row
and column, nothing imported if anything is wrong; a re-import changes nothing.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from outcomes.reviews.importing import ReviewFileError, import_reviews


class Command(BaseCommand):
    help = "Import performance reviews from a CSV file (--dry-run only checks it)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check, write nothing.")
        parser.add_argument(
            "--as", dest="username", default=None, help="The user the audit trail names."
        )

    def handle(self, *args, file: Path, dry_run: bool, username: str | None, **options):
        actor = None
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No user “{username}”.")
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.") from None
        try:
            result = import_reviews(content, by=actor, dry_run=dry_run)
        except ReviewFileError as error:
            raise CommandError(f"{file}: nothing imported.\n" + "\n".join(error.listed())) from None
        self.stdout.write(f"{file}: {result.summary()}")
