"""Access registry: question analytics (recruiters and admins only; everyone else 403).

Per question (every loop that asked it) and per loop key. The leak check walks them
too: a viewer who still owes a scorecard on world.application sees none of its figures.
"""

from .registry import Access, recruiters


def question(world) -> dict:
    return {"pk": world.catalogue.question.pk}


def published(world) -> dict:
    return {"pk": world.published.pk}


ENTRIES = {
    "scoring:question_analytics": Access(kwargs=question, expect=recruiters(200)),
    "scoring:loop_questions": Access(kwargs=published, expect=recruiters(200)),
}
