"""The performance-review CSV import: checked whole, every problem located, all or nothing.

Every malformed variant below is refused with a problem naming its row and column (or
the file, row 1, when the file as a whole cannot be read), and nothing is imported.
A valid file imports; the same file again changes nothing; a changed row updates.
"""

import io
from datetime import date, timedelta
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import AuditEntry
from outcomes.models import PerformanceRating, PerformanceReview
from outcomes.reviews.importing import (
    CELL_MAX_CHARS,
    MAX_BYTES,
    MAX_ROWS,
    ReviewFileError,
    import_reviews,
)
from outcomes.reviews.services import hired_on
from tests.outcomes.reviews_setup import competencies_of, make_hire

HEADER = "application,candidate_email,reviewed_on,reviewer,overall,scale_max,{ratings},comment"


@pytest.fixture
def hire(recruiter):
    return make_hire(recruiter, name="Quinn Example")


def good_csv(hire, *, overall: int = 4, comment: str = "Owns the on-call rota.") -> str:
    first, second = competencies_of(hire)
    day = hired_on(hire) + timedelta(days=182)
    ratings = f"rating:{first.key},rating:{second.key}"
    later, email = day + timedelta(days=183), hire.candidate.email
    return (
        HEADER.format(ratings=ratings)
        + f'\n{hire.pk},{email},{day:%Y-%m-%d},Robin Lee,{overall},5,4,3,"{comment}"\n'
        + f"{hire.pk},,{later:%Y-%m-%d},Robin Lee,5,5,,5,\n"
    )


def test_a_valid_file_imports_every_row_with_its_ratings(hire, recruiter):
    result = import_reviews(good_csv(hire).encode(), by=recruiter)

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    six, twelve = hire.performance_reviews.order_by("reviewed_on")
    first, second = competencies_of(hire)
    assert (six.overall, six.scale_max, six.reviewer_name) == (4, 5, "Robin Lee")
    assert six.comment == "Owns the on-call rota."
    assert {r.competency: r.value for r in six.competency_ratings.all()} == {first: 4, second: 3}
    assert {r.competency: r.value for r in twelve.competency_ratings.all()} == {second: 5}
    assert AuditEntry.objects.filter(verb="review.created", actor=recruiter).count() == 2


def test_importing_the_same_file_again_changes_nothing(hire, recruiter):
    content = good_csv(hire).encode()
    import_reviews(content, by=recruiter)
    before = list(PerformanceReview.objects.values_list("pk", "updated_at"))

    again = import_reviews(content, by=recruiter)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert list(PerformanceReview.objects.values_list("pk", "updated_at")) == before
    assert PerformanceRating.objects.count() == 3


def test_a_changed_row_updates_its_review_by_application_date_and_reviewer(hire, recruiter):
    import_reviews(good_csv(hire).encode(), by=recruiter)

    result = import_reviews(good_csv(hire, overall=2, comment="Struggled").encode(), by=recruiter)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert PerformanceReview.objects.count() == 2
    assert hire.performance_reviews.order_by("reviewed_on").first().overall == 2


def test_a_dry_run_reports_and_writes_nothing(hire, recruiter):
    result = import_reviews(good_csv(hire).encode(), by=recruiter, dry_run=True)

    assert result.created == 2 and "would be created" in result.summary()
    assert not PerformanceReview.objects.exists()


def test_a_bom_and_windows_line_ends_are_fine(hire, recruiter):
    content = "\ufeff" + good_csv(hire).replace("\n", "\r\n")

    assert import_reviews(content.encode(), by=recruiter).created == 2


