"""Malformed and hostile candidate files: each refused with a located message, nothing saved.

Every variant has one thing wrong. The file as a whole (size, encoding, separators, CSV
syntax) is reported at its row with no column; a cell at its row and column, named as
the file's header names it, with the spreadsheet letter.
"""

import time

import pytest

from candidates.importing import (
    CELL_MAX_CHARS,
    MAX_BYTES,
    MAX_ROWS,
    CandidateFileError,
    ImportRefused,
    run_import,
)
from candidates.models import Application, Candidate
from tests.candidates import import_setup
from tests.candidates.import_setup import NATIVE_HEADER, csv_bytes, native_row
from tests.factories import make_loop

loop = import_setup.loop  # fixture

HEADER = ",".join(NATIVE_HEADER)


def one(**cells) -> bytes:
    return csv_bytes(NATIVE_HEADER, native_row(1, **cells))


def variants(loop_key: str, draft_key: str) -> list[tuple[str, bytes, str, str]]:
    """(name, content, where the problem is, words of its message)."""
    body = native_row(1)
    line = ",".join(body)
    return [
        ("empty file", b"", "row 1", "The file is empty."),
        ("only a byte order mark", b"\xef\xbb\xbf\n", "row 1", "The file is empty."),
        ("blank lines only", b"\n\r\n\n", "row 1", "The file is empty."),
        ("header only", HEADER.encode() + b"\n", "row 2", "a header but no candidate rows"),
        (
            "windows-1252",
            (HEADER + "\nRen\xe9e," + ",".join(body[1:]) + "\n").encode("cp1252"),
            "row 2",
            "not UTF-8 text (byte",
        ),
        (
            "utf-16",
            (HEADER + "\n" + line + "\n").encode("utf-16"),
            "row 1",
            "The file is UTF-16 text",
        ),
        ("semicolons", HEADER.replace(",", ";").encode() + b"\na;b\n", "row 1", "semicolons"),
        ("tabs", HEADER.replace(",", "\t").encode() + b"\na\tb\n", "row 1", "tabs"),
        (
            "a NUL byte",
            (HEADER + "\n" + line + "\n").encode().replace(b"Person", b"Per\x00son"),
            "row 2",
            "NUL character",
        ),
        (
            "an unclosed quote",
            (HEADER + '\n"Person 1,person1@example.org,,,,,,\n').encode(),
            "row 2",
            "cannot be read as CSV",
        ),
        (
            "a cell past the CSV reader's limit",
            (HEADER + "\n" + line.replace("Person 1", "x" * 140_000) + "\n").encode(),
            "row 2",
            "a cell is too long",
        ),
        (
            "too many rows",
            csv_bytes(
                NATIVE_HEADER, *([["A", "a@example.org", "", "", "", "", "", ""]] * (MAX_ROWS + 1))
            ),
            f"row {MAX_ROWS + 2}",
            f"At most {MAX_ROWS:,} rows",
        ),
        ("too large", b"name,email\n" + b"x" * MAX_BYTES, "row 1", f"at most {MAX_BYTES:,}"),
        (
            "a cell over the cell limit",
            one(recruiter_notes="n" * (CELL_MAX_CHARS + 1)),
            "row 2, column recruiter_notes",
            "The cell holds 10,001 characters",
        ),
        (
            "more cells than the header",
            (HEADER + "\n" + line + ",extra\n").encode(),
            "row 2",
            "This row has 9 cells; the header has 8 columns",
        ),
        (
            "fewer cells than the header",
            (HEADER + "\nPerson 1,person1@example.org\n").encode(),
            "row 2",
            "This row has 2 cells",
        ),
        (
            "a duplicated column",
            b"name,email,Email\nA,a@example.org,b@example.org\n",
            "row 1, column Email",
            "appears twice",
        ),
        (
            "an unknown column",
            b"name,email,salary\nA,a@example.org,1\n",
            "row 1, column salary",
            "Unknown column",
        ),
        (
            "a column without a name",
            b"name,email,\nA,a@example.org,\n",
            "row 1, column #3",
            "no name",
        ),
        ("no email column", b"name\nA\n", "row 1", "The email column is missing"),
        (
            "a formula in the name",
            one(name='=HYPERLINK("https://evil.example","Click")'),
            "row 2, column name",
            "as a spreadsheet formula does",
        ),
        (
            "a formula in the notes",
            one(recruiter_notes="@SUM(A1:A9)"),
            "row 2, column recruiter_notes",
            "starts with “@”",
        ),
        (
            "a formula in the external id",
            one(external_id="+cmd|' /C calc'!A0"),
            "row 2, column external_id",
            "starts with “+”",
        ),
        (
            "a DDE formula",
            one(name="-cmd|' /C calc'!A0"),
            "row 2, column name",
            "starts with “-”",
        ),
        ("a formula after spaces and a tab", one(name=" \t=1+2"), "row 2, column name", "formula"),
        (
            "not an email",
            one(email="person1.example.org"),
            "row 2, column email",
            "is not an email",
        ),
        (
            "two emails in one cell",
            one(email="a@example.org; b@example.org"),
            "row 2, column email",
            "holds several addresses",
        ),
        ("an empty email", one(email=""), "row 2, column email", "The email is empty."),
        ("an empty name", one(name="  "), "row 2, column name", "name is empty"),
        ("a name on two lines", one(name="Ada\nLovelace"), "row 2, column name", "one line"),
        ("a name too long", one(name="N" * 201), "row 2, column name", "at most 200"),
        (
            "a javascript link",
            one(links="javascript:alert(1)"),
            "row 2, column links",
            "is not a web address",
        ),
        (
            "an external id too long",
            one(external_id="x" * 129),
            "row 2, column external_id",
            "129 characters; at most 128",
        ),
        ("an unknown loop", one(loop="no-such-loop"), "row 2, column loop", "No published loop"),
        ("a draft loop", one(loop=draft_key), "row 2, column loop", "No published loop"),
        (
            "an unknown committee member",
            one(loop=loop_key, committee_emails="ghost@example.org"),
            "row 2, column committee_emails",
            "No active committee member",
        ),
        (
            "an application id without a loop",
            one(application_external_id="app-9"),
            "row 2, column application_external_id",
            "needs a loop",
        ),
    ]


