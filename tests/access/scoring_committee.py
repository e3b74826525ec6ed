"""Access registry: the committee view, decisions, calibration, reliability, the export.

Whoever still owes their own scorecard on the application (`registry.PENDING`:
the interviewer, the shadow, the recruiter and the committee member who interview, the
replaced committee member) gets 403 — they may see the application, not the others'
views of it;
people with nothing to do with it get 404. An empty decision is bad input (422).
Calibration, reliability and the export are the recruiters' (403 for everyone else);
the export names its loop explicitly.
"""

from .registry import PENDING, RECRUITERS, Access, everyone, recruiters

REVIEWERS = {*RECRUITERS, "committee"}


def reviewers(status: int) -> dict[str, int]:
    """Reviewers `status`; whoever owes their own scorecard on it 403, whatever their seat."""
    return {**everyone(404), **dict.fromkeys(REVIEWERS, status), **dict.fromkeys(PENDING, 403)}


def application(world) -> dict:
    return {"pk": world.application.pk}


def the_interviewer(world) -> dict:
    return {"pk": world.assignment.person_id}


def published_loop(world) -> dict:
    return {"loop": world.published.key}


ENTRIES = {
    "scoring:committee": Access(kwargs=application, expect=reviewers(200)),
    "scoring:decision_record": Access(method="post", kwargs=application, expect=reviewers(422)),
    "scoring:calibration": Access(expect=recruiters(200)),
    "scoring:calibration_person": Access(kwargs=the_interviewer, expect=recruiters(200)),
    "scoring:reliability": Access(expect=recruiters(200)),
    "scoring:ratings_csv": Access(data=published_loop, expect=recruiters(200)),
}
