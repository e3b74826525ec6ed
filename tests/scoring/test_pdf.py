"""The debrief packet's PDF, read back with pypdf: order, content, contents page, safety."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from scoring import pdf, services
from scoring.models import Scorecard
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_candidate,
    make_interview,
    make_scoring_loop,
    make_user,
)

INTERVIEWER = "interviewer"
FAMILY = "Panel"
SCRIPT = "<script>alert('x')</script>"
# "2. Technical — Ben Panel ........ 6": the title without its number, and the page.
TOC_LINE = re.compile(r"^(?:\d+\.\s+)?(.+?)\s*\.{4,}\s*(\d+)$")


def fill_and_submit(card: Scorecard, scores: dict[str, int], *, tag: str, by) -> Scorecard:
    """Fill in every part a submission needs through the services, then submit."""
    fill(card, scores, tag=tag)
    return services.submit_scorecard(card, by=by)


def fill(card: Scorecard, scores: dict[str, int | None], *, tag: str) -> None:
    """Every part a submission needs, through the services; None: not assessed."""
    fill_scorecard(
        card,
        scores,
        evidence=f"Evidence {tag} on {{competency}}",
        notes=f"Notes {tag} on {{question}}",
        reason=f"Out of time, {tag}",
        summary=f"Summary {tag}",
    )


@pytest.fixture
def panel(recruiter):
    """Three submitted scorecards over two stages (Ownership: 1 against 4) and a shadow."""
    loop = make_scoring_loop(by=recruiter)
    application = make_application(make_candidate("Dana Whitfield"), loop, by=recruiter)
    technical, values = loop.stages.order_by("order")
    first = make_interview(application, technical, by=recruiter)
    second = make_interview(application, values, by=recruiter)
    people = {
        tag: make_user(
            f"{tag}-{recruiter.pk}", groups=(INTERVIEWER,), first_name=tag.title(), last_name=FAMILY
        )
        for tag in ("ana", "ben", "cleo", "sam")
    }
    cards = {
        "ana": assign(first, people["ana"], by=recruiter).scorecard,
        "ben": assign(first, people["ben"], by=recruiter).scorecard,
        "cleo": assign(second, people["cleo"], by=recruiter).scorecard,
        "sam": assign(first, people["sam"], "shadow", by=recruiter).scorecard,
    }
    scores = {
        "ana": {"Ownership": 1, "Systems design": 3},
        "ben": {"Ownership": 4, "Systems design": 4},
        "cleo": {"Systems design": 3},
        "sam": {"Ownership": 5, "Systems design": 5},
    }
    for tag, card in cards.items():
        fill_and_submit(card, scores[tag], tag=tag, by=people[tag])
    return application, cards, people


def pages_of(content: bytes) -> list[str]:
    """Each page's text with whitespace normalised."""
    reader = PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def first_page_with(pages: list[str], text: str, *, after: int = 0) -> int:
    """The 1-based number of the first page (after page `after`) containing `text`."""
    return next(i for i, page in enumerate(pages, 1) if i > after and text in page)


@pytest.mark.django_db
def test_the_packet_reports_its_page_count(panel):
    application, _, _ = panel

    content, count = pdf.render_packet_pdf(application)

    assert content.startswith(b"%PDF")
    assert count == len(PdfReader(io.BytesIO(content)).pages) > 3


@pytest.mark.django_db
def test_disagreements_come_before_the_scorecards(panel):
    application, _, _ = panel
    pages = pages_of(pdf.render_packet_pdf(application)[0])
    contents = first_page_with(pages, "Contents")

    attention = first_page_with(pages, "Disagreements and gaps", after=contents)
    scorecards = first_page_with(pages, "Summary ana", after=contents)

    assert attention < scorecards
    text = " ".join(pages[contents:])
    assert text.index("Disagreements and gaps") < text.index("Ownership DISAGREEMENT")
    assert text.index("Ownership DISAGREEMENT") < text.index("Summary ana")


@pytest.mark.django_db
def test_every_counted_scorecard_is_in_full_and_no_shadow(panel):
    application, _, _ = panel
    text = " ".join(pages_of(pdf.render_packet_pdf(application)[0]))

    for tag in ("ana", "ben", "cleo"):
        assert f"Evidence {tag} on Systems design" in text
        assert f"Summary {tag}" in text
    assert "Evidence ana on Ownership" in text
    assert "Notes ben on Outage you owned" in text
    assert "sam" not in text.lower()
    assert "Sam Panel" not in text


