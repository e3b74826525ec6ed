"""Reading a candidate file: limits, encoding, CSV syntax, the header and its mapping.

Rows are numbered as a spreadsheet shows them (the header is row 1), columns by the
header's name and letter. Values quoted in messages go through `shown` (control
characters escaped, shortened) and are HTML-escaped by the templates.
"""

import csv
import io
from dataclasses import dataclass

from accounts.validators import shown

from .presets import FIELDS, LABELS, MANUAL, Preset, normalise, preset_for

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5_000
CELL_MAX_CHARS = 10_000
MAX_PROBLEMS = 200
SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": the column as a spreadsheet names it."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the header's name as the file writes it, or "" for the whole row
    message: str
    index: int | None = None  # the column's position, for its letter

    @property
    def where(self) -> str:
        """ "row 3, column email": the API's `field`."""
        return f"row {self.row}" + (f", column {self.column}" if self.column else "")

    def __str__(self) -> str:
        where = f"row {self.row}"
        if self.column:
            letter = f" ({column_letter(self.index)})" if self.index is not None else ""
            where += f", column “{self.column}”{letter}"
        return f"{where}: {self.message}"


class CandidateFileError(Exception):
    """The file cannot be read at all (size, encoding, CSV syntax): nothing imported."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems[:MAX_PROBLEMS]))

    def listed(self) -> list[str]:
        return listed(self.problems)


def listed(problems: list[Problem]) -> list[str]:
    out = [str(p) for p in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        out.append(f"… and {len(problems) - MAX_PROBLEMS:,} more problems")
    return out


def decode(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise CandidateFileError(
            [Problem(1, "", f"The file is {len(content):,} bytes; at most {MAX_BYTES:,}.")]
        )
    if not content.strip() or content.strip() == b"\xef\xbb\xbf":
        raise CandidateFileError([Problem(1, "", "The file is empty.")])
    for bom, name in ((b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if content.startswith(bom):
            raise CandidateFileError(
                [Problem(1, "", f"The file is {name} text: save it as “CSV UTF-8”.")]
            )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise CandidateFileError(
            [
                Problem(
                    line,
                    "",
                    f"The file is not UTF-8 text (byte {exc.start + 1:,} cannot be read): "
                    "save it as “CSV UTF-8”.",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise CandidateFileError(
            [Problem(line, "", "The file contains a NUL character: is it a spreadsheet file?")]
        )
    return text


def records(content: bytes) -> tuple[list[str], list[list[str]]]:
    """The header and the body's records; raises CandidateFileError if unreadable."""
    text = decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    found: list[list[str]] = []
    try:
        for cells in reader:
            found.append(cells)
            if len(found) > MAX_ROWS + 1:
                raise CandidateFileError(
                    [Problem(MAX_ROWS + 2, "", f"At most {MAX_ROWS:,} rows per file.")]
                )
    except csv.Error as exc:
        message = str(exc)
        if "field larger than field limit" in message:
            message = f"a cell is too long; cells hold at most {CELL_MAX_CHARS:,} characters"
        raise CandidateFileError(
            [Problem(reader.line_num or 1, "", f"This row cannot be read as CSV: {message}.")]
        ) from None
    header, body = found[0], found[1:]
    if len(header) == 1:
        sep = next((s for s in SEPARATORS if s in header[0]), None)
        if sep:
            raise CandidateFileError(
                [
                    Problem(
                        1,
                        "",
                        f"The columns are separated by {SEPARATORS[sep]}: save the file with "
                        "commas.",
                    )
                ]
            )
    if not any(cell.strip() for cell in header):
        raise CandidateFileError([Problem(1, "", "The first row must be the header.")])
    if not any(any(cell.strip() for cell in cells) for cells in body):
        raise CandidateFileError([Problem(2, "", "The file has a header but no candidate rows.")])
    return header, body


# --- The mapping: field → the header it is read from ---------------------------------


@dataclass
class ColumnMap:
    """Where each field is read: header index (links: several)."""

    columns: dict[str, list[int]]
    header: list[str]
    ignored: list[str]
    first_of_several_emails: bool = False

    def index(self, name: str) -> int | None:
        found = self.columns.get(name)
        return found[0] if found else None

    def column(self, name: str) -> str:
        index = self.index(name)
        return self.header[index].strip() if index is not None else ""

    def as_names(self) -> dict[str, list[str]]:
        return {name: [self.header[i].strip() for i in idx] for name, idx in self.columns.items()}