def variants(hire):
    """(name, file bytes, row, column, words in the message): each one thing wrong."""
    first, _ = competencies_of(hire)
    day = hired_on(hire) + timedelta(days=182)
    ok = f"{day:%Y-%m-%d}"
    head = f"application,reviewed_on,reviewer,overall,scale_max,rating:{first.key},comment"

    def row(*cells) -> bytes:
        return (head + "\n" + ",".join(cells) + "\n").encode()

    pk = str(hire.pk)
    future = f"{date.today() + timedelta(days=10):%Y-%m-%d}"
    before = f"{hired_on(hire) - timedelta(days=1):%Y-%m-%d}"
    return [
        ("empty file", b"", 1, "", "empty"),
        ("header only", head.encode() + b"\n", 2, "", "no review rows"),
        (
            "not utf-8",
            row(pk, ok, "Ren\xe9e", "4", "5", "", "").replace(b"\xc3\xa9", b"\xe9"),
            1,
            "",
            "not UTF-8",
        ),
        ("semicolons", head.replace(",", ";").encode() + b"\n1;2;3\n", 1, "", "semicolons"),
        ("tabs", head.replace(",", "\t").encode() + b"\n", 1, "", "tabs"),
        ("nul byte", row(pk, ok, "Robin\x00", "4", "5", "", ""), 2, "", "NUL"),
        (
            "missing column",
            b"application,reviewed_on,reviewer\n1,2026-01-01,Robin\n",
            1,
            "overall",
            "required column is missing",
        ),
        (
            "unknown column",
            (head + ",salary\n" + f"{pk},{ok},Robin,4,5,,,1\n").encode(),
            1,
            "salary",
            "Unknown column",
        ),
        (
            "duplicate column",
            (head + ",overall\n" + f"{pk},{ok},Robin,4,5,,,4\n").encode(),
            1,
            "overall",
            "appears twice",
        ),
        ("too few cells", (head + f"\n{pk},{ok},Robin\n").encode(), 2, "", "3 cells"),
        (
            "unquoted comma",
            row(pk, ok, "Robin", "4", "5", "", "good, steady", "x"),
            2,
            "",
            "double quotes",
        ),
        (
            "unclosed quote",
            (head + f'\n{pk},{ok},Robin,4,5,,"never closed\n').encode(),
            2,
            "",
            "cannot be read as CSV",
        ),
        (
            "application not a number",
            row("abc", ok, "Robin", "4", "5", "", ""),
            2,
            "application",
            "not a whole number",
        ),
        (
            "no such application",
            row("999999", ok, "Robin", "4", "5", "", ""),
            2,
            "application",
            "no application 999999",
        ),
        (
            "bad date",
            row(pk, "2026-13-01", "Robin", "4", "5", "", ""),
            2,
            "reviewed_on",
            "YYYY-MM-DD",
        ),
        (
            "day first date",
            row(pk, "01/06/2026", "Robin", "4", "5", "", ""),
            2,
            "reviewed_on",
            "YYYY-MM-DD",
        ),
        (
            "future date",
            row(pk, future, "Robin", "4", "5", "", ""),
            2,
            "reviewed_on",
            "in the future",
        ),
        (
            "before the hire",
            row(pk, before, "Robin", "4", "5", "", ""),
            2,
            "reviewed_on",
            "before the hire",
        ),
        ("no reviewer", row(pk, ok, " ", "4", "5", "", ""), 2, "reviewer", "Name the reviewer"),
        ("overall empty", row(pk, ok, "Robin", "", "5", "", ""), 2, "overall", "empty"),
        (
            "overall above scale",
            row(pk, ok, "Robin", "6", "5", "", ""),
            2,
            "overall",
            "not on the scale 1 to 5",
        ),
        ("overall zero", row(pk, ok, "Robin", "0", "5", "", ""), 2, "overall", "not on the scale"),
        (
            "overall decimal",
            row(pk, ok, "Robin", "3.5", "5", "", ""),
            2,
            "overall",
            "not a whole number",
        ),
        ("negative", row(pk, ok, "Robin", "-1", "5", "", ""), 2, "overall", "not a whole number"),
        ("scale of one", row(pk, ok, "Robin", "1", "1", "", ""), 2, "scale_max", "2 to 100"),
        (
            "rating above scale",
            row(pk, ok, "Robin", "4", "5", "9", ""),
            2,
            f"rating:{first.key}",
            "not on the scale",
        ),
        (
            "unknown competency",
            (head + ",rating:juggling\n" + f"{pk},{ok},Robin,4,5,,,3\n").encode(),
            2,
            "rating:juggling",
            "No competency has this key",
        ),
        (
            "huge cell",
            row(pk, ok, "Robin", "4", "5", "", "x" * (CELL_MAX_CHARS + 1)),
            2,
            "comment",
            "at most",
        ),
        (
            "cell past the csv limit",
            row(pk, ok, "Robin", "4", "5", "", '"' + "y" * 200_000 + '"'),
            2,
            "",
            "too long",
        ),
        (
            "email of someone else",
            (
                "application,candidate_email,reviewed_on,reviewer,overall\n"
                f"{pk},other@example.com,{ok},Robin,4\n"
            ).encode(),
            2,
            "candidate_email",
            "not the application of",
        ),
        (
            "same review twice",
            (head + f"\n{pk},{ok},Robin,4,5,,\n{pk},{ok},robin,3,5,,\n").encode(),
            3,
            "reviewer",
            "Row 2 already reviews",
        ),
        (
            "too many rows",
            (head + "\n" + f"{pk},{ok},R,4,5,,\n" * (MAX_ROWS + 1)).encode(),
            MAX_ROWS + 2,
            "",
            "At most",
        ),
        ("too big", b"a" * (MAX_BYTES + 1), 1, "", "at most"),
    ]


def test_there_are_at_least_twenty_malformed_variants(hire):
    assert len(variants(hire)) >= 20


