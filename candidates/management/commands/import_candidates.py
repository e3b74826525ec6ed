"""Import candidates and their applications from a CSV file (docs/candidate-csv.md).

For a migration from an ATS, run from a shell rather than the browser: the same checks
as the import page (the whole file first, every problem with its row and column,
nothing imported if anything is wrong, a re-import changes nothing). `--dry-run`
reports what would happen and writes nothing. `--by` names the recruiter the audit
trail shows as having imported the candidates.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.permissions import is_recruiter
from candidates.importing import (
    MANUAL,
    PRESET_CHOICES,
    CandidateFileError,
    ImportRefused,
    listed,
    run_import,
)
from candidates.importing.presets import FIELDS


class Command(BaseCommand):
    help = "Import candidates and applications from a CSV file (--dry-run only checks it)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--preset",
            default="loopwright",
            choices=[key for key, _ in PRESET_CHOICES],
            help="Whose column names the file uses (default: loopwright).",
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="FIELD=COLUMN",
            help=f"With --preset manual: which column holds a field ({', '.join(FIELDS)}).",
        )
        parser.add_argument("--loop", default="", help="A published loop for rows without one.")
        parser.add_argument("--dry-run", action="store_true", help="Check, write nothing.")
        parser.add_argument("--by", required=True, help="The recruiter the audit trail names.")

    def handle(
        self,
        *args,
        file: Path,
        preset: str,
        map: list,
        loop: str,
        dry_run: bool,
        by: str,
        **options,
    ):
        actor = User.objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user “{by}”.")
        if not is_recruiter(actor):
            raise CommandError(f"“{by}” is not a recruiter: only recruiters import candidates.")
        mapping = self.mapping(map, preset)
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc.strerror}.") from None
        try:
            result = run_import(
                content,
                by=actor,
                preset=preset,
                mapping=mapping,
                default_loop=loop.strip(),
                dry_run=dry_run,
                source="command",
            )
        except CandidateFileError as error:
            raise CommandError(f"{file}: nothing imported.\n" + "\n".join(error.listed())) from None
        except ImportRefused as error:
            problems = listed(error.preview.problems)
            raise CommandError(f"{file}: nothing imported.\n" + "\n".join(problems)) from None
        self.stdout.write(f"{file}: {result.summary()}")

    def mapping(self, pairs: list[str], preset: str) -> dict[str, str]:
        if pairs and preset != MANUAL:
            raise CommandError("--map goes with --preset manual.")
        mapping = {}
        for pair in pairs:
            field, sep, column = pair.partition("=")
            if not sep or field.strip() not in FIELDS:
                raise CommandError(
                    f"--map {pair}: write FIELD=COLUMN, FIELD one of {', '.join(FIELDS)}."
                )
            mapping[field.strip()] = column.strip()
        return mapping
