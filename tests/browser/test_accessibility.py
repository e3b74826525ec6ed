"""No screen has a serious or critical accessibility problem, as axe-core sees it.

The demo is loaded as `make run` loads it. Each demo person (recruiter, interviewer,
committee, admin) crawls the site from "/" with the test client (tests/crawl.py, one
page per URL pattern), and every HTML screen they reach is opened in Chromium as them
at a laptop's width; the admin, a recruiter too, opens only what the recruiter did not.
Screens that differ only in their query (filters, page 2) count as one. axe-core
(bundled by axe-playwright-python, injected by Playwright: the CSP is not loosened)
checks each once htmx has loaded what the page loads by itself. Then the states only
htmx produces (a draft loop's builder with its suggestions, search results and a
refused stage; a scorecard after a rating is saved; the committee's decision refused;
an invitation refused) and the key screens at a phone's width (390 px). Any serious or
critical violation fails, listed by page, rule and the nodes it targets; so does a page
wider than its window (a wide table scrolls in its own region, never the whole page).

Django's own admin pages are Django's templates: only its home page is checked.
"""

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import StringIO
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings
from playwright.sync_api import Browser, BrowserContext, Page, expect

from accounts.models import User
from candidates.models import Application
from config.celery import app as celery_app
from scoring.models import Scorecard
from tests.browser.conftest import TIMEOUT_MS
from tests.crawl import crawl

pytestmark = pytest.mark.browser

RECRUITER, INTERVIEWER, COMMITTEE, ADMIN = "recruiter", "interviewer1", "committee", "admin"
PERSONAS = (RECRUITER, INTERVIEWER, COMMITTEE, ADMIN)
FAILING_IMPACTS = ("serious", "critical")
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
DJANGO_ADMIN = "/admin/"
AXE = Axe()
# Counts htmx requests in flight, so a check waits for what a page loads by itself.
# Playwright adds it through the DevTools protocol: the page's CSP does not apply.
HTMX_INFLIGHT = """
window.__inflight = 0;
document.addEventListener("htmx:beforeSend", (event) => {
  window.__inflight += 1;
  // Once per request sent: loadend follows load, error, abort and timeout alike, after
  // htmx has swapped the response in.
  event.detail.xhr.addEventListener("loadend", () => { window.__inflight -= 1; });
});
"""


@dataclass(frozen=True)
class Screen:
    persona: str
    url: str


@dataclass(frozen=True)
class Violation:
    screen: str
    rule: str
    impact: str
    targets: tuple[str, ...]
    help: str

    def __str__(self) -> str:
        shown = "; ".join(self.targets[:6]) + (" …" if len(self.targets) > 6 else "")
        return (
            f"{self.screen}\n    {self.rule} ({self.impact}, {len(self.targets)} nodes): "
            f"{self.help}\n    {shown}"
        )


class RecordingClient(Client):
    """A test client that remembers which full-page GETs answered 200 with HTML."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.html_pages: set[str] = set()

    def get(self, path, *args, **kwargs):
        response = super().get(path, *args, **kwargs)
        htmx = "HX-Request" in (kwargs.get("headers") or {})
        kind = response.headers.get("Content-Type", "")
        if response.status_code == 200 and kind.startswith("text/html") and not htmx:
            self.html_pages.add(path)
        return response


@pytest.fixture
def demo(site, tmp_path) -> Iterator[str]:
    """The demo as `make run` loads it, on the live server's database; its base URL."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # inline, as a local run (CI sets a broker)
    try:
        with override_settings(MEDIA_ROOT=tmp_path):
            call_command("load_demo", stdout=StringIO())
            yield site
    finally:
        celery_app.conf.task_always_eager = eager


def screen_key(url: str) -> str:
    """What makes two URLs the same screen: the path with its numbers blanked."""
    path = urlsplit(url).path
    return "/".join("<n>" if part.isdigit() else part for part in path.split("/"))


def screens_to_check() -> list[Screen]:
    """Each persona's screens, one URL each; the admin's only where the recruiter's end."""
    chosen: dict[str, dict[str, Screen]] = {}
    for persona in PERSONAS:
        client = RecordingClient(raise_request_exception=False)
        client.force_login(User.objects.get(username=persona))
        result = crawl(client, persona, max_pages=400, per_pattern=1)
        mine = chosen.setdefault(persona, {})
        for link, _status in result.visited:
            url = link.url
            if link.htmx or url not in client.html_pages:
                continue
            if url.startswith(DJANGO_ADMIN) and url != DJANGO_ADMIN:
                continue
            if persona == ADMIN and screen_key(url) in chosen[RECRUITER]:
                continue
            mine.setdefault(screen_key(url), Screen(persona, url))
    return [screen for persona in PERSONAS for screen in chosen[persona].values()]