@pytest.mark.parametrize("index", range(33))
def test_each_malformed_variant_is_refused_at_its_place_and_nothing_is_imported(
    hire, recruiter, index
):
    name, content, row, column, words = variants(hire)[index]

    with pytest.raises(ReviewFileError) as refused:
        import_reviews(content, by=recruiter)

    problems = refused.value.problems
    located = [p for p in problems if p.row == row and p.column == column]
    assert located, f"{name}: {[str(p) for p in problems]}"
    assert any(words.lower() in p.message.lower() for p in located), f"{name}: {located}"
    assert not PerformanceReview.objects.exists()


def test_one_good_row_is_not_imported_beside_a_bad_one(hire, recruiter):
    content = good_csv(hire) + f"{hire.pk},,2026-02-30,Robin Lee,4,5,,,\n"

    with pytest.raises(ReviewFileError) as refused:
        import_reviews(content.encode(), by=recruiter)

    assert [str(p) for p in refused.value.problems] == [
        "row 4, column “reviewed_on”: “2026-02-30” is not a date written YYYY-MM-DD."
    ]
    assert not PerformanceReview.objects.exists()


def test_problems_in_several_rows_are_all_listed(hire, recruiter):
    first, _ = competencies_of(hire)
    day = f"{hired_on(hire) + timedelta(days=182):%Y-%m-%d}"
    content = dedent(f"""\
        application,reviewed_on,reviewer,overall,rating:{first.key}
        {hire.pk},{day},Robin,9,
        {hire.pk},not-a-date,Robin,4,
        {hire.pk},{day},Sam,4,7
        """)

    with pytest.raises(ReviewFileError) as refused:
        import_reviews(content.encode(), by=recruiter)

    places = [(p.row, p.column) for p in refused.value.problems]
    assert places == [(2, "overall"), (3, "reviewed_on"), (4, f"rating:{first.key}")]


def test_a_review_of_an_application_not_hired_is_refused(recruiter, hire):
    from candidates.services import change_status

    content = good_csv(hire).encode()
    change_status(hire, "withdrawn", by=recruiter)

    with pytest.raises(ReviewFileError) as refused:
        import_reviews(content, by=recruiter)

    assert "this application is withdrawn" in str(refused.value)


def test_the_command_imports_and_a_bad_file_exits_with_every_problem(hire, recruiter, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(good_csv(hire), encoding="utf-8")
    bad.write_text(good_csv(hire).replace("Robin Lee,4", "Robin Lee,x"), encoding="utf-8")
    out = io.StringIO()

    call_command("import_reviews", str(good), "--dry-run", stdout=out)
    assert not PerformanceReview.objects.exists()
    call_command(
        "import_reviews",
        str(good),
        "--as",
        "recruiter" if False else recruiter.username,
        stdout=out,
    )
    assert PerformanceReview.objects.count() == 2
    assert "2 review rows checked: 2 were created, 0 updated, 0 unchanged." in out.getvalue()
    with pytest.raises(CommandError, match="row 2, column “overall”"):
        call_command("import_reviews", str(bad), stdout=out)


# --- The import page ----------------------------------------------------------------


def upload(client, content: bytes, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"file": SimpleUploadedFile("reviews.csv", content, content_type="text/csv"), **extra}
    return client.post(reverse("outcomes:reviews_import"), data, **{})


def test_the_page_lists_each_problem_and_shows_a_formula_as_text(client, recruiter, hire):
    client.force_login(recruiter)
    content = (
        "application,reviewed_on,reviewer,overall\n"
        f'{hire.pk},"=HYPERLINK(""http://x.test"",""<b>go</b>"")",Robin,4\n'
    ).encode()

    response = upload(client, content)

    html = response.content.decode()
    assert response.status_code == 422
    assert "Nothing was imported." in html and "row 2, column “reviewed_on”" in html
    assert "<b>go</b>" not in html and "&lt;b&gt;go&lt;/b&gt;" in html
    assert not PerformanceReview.objects.exists()


def test_the_page_imports_and_says_what_it_did(client, recruiter, hire):
    client.force_login(recruiter)

    response = upload(client, good_csv(hire).encode())

    assert response.status_code == 200
    assert "2 review rows checked: 2 were created" in response.content.decode()
    assert PerformanceReview.objects.count() == 2


def test_the_page_answers_htmx_with_the_upload_region(client, recruiter, hire):
    client.force_login(recruiter)

    response = client.post(
        reverse("outcomes:reviews_import"),
        {"file": io.BytesIO(b"")},
        headers={"HX-Request": "true"},
    )

    assert response.content.decode().lstrip().startswith('<section id="review-import"')


@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_only_recruiters_may_import(client, request, persona, hire):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("outcomes:reviews_import")).status_code == 403
    assert upload(client, good_csv(hire).encode()).status_code == 403
    assert not PerformanceReview.objects.exists()
