"""Access registry: the API's candidates, people, applications, interviews, loops and banks.

The same people as the pages (candidates.access): recruiters and admins see and manage
everything; those on world.application's interview or committee
(`registry.ON_THE_APPLICATION`) read its candidate, application and interviews but
change nothing (403); everyone else gets 404 for those objects and 403 for the
recruiters' own lists (candidates, people, loops, banks). Lists of what one may see
(applications, interviews) answer 200 to everyone with a token. No token: 401.
Unknown paths under /api/v1/ answer a 404 problem to everyone.
"""

from datetime import timedelta

from .registry import ON_THE_APPLICATION, RECRUITERS, Access, api_everyone, api_recruiters


def seen(status: int, *, theirs: int | None = None) -> dict[str, int]:
    """Recruiters `status`; the application's people `theirs` (default: `status`); others 404."""
    return {
        **api_everyone(404),
        **dict.fromkeys(RECRUITERS, status),
        **dict.fromkeys(ON_THE_APPLICATION, status if theirs is None else theirs),
    }


def candidate(world) -> dict:
    return {"id": world.candidate.pk}


def application(world) -> dict:
    return {"id": world.application.pk}


def interview(world) -> dict:
    return {"id": world.interview.pk}


def later(days: int) -> str:
    from django.utils import timezone

    return (timezone.now() + timedelta(days=days)).isoformat()


def new_candidate_on_published(world) -> dict:
    from tests.factories import make_candidate

    return {"candidate_id": make_candidate().pk, "loop_key": world.published.key}


def stranger_interview(world) -> dict:
    stage = world.published.stages.get()
    return {
        "application_id": world.stranger_application.pk,
        "stage_id": stage.pk,
        "starts_at": later(3),
    }


def new_interviewer(world) -> dict:
    from tests.factories import make_user

    return {"person_id": make_user(groups=("interviewer",)).pk, "role": "interviewer"}


def bank_file(world) -> dict:
    from rubrics.bankfile import export_bank

    return {"text": export_bank(world.catalogue.bank), "dry_run": True}


PERSON = {"name": "Robin Registry", "email": "robin@example.org"}

ENTRIES = {
    "api-v1:candidate_list": Access(api=True, expect=api_recruiters(200)),
    "api-v1:candidate_create": Access(
        api=True, method="post", data=lambda world: PERSON, expect=api_recruiters(201)
    ),
    "api-v1:candidate_detail": Access(api=True, kwargs=candidate, expect=seen(200)),
    "api-v1:candidate_update": Access(
        api=True,
        method="patch",
        kwargs=candidate,
        data=lambda world: {"name": "Casey C. Candidate"},
        expect=seen(200, theirs=403),
    ),
    "api-v1:candidate_upsert": Access(
        api=True,
        method="put",
        kwargs=lambda world: {"external_id": "ats-registry-1"},
        data=lambda world: PERSON,
        expect=api_recruiters(201),
    ),
    "api-v1:person_list": Access(api=True, expect=api_recruiters(200)),
    "api-v1:application_list": Access(api=True, expect=api_everyone(200)),
    "api-v1:application_detail": Access(api=True, kwargs=application, expect=seen(200)),
    "api-v1:application_create": Access(
        api=True, method="post", data=new_candidate_on_published, expect=api_recruiters(201)
    ),
    "api-v1:application_update": Access(
        api=True,
        method="patch",
        kwargs=application,
        data=lambda world: {"external_id": "ats-app-1"},
        expect=seen(200, theirs=403),
    ),
    "api-v1:interview_list": Access(api=True, expect=api_everyone(200)),
    "api-v1:interview_detail": Access(api=True, kwargs=interview, expect=seen(200)),
    "api-v1:interview_create": Access(
        api=True, method="post", data=stranger_interview, expect=api_recruiters(201)
    ),
    "api-v1:interview_update": Access(
        api=True,
        method="patch",
        kwargs=interview,
        data=lambda world: {"starts_at": later(2)},
        expect=seen(200, theirs=403),
    ),
    "api-v1:assignment_list": Access(api=True, kwargs=interview, expect=seen(200)),
    "api-v1:assignment_create": Access(
        api=True,
        method="post",
        kwargs=interview,
        data=new_interviewer,
        expect=seen(201, theirs=403),
    ),
    "api-v1:loop_list": Access(api=True, expect=api_recruiters(200)),
    "api-v1:loop_detail": Access(
        api=True, kwargs=lambda world: {"id": world.published.pk}, expect=api_recruiters(200)
    ),
    "api-v1:bank_list": Access(api=True, expect=api_recruiters(200)),
    "api-v1:bank_export": Access(
        api=True,
        kwargs=lambda world: {"key": world.catalogue.bank.key},
        expect=api_recruiters(200),
    ),
    "api-v1:bank_import": Access(
        api=True, method="post", data=bank_file, expect=api_recruiters(200)
    ),
    "api-v1:api-root": Access(api=True, expect={**api_everyone(404), "anonymous": 404}),
    "api-v1:not_found": Access(
        api=True,
        kwargs=lambda world: {"path": "no-such-resource/1"},
        expect={**api_everyone(404), "anonymous": 404},
    ),
}
