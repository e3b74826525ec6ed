"""manage.py import_candidates: the same checks as the page, one summary line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEntry
from candidates.models import Candidate
from tests.candidates import import_setup
from tests.candidates.import_setup import NATIVE_HEADER, csv_bytes, native_file, native_row

loop = import_setup.loop  # fixture


def run(*args) -> str:
    out = StringIO()
    call_command("import_candidates", *args, stdout=out)
    return out.getvalue()


def test_the_command_imports_and_prints_one_summary_line(tmp_path, recruiter, loop):
    path = tmp_path / "people.csv"
    path.write_bytes(native_file(loop.key))

    output = run(str(path), "--by", recruiter.username)

    assert output == (
        f"{path}: 3 candidate rows checked: 3 new, 0 updated, 0 unchanged; "
        "3 applications were started.\n"
    )
    assert Candidate.objects.count() == 3
    assert AuditEntry.objects.get(verb="candidates.imported").data["source"] == "command"
    assert "3 unchanged" in run(str(path), "--by", recruiter.username)


def test_a_dry_run_writes_nothing(tmp_path, recruiter):
    path = tmp_path / "people.csv"
    path.write_bytes(native_file())

    assert "would be started" in run(str(path), "--dry-run", "--by", recruiter.username)
    assert not Candidate.objects.exists()


def test_a_preset_and_a_default_loop(tmp_path, recruiter, loop):
    path = tmp_path / "lever.csv"
    path.write_bytes(
        csv_bytes(["Contact ID", "Name", "Emails"], ["c-1", "Ada L", "ada@example.org"])
    )

    run(str(path), "--preset", "lever", "--loop", loop.key, "--by", recruiter.username)

    assert Candidate.objects.get().applications.get().loop == loop


def test_a_manual_mapping(tmp_path, recruiter):
    path = tmp_path / "other.csv"
    path.write_bytes(csv_bytes(["Who", "Mail"], ["Grace Hopper", "grace@example.org"]))

    run(
        str(path),
        "--preset",
        "manual",
        "--map",
        "name=Who",
        "--map",
        "email=Mail",
        "--by",
        recruiter.username,
    )

    assert Candidate.objects.get().email == "grace@example.org"


def test_a_refused_file_lists_every_problem_and_imports_nothing(tmp_path, recruiter):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(NATIVE_HEADER, native_row(1, email="x"), native_row(2, name="=1")))

    with pytest.raises(CommandError) as refused:
        run(str(path), "--by", recruiter.username)

    message = str(refused.value)
    assert "nothing imported" in message
    assert "row 2, column “email” (B)" in message and "row 3, column “name” (A)" in message
    assert not Candidate.objects.exists()


def test_the_command_needs_a_recruiter(tmp_path, interviewer):
    path = tmp_path / "people.csv"
    path.write_bytes(native_file())

    with pytest.raises(CommandError, match="not a recruiter"):
        run(str(path), "--by", interviewer.username)
    with pytest.raises(CommandError, match="No active user"):
        run(str(path), "--by", "ghost")


def test_a_missing_file_is_a_clear_error(tmp_path, recruiter):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.csv"), "--by", recruiter.username)
