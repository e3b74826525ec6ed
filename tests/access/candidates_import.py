"""Access registry: the candidate CSV import pages (recruiters and admins; everyone else 403).

The 403 comes before the lookup, so nobody else learns which uploads exist. The upload
is a one-row Loopwright file, stored as the upload page stores it.
"""

from .registry import Access, recruiters

CONTENT = b"name,email\nCasey Import,casey.import@example.org\n"


def uploaded(world):
    """A pending CandidateImport (once per world)."""
    if not hasattr(world, "candidate_import"):
        from candidates.models import CandidateImport

        world.candidate_import = CandidateImport.objects.create(
            content=CONTENT, filename="candidates.csv", preset="loopwright"
        )
    return world.candidate_import


def pk(world) -> dict:
    return {"pk": uploaded(world).pk}


ENTRIES = {
    "candidates:import_upload": Access(expect=recruiters(200)),
    "candidates:import_preview": Access(kwargs=pk, expect=recruiters(200)),
    "candidates:import_mapping": Access(
        kwargs=pk,
        method="post",
        data=lambda world: {"name": "name", "email": "email"},
        expect=recruiters(302),
    ),
    "candidates:import_confirm": Access(kwargs=pk, method="post", expect=recruiters(302)),
    "candidates:import_discard": Access(kwargs=pk, method="post", expect=recruiters(302)),
}
