"""Access registry: candidates and applications.

Recruiters and admins manage every candidate (`registry.RECRUITERS`, those who also
interview included). Everyone else on the application's interview or committee
(`registry.ON_THE_APPLICATION`) sees `world.candidate` and `world.application` (never
changes them: 403); everyone else gets 404 for them, and 403 for the recruiters' own
pages (list, create).
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .registry import ON_THE_APPLICATION, RECRUITERS, Access, everyone, recruiters

CV_NAME = "cvs/access-registry-cv.pdf"


def candidate(world) -> dict:
    return {"pk": world.candidate.pk}


def candidate_with_cv(world) -> dict:
    """world.candidate with a CV on file: one fixed small file, reused by every run."""
    from candidates.models import Candidate

    if not default_storage.exists(CV_NAME):
        default_storage.save(CV_NAME, ContentFile(b"%PDF-1.4\n% access registry\n"))
    Candidate.objects.filter(pk=world.candidate.pk).update(cv=CV_NAME, cv_name="casey-cv.pdf")
    return candidate(world)


def application(world) -> dict:
    return {"pk": world.application.pk}


def seen_by_its_people(status: int, *, theirs: int | None = None) -> dict[str, int]:
    """Recruiters `status`; those on the application's interview or committee `theirs`.

    Everyone else gets 404.
    """
    theirs = status if theirs is None else theirs
    return {
        **everyone(404),
        **dict.fromkeys(RECRUITERS, status),
        **dict.fromkeys(ON_THE_APPLICATION, theirs),
    }


ENTRIES = {
    "candidates:candidate_list": Access(expect=recruiters(200)),
    "candidates:candidate_create": Access(expect=recruiters(200)),
    "candidates:candidate_detail": Access(kwargs=candidate, expect=seen_by_its_people(200)),
    "candidates:candidate_edit": Access(
        kwargs=candidate, expect=seen_by_its_people(200, theirs=403)
    ),
    "candidates:candidate_cv": Access(kwargs=candidate_with_cv, expect=seen_by_its_people(200)),
    "candidates:application_create": Access(
        kwargs=candidate, expect=seen_by_its_people(200, theirs=403)
    ),
    "candidates:application_detail": Access(kwargs=application, expect=seen_by_its_people(200)),
    # No status chosen: the page again with the error at the field.
    "candidates:application_status": Access(
        method="post", kwargs=application, expect=seen_by_its_people(200, theirs=403)
    ),
    # Nobody ticked: a valid "no committee"; saved, back to the page.
    "candidates:application_committee": Access(
        method="post", kwargs=application, expect=seen_by_its_people(302, theirs=403)
    ),
}
