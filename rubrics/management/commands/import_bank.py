"""Import question bank files, all or nothing per file.

Banks are how a catalogue moves between installations and into version
control; importing from the command line lets deployments and CI load the
built-in banks without a browser. Each file is validated in full first: a bad
file imports nothing and every problem is listed with its place, so it can be
fixed in one pass. `--dry-run` validates and reports what would change.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from rubrics.bankfile import MAX_BYTES, BankFileError, import_bank


class Command(BaseCommand):
    help = "Import bank files (YAML, docs/bank-format.md); each file is all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="bank files, in order")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="validate and report what would change, without writing",
        )

    def handle(self, *args, files: list[str], dry_run: bool, **options) -> None:
        # Files are imported in the order given, so a later file may reference
        # what an earlier one defines; a bad file does not stop the others.
        # A dry run imports for real inside one transaction and rolls it all
        # back at the end, so later files are checked against earlier ones.
        with transaction.atomic():
            bad = [path for path in files if not self._import_one(path, dry_run)]
            transaction.set_rollback(dry_run)
        if bad:
            raise CommandError(
                f"{len(bad)} of {len(files)} file(s) had problems and "
                f"were not imported: {', '.join(bad)}"
            )

    def _import_one(self, path: str, dry_run: bool) -> bool:
        try:
            # The size is checked before reading, so a huge file is never loaded.
            size = Path(path).stat().st_size
            if size > MAX_BYTES:
                self.stderr.write(f"{path}: {size} bytes; a bank file may be at most {MAX_BYTES}")
                return False
            text = Path(path).read_bytes().decode("utf-8")
            report = import_bank(text)
            report.dry_run = dry_run
        except OSError as exc:
            self.stderr.write(f"{path}: cannot read: {exc.strerror or exc}")
            return False
        except UnicodeDecodeError:
            self.stderr.write(f"{path}: not UTF-8 text")
            return False
        except BankFileError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path}: {problem}")
            return False
        self.stdout.write(f"{path}: {report.summary()}")
        return True
