"""Access registry: scheduling interviews and the people on them.

The world's application (`world.application`) has one interview (`world.interview`)
with the `interviewer` persona assigned (`world.assignment`, scorecard untouched)
and the `committee` persona reviewing. Empty POSTs are bad input: recruiters get
the page back with the errors at their fields (200). Removing the untouched
assignment succeeds and returns to the application page (302).
"""

from .registry import ON_THE_APPLICATION, RECRUITERS, Access, everyone


def application(world) -> dict:
    return {"pk": world.application.pk}


def interview(world) -> dict:
    return {"pk": world.interview.pk}


def assignment(world) -> dict:
    return {"pk": world.assignment.pk}


def change(status: int) -> dict[str, int]:
    """Recruiters `status`; those who see the application 403; everyone else 404."""
    return {
        **everyone(404),
        **dict.fromkeys(RECRUITERS, status),
        **dict.fromkeys(ON_THE_APPLICATION, 403),
    }


ENTRIES = {
    # No stage named (each row's hidden field): refused with a message, back to the page.
    "candidates:interview_schedule": Access(method="post", kwargs=application, expect=change(302)),
    "candidates:interview_detail": Access(
        kwargs=interview, expect={**change(200), **dict.fromkeys(ON_THE_APPLICATION, 200)}
    ),
    "candidates:interview_reschedule": Access(method="post", kwargs=interview, expect=change(200)),
    "candidates:interview_state": Access(method="post", kwargs=interview, expect=change(200)),
    "candidates:assignment_add": Access(method="post", kwargs=interview, expect=change(200)),
    "candidates:assignment_replace": Access(method="post", kwargs=assignment, expect=change(200)),
    "candidates:assignment_remove": Access(method="post", kwargs=assignment, expect=change(302)),
}
