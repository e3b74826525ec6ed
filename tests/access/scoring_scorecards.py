"""Access registry: the scorecard screen and its forms (issue 6).

The world's scorecard (`world.scorecard`) is the `interviewer` persona's untouched
draft. A draft is its author's alone: everyone else, recruiters and admins included,
gets 404 (tests/scoring/test_scorecard_views.py covers submitted scorecards and the
independence rules). Empty POSTs are bad input: a part or backup that is not on the
scorecard goes back to the page with a message (302); submitting the empty draft shows
each missing piece (422); amending a draft sends the author back to the page (302).
"""

from .registry import Access, everyone


def scorecard(world) -> dict:
    return {"pk": world.scorecard.pk}


def author(status: int) -> dict[str, int]:
    return {**everyone(404), "interviewer": status}


ENTRIES = {
    "scoring:scorecard": Access(kwargs=scorecard, expect=author(200)),
    "scoring:part_save": Access(method="post", kwargs=scorecard, expect=author(302)),
    "scoring:backup_use": Access(method="post", kwargs=scorecard, expect=author(302)),
    "scoring:backup_undo": Access(method="post", kwargs=scorecard, expect=author(302)),
    "scoring:submit": Access(method="post", kwargs=scorecard, expect=author(422)),
    "scoring:amend": Access(kwargs=scorecard, expect=author(302)),
}
