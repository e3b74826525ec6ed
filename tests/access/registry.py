"""What each persona gets from each URL: the registry the URL x persona test walks.

Every named URL pattern of the project must have an entry here (one module per
app, merged below); a URL without one fails the test, so a new page cannot
forget its permission check.

    "rubrics:question_detail": Access(
        kwargs=lambda world: {"pk": world.catalogue.question.pk},
        expect=recruiters(200),
    )
"""

from collections.abc import Callable
from dataclasses import dataclass, field

ANON_REDIRECT = 302  # LoginRequiredMiddleware sends anonymous visitors to sign in.


@dataclass(frozen=True)
class Access:
    expect: dict[str, int]
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] = field(default=lambda world: {})


def everyone(status: int, *, anonymous: int = ANON_REDIRECT) -> dict[str, int]:
    return {
        "anonymous": anonymous,
        "nobody": status,
        "recruiter": status,
        "interviewer": status,
        "other_interviewer": status,
        "committee": status,
        "other_committee": status,
        "admin": status,
    }


def recruiters(status: int, *, others: int = 403) -> dict[str, int]:
    """Recruiters and admins get `status`; every other signed-in persona `others`."""
    return {**everyone(others), "recruiter": status, "admin": status}


def admins(status: int, *, others: int = 403) -> dict[str, int]:
    return {**everyone(others), "admin": status}


def registry() -> dict[str, Access]:
    """Every module beside this one that defines ENTRIES, merged (one module per area)."""
    import importlib
    import pkgutil
    from pathlib import Path

    merged: dict[str, Access] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in {"registry"} or info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        entries = getattr(module, "ENTRIES", {})
        overlap = merged.keys() & entries.keys()
        assert not overlap, f"URL names registered twice: {overlap}"
        merged.update(entries)
    return merged
