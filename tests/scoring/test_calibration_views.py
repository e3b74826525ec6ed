"""Calibration, reliability and the ratings export: recruiters' pages across applications."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from tests.factories import make_application, make_scorecard, make_scoring_loop, make_user

from .committee_setup import interview_at, submitted_card
from .test_committee_queries import CALIBRATION_QUERIES, PERSON_QUERIES


def person(first: str, last: str, *groups: str):
    return make_user(groups=("interviewer", *groups), first_name=first, last_name=last)


@pytest.fixture
def loop(recruiter):
    """Two candidates: Hal scores a point above Lou each time; Sam shadows and scores low."""
    loop = make_scoring_loop(by=recruiter)
    hal, lou, sam = person("Hal", "High"), person("Lou", "Low"), person("Sam", "Shadow")
    for n in range(2):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=hal)
        submitted_card(application, "Values", {"Systems design": 3}, person=lou)
        submitted_card(
            application,
            "Technical",
            {"Ownership": 1, "Systems design": 1},
            person=sam,
            role="shadow",
            evidence='=HYPERLINK("http://evil")' if n == 0 else "Fine",
        )
    loop.people = {"hal": hal, "lou": lou, "sam": sam}
    return loop


def calibration(client, user, **query):
    client.force_login(user)
    return client.get(reverse("scoring:calibration"), query)


def row_of(html: str, name: str) -> str:
    return html.split("<tbody>", 1)[1].split(name, 1)[1].split("</tr>", 1)[0]


def cells(row: str) -> list[str]:
    """The row's cells as text: tags dropped, SVG titles and whitespace with them."""
    row = re.sub(r"<svg.*?</svg>", "", row, flags=re.S)
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    ]


# Scorecards, on time, scores given, leniency, interval, candidates, comparisons, reading.
LENIENCY, INTERVAL, CANDIDATES, COMPARISONS, READING = 3, 4, 5, 6, 7


def test_calibration_shows_leniency_with_what_it_rests_on_and_flags_shadows(
    client, recruiter, loop
):
    html = calibration(client, recruiter, loop=loop.key).content.decode()

    rows = html.split("<tbody>", 1)[1]
    assert rows.index("Hal High") < rows.index("Lou Low") < rows.index("Sam Shadow")
    hal = cells(row_of(html, "Hal High"))
    assert hal[LENIENCY] == "+1.00"
    assert (hal[CANDIDATES], hal[COMPARISONS]) == ("2", "2")
    # Two candidates, each exactly a point up: an interval of no width, yet no label.
    assert hal[READING] == "not enough evidence yet (n = 2 candidates)"
    lou = cells(row_of(html, "Lou Low"))
    assert lou[LENIENCY] == "−1.00" and lou[READING].startswith("not enough evidence yet")
    assert "Shadow</span>" in row_of(html, "Sam Shadow")
    assert hal[1].startswith("100%")  # submitted before the interview even ended: on time
    assert 'class="calibration-dist"' in row_of(html, "Hal High")
    assert "Lenient</strong> or <strong>severe</strong> only when the whole interval" in html
    assert "±0.25" in html and "fewer than 5 candidates" in html


@pytest.fixture
def labelled(recruiter):
    """Seven candidates: Hal scores 1–2 points above Lou on Systems design, 4 of 5 on Ownership.

    Hal's deviations on Systems design: +1, +2, +1, +2, +1, +2, +1 (mean 10/7 = +1.43)
    over seven candidates, each with one comparison; Lou's the opposite. With one
    comparison per candidate the interval is the textbook t interval: s = 0.5345,
    SE = s / √7 = 0.2020, t(6) = 2.4469, so 1.4286 ± 0.4944 = +0.93 to +1.92.
    """
    loop = make_scoring_loop(by=recruiter)
    hal, lou = person("Hal", "High"), person("Lou", "Low")
    for n in range(7):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Ownership": 4, "Systems design": 4}, person=hal)
        submitted_card(application, "Values", {"Systems design": 3 - n % 2}, person=lou)
    loop.people = {"hal": hal, "lou": lou}
    return loop


def test_a_label_needs_the_whole_interval_beyond_the_band(client, recruiter, labelled):
    html = calibration(client, recruiter, loop=labelled.key).content.decode()

    hal = cells(row_of(html, "Hal High"))
    assert hal[LENIENCY] == "+1.43"
    assert (hal[CANDIDATES], hal[COMPARISONS]) == ("7", "7")
    low, high = (float(x.replace("−", "-")) for x in hal[INTERVAL].split(" to "))
    assert (low, high) == (0.93, 1.92)
    assert hal[READING] == "lenient"
    lou = cells(row_of(html, "Lou Low"))
    assert lou[LENIENCY] == "−1.43" and lou[READING] == "severe"
    strip = row_of(html, "Hal High").split('class="calibration-strip"', 1)[1]
    assert 'aria-label="Leniency +1.43, 95 % interval +0.93 to +1.92; band ±0.25"' in strip


