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
    # An API operation (/api/v1/): the persona calls it with a token of their own holding
    # every scope (anonymous: no token), `data` sent as a JSON body (query for GET).
    api: bool = False


# The personas where independence could leak (tests/access/personas.py seats them on
# world.application): recruiters who also interview there, one still owing their
# scorecard and one whose scorecard is in; a shadow; a committee member who also
# interviews there (pending); a committee member of it replaced on the interview after
# starting their scorecard (still theirs, still pending). `other_committee` is the
# committee member not on the application, `nobody` the user with no role.
RECRUITERS = ("recruiter", "admin", "recruiter_interviewer", "recruiter_interviewer_submitted")
# Not recruiters, yet they see world.application: on its interview or its committee.
ON_THE_APPLICATION = (
    "interviewer",
    "shadow",
    "committee",
    "committee_interviewer",
    "replaced_interviewer",
)
# Still owing their own scorecard on world.application (independence holds them back).
PENDING = (
    "interviewer",
    "shadow",
    "recruiter_interviewer",
    "committee_interviewer",
    "replaced_interviewer",
)


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
        "shadow": status,
        "recruiter_interviewer": status,
        "recruiter_interviewer_submitted": status,
        "committee_interviewer": status,
        "replaced_interviewer": status,
    }


def recruiters(status: int, *, others: int = 403) -> dict[str, int]:
    """Recruiters and admins (whatever else they are) get `status`; the others `others`."""
    return {**everyone(others), **dict.fromkeys(RECRUITERS, status)}


def api_everyone(status: int) -> dict[str, int]:
    """An API operation everyone with a token gets `status` from; no token: 401."""
    return everyone(status, anonymous=401)


def api_recruiters(status: int, *, others: int = 403) -> dict[str, int]:
    return {**recruiters(status, others=others), "anonymous": 401}


def admins(status: int, *, others: int = 403) -> dict[str, int]:
    return {**everyone(others), "admin": status}


def registry() -> dict[str, Access]:
    """Every module beside this one that defines ENTRIES, merged (one module per area)."""
    import importlib
    import pkgutil
    from pathlib import Path

    merged: dict[str, Access] = {}
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name in {"registry", "personas"} or info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"{__package__}.{info.name}")
        entries = getattr(module, "ENTRIES", {})
        overlap = merged.keys() & entries.keys()
        assert not overlap, f"URL names registered twice: {overlap}"
        merged.update(entries)
    return merged
