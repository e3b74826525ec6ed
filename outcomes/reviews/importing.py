"""Importing performance reviews from CSV (docs/performance-review-csv.md).

The bank import's rules: the whole file is checked first and every problem listed
with its row and column; if anything is wrong, nothing is imported; importing the same
file again changes nothing (a review's natural key is application + date + reviewer).
Rows are numbered as a spreadsheet shows them: the header is row 1.

Hostile input: the size and the row count are limited before parsing; the text must
be UTF-8 (a BOM is fine); a cell is limited in length (the csv module's own limit is
caught, never a 500); a file using ";" or tabs between columns is named as such.
Values quoted in messages go through `accounts.validators.shown` (control characters
escaped, shortened) and are HTML-escaped by the template, so a cell such as
`=HYPERLINK(...)` is shown as text, never run; nothing here writes CSV back.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from accounts.validators import shown
from candidates.models import Application
from rubrics.models import Competency
from scoring.snapshots import request_refresh

from ..models import PerformanceReview
from .services import DEFAULT_SCALE_MAX, ReviewData, review_problems, save_review

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
CELL_MAX_CHARS = 10_000
MAX_PROBLEMS = 200
RATING_PREFIX = "rating:"
REQUIRED = ("application", "reviewed_on", "reviewer", "overall")
OPTIONAL = ("candidate_email", "scale_max", "comment")
# The service's field names, as the file's columns call them.
COLUMN_OF = {
    "application": "application",
    "reviewed_on": "reviewed_on",
    "reviewer_name": "reviewer",
    "overall": "overall",
    "scale_max": "scale_max",
    "comment": "comment",
}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column “{self.column}”" if self.column else "")
        return f"{where}: {self.message}"


class ReviewFileError(Exception):
    """The file was refused: every problem found, nothing imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:MAX_PROBLEMS]))

    def listed(self) -> list[str]:
        shown_ = [str(p) for p in self.problems[:MAX_PROBLEMS]]
        if len(self.problems) > MAX_PROBLEMS:
            shown_.append(f"… and {len(self.problems) - MAX_PROBLEMS} more problems")
        return shown_


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        return (
            f"{self.rows} review row{'s' if self.rows != 1 else ''} checked: {self.created} "
            f"{verb} created, {self.updated} updated, {self.unchanged} unchanged."
        )


@dataclass
class Row:
    number: int
    application_id: int | None
    email: str
    data: ReviewData
    ratings_raw: dict[str, int] = field(default_factory=dict)


def import_reviews(
    content: bytes, *, by, dry_run: bool = False, today: date | None = None
) -> ImportResult:
    """Check the whole file, then (unless dry) save every row in one transaction."""
    today = today or timezone.localdate()
    rows, problems = read_rows(content)
    applications, competencies = lookups(rows)
    problems += check_rows(rows, applications, competencies, today)
    problems.sort(key=lambda p: p.row)
    if problems:
        raise ReviewFileError(problems)
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    changed_loops: set[str] = set()
    with transaction.atomic():
        for row in rows:
            application = applications[row.application_id]
            existing = PerformanceReview.objects.filter(
                application=application,
                reviewed_on=row.data.reviewed_on,
                reviewer_name=row.data.reviewer_name.strip(),
            ).first()
            if existing is not None and same_review(existing, row.data):
                result.unchanged += 1
                continue
            if existing is None:
                result.created += 1
            else:
                result.updated += 1
            if not dry_run:
                save_review(
                    application, row.data, by=by, review=existing, today=today, refresh=False
                )
                changed_loops.add(application.loop.key)
        # The validity figures count reviews: one new snapshot per loop for the file.
        for key in sorted(changed_loops):
            request_refresh(key)
    return result


# --- Reading ----------------------------------------------------------------------


def decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise ReviewFileError(
            [Problem(1, "", f"The file is {len(content):,} bytes; at most {MAX_BYTES:,}.")]
        )
    if not content.strip():
        raise ReviewFileError([Problem(1, "", "The file is empty.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewFileError(
            [
                Problem(
                    1,
                    "",
                    f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read): save it "
                    "as “CSV UTF-8”.",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ReviewFileError(
            [Problem(line, "", "The file contains a NUL character: is it a spreadsheet file?")]
        )
    return text


def read_rows(content: bytes) -> tuple[list[Row], list[Problem]]:
    """The rows that parse, and the problems of those that do not.

    A file that cannot be read as a whole (size, encoding, CSV syntax, header) raises
    ReviewFileError at once; a row whose cells cannot be read is listed, and the other
    rows are still checked against the rules, so one upload lists every problem found.
    """
    text = decode(content)
    records, problems = split_records(text)
    if problems:
        raise ReviewFileError(problems)
    header, body = records[0], records[1:]
    columns, problems = check_header(header)
    if not body and not problems:
        problems.append(Problem(2, "", "The file has a header but no review rows."))
    if len(body) > MAX_ROWS:
        problems.append(Problem(MAX_ROWS + 2, "", f"At most {MAX_ROWS:,} rows per file."))
    if problems:
        raise ReviewFileError(problems)
    rows = []
    for offset, cells in enumerate(body):
        number = offset + 2
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, as spreadsheets leave at the end
        row, row_problems = parse_row(number, columns, cells)
        problems += row_problems
        if row is not None:
            rows.append(row)
    return rows, problems


def split_records(text: str) -> tuple[list[list[str]], list[Problem]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for cells in reader:
            records.append(cells)
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        row = len(records) + 1
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is too long; cells hold at most {CELL_MAX_CHARS:,} characters"
        return records, [Problem(row, "", f"This row cannot be read as CSV: {message}.")]
    return records, []


def check_header(header: list[str]) -> tuple[list[str], list[Problem]]:
    columns = [cell.strip().lower() for cell in header]
    problems = []
    if len(columns) == 1 and any(sep in header[0] for sep in (";", "\t", "|")):
        sep = next(s for s in (";", "\t", "|") if s in header[0])
        name = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}[sep]
        return columns, [
            Problem(1, "", f"The columns are separated by {name}: save the file with commas.")
        ]
    seen: set[str] = set()
    for index, column in enumerate(columns, start=1):
        if not column:
            problems.append(Problem(1, f"#{index}", "This column has no name."))
        elif column in seen:
            problems.append(Problem(1, column, "This column appears twice."))
        elif column not in REQUIRED + OPTIONAL and not column.startswith(RATING_PREFIX):
            allowed = ", ".join((*REQUIRED, *OPTIONAL, f"{RATING_PREFIX}<competency key>"))
            problems.append(
                Problem(1, shown(column, 40), f"Unknown column. The columns are: {allowed}.")
            )
        elif column == RATING_PREFIX:
            problems.append(Problem(1, column, "Name the competency: rating:<competency key>."))
        seen.add(column)
    for column in REQUIRED:
        if column not in seen:
            problems.append(Problem(1, column, "This required column is missing."))
    return columns, problems


def parse_row(number: int, columns: list[str], cells: list[str]) -> tuple[Row | None, list]:
    problems: list[Problem] = []
    if len(cells) != len(columns):
        return None, [
            Problem(
                number,
                "",
                f"This row has {len(cells)} cells; the header has {len(columns)} columns "
                "(a comma inside a value needs the value in double quotes).",
            )
        ]
    values = dict(zip(columns, cells, strict=True))
    for column, value in values.items():
        if len(value) > CELL_MAX_CHARS:
            problems.append(
                Problem(
                    number,
                    column,
                    f"The cell holds {len(value):,} characters; at most {CELL_MAX_CHARS:,}.",
                )
            )
    if problems:
        return None, problems

    def number_in(column: str, *, required: bool, default: int | None = None) -> int | None:
        raw = values.get(column, "").strip()
        if not raw:
            if required:
                problems.append(Problem(number, column, "This cell is empty."))
            return default
        if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
            problems.append(Problem(number, column, f"“{shown(raw)}” is not a whole number."))
            return None
        return int(raw)

    application_id = number_in("application", required=True)
    scale_max = number_in("scale_max", required=False, default=DEFAULT_SCALE_MAX)
    overall = number_in("overall", required=True)
    ratings_raw = {}
    for column in columns:
        if column.startswith(RATING_PREFIX) and values[column].strip():
            value = number_in(column, required=False)
            if value is not None:
                ratings_raw[column[len(RATING_PREFIX) :]] = value
    reviewed_on = parse_date(number, values.get("reviewed_on", ""), problems)
    reviewer = values.get("reviewer", "")
    if "\n" in reviewer or "\r" in reviewer:
        problems.append(Problem(number, "reviewer", "The reviewer's name is one line."))
    data = ReviewData(
        reviewed_on=reviewed_on,
        reviewer_name=reviewer.strip(),
        overall=overall,
        scale_max=scale_max if scale_max is not None else DEFAULT_SCALE_MAX,
        comment=values.get("comment", ""),
    )
    if problems:
        return None, problems
    email = values.get("candidate_email", "").strip()
    return Row(number, application_id, email, data, ratings_raw), []


def parse_date(number: int, raw: str, problems: list[Problem]) -> date | None:
    raw = raw.strip()
    if not raw:
        problems.append(Problem(number, "reviewed_on", "This cell is empty."))
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(
            Problem(number, "reviewed_on", f"“{shown(raw)}” is not a date written YYYY-MM-DD.")
        )
        return None


# --- Checking against the database --------------------------------------------------


def lookups(rows: list[Row]) -> tuple[dict[int, Application], dict[str, Competency]]:
    """The rows' applications (with loop competencies) and the named competencies."""
    ids = {row.application_id for row in rows}
    applications = {
        a.pk: a
        for a in Application.objects.filter(pk__in=ids)
        .select_related("candidate", "loop")
        .prefetch_related("loop__loop_competencies")
    }
    keys = {key for row in rows for key in row.ratings_raw}
    competencies = {c.key: c for c in Competency.objects.filter(key__in=keys)}
    return applications, competencies


def check_rows(rows, applications, competencies, today: date) -> list[Problem]:
    problems: list[Problem] = []
    first_at: dict[tuple, int] = {}
    for row in rows:
        application = applications.get(row.application_id)
        if application is None:
            problems.append(
                Problem(row.number, "application", f"There is no application {row.application_id}.")
            )
            continue
        problems += row_problems(row, application, competencies, today)
        key = (row.application_id, row.data.reviewed_on, row.data.reviewer_name.casefold())
        if key in first_at:
            problems.append(
                Problem(
                    row.number,
                    "reviewer",
                    f"Row {first_at[key]} already reviews this hire on this date by this reviewer.",
                )
            )
        first_at.setdefault(key, row.number)
    return problems


def row_problems(row: Row, application: Application, competencies, today) -> list[Problem]:
    problems = []
    candidate = application.candidate
    if row.email and (candidate.erased_at or row.email.casefold() != candidate.email.casefold()):
        problems.append(
            Problem(
                row.number,
                "candidate_email",
                f"Application {application.pk} is not the application of “{shown(row.email)}”.",
            )
        )
    for key, value in row.ratings_raw.items():
        competency = competencies.get(key)
        if competency is None:
            problems.append(
                Problem(
                    row.number, f"{RATING_PREFIX}{shown(key, 40)}", "No competency has this key."
                )
            )
        else:
            row.data.ratings[competency] = value
    assessed = {item.competency_id for item in application.loop.loop_competencies.all()}
    found = review_problems(application, row.data, loop_competencies=assessed, today=today)
    for name, message in found.items():
        problems.append(Problem(row.number, COLUMN_OF.get(name, name), message))
    return problems


def same_review(review: PerformanceReview, data: ReviewData) -> bool:
    """Would saving `data` change nothing?"""
    ratings = {r.competency_id: r.value for r in review.competency_ratings.all()}
    return (
        review.overall == data.overall
        and review.scale_max == data.scale_max
        and review.comment == data.comment.strip()
        and ratings == {c.pk: v for c, v in data.ratings.items()}
    )
