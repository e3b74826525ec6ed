"""Access registry: candidate erasure and the subject-access export (recruiters and admins).

`interviewer` and `committee` see world.candidate, so its privacy actions are
forbidden to them (403); everyone else who cannot see it gets 404. An empty POST
to the erasure is bad input (no name typed): recruiters get the form back, nothing
is erased.
"""

from .registry import ON_THE_APPLICATION, RECRUITERS, Access, everyone


def candidate(world) -> dict:
    return {"pk": world.candidate.pk}


def recruiters_only(status: int) -> dict[str, int]:
    """A recruiter still owing their own scorecard on the candidate gets 403 too."""
    return {
        **everyone(404),
        **dict.fromkeys(RECRUITERS, status),
        **dict.fromkeys(ON_THE_APPLICATION, 403),
        "recruiter_interviewer": 403,
    }


ENTRIES = {
    "candidates:candidate_erase": Access(
        method="post", kwargs=candidate, expect=recruiters_only(200)
    ),
    "candidates:candidate_export": Access(kwargs=candidate, expect=recruiters_only(200)),
}
