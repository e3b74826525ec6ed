"""The leak check: no page, htmx region, export or packet shows a persona what it must not see.

One application is set up through the services with marker strings planted where
independence and privacy matter: a colleague's draft, a colleague's (and a peer
persona's) submitted notes, evidence, summary and recommendation, the committee's
decision and rationale, the recruiter notes and the candidate's email. Then, for each
persona, every GET URL of the access registry (with its kwargs), every scorecard page
of the application, the rendered packet PDF and the audit trail in Django's admin are
fetched, and from each 200 answer the crawl follows what the page offers (links, hx-get,
GET forms), bounded per URL pattern. Each page is also asked for as htmx would: with
`HX-Request`, and once per `hx-target` the page names. PDFs are read back with pypdf,
CSV and JSON as text.

Who may see which marker is the table `MAY_SEE`, written once from the rules
(DESIGN: People and permissions): every leak is printed as persona, URL, marker.
"""

import io
import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from candidates.services import update_candidate
from scoring.models import Packet
from scoring.packets import render_packet, request_packet
from scoring.services import record_decision
from tests.conftest import PERSONAS
from tests.crawl import Link, local_url, page_links, pattern
from tests.factories import assign, fill_scorecard, make_user, submit_filled_scorecard

from .registry import PENDING, RECRUITERS, registry
from .test_url_personas import build_world

# --- What is planted, and who may see it (the rules, once) -------------------------

EMAIL = "leak-candidate-email@example.org"
COLLEAGUE = "Zed Colleague"  # an interviewer on the panel, not a persona: submitted
DRAFTER = "Dee Drafter"  # an interviewer on the panel, not a persona: still a draft
PEER = "Rosa Reviewer"  # the recruiter_interviewer_submitted persona

TEXT = {
    # Who writes what (fill_scorecard's keywords). Recommendations are unique per
    # author so that one next to its author's name or summary tells whose it is.
    COLLEAGUE: dict(
        evidence="LEAK-COLLEAGUE-EVIDENCE on {competency}",
        notes="LEAK-COLLEAGUE-NOTE on {question}",
        summary="LEAK-COLLEAGUE-SUMMARY",
        recommendation="strong_no",
    ),
    DRAFTER: dict(
        evidence="LEAK-DRAFT-EVIDENCE on {competency}",
        notes="LEAK-DRAFT-NOTE on {question}",
        summary="LEAK-DRAFT-SUMMARY",
        recommendation="no",
    ),
    "recruiter_interviewer_submitted": dict(
        evidence="LEAK-PEER-EVIDENCE on {competency}",
        notes="LEAK-PEER-NOTE on {question}",
        summary="LEAK-PEER-SUMMARY",
        recommendation="strong_yes",
    ),
    "replaced_interviewer": dict(
        evidence="LEAK-REPLACED-EVIDENCE on {competency}",
        notes="LEAK-REPLACED-NOTE on {question}",
        summary="LEAK-REPLACED-SUMMARY",
        recommendation="yes",
    ),
}
RATIONALE = "LEAK-DECISION-RATIONALE"
RECRUITER_NOTE = "LEAK-RECRUITER-NOTE"

SUBMITTED_AUTHORS = rf"{COLLEAGUE}|{PEER}|LEAK-COLLEAGUE-SUMMARY|LEAK-PEER-SUMMARY"
MARKERS = {
    # name: a pattern searched in the page's text and (but see TEXT_ONLY) its source.
    "a colleague's draft": r"LEAK-DRAFT",
    "the replaced seat's draft": r"LEAK-REPLACED",
    "submitted notes, evidence or summary": r"LEAK-COLLEAGUE|LEAK-PEER",
    # A submitted recommendation: its stored value (audit data, exports), or its label
    # beside its author's name or summary (pages, PDFs).
    "a submitted recommendation": (
        rf"\bstrong_(no|yes)\b|({SUBMITTED_AUTHORS})[\s\S]{{0,160}}Strong (no|yes)"
        rf"|Strong (no|yes)[\s\S]{{0,160}}({SUBMITTED_AUTHORS})"
    ),
    "the decision": rf"{RATIONALE}|decision\.recorded",
    # The status the decision set: its badge, its label, its change in the audit trail.
    "the status the decision set": (
        r"status-rejected|>\s*Rejected\s*</span>|·\s*Rejected\s*·|active → rejected"
    ),
    "the recruiter notes": RECRUITER_NOTE,
    "the candidate's email": re.escape(EMAIL),
}

