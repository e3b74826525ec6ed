"""Access registry: adverse impact (recruiters and admins), the self-identification link
a recruiter makes, and the candidate's page behind it (anyone holding the link).

The page and its CSV are the recruiters' (403 for everyone else signed in). The link is
made from an application: those who see it but are not recruiters get 403, those who
cannot see it 404. The candidate's page needs no sign-in: a fresh link answers 200 to
every persona, anonymous included.
"""

from outcomes.fairness import selfid

from .registry import ON_THE_APPLICATION, RECRUITERS, Access, everyone, recruiters


def application(world) -> dict:
    return {"pk": world.application.pk}


def fresh_link(world) -> dict:
    # The stranger's: world.application may have answered already (the leak check's).
    _, token = selfid.invite(world.stranger_application, by=None)
    return {"token": token}


def loop(world) -> dict:
    return {"loop": world.published.key}


ENTRIES = {
    "outcomes:fairness": Access(data=loop, expect=recruiters(200)),
    "outcomes:fairness_csv": Access(data=loop, expect=recruiters(200)),
    "outcomes:fairness_self_id_invite": Access(
        method="post",
        kwargs=application,
        expect={
            **everyone(404),
            **dict.fromkeys(RECRUITERS, 200),
            **dict.fromkeys(ON_THE_APPLICATION, 403),
        },
    ),
    "outcomes:fairness_self_id": Access(kwargs=fresh_link, expect=everyone(200, anonymous=200)),
}
