"""Importing candidates and their applications from CSV (docs/candidate-csv.md).

The performance-review import's rules: the whole file is checked first and every problem
listed with its row and column; if anything is wrong, nothing is imported. A row names a
candidate (matched to an existing one by external id, then by email: that candidate is
updated, an upsert) and optionally a loop key, on whose published loop an application is
started unless the candidate already has an open one there. Importing the same file
again changes nothing ("N unchanged").

    preview(content, preset="greenhouse")          # -> Preview, writes nothing
    run_import(content, preset=..., by=user)        # re-checks, then one transaction

`preview` raises CandidateFileError when the file cannot be read at all (size,
encoding, CSV syntax); every other problem is in `Preview.problems`.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.audit import record

from .applying import apply_row, create_new
from .checking import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATE,
    RowPlan,
    check_against_database,
    check_against_file,
    lookups,
    parse_row,
)
from .presets import FIELDS, LABELS, MANUAL, NATIVE, PRESET_CHOICES, PRESETS
from .reading import (
    CELL_MAX_CHARS,
    MAX_BYTES,
    MAX_PROBLEMS,
    MAX_ROWS,
    CandidateFileError,
    ColumnMap,
    Problem,
    body_rows,
    listed,
    map_columns,
    records,
)

__all__ = [
    "CELL_MAX_CHARS",
    "ERROR",
    "FIELDS",
    "LABELS",
    "MANUAL",
    "MAX_BYTES",
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "NATIVE",
    "NEW",
    "PRESETS",
    "PRESET_CHOICES",
    "UNCHANGED",
    "UPDATE",
    "CandidateFileError",
    "ImportRefused",
    "Preview",
    "Problem",
    "header_of",
    "listed",
    "preview",
    "run_import",
]


@dataclass
class Preview:
    """What importing the file would do, row by row, and every problem found."""

    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    columns: ColumnMap | None = None
    mapping_problems: list[Problem] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def applications(self) -> int:
        return sum(1 for row in self.rows if row.new_application and not row.problems)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "new": self.count(NEW),
            "updated": self.count(UPDATE),
            "unchanged": self.count(UNCHANGED),
            "errors": self.count(ERROR),
            "applications": self.applications,
            "problems": len(self.problems),
        }

    def summary(self) -> str:
        c = self.counts()
        verb = "would be" if self.dry_run else "were"
        text = (
            f"{c['rows']} candidate row{'s' if c['rows'] != 1 else ''} checked: {c['new']} new, "
            f"{c['updated']} updated, {c['unchanged']} unchanged"
        )
        if c["errors"]:
            text += f", {c['errors']} with problems"
        text += (
            f"; {c['applications']} application{'s' if c['applications'] != 1 else ''} "
            f"{verb} started."
        )
        return text

    def listed(self) -> list[str]:
        return listed(self.problems)


class ImportRefused(Exception):
    """Something in the file is wrong: nothing was imported. `.preview` says what."""

    def __init__(self, preview: Preview):
        self.preview = preview
        super().__init__("\n".join(preview.listed()))


def header_of(content: bytes) -> list[str]:
    """The file's header cells (for the manual mapping's choices)."""
    return [cell.strip() for cell in records(content)[0]]


def preview(
    content: bytes,
    *,
    preset: str = NATIVE,
    mapping: dict[str, str] | None = None,
    default_loop: str = "",
) -> Preview:
    """Check the whole file against the database; write nothing."""
    header, body = records(content)
    columns, mapping_problems = map_columns(header, preset, mapping)
    result = Preview(header=header, columns=columns, mapping_problems=mapping_problems)
    if mapping_problems:
        result.problems = list(mapping_problems)
        return result
    plans = [parse_row(number, cells, columns) for number, cells in body_rows(header, body)]
    check_against_file(plans, columns)
    found = lookups(plans, default_loop)
    check_against_database(plans, columns, found, default_loop)
    result.rows = plans
    result.problems = sorted(
        (p for plan in plans for p in plan.problems), key=lambda p: (p.row, p.index or 0)
    )
    return result


def run_import(
    content: bytes,
    *,
    by,
    preset: str = NATIVE,
    mapping: dict[str, str] | None = None,
    default_loop: str = "",
    dry_run: bool = False,
    source: str = "page",
    upload=None,
) -> Preview:
    """Check the file again, then import every row in one transaction (or raise).

    Raises ImportRefused (nothing written) when any row has a problem, and
    CandidateFileError when the file cannot be read. One audit entry,
    `candidates.imported`, carries the counts; each candidate and application
    created or changed has its own entries from the services.
    """
    if dry_run:
        result = preview(content, preset=preset, mapping=mapping, default_loop=default_loop)
        if not result.ok:
            raise ImportRefused(result)
        return result
    try:
        with transaction.atomic():
            result = preview(content, preset=preset, mapping=mapping, default_loop=default_loop)
            if not result.ok:
                raise ImportRefused(result)
            create_new([row for row in result.rows if row.action == NEW], by=by)
            for row in result.rows:
                if row.outcome == NEW:
                    continue
                try:
                    apply_row(row, by=by)
                except ValidationError as error:
                    # A rule the checks missed: refuse the whole file, located at the row.
                    result.problems = [Problem(row.number, "", " ".join(error.messages))]
                    raise ImportRefused(result) from None
            result.dry_run = False
            record(
                by,
                "candidates.imported",
                upload,
                source=source,
                preset=preset,
                **result.counts(),
            )
    except IntegrityError:
        # Another import or an API call took an external id between the check and the
        # write: the transaction is gone, so say so rather than half-report.
        result = Preview(
            problems=[
                Problem(
                    1,
                    "",
                    "Another change saved the same candidate or external id at the same "
                    "moment: nothing was imported. Check the file again.",
                )
            ]
        )
        raise ImportRefused(result) from None
    return result
