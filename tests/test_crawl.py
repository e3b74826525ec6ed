"""No page fails on real data: every person follows every link from their home page.

The demo is loaded exactly as `make run` does (`manage.py load_demo` on the migrated
test database), once for the class, its on-commit work run. Then each demo person, and
the people the demo lacks (a pure shadow, a recruiter who interviews, a committee member
who interviews, someone replaced who keeps a started scorecard: added through the
accounts, scheduling and scoring services), crawls the site from "/" (tests/crawl.py).
Any 5xx, "Traceback", Python "nan" or a GET that writes fails, with the persona, the URL
and the page that linked to it. A second test does the same on an empty database with
one user per role.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.management.commands.create_demo_users import DEMO_USERS
from accounts.models import User
from accounts.permissions import role_groups
from accounts.services import invite_person
from candidates import scheduling, services
from candidates.demo import emails_discarded
from candidates.models import Application, Assignment, Candidate, Interview
from config.celery import app as celery_app
from rubrics.models import Bank
from scoring.models import Scorecard
from scoring.services import save_overall
from tests.crawl import (
    Crawl,
    Link,
    crawl,
    database_writes,
    form_urls,
    local_url,
    page_links,
    pattern,
    text_problems,
)
from tests.factories import make_user

MAX_PAGES = 500
# The demo has five candidates: each of them is visited in every list.
PER_PATTERN = 5
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py
DEMO_PERSONAS = [username for username, *_ in DEMO_USERS]
EXTRA_PERSONAS = ["shadow", "recruiting-interviewer", "interviewing-committee", "replaced"]
# Pages each kind of person must reach: a crawl that stops early cannot pass unnoticed.
MUST_REACH = {
    "recruiter": ["/scoring/reliability/", "/scoring/calibration/", "/candidates/"],
    "interviewer": ["/scoring/scorecards/"],
    "committee": ["/scoring/applications/"],
}
ROLES_OF = {
    "recruiter": ["recruiter"],
    "admin": ["recruiter"],
    "committee": ["committee"],
    "recruiting-interviewer": ["recruiter", "interviewer"],
    "interviewing-committee": ["committee", "interviewer"],
}


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo as `make run` loads it, plus the extra people; rolled back afterwards.

    One transaction around the class, as Django's TestCase wraps setUpTestData: each
    test's own transaction is a savepoint inside it, so nothing a crawl does leaks into
    the next, and nothing is left for the other tests of this process (xdist, PostgreSQL).
    Work the demo queues for after the commit runs at the end of the load, as it would.
    """
    media = tmp_path_factory.mktemp("crawl-media")
    # Tasks run inline as on a local run (no REDIS_URL), even where CI sets one.
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    with (
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=FAST_HASHERS),
        django_db_blocker.unblock(),
    ):
        atomics = TestCase._enter_atomics()
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("load_demo", stdout=StringIO())
                add_extra_personas(User.objects.get(username="recruiter"))
            yield
        finally:
            celery_app.conf.task_always_eager = eager
            TestCase._rollback_atomics(atomics)


def add_extra_personas(recruiter: User) -> None:
    """The people the demo lacks, put on its interviews as a recruiter would."""
    with emails_discarded():
        people = {name: _invite(name, recruiter) for name in EXTRA_PERSONAS}
        amara, tomasz, lucia, noor = (
            Application.objects.get(candidate__email=f"{name}@example.com")
            for name in ("amara.osei", "tomasz.wierzbicki", "lucia.ferreira", "noor.haddad")
        )
        _on(lucia, "Infrastructure & architecture", people["shadow"], Assignment.Role.SHADOW)
        _on(tomasz, "Infrastructure & architecture", people["shadow"], Assignment.Role.SHADOW)
        _on(amara, "Hiring manager", people["recruiting-interviewer"])
        # Reviews Noor and Amara, and owes a scorecard on Noor's loop.
        for application in (noor, amara):
            members = [*application.committee.all(), people["interviewing-committee"]]
            services.set_committee(application, members, by=recruiter)
        _on(noor, "Leadership & influence", people["interviewing-committee"])
        _replaced_with_a_started_scorecard(tomasz, people["replaced"], recruiter)


def _invite(name: str, recruiter: User) -> User:
    return invite_person(
        by=recruiter,
        email=f"{name}@demo.loopwright.test",
        username=name,
        first_name=name.replace("-", " ").title(),
        groups=role_groups(ROLES_OF.get(name, ["interviewer"])),
        site_root="http://testserver",
    )


def _on(application: Application, stage: str, person: User, role=Assignment.Role.INTERVIEWER):
    interview = application.interviews.get(stage__name=stage)
    return scheduling.assign(interview, person, role, by=application.created_by)


def _replaced_with_a_started_scorecard(application: Application, person: User, by: User) -> None:
    """Held yesterday on a stage the demo left unscheduled; they began writing, then left."""
    stage = application.loop.stages.exclude(interviews__application=application).first()
    yesterday = timezone.now() - timedelta(days=1)
    interview = scheduling.schedule_interview(application, stage, yesterday, by=by)
    seat = scheduling.assign(interview, person, by=by)
    scheduling.set_interview_state(interview, Interview.State.HELD, by=by)
    card = Scorecard.objects.get(assignment=seat)
    save_overall(
        card,
        recommendation="",
        summary="First impressions, before I was taken off.",
        base_revision=card.overall_revision,
    )
    scheduling.replace_assignment(seat, User.objects.get(username="interviewer3"), by=by)


def crawl_as(user: User, also: tuple[str, ...] = ()) -> Crawl:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return crawl(client, user.username, also=also, max_pages=MAX_PAGES, per_pattern=PER_PATTERN)


