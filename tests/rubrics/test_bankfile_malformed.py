"""Malformed bank files (tests/rubrics/banks/malformed/): a located message, never a crash.

Each file holds one hole found by outside evaluation and names, on its first
line (`# expect: <regex>`), the message it must produce. Every file goes
through the command line and through the browser's import page; each run is
bounded in time and memory by a watchdog, so a regression that hangs or
balloons fails the test instead of stalling CI.
"""

import re
import resource
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from rubrics.bankfile import BankFileError, import_bank
from rubrics.models import Bank, Question, RatingScale

MALFORMED = Path(__file__).parent / "banks" / "malformed"
FILES = sorted(MALFORMED.glob("*.yaml"))
SECONDS = 5
# Memory the process may grow by while one file is read (the alias bomb reached 1.4 GB).
GROWTH_KB = 200 * 1024


def expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must say what it expects"
    return first.removeprefix("# expect: ")


class Hung(Exception):
    pass


@contextmanager
def watchdog(seconds: float = SECONDS) -> Iterator[None]:
    """Fail with Hung when the block runs longer than `seconds`, or when memory balloons."""

    def bark(signum, frame):
        raise Hung(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, bark)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < GROWTH_KB, f"peak memory grew by {grown} kB"


def test_the_corpus_has_one_file_per_hole():
    assert {p.stem for p in FILES} == {
        "alias_bomb",
        "float_point_value",
        "list_as_key",
        "deep_nesting",
        "huge_integer",
        "lone_surrogate",
        "nul_in_text",
        "long_version",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_parser_names_the_place_and_imports_nothing(path):
    started = time.monotonic()
    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(path.read_text(encoding="utf-8"))

    assert any(re.fullmatch(expected(path), p) for p in raised.value.problems), (
        raised.value.problems
    )
    assert time.monotonic() - started < SECONDS
    assert not Bank.objects.exists() and not Question.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_command_prints_the_located_message_and_exits_non_zero(path):
    err = StringIO()

    with watchdog(), pytest.raises(CommandError):
        call_command("import_bank", str(path), stdout=StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert any(re.fullmatch(f"{re.escape(str(path))}: {expected(path)}", x) for x in lines), lines
    assert not RatingScale.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_import_page_shows_the_located_message_at_the_field(client, recruiter, path):
    client.force_login(recruiter)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/yaml")

    with watchdog():
        response = client.post(reverse("rubrics:bank_import"), {"file": upload})

    assert response.status_code == 200
    problems = response.context["form"].errors["file"]
    assert any(re.fullmatch(expected(path), p) for p in problems), problems
    assert "Nothing was imported." in response.content.decode()
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed():
    text = "format: 1\n" + "# padding\n" * 20

    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(text, max_bytes=100)

    assert raised.value.problems == ["file: 210 bytes; a bank file may be at most 100 bytes"]


@pytest.mark.django_db
def test_no_message_quotes_more_than_a_bounded_part_of_a_huge_value():
    huge_key = "K" * 400  # under every length limit, so the checks quote it
    text = (
        f"format: 1\nbank: {{key: {huge_key}, name: x}}\n"
        f"questions: [{{key: q, kind: {huge_key}, levels: [{huge_key}]}}]\n"
    )

    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(text)

    quoting = [p for p in raised.value.problems if "KKK" in p]
    assert len(quoting) == 3, raised.value.problems
    assert all(len(p) < 300 and "K…" in p for p in quoting), quoting


@pytest.mark.django_db
def test_a_file_with_thousands_of_problems_lists_a_bounded_number():
    questions = "".join(f"  - {{key: q-{i}, kind: nope}}\n" for i in range(2_000))
    text = f"format: 1\nbank: {{key: many, name: Many}}\nquestions:\n{questions}"

    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(text)

    assert len(raised.value.problems) == 201
    assert re.fullmatch(r"… and \d+ more problems", raised.value.problems[-1])


@pytest.mark.django_db
def test_nesting_past_the_limit_is_refused_while_composing():
    nested = "[" * 25 + "]" * 25

    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(f"format: 1\nbank: {{key: deep, name: Deep}}\nquestions: {nested}\n")

    assert raised.value.problems == ["line 3, column 31: nested more than 20 levels deep"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("character", "name"), [("\x00", "U+0000"), ("\ud800", "U+D800"), ("\x1b", "U+001B")]
)
def test_a_raw_character_yaml_does_not_allow_is_refused_with_its_place(character, name):
    text = f"format: 1\nbank: {{key: raw, name: Ra{character}w}}\n"

    with watchdog(), pytest.raises(BankFileError) as raised:
        import_bank(text)

    assert raised.value.problems == [
        f"line 2, column 26: the character {name} is not allowed in YAML text "
        "(write it as an escape in double quotes, or remove it)"
    ]
