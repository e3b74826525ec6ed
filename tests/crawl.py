"""A bounded breadth-first crawl of the site as one signed-in person, for tests/test_crawl.py.

Follows what a person can click or a page loads by itself: `<a href>`, any element's
`hx-get` (requested with htmx's header, as the browser would) and GET forms submitted
with their default values (one request per option of each select). POST forms are
never submitted. Every response is checked: a 5xx, "Traceback" or a Python "nan" in
the text is a failure, and so is a GET that writes to the database (a GET must have no
side effect). Lists are bounded: URLs that differ only in numeric path segments or
query values count as one pattern, of which at most `per_pattern` are visited.
"""

import re
import traceback
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

HOST = "testserver"
SKIPPED_PREFIXES = ("/static/", "/media/", "/accounts/logout/", "/admin/logout/")
# Django admin's confirmation pages are GETs, but one click away from a deletion.
SKIPPED_PARTS = ("/delete/",)
NAN = re.compile(r"\bnan\b", re.IGNORECASE)
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
# Signing in and the session itself are written by Django, not by the page; reading a
# candidate's CV or data export is audited on purpose (who saw what), so those GETs write
# an audit entry and are listed, not failed.
IGNORED_WRITES = ("django_session",)
AUDIT_TABLE = "accounts_auditentry"
TEXT_TYPES = ("text/", "application/json")
SEEDED = "(set up by the test)"


@dataclass(frozen=True)
class Link:
    url: str  # path and query, no host, no fragment
    htmx: bool = False


@dataclass(frozen=True)
class Failure:
    persona: str
    url: str
    referrer: str
    problem: str

    def __str__(self) -> str:
        return f"[{self.persona}] {self.url}\n    from {self.referrer}\n    {self.problem}"


@dataclass
class Crawl:
    persona: str
    visited: list[tuple[Link, int]] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    # Links a page offers that answer 4xx: reported, not failed (a recruiter's link to
    # a page an interviewer may not open is a real 403 when the test signs in as both).
    refused: list[Failure] = field(default_factory=list)
    audited: list[str] = field(default_factory=list)  # GETs that wrote only an audit entry
    left_over: int = 0  # links queued but not visited because max_pages was reached

    def summary(self) -> str:
        statuses = Counter(status for _, status in self.visited)
        shown = ", ".join(f"{n}x{code}" for code, n in sorted(statuses.items()))
        return (
            f"{self.persona}: {len(self.visited)} pages ({shown}), "
            f"{len(self.failures)} failures, {self.left_over} left over"
        )