def signed_in(browser: Browser, site: str, persona: str, viewport=LAPTOP) -> BrowserContext:
    """A browser context carrying `persona`'s session (made by Django, not the login form)."""
    client = Client()
    client.force_login(User.objects.get(username=persona))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(viewport=viewport, locale="en-GB", timezone_id="UTC")
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": site}])
    context.add_init_script(HTMX_INFLIGHT)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def settled(page: Page) -> None:
    """Wait until the page has loaded and htmx has nothing in flight, swaps settled."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.__inflight === 0")
    page.wait_for_timeout(60)  # htmx settles a swap 20 ms after it


def violations(page: Page, label: str) -> list[Violation]:
    """axe-core's serious and critical violations on the page as it is now."""
    found = []
    for v in AXE.run(page).response["violations"]:
        if v["impact"] in FAILING_IMPACTS:
            targets = tuple(" ".join(map(str, n["target"])) for n in v["nodes"])
            found.append(Violation(label, v["id"], v["impact"], targets, v["help"]))
    return found


def check_url(page: Page, site: str, persona: str, url: str, note: str = "") -> list[Violation]:
    page.goto(site + url)
    settled(page)
    return violations(page, f"[{persona}] {url}{note}") + sideways(page, f"[{persona}] {url}{note}")


def sideways(page: Page, label: str) -> list[Violation]:
    """The page itself wider than the screen (wide tables scroll in their own region)."""
    width, seen = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if width <= seen:
        return []
    wider = f"the page is {width} px wide in a {seen} px window"
    return [Violation(label, "page-wider-than-screen", "serious", ("html",), wider)]


def check_state(page: Page, persona: str, what: str, act: Callable[[Page], None]):
    """Do `act` (clicks and typing that htmx answers) on the page, then check it."""
    act(page)
    settled(page)
    return violations(page, f"[{persona}] {page.url} after {what}")


# The states only htmx makes: each acts on a page already open and checked as it loaded.
def draft_builder_states(page: Page, site: str) -> list[Violation]:
    """A draft of the manager loop: suggestions for a stage, a search, a refused stage."""
    page.goto(f"{site}/loops/")
    page.get_by_role("link", name="Infrastructure manager (M3)").first.click()
    page.get_by_role("button", name="New version").click()
    expect(page.get_by_role("link", name="Publish…")).to_be_visible()
    settled(page)
    found = violations(page, f"[{RECRUITER}] {page.url} (a draft)")
    found += check_state(
        page,
        RECRUITER,
        "asking for suggested sets",
        lambda p: p.get_by_role("link", name="Suggest question sets").first.click(),
    )
    found += check_state(
        page,
        RECRUITER,
        "searching the banks",
        lambda p: p.get_by_role("search").get_by_role("searchbox").fill("incident"),
    )

    def add_a_nameless_stage(p: Page) -> None:
        p.locator("#new-stage > summary").click()
        p.get_by_role("button", name="Add stage").click()

    found += check_state(page, RECRUITER, "adding a stage with no name", add_a_nameless_stage)
    return found


def invite_refused(page: Page, site: str) -> list[Violation]:
    page.goto(f"{site}/accounts/people/invite/")
    settled(page)
    return check_state(
        page,
        RECRUITER,
        "sending an empty invitation",
        lambda p: p.locator("main form[method=post] button[type=submit]").last.click(),
    )


def scorecard_saved(page: Page, site: str) -> list[Violation]:
    card = Scorecard.objects.filter(
        assignment__person__username=INTERVIEWER, status=Scorecard.Status.DRAFT
    ).first()
    page.goto(f"{site}/scoring/scorecards/{card.pk}/")
    settled(page)
    return check_state(
        page,
        INTERVIEWER,
        "a rating saved",
        lambda p: p.locator("input[type=radio][name=score]").first.check(),
    )


def decision_refused(page: Page, site: str) -> list[Violation]:
    application = Application.objects.filter(candidate__email="noor.haddad@example.com").get()
    page.goto(f"{site}/scoring/applications/{application.pk}/committee/")
    settled(page)
    return check_state(
        page,
        COMMITTEE,
        "recording a decision with nothing chosen",
        lambda p: p.get_by_role("button", name="Record the decision").click(),
    )


STATES = {
    RECRUITER: (draft_builder_states, invite_refused),
    INTERVIEWER: (scorecard_saved,),
    COMMITTEE: (decision_refused,),
    ADMIN: (),
}


