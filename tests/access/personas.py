"""Seat the personas where independence could leak on one application (services only).

Shared by the URL x persona registry test and the leak check, so both walk the same
people: see `registry.RECRUITERS`, `ON_THE_APPLICATION` and `PENDING` for who is who.
"""

from collections.abc import Callable

from candidates.scheduling import replace_assignment
from candidates.services import set_committee
from tests.factories import assign, fill_scorecard, make_user, submit_filled_scorecard


def no_text(persona: str) -> dict:
    return {}


def seat_personas(
    request, application, interview, fill_for: Callable[[str], dict] = no_text
) -> dict:
    """The leak-prone personas on `interview` of `application`.

    `fill_for(persona)`: what that persona writes (fill_scorecard's keywords). Returns
    the scorecards by persona name (the replaced one's is still its author's).
    """
    person = request.getfixturevalue
    committee = list(application.committee.all())
    set_committee(
        application,
        [*committee, person("committee_interviewer"), person("replaced_interviewer")],
        by=None,
    )
    cards = {
        "shadow": assign(interview, person("shadow"), "shadow").scorecard,
        "recruiter_interviewer": assign(interview, person("recruiter_interviewer")).scorecard,
        "committee_interviewer": assign(interview, person("committee_interviewer")).scorecard,
    }
    submitted = assign(interview, person("recruiter_interviewer_submitted")).scorecard
    cards["recruiter_interviewer_submitted"] = submit_filled_scorecard(
        submitted, **fill_for("recruiter_interviewer_submitted")
    )
    # Started, then someone else takes the seat: the scorecard stays with its author.
    replaced = assign(interview, person("replaced_interviewer")).scorecard
    cards["replaced_interviewer"] = fill_scorecard(replaced, **fill_for("replaced_interviewer"))
    replace_assignment(replaced.assignment, make_user(groups=("interviewer",)), by=None)
    return cards