@pytest.fixture
def cases(loop):
    return {name: rest for name, *rest in variants(loop.key, make_loop().key)}


NAMES = [v[0] for v in variants("k", "d")]


@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_file_is_refused_with_a_located_message(recruiter, cases, name):
    content, where, words = cases[name]

    started = time.monotonic()
    with pytest.raises((ImportRefused, CandidateFileError)) as refused:
        run_import(content, by=recruiter)
    elapsed = time.monotonic() - started

    error = refused.value
    problems = error.problems if isinstance(error, CandidateFileError) else error.preview.problems
    assert problems, name
    first = problems[0]
    assert first.where == where, f"{name}: {first}"
    assert words in first.message, f"{name}: {first}"
    assert not Candidate.objects.exists() and not Application.objects.exists()
    assert elapsed < 10, f"{name} took {elapsed:.1f} s"


def test_there_are_more_than_twenty_variants():
    assert len(NAMES) >= 20 and len(set(NAMES)) == len(NAMES)


def test_every_problem_of_a_file_is_listed_not_only_the_first(recruiter):
    content = csv_bytes(
        NATIVE_HEADER,
        native_row(1, email="bad"),
        native_row(2),
        native_row(3, name="=1+1", links="ftp://x"),
    )

    with pytest.raises(ImportRefused) as refused:
        run_import(content, by=recruiter)

    assert [p.where for p in refused.value.preview.problems] == [
        "row 2, column email",
        "row 4, column name",
        "row 4, column links",
    ]


def test_a_quoted_cell_may_hold_commas_quotes_and_line_breaks(recruiter):
    content = csv_bytes(
        NATIVE_HEADER, native_row(1, name='Ada "Countess" Lovelace, Jr', recruiter_notes="a,\nb")
    )

    run_import(content, by=recruiter)

    candidate = Candidate.objects.get()
    assert candidate.name == 'Ada "Countess" Lovelace, Jr'
    assert candidate.recruiter_notes == "a,\nb"


def test_a_bom_and_windows_line_ends_are_fine(recruiter):
    content = csv_bytes(NATIVE_HEADER, native_row(1), bom=True).replace(b"\n", b"\r\n")

    assert run_import(content, by=recruiter).counts()["new"] == 1


def test_markup_in_a_name_is_kept_as_text(recruiter):
    run_import(one(name="<script>alert(1)</script>"), by=recruiter)

    assert Candidate.objects.get().name == "<script>alert(1)</script>"


def test_a_notes_cell_with_a_dash_list_is_not_taken_for_a_formula(recruiter):
    run_import(one(recruiter_notes="- strong on Go\n- prefers mornings"), by=recruiter)

    assert Candidate.objects.get().recruiter_notes.startswith("- strong")


def test_a_full_size_file_is_checked_in_seconds(recruiter, loop):
    rows = [native_row(i, loop.key) for i in range(1, MAX_ROWS + 1)]
    content = csv_bytes(NATIVE_HEADER, *rows)
    from candidates.importing import preview

    started = time.monotonic()
    result = preview(content)
    elapsed = time.monotonic() - started

    assert result.counts()["new"] == MAX_ROWS
    assert elapsed < 10, f"checking {MAX_ROWS} rows took {elapsed:.1f} s"
