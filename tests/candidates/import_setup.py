"""Shared pieces of the candidate import tests: a published loop, a committee member, files."""

import csv
import io

import pytest

from tests.factories import make_published_loop, make_user

NATIVE_HEADER = [
    "name",
    "email",
    "external_id",
    "links",
    "loop",
    "application_external_id",
    "committee_emails",
    "recruiter_notes",
]


@pytest.fixture
def loop(db):
    return make_published_loop()


@pytest.fixture
def member(db):
    return make_user("robin", groups=("committee",), email="robin@example.com")


def csv_bytes(header: list[str], *rows: list[str], bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def native_row(n: int, loop_key: str = "", **cells) -> list[str]:
    values = {
        "name": f"Person {n}",
        "email": f"person{n}@example.org",
        "external_id": f"ats-{n}",
        "links": f"https://example.org/p{n}",
        "loop": loop_key,
        "application_external_id": f"app-{n}" if loop_key else "",
        "committee_emails": "",
        "recruiter_notes": "",
    }
    values.update(cells)
    return [values[c] for c in NATIVE_HEADER]


def native_file(loop_key: str = "", n: int = 3, **cells) -> bytes:
    return csv_bytes(NATIVE_HEADER, *(native_row(i, loop_key, **cells) for i in range(1, n + 1)))
