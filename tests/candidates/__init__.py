"""Candidates and applications: shared set-up for the view tests."""

from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
NOTES = "Asked for a relocation budget; sensitive"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def upload(name: str = "casey-cv.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def build_people(recruiter, interviewer, committee) -> SimpleNamespace:
    """A candidate (with recruiter notes) on a published two-stage loop.

    `interviewer` sits on the first stage's interview; `committee` reviews it.
    """
    loop = make_published_loop(stages=("Systems", "People"), by=recruiter)
    candidate = make_candidate(
        "Casey Candidate", email="casey@example.org", recruiter_notes=NOTES, by=recruiter
    )
    application = make_application(candidate, loop, committee=[committee], by=recruiter)
    interview = make_interview(application, by=recruiter)
    assignment = assign(interview, interviewer, by=recruiter)
    return SimpleNamespace(
        loop=loop,
        candidate=candidate,
        application=application,
        interview=interview,
        assignment=assignment,
        recruiter=recruiter,
        interviewer=interviewer,
        committee=committee,
    )