# Reviewers: may read the others' scorecards and the decision (scoring.access.may_review
# and may_decide; the loop does not let peers read each other): recruiters and the
# application's committee, none of them owing their own scorecard on it.
REVIEWERS = ({*RECRUITERS, "committee"}) - set(PENDING)
MAY_SEE = {
    "a colleague's draft": set(),  # its author only
    "the replaced seat's draft": {"replaced_interviewer"},  # its author, still writing it
    "submitted notes, evidence or summary": REVIEWERS,
    "a submitted recommendation": REVIEWERS,
    "the decision": REVIEWERS,
    "the status the decision set": REVIEWERS,
    # Recruiters, unless they owe their own scorecard on the candidate.
    "the recruiter notes": set(RECRUITERS) - set(PENDING),
    # Contact data is the recruiters' (interviewers see name, role, level, CV, links).
    "the candidate's email": set(RECRUITERS),
}
assert MAY_SEE.keys() == MARKERS.keys()
# Searched in what a page says, not in its markup: every scorecard form carries the
# recommendations' stored values as its radio buttons' values.
TEXT_ONLY = {"a submitted recommendation"}

ADMIN_AUDIT = "/admin/accounts/auditentry/"
MAX_PAGES = 600
PER_PATTERN = 2


def fill_for(persona: str) -> dict:
    return TEXT.get(persona, {})


@pytest.fixture
def leak_world(catalogue, request, settings, tmp_path, recruiter, committee):
    """The registry's world, with every marker planted and a packet rendered last."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world(catalogue, request, fill_for)
    update_candidate(
        world.candidate, {"recruiter_notes": RECRUITER_NOTE, "email": EMAIL}, by=recruiter
    )
    colleague = make_user("zed", groups=("interviewer",), first_name="Zed", last_name="Colleague")
    drafter = make_user("dee", groups=("interviewer",), first_name="Dee", last_name="Drafter")
    world.colleague_card = submit_filled_scorecard(
        assign(world.interview, colleague).scorecard, **TEXT[COLLEAGUE]
    )
    world.draft_card = fill_scorecard(assign(world.interview, drafter).scorecard, **TEXT[DRAFTER])
    record_decision(
        world.application,
        outcome="no_hire",  # which moves the status to rejected: that tells it too
        level=world.application.loop.level,
        rationale=RATIONALE,
        by=committee,
    )
    packet, _ = request_packet(world.application, by=recruiter)
    assert render_packet(packet.pk) == Packet.Status.READY
    world.packet = Packet.objects.get(pk=packet.pk)  # the registry's download uses it
    return world


# --- Fetching and reading ------------------------------------------------------------


@dataclass(frozen=True)
class Fetch:
    url: str
    target: str = ""  # the hx-target asked for ("" with htmx: the view's default region)
    htmx: bool = False

    def shown(self) -> str:
        if not self.htmx:
            return self.url
        return f"{self.url} (htmx{', target #' + self.target if self.target else ''})"


class _Targets(HTMLParser):
    """Every hx-target a page names, and the hx-get links with their own hx-target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targets: set[str] = set()
        self.hx_gets: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {name: value or "" for name, value in attrs}
        target = a.get("hx-target", "")
        target = target[1:] if target.startswith("#") else ""
        if target:
            self.targets.add(target)
        if a.get("hx-get"):
            self.hx_gets.append((a["hx-get"], target))


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def readable(response) -> tuple[str, str]:
    """(source, text) of a response: HTML with and without its tags, a PDF's text."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.headers.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        text = pdf_text(body)
        return text, " ".join(text.split())
    source = body.decode(response.charset or "utf-8", errors="replace")
    if not kind.startswith("text/html"):
        return source, " ".join(source.split())
    parser = _Text()
    parser.feed(source)
    return unescape(source), " ".join(" ".join(parser.parts).split())


def pdf_text(body: bytes) -> str:
    """The PDF's text; a file that only claims to be one (a test CV) as its bytes."""
    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    except PdfReadError:
        return body.decode("latin-1")


