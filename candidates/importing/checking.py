"""Checking every row: its cells, then against the file's other rows and the database.

The outcome of each row is a `RowPlan`: new, update (with what changes), unchanged or
error (with its located problems). Lookups are a fixed number of queries for the whole
file, whatever its size.
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db.models import Prefetch
from django.db.models.functions import Lower

from accounts.models import User
from accounts.permissions import COMMITTEE
from accounts.validators import shown, text_problem
from integrations.fields import EXTERNAL_ID_MAX_LENGTH
from interviews.models import Loop

from ..models import Application, Candidate
from .reading import CELL_MAX_CHARS, ColumnMap, Problem

NAME_MAX = 200
EMAIL_MAX = 254
LINK_MAX = 500
LINKS_MAX = 20
COMMITTEE_MAX = 20
# What a spreadsheet runs as a formula when the cell is opened (OWASP's CSV injection
# list). Loopwright refuses such a value rather than store it for a later export.
FORMULA = re.compile(r"^(?:[=+@\t\r]|-[A-Za-z(])")
SPLIT = re.compile(r"[\s;,]+")

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"


@dataclass
class RowPlan:
    number: int
    name: str = ""
    email: str = ""
    external_id: str = ""
    links: list[str] | None = None  # None: not given (an existing candidate keeps theirs)
    notes: str | None = None
    loop_key: str = ""
    application_external_id: str = ""
    committee_emails: list[str] | None = None
    problems: list[Problem] = field(default_factory=list)
    # Filled by the database checks:
    candidate: Candidate | None = None
    changes: list[str] = field(default_factory=list)
    loop: Loop | None = None
    application: Application | None = None
    new_application: bool = False
    application_changes: list[str] = field(default_factory=list)
    committee: list = field(default_factory=list)
    # The action as checked, kept once the row is saved (saving sets `candidate`).
    outcome: str = ""

    @property
    def action(self) -> str:
        if self.outcome:
            return self.outcome
        if self.problems:
            return ERROR
        if self.candidate is None:
            return NEW
        if self.changes or self.new_application or self.application_changes:
            return UPDATE
        return UNCHANGED

    def application_text(self) -> str:
        """What happens to the row's application, for the preview."""
        if self.loop is None:
            return ""
        where = f"{self.loop.key} v{self.loop.version}"
        if self.new_application:
            return f"new application on {where}"
        if self.application is not None:
            loop = self.application.loop
            verb = "unchanged"
            if self.application_changes:
                verb = "updated: " + ", ".join(self.application_changes)
            return f"open application on {loop.key} v{loop.version} {verb}"
        return ""


class Cells:
    """One row's cells through the mapping, each problem located at its column."""

    def __init__(self, number: int, cells: list[str], columns: ColumnMap):
        self.number, self.cells, self.columns = number, cells, columns
        self.problems: list[Problem] = []

    def problem(self, name: str, message: str) -> None:
        self.problems.append(
            Problem(self.number, self.columns.column(name), message, self.columns.index(name))
        )

    def raw(self, name: str) -> str | None:
        """The cell of `name` (None when the field is not mapped)."""
        indexes = self.columns.columns.get(name)
        if not indexes:
            return None
        return "\n".join(self.cells[i] for i in indexes if self.cells[i].strip())

    def text(self, name: str, *, limit: int, one_line: bool = True) -> str:
        value = (self.raw(name) or "").strip()
        if not value:
            return ""
        if FORMULA.match(value):
            self.problem(
                name,
                f"“{shown(value, 30)}” starts with “{shown(value[0])}”, as a spreadsheet formula "
                "does: remove that character (formulas are refused so no later export runs one).",
            )
            return ""
        if len(value) > limit:
            self.problem(name, f"The value has {len(value):,} characters; at most {limit:,}.")
            return ""
        trouble = text_problem(value, None)
        if trouble:
            self.problem(name, f"The value {trouble}.")
            return ""
        if one_line and ("\n" in value or "\r" in value):
            self.problem(name, "This value must be one line.")
            return ""
        return value


