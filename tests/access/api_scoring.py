"""Access registry: the API's scorecards, decisions, packets and performance reviews.

The same people as the pages. A scorecard (the submitted one of the persona
`recruiter_interviewer_submitted`) and a decision are read by whoever may review the
application and does not owe their own scorecard on it: recruiters, admins, the
committee, and the scorecard's author; everyone else gets 404. Recording a decision:
403 for those who see the application but may not decide (or still owe their own
scorecard), 404 for those who do not see it. Packets: 404 for all but those who may
decide. Reviews: recruiters and admins (403 for the others, as the pages); the bodies
sent name an application that is not hired, so recruiters get 422 from the rules.
"""

from datetime import date

from .registry import PENDING, RECRUITERS, Access, api_everyone, api_recruiters
from .scoring_packets import PACKET_READERS, ready_packet

# Who may read colleagues' scorecards and the decisions of world.application.
REVIEWERS = ({*RECRUITERS, "committee"} - set(PENDING)) | {"recruiter_interviewer_submitted"}
# Who sees world.application at all (else 404).
SEE_APPLICATION = {*RECRUITERS, "interviewer", "shadow", "committee"} | {
    "committee_interviewer",
    "replaced_interviewer",
}


def reviewers(status: int, others: int = 404) -> dict[str, int]:
    return {**api_everyone(others), **dict.fromkeys(REVIEWERS, status)}


def packet_readers(status: int) -> dict[str, int]:
    return {**api_everyone(404), **dict.fromkeys(PACKET_READERS, status)}


def deciders(status: int) -> dict[str, int]:
    """As the committee page's form: 404 unseen, 403 seen but not theirs to decide."""
    expect = api_everyone(404)
    expect.update(dict.fromkeys(SEE_APPLICATION, 403))
    expect.update(dict.fromkeys(REVIEWERS, status))
    return expect


def submitted_scorecard(world) -> dict:
    return {"id": world.persona_cards["recruiter_interviewer_submitted"].pk}


def application(world) -> dict:
    return {"id": world.application.pk}


def decision(world) -> dict:
    from scoring.models import Decision
    from tests.factories import make_user

    if not hasattr(world, "decision"):
        # Straight into the table: the leak test's world has the application closed
        # already, where the service (rightly) records no decision.
        world.decision = Decision.objects.create(
            application=world.application,
            outcome="hold",
            level=world.application.loop.level,
            rationale="Registry",
            by=make_user(groups=("recruiter",)),
        )
    return {"id": world.decision.pk}


def packet(world) -> dict:
    return {"id": ready_packet(world)["pk"]}


def review(world) -> dict:
    from outcomes.models import PerformanceReview

    if not hasattr(world, "review"):
        world.review = PerformanceReview.objects.create(
            application=world.stranger_application,
            reviewed_on=date(2026, 1, 5),
            reviewer_name="Registry",
            overall=3,
        )
    return {"id": world.review.pk}


def review_body(world) -> dict:
    return {
        "application_id": world.stranger_application.pk,
        "reviewed_on": "2026-01-05",
        "reviewer_name": "Registry",
        "overall": 3,
    }


def api(**fields) -> Access:
    return Access(api=True, **fields)


ENTRIES = {
    "api-v1:scorecard_list": api(expect=api_everyone(200)),
    "api-v1:scorecard_detail": api(kwargs=submitted_scorecard, expect=reviewers(200)),
    "api-v1:decision_list": api(expect=api_everyone(200)),
    "api-v1:decision_detail": api(kwargs=decision, expect=reviewers(200)),
    "api-v1:decision_record": api(
        method="post",
        kwargs=application,
        data=lambda world: {"outcome": "hold", "rationale": "Registry"},
        expect=deciders(201),
    ),
    "api-v1:packet_request": api(method="post", kwargs=application, expect=packet_readers(202)),
    "api-v1:packet_status": api(kwargs=packet, expect=packet_readers(200)),
    "api-v1:packet_download": api(kwargs=packet, expect=packet_readers(200)),
    "api-v1:review_list": api(expect=api_recruiters(200)),
    "api-v1:review_detail": api(kwargs=review, expect=api_recruiters(200)),
    "api-v1:review_create": api(method="post", data=review_body, expect=api_recruiters(422)),
    "api-v1:review_upsert": api(
        method="put",
        kwargs=lambda world: {"external_id": "registry-1"},
        data=review_body,
        expect=api_recruiters(422),
    ),
}