def markers_in(source: str, text: str) -> set[str]:
    return {
        name
        for name, marker in MARKERS.items()
        if re.search(marker, text) or (name not in TEXT_ONLY and re.search(marker, source))
    }


def seeds(world) -> list[Fetch]:
    """Every GET URL of the registry, each scorecard page, the packet, the admin's audit."""
    urls = []
    for name, access in sorted(registry().items()):
        if access.method != "get":
            continue
        url = reverse(name, kwargs=access.kwargs(world))
        query = urlencode(access.data(world))
        urls.append(f"{url}?{query}" if query else url)
    cards = [world.scorecard, world.colleague_card, world.draft_card, *world.persona_cards.values()]
    urls += [reverse("scoring:scorecard", kwargs={"pk": card.pk}) for card in cards]
    urls += [reverse("scoring:packet_download", kwargs={"pk": world.packet.pk}), ADMIN_AUDIT]
    return [Fetch(url) for url in urls]


def followed(url: str) -> bool:
    """The crawl leaves Django's admin alone but for the audit trail (the rest is Django's)."""
    return not url.startswith("/admin/") or url.startswith(ADMIN_AUDIT)


@dataclass
class Walk:
    leaks: list[str] = field(default_factory=list)  # "persona URL: marker"
    shown: set[str] = field(default_factory=set)  # every marker met, allowed or not
    fetched: int = 0
    left_over: int = 0  # offered but not fetched: MAX_PAGES reached


def walk(client, persona: str, start: list[Fetch]) -> Walk:
    """Fetch the seeds and what their pages offer, noting every marker met."""
    queue, seen, per = deque(start), set(start), Counter()
    result = Walk()
    while queue and result.fetched < MAX_PAGES:
        fetch = queue.popleft()
        headers = {"HX-Request": "true", "HX-Current-URL": fetch.url} if fetch.htmx else {}
        if fetch.target:
            headers["HX-Target"] = fetch.target
        response = client.get(fetch.url, headers=headers)
        result.fetched += 1
        if response.status_code != 200:
            continue
        found = markers_in(*readable(response))
        result.shown |= found
        result.leaks += [
            f"{persona} {fetch.shown()}: {name}"
            for name in sorted(found)
            if persona not in MAY_SEE[name]
        ]
        if not response.headers.get("Content-Type", "").startswith("text/html"):
            continue
        for offer in offered(fetch, response.content.decode(response.charset or "utf-8")):
            key = (offer.htmx, offer.target, pattern(Link(offer.url)))
            if offer in seen or per[key] >= PER_PATTERN or not followed(offer.url):
                continue
            seen.add(offer)
            per[key] += 1
            queue.append(offer)
    result.left_over = len(queue)
    return result


def offered(fetch: Fetch, html: str) -> list[Fetch]:
    """Links and GET forms of the page, its hx-gets with their targets, and the page
    itself asked for each region it names (as htmx would)."""
    parser = _Targets()
    parser.feed(html)
    found = [Fetch(link.url, htmx=link.htmx) for link in page_links(html, base=fetch.url)]
    for href, target in parser.hx_gets:
        if url := local_url(href, fetch.url):
            found.append(Fetch(url, target, htmx=True))
    if not fetch.htmx:
        found.append(Fetch(fetch.url, htmx=True))
        found += [Fetch(fetch.url, target, htmx=True) for target in sorted(parser.targets)]
    return found


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_sees_a_marker_it_must_not(client, persona_user, leak_world, persona):
    user = persona_user(persona)
    if user is not None:
        client.force_login(user)
    result = walk(client, persona, seeds(leak_world))
    print(f"{persona}: {result.fetched} fetched ({result.left_over} left), {sorted(result.shown)}")
    for leak in result.leaks:
        print(leak)
    assert not result.leaks, f"{len(result.leaks)} leaks in {result.fetched} fetches:\n" + (
        "\n".join(result.leaks)
    )
    # The check can fail: what the persona may see, the walk did find somewhere.
    allowed = {name for name, people in MAY_SEE.items() if persona in people}
    assert allowed <= result.shown, f"{persona} never met {sorted(allowed - result.shown)}"