@pytest.mark.parametrize("applications", [5, 10])
def test_the_calibration_pages_queries_do_not_grow_with_labelled_rows(
    client, recruiter, django_assert_num_queries, applications
):
    """Intervals are arithmetic over the same two queries' rows: no query per row."""
    loop = make_scoring_loop(by=recruiter)
    hal, lou = person("Hal", "High"), person("Lou", "Low")
    for n in range(applications):
        application = make_application(loop=loop, by=recruiter)
        submitted_card(application, "Technical", {"Systems design": 4 + n % 2}, person=hal)
        submitted_card(application, "Values", {"Systems design": 3}, person=lou)
    client.force_login(recruiter)
    query = {"loop": loop.key}
    client.get(reverse("scoring:calibration"), query)

    with django_assert_num_queries(CALIBRATION_QUERIES):
        html = client.get(reverse("scoring:calibration"), query).content.decode()
    assert cells(row_of(html, "Hal High"))[READING] == "lenient"
    with django_assert_num_queries(PERSON_QUERIES):
        client.get(reverse("scoring:calibration_person", args=[hal.pk]), query)


def test_calibration_is_the_recruiters(client, committee, interviewer, loop):
    assert calibration(client, committee, loop=loop.key).status_code == 403
    assert calibration(client, interviewer, loop=loop.key).status_code == 403


def test_calibration_refuses_post(client, recruiter, loop):
    client.force_login(recruiter)

    assert client.post(reverse("scoring:calibration"), {"loop": loop.key}).status_code == 405