@pytest.mark.django_db
def test_contents_page_numbers_match_the_pages_of_the_headings(panel):
    application, _, _ = panel
    content, _ = pdf.render_packet_pdf(application)
    pages = pages_of(content)
    contents = first_page_with(pages, "Contents")
    lines = PdfReader(io.BytesIO(content)).pages[contents - 1].extract_text().splitlines()

    entries = [m.groups() for m in map(TOC_LINE.match, lines) if m]

    titles = [title for title, _ in entries]
    assert "Summary by competency" in titles
    assert any("Ana Panel" in t for t in titles)
    assert "Rubric appendix" in titles
    for title, number in entries:
        assert first_page_with(pages, title, after=contents) == int(number), title


@pytest.mark.django_db
def test_metadata_and_confidential_footer_on_every_page(panel):
    application, _, _ = panel
    content, _ = pdf.render_packet_pdf(application)
    reader = PdfReader(io.BytesIO(content))

    assert reader.metadata.title.startswith("Debrief packet — Dana Whitfield")
    assert reader.metadata.author == "Loopwright"
    for number, page in enumerate(pages_of(content), 1):
        assert "Confidential — Dana Whitfield" in page, number
        assert f"Page {number} of {len(reader.pages)}" in page


@pytest.mark.django_db
def test_user_text_is_escaped(panel, recruiter):
    application, cards, people = panel
    services.amend_scorecard(
        cards["ana"],
        by=people["ana"],
        reason=f"Typo {SCRIPT}",
        ratings={},
        overall={"summary": f"Summary ana {SCRIPT}"},
    )

    html = pdf.render_packet_html(application)

    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert f"Summary ana {SCRIPT}" in " ".join(pages_of(pdf.render_packet_pdf(application)[0]))


@pytest.mark.django_db
def test_fingerprint_is_stable_and_changes_after_an_amendment(panel):
    application, cards, people = panel
    before = pdf.packet_fingerprint(application)

    assert pdf.packet_fingerprint(application) == before
    assert re.fullmatch(r"[0-9a-f]{64}", before)

    rating = cards["ben"].ratings.get(competency__name="Ownership")
    services.amend_scorecard(
        cards["ben"],
        by=people["ben"],
        reason="Misread my notes",
        ratings={rating.pk: {"score": 2, "evidence": "Evidence ben, reread"}},
        overall={},
    )

    assert pdf.packet_fingerprint(application) != before


@pytest.mark.django_db
def test_a_shadow_changes_nothing_in_the_fingerprint(panel):
    application, cards, people = panel
    before = pdf.packet_fingerprint(application)

    services.amend_scorecard(
        cards["sam"], by=people["sam"], reason="Shadow", ratings={}, overall={"summary": "x"}
    )

    assert pdf.packet_fingerprint(application) == before