def parse_row(number: int, cells: list[str], columns: ColumnMap) -> RowPlan:
    plan = RowPlan(number)
    if len(cells) != len(columns.header):
        plan.problems.append(
            Problem(
                number,
                "",
                f"This row has {len(cells)} cells; the header has {len(columns.header)} columns "
                "(a comma inside a value needs the value in double quotes).",
            )
        )
        return plan
    row = Cells(number, cells, columns)
    for name in columns.columns:
        value = row.raw(name) or ""
        if len(value) > CELL_MAX_CHARS:
            row.problem(
                name, f"The cell holds {len(value):,} characters; at most {CELL_MAX_CHARS:,}."
            )
    if row.problems:
        plan.problems = row.problems
        return plan
    plan.name = parse_name(row)
    plan.email = parse_email(row)
    plan.external_id = row.text("external_id", limit=EXTERNAL_ID_MAX_LENGTH)
    plan.links = parse_links(row)
    notes = row.text("recruiter_notes", limit=CELL_MAX_CHARS, one_line=False)
    plan.notes = notes or None
    plan.loop_key = row.text("loop", limit=80)
    plan.application_external_id = row.text("application_external_id", limit=EXTERNAL_ID_MAX_LENGTH)
    plan.committee_emails = parse_committee(row)
    plan.problems = row.problems
    return plan


def parse_name(row: Cells) -> str:
    if "name" in row.columns.columns:
        name = row.text("name", limit=NAME_MAX + 1)
        column = "name"
    else:
        parts = [row.text(part, limit=NAME_MAX + 1) for part in ("first_name", "last_name")]
        name = " ".join(p for p in parts if p)
        column = "first_name" if "first_name" in row.columns.columns else "last_name"
    name = " ".join(name.split())
    if not name and not row.problems:
        row.problem(column, "The candidate's name is empty.")
    elif len(name) > NAME_MAX:
        row.problem(column, f"The name has {len(name):,} characters; at most {NAME_MAX}.")
    return name


def parse_email(row: Cells) -> str:
    raw = row.text("email", limit=CELL_MAX_CHARS)
    if not raw:
        if not row.problems:
            row.problem("email", "The email is empty.")
        return ""
    addresses = [a for a in SPLIT.split(raw) if a]
    if len(addresses) > 1 and not row.columns.first_of_several_emails:
        row.problem("email", f"“{shown(raw)}” holds several addresses: give one per candidate.")
        return ""
    email = addresses[0]
    try:
        EmailValidator()(email)
    except ValidationError:
        row.problem("email", f"“{shown(email)}” is not an email address.")
        return ""
    if len(email) > EMAIL_MAX:
        row.problem("email", f"The email has {len(email)} characters; at most {EMAIL_MAX}.")
        return ""
    return email


def parse_links(row: Cells) -> list[str] | None:
    raw = row.text("links", limit=CELL_MAX_CHARS, one_line=False)
    if not raw:
        return None
    links = list(dict.fromkeys(link for link in SPLIT.split(raw) if link))
    check = URLValidator(schemes=["http", "https"])
    for link in links:
        if len(link) > LINK_MAX:
            row.problem("links", f"A link has {len(link):,} characters; at most {LINK_MAX}.")
            return None
        try:
            check(link)
        except ValidationError:
            row.problem(
                "links", f"“{shown(link)}” is not a web address (it should start with https://)."
            )
            return None
    if len(links) > LINKS_MAX:
        row.problem("links", f"{len(links)} links; at most {LINKS_MAX}.")
        return None
    return links


def parse_committee(row: Cells) -> list[str] | None:
    raw = row.text("committee_emails", limit=CELL_MAX_CHARS, one_line=False)
    if not raw:
        return None
    emails = list(dict.fromkeys(e for e in SPLIT.split(raw) if e))
    for email in emails:
        try:
            EmailValidator()(email)
        except ValidationError:
            row.problem("committee_emails", f"“{shown(email)}” is not an email address.")
            return None
    if len(emails) > COMMITTEE_MAX:
        row.problem("committee_emails", f"{len(emails)} people; at most {COMMITTEE_MAX}.")
        return None
    return emails