def extra_pages() -> tuple[str, ...]:
    """The scorecards, interviews and applications of the extra people, for everyone to try.

    Lists are crawled a few items deep: without this, the one interview with a replaced
    seat could be the item the bound leaves out.
    """
    seats = Assignment.objects.filter(person__username__in=EXTRA_PERSONAS).select_related(
        "interview", "scorecard"
    )
    pages = set()
    for seat in seats:
        pages |= {
            reverse("scoring:scorecard", args=[seat.scorecard.pk]),
            reverse("candidates:interview_detail", args=[seat.interview.pk]),
            reverse("candidates:application_detail", args=[seat.interview.application_id]),
            reverse("scoring:committee", args=[seat.interview.application_id]),
        }
    return tuple(sorted(pages))


def check(result: Crawl, must_reach: list[str]) -> None:
    print(result.summary())
    for refused in result.refused:
        print(f"  refused: {refused}")
    for url in result.audited:
        print(f"  audited read: {url}")
    visited = {link.url for link, _ in result.visited}
    assert result.visited and result.visited[0][1] == 200, "the home page failed"
    unreached = [p for p in must_reach if not any(url.startswith(p) for url in visited)]
    failures = "\n".join(str(f) for f in result.failures)
    assert not result.failures, f"{len(result.failures)} failing pages:\n{failures}"
    assert not unreached, f"{result.persona} never reached {unreached}: is the crawl broken?"
    assert not result.left_over, f"{result.left_over} links left at {MAX_PAGES} pages"


def must_reach(user: User) -> list[str]:
    if user.username == "replaced":
        return []  # their one seat was handed over: home has nothing of theirs to open
    groups = set(user.group_names())
    return [page for role, pages in MUST_REACH.items() if role in groups for page in pages]


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestDemoData:
    @pytest.mark.parametrize("persona", DEMO_PERSONAS + EXTRA_PERSONAS)
    def test_every_page_a_person_can_reach_renders(self, persona):
        user = User.objects.get(username=persona)
        check(crawl_as(user, also=extra_pages()), must_reach(user))

    def test_the_extra_people_are_what_they_say(self):
        replaced = Assignment.objects.get(person__username="replaced")
        assert replaced.replaced_at is not None and not replaced.scorecard.is_untouched
        assert Assignment.objects.active().filter(person__username="shadow").count() == 2
        assert not Assignment.objects.active().filter(
            person__username="shadow", role=Assignment.Role.INTERVIEWER
        )
        member = User.objects.get(username="interviewing-committee")
        assert member.committee_applications.count() == 2
        owed = Scorecard.objects.filter(assignment__person=member)
        assert [card.status for card in owed] == [Scorecard.Status.DRAFT]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["recruiter", "interviewer", "committee", "admin"])
def test_every_page_renders_on_an_empty_database(role):
    if role == "admin":
        user = User.objects.create_superuser("admin-only", "admin-only@example.com", "x-pass-123")
    else:
        user = make_user(f"{role}-only", groups=(role,))
    assert not Candidate.objects.exists() and not Bank.objects.exists()  # the demo is gone
    check(crawl_as(user), [])


def test_links_hx_gets_and_get_forms_are_followed_and_post_forms_are_not():
    html = """
    <a href="/loops/">Loops</a> <a href="https://elsewhere.example/">Out</a>
    <a href="/accounts/logout/">Sign out</a> <a href="mailto:x@example.com">Mail</a>
    <div hx-get="/scoring/packets/7/" hx-trigger="load"></div>
    <form method="get" action="/scoring/reliability/">
      <select name="loop"><option value="a">A</option><option value="b" selected>B</option>
      </select><input type="checkbox" name="all"><input name="q" value="x">
    </form>
    <form method="post" action="/loops/new/"><input name="name"></form>
    """
    assert page_links(html, base="/") == [
        Link("/loops/"),
        Link("/scoring/packets/7/", htmx=True),
        Link("/scoring/reliability/?loop=b&q=x"),
        Link("/scoring/reliability/?loop=a&q=x"),
    ]
    assert form_urls("", [("page", ["2"])]) == ["?page=2"]
    assert local_url("../../3/#top", "/candidates/2/edit/") == "/candidates/3/"


def test_an_empty_select_before_others_sends_nothing_and_shifts_nothing():
    fields = [("team", []), ("loop", ["a", "b"]), ("stage", []), ("range", ["all", "90"])]
    assert form_urls("/scoring/?x=1", fields) == [
        "/scoring/?loop=a&range=all",
        "/scoring/?loop=b&range=all",
        "/scoring/?loop=a&range=90",
    ]
    assert form_urls("/f/", [("empty", [])]) == ["/f/"]


def test_similar_items_share_a_pattern():
    assert pattern(Link("/candidates/4/?tab=notes")) == pattern(Link("/candidates/9/?tab=cv"))
    assert pattern(Link("/candidates/4/")) != pattern(Link("/candidates/4/", htmx=True))
    assert pattern(Link("/admin/axes/accesslog/?o=1")) == pattern(Link("/admin/axes/accesslog/"))


def test_nan_and_tracebacks_in_a_page_are_problems():
    assert text_problems("α 0.71, ICC 0.64 — finance, nanny, Nancy") == []
    assert text_problems("ICC(1) nan") == ["the page shows “nan”: …ICC(1) nan…"]
    assert text_problems("Traceback (most recent call last):") == ["the page shows a Traceback"]


def test_a_get_that_changes_rows_is_caught_and_the_session_is_not():
    captured = [
        {"sql": 'SELECT "x" FROM "candidates_candidate"'},
        {"sql": 'UPDATE "django_session" SET "session_data" = ...'},
        {"sql": 'INSERT INTO "scoring_scorecard" ("status") VALUES (...)'},
    ]
    assert database_writes(captured) == [captured[2]["sql"]]
