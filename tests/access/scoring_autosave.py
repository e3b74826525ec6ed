"""Access registry: autosaving a scorecard's parts (its author only).

The world's `interviewer` persona holds `world.scorecard`, a draft: nobody else may
even learn it exists (404), whatever their groups. An empty POST is bad input for the
author (422, the message in the status element; nothing saved).
"""

from .registry import Access, everyone


def note(world) -> dict:
    return {"scorecard": world.scorecard.pk, "pk": world.scorecard.notes.first().pk}


def rating(world) -> dict:
    return {"scorecard": world.scorecard.pk, "pk": world.scorecard.ratings.first().pk}


def scorecard(world) -> dict:
    return {"pk": world.scorecard.pk}


AUTHOR_ONLY = {**everyone(404), "interviewer": 422}

ENTRIES = {
    "scoring:note_save": Access(method="post", kwargs=note, expect=AUTHOR_ONLY),
    "scoring:rating_save": Access(method="post", kwargs=rating, expect=AUTHOR_ONLY),
    "scoring:overall_save": Access(method="post", kwargs=scorecard, expect=AUTHOR_ONLY),
}