def test_calibration_htmx_swaps_only_the_results(client, recruiter, loop):
    client.force_login(recruiter)

    response = client.get(
        reverse("scoring:calibration"), {"loop": loop.key}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<section id="calibration-results"')
    assert "Hal High" in html and "<html" not in html


def test_calibration_bad_dates_show_the_error_at_the_field(client, recruiter, loop):
    response = calibration(
        client, recruiter, loop=loop.key, date_from="2026-05-02", date_to="2026-05-01"
    )

    html = response.content.decode()
    assert 'id="id_date_to_error"' in html
    assert "The end of the range comes before its start." in html
    assert "Hal High" not in html


def test_calibration_unknown_loop_shows_the_error_at_the_loop(client, recruiter, loop):
    html = calibration(client, recruiter, loop="no-such-loop").content.decode()

    assert 'id="id_loop_error"' in html


def test_calibration_date_range_uses_interview_dates(client, recruiter, loop):
    later = (timezone.localdate() + timedelta(days=30)).isoformat()

    html = calibration(client, recruiter, loop=loop.key, date_from=later).content.decode()

    assert "Hal High" not in html
    assert "No scorecards on this loop in this range." in html


def test_the_person_page_draws_leniency_over_time_and_per_competency(client, recruiter, loop):
    client.force_login(recruiter)
    hal = loop.people["hal"]
    listing = client.get(reverse("scoring:calibration"), {"loop": loop.key}).content.decode()
    link = f"{reverse('scoring:calibration_person', args=[hal.pk])}?loop={loop.key}"
    assert link in listing

    html = client.get(link).content.decode()

    assert "Hal High: calibration" in html
    assert 'class="chart chart--leniency"' in html
    assert "carries no label" in html
    per_competency = html.split('id="per-competency-heading"', 1)[1]
    design = cells(per_competency.split("Systems design", 1)[1].split("</tr>", 1)[0])
    assert design[0] == "+1.00"  # leniency, then the interval, candidates, comparisons
    assert (design[2], design[3]) == ("2", "2")
    assert design[4] == "not enough evidence yet (n = 2 candidates)"


def test_the_person_page_gives_each_competency_its_interval(client, recruiter, labelled):
    client.force_login(recruiter)
    url = reverse("scoring:calibration_person", args=[labelled.people["hal"].pk])

    html = client.get(url, {"loop": labelled.key}).content.decode()

    per_competency = html.split('id="per-competency-heading"', 1)[1]
    design = cells(per_competency.split("Systems design", 1)[1].split("</tr>", 1)[0])
    assert design[:4] == ["+1.43", "+0.93 to +1.92", "7", "7"]
    assert design[4] == "lenient"
    assert "Ownership" not in per_competency  # nobody else scored it: nothing to compare


def test_the_person_page_is_the_recruiters(client, committee, loop):
    client.force_login(committee)

    url = reverse("scoring:calibration_person", args=[loop.people["hal"].pk])
    assert client.get(url, {"loop": loop.key}).status_code == 403


def test_reliability_reads_each_competency_in_plain_words(client, recruiter, loop):
    client.force_login(recruiter)

    html = client.get(reverse("scoring:reliability"), {"loop": loop.key}).content.decode()

    assert "Systems design" in html and "Ownership" in html
    assert "Too few candidates to tell whether interviewers agree on Systems design" in html
    assert "No intraclass correlation" in html


def test_reliability_is_the_recruiters_and_answers_htmx_with_the_results(
    client, committee, recruiter, loop
):
    client.force_login(committee)
    assert client.get(reverse("scoring:reliability")).status_code == 403
    client.force_login(recruiter)

    response = client.get(
        reverse("scoring:reliability"), {"loop": loop.key}, headers={"HX-Request": "true"}
    )

    assert response.content.decode().lstrip().startswith('<section id="reliability-results"')


def export(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("scoring:ratings_csv"), query)
    raw = b"".join(response.streaming_content) if response.streaming else b""
    assert not raw or raw.startswith(b"\xef\xbb\xbf")  # UTF-8 marked for spreadsheets
    return response, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_the_export_has_a_row_per_rating_of_submitted_scorecards(client, recruiter, loop):
    draft_app = loop.applications.first()
    make_scorecard(make_user(groups=("interviewer",)), application=draft_app)  # a draft

    response, rows = export(client, recruiter, loop=loop.key)

    assert response["Content-Disposition"].startswith(f'attachment; filename="ratings-{loop.key}-')
    assert rows[0] == [
        "application", "loop version", "stage", "interviewer", "shadow",
        "competency", "score", "not assessed", "evidence",
    ]  # fmt: skip
    assert len(rows) == 1 + 2 * (2 + 1 + 2)
    hal = next(r for r in rows if r[3] == "Hal High" and r[5] == "Ownership")
    assert hal[0].isdigit() and hal[4] == "no" and hal[6] == "4" and hal[7] == "no"
    assert {r[4] for r in rows if r[3] == "Sam Shadow"} == {"yes"}
    candidate_names = {a.candidate.name for a in loop.applications.all()}
    assert not candidate_names & {cell for row in rows for cell in row}


def test_the_export_defuses_formulas(client, recruiter, loop):
    _, rows = export(client, recruiter, loop=loop.key)

    evidence = {r[8] for r in rows}
    assert '\'=HYPERLINK("http://evil") on Ownership' in evidence
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_export_is_audited(client, recruiter, loop):
    export(client, recruiter, loop=loop.key)

    entry = AuditEntry.objects.get(verb="ratings.exported")
    assert entry.actor == recruiter and entry.data["loop"] == loop.key
    assert entry.scope == f"loop:{loop.key}"


def test_the_export_without_a_loop_shows_the_error_at_the_field(client, recruiter, loop):
    response, _ = export(client, recruiter)

    assert response.status_code == 400
    assert 'id="export_loop_error"' in response.content.decode()
    assert not AuditEntry.objects.filter(verb="ratings.exported").exists()


def test_the_export_is_the_recruiters(client, committee, loop):
    response, _ = export(client, committee, loop=loop.key)

    assert response.status_code == 403


def test_a_recruiter_owing_their_own_scorecard_gets_nothing_of_that_application(client, loop):
    """Independence holds in aggregates and exports: the application is left out, and said so."""
    interviewing_recruiter = person("Rae", "Both", "recruiter")
    owed = loop.applications.first()
    card = make_scorecard(interviewing_recruiter, application=owed)
    assert card.assignment.interview == interview_at(owed, "Technical")

    _, rows = export(client, interviewing_recruiter, loop=loop.key)
    assert rows and str(owed.pk) not in {r[0] for r in rows[1:]}
    assert len(rows) == 1 + (2 + 1 + 2)
    entry = AuditEntry.objects.get(verb="ratings.exported")
    assert entry.data["excluded_applications"] == 1

    html = calibration(client, interviewing_recruiter, loop=loop.key).content.decode()
    hal = cells(row_of(html, "Hal High"))
    assert (hal[CANDIDATES], hal[COMPARISONS]) == ("1", "1")  # one application left, not two
    reliability = client.get(reverse("scoring:reliability"), {"loop": loop.key})
    assert "1 application left out" in reliability.content.decode()


def test_the_person_page_figures_match_the_whole_loops(client, recruiter, loop):
    """The person page loads only their applications; their figures must not change."""
    other = make_application(loop=loop, by=recruiter)  # Hal was not on this one
    submitted_card(other, "Technical", {"Ownership": 1, "Systems design": 1})
    submitted_card(other, "Values", {"Systems design": 5})
    client.force_login(recruiter)
    listing = client.get(reverse("scoring:calibration"), {"loop": loop.key}).content.decode()
    whole = cells(row_of(listing, "Hal High"))

    url = reverse("scoring:calibration_person", args=[loop.people["hal"].pk])
    html = client.get(url, {"loop": loop.key}).content.decode()
    own = cells(row_of(html, "Hal High"))

    assert own == whole
    assert whole[LENIENCY] == "+1.00" and whole[COMPARISONS] == "2" and whole[1][:4] == "100%"
