"""Access registry: pipelines (recruiters and admins only; everyone else 403).

A pipeline belongs to a loop key, so even the draft loop's pk answers (its key has
no applications); a missing loop is 404, but only recruiters ever learn that.
"""

from .registry import Access, recruiters


def published(world) -> dict:
    return {"pk": world.published.pk}


ENTRIES = {
    "scoring:pipelines": Access(expect=recruiters(200)),
    "scoring:pipeline": Access(kwargs=published, expect=recruiters(200)),
}