class _LinkParser(HTMLParser):
    """Collects links, hx-get targets and GET forms (with their default values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.forms: list[tuple[str, list[tuple[str, list[str]]]]] = []
        self._form: tuple[str, list[tuple[str, list[str]]]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected
        self._skip_text = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag in ("script", "style"):
            self._skip_text += 1
        if tag == "a" and a.get("href"):
            self.links.append(Link(a["href"]))
        if "hx-get" in a:
            self.links.append(Link(a["hx-get"], htmx=True))
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = (a.get("action", ""), []) if method == "get" else None
        elif self._form is not None:
            self._form_field(tag, a)

    def _form_field(self, tag: str, a: dict[str, str]) -> None:
        name = a.get("name")
        if tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            self._select[1].append(value)
            if "selected" in a:
                self._select[2].append(value)
        elif tag in ("input", "textarea") and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form[1].append((name, [a.get("value", "on" if kind == "checkbox" else "")]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip_text:
            self._skip_text -= 1
        if tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            default = selected[:1] or options[:1]
            # The default first, then every other option: each is a page someone can get.
            self._form[1].append((name, default + [o for o in options if o not in default]))
            self._select = None
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data: str) -> None:
        if not self._skip_text:
            self.text.append(data)


def form_urls(action: str, fields: list[tuple[str, list[str]]]) -> list[str]:
    """The form with its defaults, then once per other option of each select.

    A select with no options sends nothing: it is left out before counting positions,
    so each other option replaces its own select's default.
    """
    kept = [(name, values) for name, values in fields if values]
    defaults = [(name, values[0]) for name, values in kept]
    urls = [_with_query(action, defaults)]
    for i, (_name, values) in enumerate(kept):
        for other in values[1:]:
            changed = list(defaults)
            changed[i] = (changed[i][0], other)
            urls.append(_with_query(action, changed))
    return urls


def _with_query(action: str, pairs: list[tuple[str, str]]) -> str:
    base = action.split("?", 1)[0]
    return f"{base}?{urlencode(pairs)}" if pairs else base


def local_url(href: str, base: str) -> str | None:
    """The same-host path and query `href` points to from `base`; None when it leaves."""
    if href.startswith(("mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(f"http://{HOST}{base}", href))
    if parts.scheme not in ("http", "https") or parts.netloc != HOST:
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or any(part in path for part in SKIPPED_PARTS):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def pattern(link: Link) -> tuple[bool, str, tuple[str, ...]]:
    """What similar items share: the path with numbers blanked, the query's names only.

    Django admin's change lists combine every filter, date level and ordering into new
    query names: there, one path is one pattern whatever its query (and `crawl` visits
    one of each: Django renders them, our admin.py only configures them).
    """
    parts = urlsplit(link.url)
    path = "/".join("<n>" if segment.isdigit() else segment for segment in parts.path.split("/"))
    if path.startswith("/admin/"):
        return link.htmx, path, ()
    names = tuple(sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))
    return link.htmx, path, names


def crawl(
    client: Client,
    persona: str,
    *,
    start: str = "/",
    also: tuple[str, ...] = (),
    max_pages: int = 300,
    per_pattern: int = 3,
) -> Crawl:
    """Visit what `client`'s person can reach from `start`, breadth first, within the bounds.

    `also` are pages visited next to `start` whatever links to them (the objects a test set up for
    this case, which the per-pattern bound might otherwise pass over); a 4xx there is
    expected for people who may not see them and is not listed as refused.
    """
    result = Crawl(persona)
    first = [(Link(start), "(start)")] + [(Link(url), SEEDED) for url in also]
    queue: deque[tuple[Link, str]] = deque(first)
    seen: set[Link] = {link for link, _ in first}
    per = Counter(pattern(link) for link, _ in first)
    while queue and len(result.visited) < max_pages:
        link, referrer = queue.popleft()
        for found in _visit(client, link, referrer, result):
            limit = 1 if found.url.startswith("/admin/") else per_pattern
            if found in seen or per[pattern(found)] >= limit:
                continue
            seen.add(found)
            per[pattern(found)] += 1
            queue.append((found, link.url))
    result.left_over = len(queue)
    return result


def _visit(client: Client, link: Link, referrer: str, result: Crawl) -> list[Link]:
    headers = {"HX-Request": "true"} if link.htmx else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.get(link.url, headers=headers)
    result.visited.append((link, response.status_code))

    def fail(problem: str) -> None:
        result.failures.append(Failure(result.persona, _shown(link), referrer, problem))

    if response.status_code >= 500:
        fail(f"{response.status_code}: {exception_summary(response)}")
    elif response.status_code >= 400 and referrer != SEEDED:
        result.refused.append(
            Failure(result.persona, _shown(link), referrer, str(response.status_code))
        )
    writes = database_writes(queries.captured_queries)
    if writes and all(AUDIT_TABLE in sql for sql in writes):
        result.audited.append(_shown(link))
    elif writes:
        fail(f"GET wrote to the database: {writes[0][:160]}")
    if 300 <= response.status_code < 400:
        target = local_url(response.headers.get("Location", ""), link.url)
        return [Link(target, link.htmx)] if target else []
    return _check_body(response, link, fail)


def _check_body(response, link: Link, fail) -> list[Link]:
    kind = response.headers.get("Content-Type", "")
    if not kind.startswith(TEXT_TYPES):
        return []  # PDFs and other files: the status is all there is to check
    body = _body(response).decode(response.charset or "utf-8", errors="replace")
    if not kind.startswith("text/html"):
        problems = text_problems(body)  # CSV, YAML, JSON: a "nan" there is as wrong
        links = []
    else:
        parser = _parse(body)
        problems = text_problems(" ".join(parser.text))
        links = _links(parser, link.url)
    for problem in problems:
        fail(problem)
    return links


def _parse(html: str) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    return parser


def page_links(html: str, *, base: str) -> list[Link]:
    """The same-host links of a page at `base`: what the crawl follows from it."""
    return _links(_parse(html), base)


def _links(parser: _LinkParser, base: str) -> list[Link]:
    hrefs = list(parser.links)
    for action, fields in parser.forms:
        hrefs += [Link(url) for url in form_urls(action or base, fields)]
    found = []
    for href in hrefs:
        if target := local_url(href.url, base):
            found.append(Link(target, href.htmx))
    return found


def text_problems(text: str) -> list[str]:
    """What is wrong in a page's text: a Traceback, a Python "nan"."""
    problems = []
    if "Traceback" in text:
        problems.append("the page shows a Traceback")
    if match := NAN.search(text):
        around = text[max(0, match.start() - 60) : match.end() + 60]
        problems.append(f"the page shows “{match.group()}”: …{' '.join(around.split())}…")
    return problems


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def database_writes(captured: list[dict]) -> list[str]:
    """The statements among `captured` that change rows (the session's excepted)."""
    return [
        q["sql"]
        for q in captured
        if WRITE.match(q["sql"]) and not any(table in q["sql"] for table in IGNORED_WRITES)
    ]


def _shown(link: Link) -> str:
    return f"{link.url} (htmx)" if link.htmx else link.url


def exception_summary(response) -> str:
    """The exception a 5xx came from, with the project's innermost frames."""
    if not getattr(response, "exc_info", None):
        return "no exception recorded (a view returned a 5xx itself)"
    kind, error, tb = response.exc_info
    root = str(Path(settings.BASE_DIR))
    ours = [
        f"{Path(frame.filename).relative_to(root)}:{frame.lineno} in {frame.name}"
        for frame in traceback.extract_tb(tb)
        if frame.filename.startswith(root) and "/.venv/" not in frame.filename
    ]
    where = " <- ".join(reversed(ours[-3:])) or "outside the project's code"
    return f"{kind.__name__}: {error} (at {where})"
