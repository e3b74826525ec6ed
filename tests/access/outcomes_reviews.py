"""Access registry: performance reviews of hires (recruiters and admins; everyone else 403).

The 403 comes before the lookup, so nobody else learns which applications or reviews
exist. The hire is the world's second candidate, hired; its review is made here through
the services (tests/outcomes/reviews_setup.py).
"""

from .registry import Access, recruiters


def hired(world):
    """world.stranger_application, hired (once per world), with one review."""
    if not hasattr(world, "hire"):
        from candidates.models import Application
        from candidates.services import change_status
        from tests.outcomes.reviews_setup import review

        application = world.stranger_application
        change_status(application, Application.Status.HIRED, by=None)
        world.hire = application
        world.review = review(application, None, days_after=0)
    return world


ENTRIES = {
    "outcomes:reviews_for_hire": Access(
        kwargs=lambda world: {"pk": hired(world).hire.pk}, expect=recruiters(200)
    ),
    "outcomes:reviews_create": Access(
        kwargs=lambda world: {"pk": hired(world).hire.pk}, expect=recruiters(200)
    ),
    "outcomes:reviews_edit": Access(
        kwargs=lambda world: {"pk": hired(world).review.pk}, expect=recruiters(200)
    ),
    "outcomes:reviews_delete": Access(
        kwargs=lambda world: {"pk": hired(world).review.pk},
        method="post",
        expect=recruiters(302),
    ),
    "outcomes:reviews_import": Access(expect=recruiters(200)),
}