# --- Against the file's other rows and the database ----------------------------------


@dataclass
class Lookups:
    by_external_id: dict[str, Candidate]
    by_email: dict[str, list[Candidate]]
    loops: dict[str, Loop]
    applications_by_external_id: dict[str, Application]
    open_applications: dict[tuple[int, str], Application]
    committee: dict[str, list[User]]


def lookups(plans: list[RowPlan], default_loop: str = "") -> Lookups:
    """Everything the rows name, in a fixed number of queries."""
    ext_ids = {p.external_id for p in plans if p.external_id}
    emails = {p.email.casefold() for p in plans if p.email}
    by_ext = {c.external_id: c for c in Candidate.objects.filter(external_id__in=ext_ids)}
    by_email: dict[str, list[Candidate]] = {}
    for candidate in (
        Candidate.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=emails, erased_at__isnull=True)
        .order_by("pk")
    ):
        by_email.setdefault(candidate.email.casefold(), []).append(candidate)
    keys = {p.loop_key for p in plans if p.loop_key} | ({default_loop} if default_loop else set())
    loops: dict[str, Loop] = {}
    for loop in Loop.objects.filter(status=Loop.Status.PUBLISHED, key__in=keys).order_by(
        "key", "-version"
    ):
        loops.setdefault(loop.key, loop)
    committee_prefetch = Prefetch("committee", queryset=User.objects.only("pk"))
    app_ext = {p.application_external_id for p in plans if p.application_external_id}
    apps_by_ext = {
        a.external_id: a
        for a in Application.objects.filter(external_id__in=app_ext)
        .select_related("loop")
        .prefetch_related(committee_prefetch)
    }
    known = [c.pk for c in by_ext.values()] + [c.pk for cs in by_email.values() for c in cs]
    open_apps = {}
    for application in (
        Application.objects.filter(candidate_id__in=known, loop__key__in=keys)
        .exclude(status__in=Application.CLOSED)
        .select_related("loop")
        .prefetch_related(committee_prefetch)
        .order_by("created_at", "pk")
    ):
        open_apps.setdefault((application.candidate_id, application.loop.key), application)
    return Lookups(by_ext, by_email, loops, apps_by_ext, open_apps, committee_members(plans))


def committee_members(plans: list[RowPlan]) -> dict[str, list[User]]:
    wanted = {e.casefold() for p in plans for e in (p.committee_emails or ())}
    if not wanted:
        return {}
    found: dict[str, list[User]] = {}
    members = (
        User.objects.annotate(lower_email=Lower("email"))
        .filter(lower_email__in=wanted, is_active=True, groups__name=COMMITTEE)
        .distinct()
        .order_by("pk")
    )
    for user in members:
        found.setdefault(user.email.casefold(), []).append(user)
    return found


def check_against_file(plans: list[RowPlan], columns: ColumnMap) -> None:
    """Two rows for one candidate, or one application external id twice: the later is refused."""
    first: dict[tuple[str, str], int] = {}
    for plan in plans:
        for name, value in (
            ("email", plan.email.casefold()),
            ("external_id", plan.external_id),
            ("application_external_id", plan.application_external_id),
        ):
            if not value:
                continue
            if (name, value) in first:
                plan.problems.append(
                    Problem(
                        plan.number,
                        columns.column(name),
                        f"Row {first[name, value]} has the same "
                        f"{'email' if name == 'email' else name.replace('_', ' ')}: "
                        "one row per candidate.",
                        columns.index(name),
                    )
                )
            first.setdefault((name, value), plan.number)


def check_against_database(
    plans: list[RowPlan], columns: ColumnMap, found: Lookups, default_loop: str = ""
) -> None:
    claimed: dict[int, int] = {}
    for plan in plans:
        if plan.problems:
            continue
        where = Located(plan, columns)
        match_candidate(plan, found, where)
        if plan.candidate is not None:
            if plan.candidate.pk in claimed:
                where.problem(
                    "email", f"Row {claimed[plan.candidate.pk]} updates the same candidate."
                )
            claimed.setdefault(plan.candidate.pk, plan.number)
        if not plan.problems:
            plan_application(plan, found, where, default_loop)