def phone_screens(screens: list[Screen]) -> list[Screen]:
    """The screens people open on a phone: homes, the builder, a scorecard, the committee…

    LOOPWRIGHT_AXE_PHONE=all checks every screen at a phone's width too (twice as long).
    """
    if os.environ.get("LOOPWRIGHT_AXE_PHONE") == "all":
        return screens
    card = Scorecard.objects.filter(assignment__person__username=INTERVIEWER).first()
    application = Application.objects.filter(candidate__email="noor.haddad@example.com").get()
    return [
        Screen(RECRUITER, "/"),
        Screen(RECRUITER, f"/loops/{application.loop_id}/"),
        Screen(RECRUITER, "/candidates/"),
        Screen(RECRUITER, "/catalogue/questions/"),
        Screen(RECRUITER, "/catalogue/scales/"),
        Screen(RECRUITER, "/scoring/calibration/"),
        Screen(RECRUITER, "/accounts/audit/"),
        Screen(RECRUITER, f"/candidates/applications/{application.pk}/"),
        Screen(RECRUITER, "/outcomes/reviews/import/"),
        Screen(INTERVIEWER, "/"),
        Screen(INTERVIEWER, f"/scoring/scorecards/{card.pk}/"),
        Screen(COMMITTEE, "/"),
        Screen(COMMITTEE, f"/scoring/applications/{application.pk}/committee/"),
    ]


def test_every_screen_has_no_serious_accessibility_violation(demo, browser: Browser):
    started = time.monotonic()
    screens = screens_to_check()
    crawled = time.monotonic()
    found: list[Violation] = []
    for persona in PERSONAS:
        context = signed_in(browser, demo, persona)
        page = context.new_page()
        for screen in (s for s in screens if s.persona == persona):
            found += check_url(page, demo, persona, screen.url)
        for state in STATES[persona]:
            found += state(page, demo)
        context.close()
    phone = phone_screens(screens)
    for persona in PERSONAS:
        context = signed_in(browser, demo, persona, viewport=PHONE)
        page = context.new_page()
        for screen in (s for s in phone if s.persona == persona):
            found += check_url(page, demo, persona, screen.url, " at 390 px")
        context.close()
    print(
        f"axe on {len(screens)} screens, {sum(map(len, STATES.values()))} htmx flows and "
        f"{len(phone)} phone screens: crawl {crawled - started:.1f}s, "
        f"browser {time.monotonic() - crawled:.1f}s"
    )
    for screen in screens:
        print(f"  [{screen.persona}] {screen.url}")
    report = "\n".join(str(v) for v in found)
    assert not found, f"{len(found)} serious or critical axe-core violations:\n{report}"
    assert {s.persona for s in screens} == set(PERSONAS), "a persona reached no screen"
    # The committee sees every level of the level table without scrolling sideways.
    for viewport in (LAPTOP, PHONE):
        check_committee_levels(demo, browser, viewport)


def test_the_check_reports_what_axe_finds(page: Page):
    """The harness is not blind: faint small text and an unlabelled field are reported."""
    page.set_content(
        '<html lang="en"><title>t</title><main><p style="color:#aaa;background:#fff">'
        "faint words</p><input type=text></main></html>"
    )
    found = violations(page, "sample")
    assert {v.rule for v in found} >= {"color-contrast", "label"}
    assert all(v.impact in FAILING_IMPACTS and v.targets for v in found)
    assert "sample" in str(found[0]) and found[0].rule in str(found[0])


def check_committee_levels(demo: str, browser: Browser, viewport) -> None:
    """M3's table shows M2 and M4 beside it: no level hides behind a horizontal scroll.

    Called by the main test at both widths, so the demo is loaded once."""
    application = Application.objects.get(candidate__email="amara.osei@example.com")
    context = signed_in(browser, demo, COMMITTEE, viewport=viewport)
    page = context.new_page()
    page.goto(f"{demo}/scoring/applications/{application.pk}/committee/")
    levels = page.locator(".committee-levels")
    expect(levels.get_by_role("columnheader", name="M4")).to_be_attached()

    box = levels.bounding_box()
    for level in ("M2", "M3", "M4"):
        cells = levels.locator(f'td[data-level^="{level}"]')
        assert cells.count() >= 2, f"no {level} cells"
        for cell in cells.all():
            edge = cell.bounding_box()
            assert box["x"] <= edge["x"] and edge["x"] + edge["width"] <= box["x"] + box["width"]
    page_width = page.evaluate("document.documentElement.scrollWidth")
    section_overflow = levels.evaluate("el => el.scrollWidth - el.clientWidth")
    context.close()
    assert page_width <= viewport["width"] and section_overflow <= 0