def map_columns(
    header: list[str], preset_key: str, manual: dict[str, str] | None = None
) -> tuple[ColumnMap, list[Problem]]:
    """The header read through a preset (or the manual mapping), with row-1 problems."""
    names = [normalise(h) for h in header]
    problems: list[Problem] = []
    if preset_key == MANUAL:
        columns, problems = _manual_columns(header, manual or {})
        preset = None
    else:
        preset = preset_for(preset_key)
        if preset is None:
            return ColumnMap({}, header, []), [Problem(1, "", f"No preset “{shown(preset_key)}”.")]
        columns = _preset_columns(names, preset)
    used = {i for idx in columns.values() for i in idx}
    problems += _header_problems(header, names, used, strict=bool(preset and preset.strict))
    if preset is not None and preset.strict:
        allowed = set(preset.headers)
        for index, name in enumerate(names):
            if name and name not in {normalise(a) for a in allowed}:
                problems.append(
                    Problem(
                        1,
                        shown(header[index].strip(), 40),
                        "Unknown column. The columns are: " + ", ".join(preset.headers) + ".",
                        index,
                    )
                )
    problems += _required_problems(columns, preset)
    ignored = [header[i].strip() for i in range(len(header)) if i not in used and names[i]]
    return (
        ColumnMap(columns, header, ignored, bool(preset and preset.first_of_several_emails)),
        problems,
    )


def _preset_columns(names: list[str], preset: Preset) -> dict[str, list[int]]:
    columns: dict[str, list[int]] = {}
    taken: set[int] = set()
    for name in FIELDS:
        aliases = preset.aliases(name)
        if name == "links":
            found = [names.index(a) for a in aliases if a in names and names.index(a) not in taken]
            if found:
                columns[name] = list(dict.fromkeys(found))
            continue
        for alias in aliases:
            if alias in names and names.index(alias) not in taken:
                columns[name] = [names.index(alias)]
                taken.add(names.index(alias))
                break
    if "name" in columns:
        # A full-name column wins; first/last columns are then ignored.
        columns.pop("first_name", None)
        columns.pop("last_name", None)
    return columns


def _manual_columns(header: list[str], manual: dict[str, str]) -> tuple[dict, list[Problem]]:
    stripped = [h.strip() for h in header]
    columns: dict[str, list[int]] = {}
    problems: list[Problem] = []
    chosen_by: dict[int, str] = {}
    for name in FIELDS:
        wanted = (manual.get(name) or "").strip()
        if not wanted:
            continue
        if wanted not in stripped:
            problems.append(Problem(1, shown(wanted, 40), f"{LABELS[name]}: no such column."))
            continue
        index = stripped.index(wanted)
        if index in chosen_by:
            problems.append(
                Problem(
                    1,
                    shown(wanted, 40),
                    f"This column is chosen for both {LABELS[chosen_by[index]]} and "
                    f"{LABELS[name]}.",
                    index,
                )
            )
            continue
        chosen_by[index] = name
        columns[name] = [index]
    unknown = sorted(set(manual) - set(FIELDS))
    if unknown:
        problems.append(Problem(1, "", f"Unknown fields in the mapping: {shown(unknown)}."))
    return columns, problems


def _header_problems(header, names, used: set[int], *, strict: bool) -> list[Problem]:
    problems = []
    first_at: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            if strict:
                problems.append(Problem(1, f"#{index + 1}", "This column has no name.", index))
            continue
        if name in first_at and (strict or index in used or first_at[name] in used):
            problems.append(
                Problem(
                    1,
                    shown(header[index].strip(), 40),
                    f"This column appears twice (also column {column_letter(first_at[name])}): "
                    "which one holds the value?",
                    index,
                )
            )
        first_at.setdefault(name, index)
    return problems


def _required_problems(columns: dict[str, list[int]], preset: Preset | None) -> list[Problem]:
    problems = []

    def named(name: str) -> str:
        if preset is None:
            return LABELS[name]
        return " or ".join(f"“{h}”" for h in (*preset.headers.get(name, ()),)) or LABELS[name]

    if "email" not in columns:
        problems.append(Problem(1, "", f"The email column is missing: {named('email')}."))
    if not ({"name", "first_name", "last_name"} & columns.keys()):
        problems.append(
            Problem(
                1,
                "",
                f"The name column is missing: {named('name')}"
                + (
                    " (or first and last name columns)."
                    if preset is None or "first_name" in preset.headers
                    else "."
                ),
            )
        )
    return problems


def body_rows(header: list[str], body: list[list[str]]) -> list[tuple[int, list[str]]]:
    """(row number, cells) of the records that are not blank."""
    return [
        (offset + 2, cells)
        for offset, cells in enumerate(body)
        if any(cell.strip() for cell in cells)
    ]
