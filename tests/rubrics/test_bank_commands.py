"""import_bank and export_bank: summary lines, problems on stderr, exit codes."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from rubrics.bankfile import export_bank
from rubrics.models import Bank, Question
from tests.factories import make_bank

BANKS = Path(__file__).parent / "banks"
DEVOPS = str(BANKS / "devops.yaml")
BROKEN = str(BANKS / "broken.yaml")


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_prints_one_summary_line_per_file():
    out, err = run("import_bank", DEVOPS, str(BANKS / "extension.yaml"))

    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{DEVOPS}: devops-senior-staff: 10 created, 0 updated")
    assert lines[1].startswith(f"{BANKS / 'extension.yaml'}: devops-extension: ")
    assert err == ""
    assert Question.objects.filter(key__in=["devops-1a", "ext-1"]).count() == 2


@pytest.mark.django_db
def test_import_dry_run_reports_and_writes_nothing():
    out, _ = run("import_bank", "--dry-run", DEVOPS)

    assert "10 created" in out and "dry run, nothing written" in out
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_dry_run_of_several_files_checks_later_files_against_earlier_ones():
    out, err = run("import_bank", "--dry-run", DEVOPS, str(BANKS / "extension.yaml"))

    assert err == ""
    extension = BANKS / "extension.yaml"
    assert out.splitlines()[1].startswith(f"{extension}: devops-extension: 3 created")
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_import_of_a_bad_file_lists_every_problem_on_stderr_and_fails():
    err = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_bank", BROKEN, stdout=StringIO(), stderr=err)

    assert raised.value.returncode == 1
    assert len(err.getvalue().splitlines()) == 3
    assert not Bank.objects.exists()


# transaction=True: the real command line closes every connection when it ends,
# which would end a test wrapped in one transaction (PostgreSQL notices; SQLite not).
@pytest.mark.django_db(transaction=True)
def test_import_from_the_command_line_exits_non_zero_with_problems_on_stderr(capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "import_bank", DEVOPS, BROKEN])

    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines()[:3] == [
        f'{BROKEN}: questions[0].kind (line 14, column 11): "technial" is not a kind of question '
        "(behavioural | situational | technical)",
        f"{BROKEN}: questions[0].minutes (line 15, column 14): 500 is out of range (1–180)",
        f"{BROKEN}: questions[0].competencies.primary (line 17, column 16): "
        'unknown competency "reliabilty"',
    ]
    assert "1 of 2 file(s) had problems" in captured.err
    # The good file is imported; the bad one left nothing behind.
    assert list(Bank.objects.values_list("key", flat=True)) == ["devops-senior-staff"]


@pytest.mark.django_db
def test_import_reports_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: 1\nbank: {key: caf\xe9, name: x}\n".encode("latin-1"))

    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_bank", str(path), stdout=StringIO(), stderr=err)

    assert err.getvalue() == f"{path}: not UTF-8 text\n"
    assert not Bank.objects.exists()


@pytest.mark.django_db
def test_export_writes_the_bank_to_stdout(catalogue):
    out, _ = run("export_bank", "core")

    assert out == export_bank(catalogue.bank)


@pytest.mark.django_db
def test_export_writes_to_a_file_with_a_summary_line(catalogue, tmp_path):
    target = tmp_path / "core.yaml"

    out, _ = run("export_bank", "core", "--output", str(target))

    assert target.read_text(encoding="utf-8") == export_bank(catalogue.bank)
    assert out == f"Wrote bank core to {target}.\n"


@pytest.mark.django_db
def test_export_all_writes_one_file_per_bank(catalogue, tmp_path):
    make_bank("devops-senior-staff")

    out, _ = run("export_bank", "--all", "--dir", str(tmp_path / "out"))

    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "core.yaml",
        "devops-senior-staff.yaml",
    ]
    assert out == f"Wrote 2 bank file(s) to {tmp_path / 'out'}.\n"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], 'No bank "nope". Installed banks: core.'),
        ([], "Give the KEY of a bank, or --all --dir DIR."),
        (["--all"], "--all needs --dir DIR to write one file per bank."),
        (["core", "--all", "--dir", "x"], "Give either a bank KEY or --all, not both."),
    ],
)
def test_export_refuses_unclear_requests(catalogue, args, message):
    with pytest.raises(CommandError, match=message):
        run("export_bank", *args)
