"""A cohort for the validity page through the services: interviewed, hired, reviewed.

The scoring loop (tests.factories.make_scoring_loop) has two stages: "Technical" rates
Ownership and Systems design, "Values" rates Systems design only. Reviews are saved as
rows (the reviews area's entry service is the user's path; the page only reads them).
"""

from datetime import timedelta

from candidates.services import change_status
from outcomes.models import PerformanceReview
from tests.factories import make_application, make_user
from tests.scoring.committee_setup import submitted_card


def interviewed(loop, scores: dict[str, int], *, panel, recommendation="yes", by=None):
    """An application whose Technical panel (people in `panel`) submitted `scores`."""
    application = make_application(loop=loop, by=by)
    for person in panel:
        submitted_card(
            application, "Technical", scores, person=person, recommendation=recommendation, by=by
        )
    return application


def hire(application, overall: int, *, months: int = 12, scale_max: int = 5, by=None):
    """Mark hired and review `months` after the last interview."""
    change_status(application, "hired", by=by)
    last = application.interviews.order_by("-starts_at").first().starts_at.date()
    return PerformanceReview.objects.create(
        application=application,
        reviewed_on=last + timedelta(days=round(months * 30.44)),
        reviewer_name="Morgan Manager",
        overall=overall,
        scale_max=scale_max,
    )


def cohort(loop, hires: int, *, by=None, panel=None, rejected: int = 4):
    """`hires` hires whose Ownership score predicts performance, and a few rejected people.

    Ownership runs 2..5 with performance rising with it (one step off every fourth hire);
    Systems design is the same for everyone but alternates, so it predicts nothing.
    """
    panel = panel or [make_user(groups=("interviewer",)) for _ in range(2)]
    made = []
    for i in range(hires):
        ownership = 2 + i % 4
        systems = 3 + (i // 4) % 2
        application = interviewed(
            loop,
            {"Ownership": ownership, "Systems design": systems},
            panel=panel,
            recommendation="strong_yes" if ownership >= 4 else "yes",
            by=by,
        )
        overall = min(5, ownership - 1 + (1 if i % 4 == 0 else 0))
        hire(application, overall, by=by)
        made.append(application)
    for i in range(rejected):
        interviewed(
            loop,
            {"Ownership": 1, "Systems design": 2 + i % 3},
            panel=panel,
            recommendation="strong_no",
            by=by,
        )
    return made