class Located:
    def __init__(self, plan: RowPlan, columns: ColumnMap):
        self.plan, self.columns = plan, columns

    def problem(self, name: str, message: str) -> None:
        self.plan.problems.append(
            Problem(self.plan.number, self.columns.column(name), message, self.columns.index(name))
        )


def match_candidate(plan: RowPlan, found: Lookups, where: Located) -> None:
    """The existing candidate this row updates (by external id, then email), if any."""
    by_ext = found.by_external_id.get(plan.external_id) if plan.external_id else None
    if by_ext is not None:
        if by_ext.erased_at is not None:
            where.problem("external_id", "This candidate was erased: nothing more is written.")
            return
        plan.candidate = by_ext
    else:
        same_email = found.by_email.get(plan.email.casefold(), [])
        if len(same_email) > 1:
            where.problem(
                "email",
                f"{len(same_email)} candidates have this email: add their external id to say "
                "which one.",
            )
            return
        if same_email:
            candidate = same_email[0]
            if plan.external_id and candidate.external_id:
                where.problem(
                    "external_id",
                    f"The candidate with this email has the external id "
                    f"“{shown(candidate.external_id)}”, not “{shown(plan.external_id)}”.",
                )
                return
            plan.candidate = candidate
    if plan.candidate is not None:
        plan.changes = candidate_changes(plan, plan.candidate)


def candidate_changes(plan: RowPlan, candidate: Candidate) -> list[str]:
    changes = []
    if plan.name != candidate.name:
        changes.append("name")
    if plan.email.casefold() != candidate.email.casefold():
        changes.append("email")
    if plan.external_id and plan.external_id != candidate.external_id:
        changes.append("external id")
    if plan.links is not None and plan.links != list(candidate.links or []):
        changes.append("links")
    if plan.notes is not None and plan.notes != candidate.recruiter_notes:
        changes.append("recruiter notes")
    return changes


def plan_application(plan: RowPlan, found: Lookups, where: Located, default_loop: str) -> None:
    key = plan.loop_key or default_loop
    if not key:
        for name, value in (
            ("application_external_id", plan.application_external_id),
            ("committee_emails", plan.committee_emails),
        ):
            if value:
                where.problem(name, "An application needs a loop: fill in the loop column.")
        return
    plan.loop = found.loops.get(key)
    if plan.loop is None:
        where.problem("loop", f"No published loop has the key “{shown(key)}”.")
        return
    plan.committee = committee_users(plan, found, where)
    if plan.problems:
        return
    candidate = plan.candidate
    application = found.applications_by_external_id.get(plan.application_external_id)
    if application is not None:
        if candidate is None or application.candidate_id != candidate.pk:
            where.problem(
                "application_external_id",
                "Another candidate's application has this external id.",
            )
            return
        if application.loop.key != key:
            where.problem(
                "application_external_id",
                f"This application is on the loop “{application.loop.key}”, not “{shown(key)}”.",
            )
            return
    elif candidate is not None:
        application = found.open_applications.get((candidate.pk, key))
        if application is not None and plan.application_external_id and application.external_id:
            where.problem(
                "application_external_id",
                f"The candidate's open application on “{key}” has the external id "
                f"“{shown(application.external_id)}”.",
            )
            return
    if application is None:
        plan.new_application = True
        return
    plan.application = application
    if plan.application_external_id and not application.external_id:
        plan.application_changes.append("external id")
    if plan.committee_emails is not None:
        current = {u.pk for u in application.committee.all()}
        if current != {u.pk for u in plan.committee}:
            plan.application_changes.append("committee")


def committee_users(plan: RowPlan, found: Lookups, where: Located) -> list:
    users = []
    for email in plan.committee_emails or ():
        matches = found.committee.get(email.casefold(), [])
        if not matches:
            where.problem(
                "committee_emails", f"No active committee member has the email “{shown(email)}”."
            )
        elif len(matches) > 1:
            where.problem(
                "committee_emails",
                f"{len(matches)} committee members share the email “{shown(email)}”.",
            )
        else:
            users.append(matches[0])
    return users
