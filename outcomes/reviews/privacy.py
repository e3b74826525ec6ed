"""Performance reviews and the candidate's personal data (candidates.privacy).

Erasure keeps each review's numbers (date, overall and per-competency ratings, scale)
for the validity figures, anonymised, and removes the comment and the reviewer's name
(`anonymised_at` set). The subject-access export includes every review in full.
Retention is candidates.privacy's: a hire is erased RETENTION_DAYS after the
application closed (became hired), and their reviews are anonymised with the rest.
"""

from django.dispatch import receiver

from candidates.signals import candidate_erasing

from .services import anonymise_reviews

REVIEW_PREFETCH = ("performance_reviews__competency_ratings__competency",)


@receiver(candidate_erasing, dispatch_uid="outcomes-anonymise-reviews")
def anonymise_on_erasure(sender, candidate, **kwargs) -> None:
    anonymise_reviews(candidate.applications.values("pk"))


def reviews_export(application) -> dict:
    """The application's performance reviews, for the candidate's export."""
    return {
        "performance_reviews": [
            {
                "reviewed_on": review.reviewed_on.isoformat(),
                "reviewer": review.reviewer_name,
                "overall": review.overall,
                "scale_max": review.scale_max,
                "competency_ratings": {
                    r.competency.name: r.value for r in review.competency_ratings.all()
                },
                "comment": review.comment,
                "anonymised_at": review.anonymised_at.isoformat() if review.anonymised_at else None,
            }
            for review in application.performance_reviews.all()
        ]
    }
