"""Calibration, reliability and the ratings export: recruiters' pages across applications."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from tests.factories import make_application, make_scorecard, make_scoring_loop, make_user

from .committee_setup import interview_at, submitted_card


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


def test_calibration_shows_leniency_with_its_comparisons_and_flags_shadows(client, recruiter, loop):
    html = calibration(client, recruiter, loop=loop.key).content.decode()

    rows = html.split("<tbody>", 1)[1]
    assert rows.index("Hal High") < rows.index("Lou Low") < rows.index("Sam Shadow")
    hal = rows.split("Hal High", 1)[1].split("</tr>", 1)[0]
    assert "+1.00" in hal and "2 comparisons" in hal and "lenient" in hal
    lou = rows.split("Lou Low", 1)[1].split("</tr>", 1)[0]
    assert "−1.00" in lou and "severe" in lou
    sam = rows.split("Sam Shadow", 1)[1].split("</tr>", 1)[0]
    assert "Shadow</span>" in sam
    assert "100%" in hal  # submitted before the interview even ended: on time
    assert 'class="calibration-dist"' in hal


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
    per_competency = html.split('id="per-competency-heading"', 1)[1]
    assert "Systems design" in per_competency and "+1.00" in per_competency


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
    hal = html.split("Hal High", 1)[1].split("</tr>", 1)[0]
    assert "1 comparison" in hal  # one application's Systems design left, not two
    reliability = client.get(reverse("scoring:reliability"), {"loop": loop.key})
    assert "1 application left out" in reliability.content.decode()


def test_the_person_page_figures_match_the_whole_loops(client, recruiter, loop):
    """The person page loads only their applications; their figures must not change."""
    other = make_application(loop=loop, by=recruiter)  # Hal was not on this one
    submitted_card(other, "Technical", {"Ownership": 1, "Systems design": 1})
    submitted_card(other, "Values", {"Systems design": 5})
    client.force_login(recruiter)
    listing = client.get(reverse("scoring:calibration"), {"loop": loop.key}).content.decode()
    whole = listing.split("<tbody>", 1)[1].split("Hal High", 1)[1].split("</tr>", 1)[0]

    url = reverse("scoring:calibration_person", args=[loop.people["hal"].pk])
    html = client.get(url, {"loop": loop.key}).content.decode()
    own = html.split("<tbody>", 1)[1].split("Hal High", 1)[1].split("</tr>", 1)[0]

    for figure in ("+1.00", "2 comparisons", "2<span", "100%"):
        assert figure in whole and figure in own