@pytest.mark.django_db
def test_the_fetcher_serves_our_stylesheet_and_refuses_everything_else():
    fetcher = pdf.StaticOnlyFetcher()
    origin = pdf.PACKET_ORIGIN

    assert b"@page" in fetcher.fetch(origin + "static/css/packet.css").read()
    for url in (
        "file:///etc/passwd",
        "https://example.org/static/css/packet.css",
        origin + "static/../config/settings.py",
        origin + "static/%2e%2e/config/settings.py",
        origin + "media/packets/x.pdf",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


@pytest.mark.django_db
@pytest.mark.parametrize(("paper", "width"), [("A4", 595), ("letter", 612)])
def test_the_paper_size_follows_the_setting(panel, settings, paper, width):
    application, _, _ = panel
    settings.PACKET_PAPER_SIZE = paper

    content, _ = pdf.render_packet_pdf(application)

    box = PdfReader(io.BytesIO(content)).pages[0].mediabox
    assert round(float(box.width)) == width


@pytest.mark.django_db
def test_a_packet_before_any_scorecard_is_in_says_so(recruiter):
    loop = make_scoring_loop(by=recruiter)
    application = make_application(make_candidate("Noor Early"), loop, by=recruiter)
    person = make_user("early-bird", groups=(INTERVIEWER,))
    assign(make_interview(application, by=recruiter), person, by=recruiter)

    text = " ".join(pages_of(pdf.render_packet_pdf(application)[0]))

    assert "1 outstanding" in text
    assert "No scorecard has been submitted yet." in text
    assert "Confidential — Noor Early" in text


@pytest.mark.django_db
def test_the_packet_loads_in_the_same_number_of_queries_however_many_scorecards(
    panel, recruiter, django_assert_max_num_queries
):
    application, _, _ = panel
    with CaptureQueriesContext(connection) as three:
        pdf.render_packet_html(application)
    interview = application.interviews.order_by("pk").last()
    for tag in ("dee", "eli"):
        person = make_user(tag, groups=(INTERVIEWER,), first_name=tag.title(), last_name=FAMILY)
        card = assign(interview, person, by=recruiter).scorecard
        fill_and_submit(card, {"Systems design": 2}, tag=tag, by=person)

    assert len(three.captured_queries) <= 20
    with django_assert_max_num_queries(len(three.captured_queries)):
        pdf.render_packet_html(application)


@pytest.mark.django_db
def test_a_backup_and_a_competency_not_assessed_show_what_happened_and_why(panel, recruiter):
    application, _, _ = panel
    person = make_user("dee", groups=(INTERVIEWER,), first_name="Dee", last_name=FAMILY)
    interview = application.interviews.order_by("pk").first()
    card = assign(interview, person, by=recruiter).scorecard
    fill(card, {"Ownership": 3, "Systems design": None}, tag="dee")
    notes = {n.planned.question.title: n for n in card.notes.select_related("planned__question")}
    services.use_backup(
        notes["Project you rescued"],
        instead_of=notes["Outage you owned"],
        reason="Never on call",
        by=person,
    )
    backup = card.notes.get(pk=notes["Project you rescued"].pk)
    services.save_note(
        backup, text="Rescued a migration", state="asked", ticks=[], base_revision=backup.revision
    )
    services.submit_scorecard(card, by=person)

    text = " ".join(pages_of(pdf.render_packet_pdf(application)[0]))

    assert "Project you rescued BACKUP asked" in text
    assert "asked instead of “Outage you owned”: Never on call" in text
    assert "Outage you owned replaced by a backup" in text
    assert "Systems design not assessed" in text
    assert "Out of time, dee" in text


def test_the_packet_weighs_competencies_as_the_committee_page_does(panel):
    """One competency weighted, the other left empty (counts 1): the same formula in both."""
    from interviews.models import LoopCompetency
    from scoring.committee import committee_data

    application = panel[0]
    LoopCompetency.objects.filter(loop=application.loop, competency__name="Ownership").update(
        weight=2
    )

    packet = pdf.packet_context(application)["aggregate"].weighted
    page = committee_data(application).aggregate.weighted

    assert packet is not None and page is not None
    assert packet.formula == page.formula
    assert "2×" in packet.formula and "1×" in packet.formula


def test_the_levels_beside_the_loops_are_found_even_with_gaps_in_their_order(panel):
    from django.db.models import F

    from rubrics.models import Level

    application = panel[0]
    level = application.loop.level
    Level.objects.filter(ladder=level.ladder_id).update(order=F("order") * 10)

    shown = pdf.packet_context(application)["levels"]["levels"]

    ladder = list(Level.objects.filter(ladder=level.ladder_id).order_by("order"))
    at = ladder.index(level)
    assert shown == ladder[max(0, at - 1) : at + 2] and len(shown) >= 2


def test_a_draft_on_a_cancelled_interview_is_not_outstanding_in_the_packet(panel, recruiter):
    from candidates.scheduling import set_interview_state
    from scoring.committee import committee_data

    application = panel[0]
    values = application.interviews.get(stage__name="Values")
    assign(values, make_user(groups=(INTERVIEWER,)), by=recruiter)
    set_interview_state(values, "cancelled", by=recruiter)

    packet = pdf.packet_context(application)["aggregate"]

    assert packet.outstanding == committee_data(application).aggregate.outstanding == 0
    assert packet.ready_for_decision
