"""Export question banks as YAML bank files.

A bank file is the reviewable, version-controllable form of a catalogue:
exporting lets people diff a bank, keep it in git, or move it to another
installation, where importing the file reproduces the bank exactly.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rubrics.bankfile import export_bank
from rubrics.models import Bank


class Command(BaseCommand):
    help = "Write a bank (by key) as YAML to stdout or --output, or every bank to --dir."

    def add_arguments(self, parser) -> None:
        parser.add_argument("key", nargs="?", help="the key of the bank to export")
        parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE, not stdout")
        parser.add_argument(
            "--all", action="store_true", dest="all_banks", help="export every bank"
        )
        parser.add_argument(
            "--dir", metavar="DIR", dest="directory", help="with --all: one KEY.yaml per bank"
        )

    def handle(
        self,
        *args,
        key: str | None,
        output: str | None,
        all_banks: bool,
        directory: str | None,
        **options,
    ) -> None:
        if all_banks:
            if key or output:
                raise CommandError("Give either a bank KEY or --all, not both.")
            if not directory:
                raise CommandError("--all needs --dir DIR to write one file per bank.")
            self._export_all(Path(directory))
            return
        if not key:
            raise CommandError("Give the KEY of a bank, or --all --dir DIR.")
        if directory:
            raise CommandError("--dir goes with --all; use --output FILE for one bank.")
        bank = Bank.objects.filter(key=key).first()
        if bank is None:
            known = ", ".join(Bank.objects.order_by("key").values_list("key", flat=True))
            raise CommandError(f'No bank "{key}". Installed banks: {known or "none"}.')
        text = export_bank(bank)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote bank {key} to {output}.")
        else:
            # Only the YAML goes to stdout, so it can be redirected into a file.
            self.stdout.write(text, ending="")

    def _export_all(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        banks = list(Bank.objects.order_by("key"))
        for bank in banks:
            (directory / f"{bank.key}.yaml").write_text(export_bank(bank), encoding="utf-8")
        self.stdout.write(f"Wrote {len(banks)} bank file(s) to {directory}.")
