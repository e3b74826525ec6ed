"""Who may see which candidate, application and interview (DESIGN: People and permissions).

- Recruiters and admins see everything, except where they interview themselves:
  a recruiter who interviews is an interviewer for that application.
- Interviewers (and shadows) see the applications they are assigned to: the
  candidate's name, role, level, CV and links; never recruiter notes.
- Committee members see the applications they are assigned to review.
- Independence: until a person's own scorecard for an application is submitted, they
  get nothing of others' views about it (recruiter notes included). The scoring app
  registers how to tell (`register_pending_review`); this module imports nothing above it.

An object the user may not see → 404; a visible object, forbidden action → 403.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.permissions import is_recruiter

from .models import Application, Assignment, Candidate, Interview

_pending_checks: list[Callable[[object, Application], bool]] = []
_review_rules: dict[str, Callable[[object, Application], bool]] = {}


def register_pending_review(check: Callable[[object, Application], bool]) -> None:
    """`check(user, application)`: True while the user's own review of it is unsubmitted."""
    if check not in _pending_checks:
        _pending_checks.append(check)


def register_review_rules(
    *,
    review: Callable[[object, Application], bool],
    decide: Callable[[object, Application], bool],
) -> None:
    """The scoring app's rules for reading what others said and for deciding."""
    _review_rules.update(review=review, decide=decide)


def _remembered(application: Application, name: str, user, compute: Callable[[], bool]) -> bool:
    """Answer once per application object and user: one page asks several rules."""
    cache = application.__dict__.setdefault("_access_answers", {})
    key = (name, getattr(user, "pk", None))
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def awaiting_own_review(user, application: Application) -> bool:
    return _remembered(
        application,
        "pending",
        user,
        lambda: any(check(user, application) for check in _pending_checks),
    )


def may_review(user, application: Application) -> bool:
    """May read the others' scorecards, the committee view (scoring.access.may_review)."""
    rule = _review_rules.get("review")
    return bool(rule and rule(user, application))


def may_decide(user, application: Application) -> bool:
    """May decide and read the packets (scoring.access.may_decide)."""
    rule = _review_rules.get("decide")
    return bool(rule and rule(user, application))


def visible_applications(user) -> QuerySet[Application]:
    """The applications a user may see at all."""
    if is_recruiter(user):
        return Application.objects.all()
    return Application.objects.filter(
        Q(pk__in=assigned_application_ids(user)) | Q(committee=user)
    ).distinct()


def assigned_application_ids(user):
    return Assignment.objects.active().filter(person=user).values("interview__application_id")


def seated_application_ids(user):
    """Applications the user has ever had a seat on, replaced seats included (a subquery).

    Only there can their own review be pending: a replaced seat keeps a started scorecard.
    """
    return Assignment.objects.filter(person=user).values("interview__application_id")


def status_hidden_ids(user, applications) -> set[int]:
    """Of `applications`, those whose status `user` may not see yet.

    A decision moves the status (Hire → offer, No hire → rejected), so the status tells
    the decision: hidden while the user's own review is pending. Asked only about the
    applications the user sits on, so a page's queries do not grow with the others.
    """
    seated = set(
        seated_application_ids(user)
        .filter(interview__application__in=[a.pk for a in applications])
        .values_list("interview__application_id", flat=True)
    )
    return {a.pk for a in applications if a.pk in seated and awaiting_own_review(user, a)}


def visible_candidates(user) -> QuerySet[Candidate]:
    if is_recruiter(user):
        return Candidate.objects.filter(erased_at__isnull=True)
    return Candidate.objects.filter(
        applications__in=visible_applications(user), erased_at__isnull=True
    ).distinct()


def may_read_recruiter_notes(user, candidate: Candidate, applications=None) -> bool:
    """Recruiters, unless they are themselves awaiting their own review of this candidate."""
    if not is_recruiter(user):
        return False
    applications = candidate.applications.all() if applications is None else applications
    return not any(awaiting_own_review(user, a) for a in applications)


def is_assigned(user, application: Application) -> bool:
    return (
        Assignment.objects.active().filter(person=user, interview__application=application).exists()
    )


def is_committee_member(user, application: Application) -> bool:
    return _remembered(
        application,
        "committee",
        user,
        lambda: application.committee.filter(pk=user.pk).exists(),
    )


def get_candidate_for(user, pk: int, *, write: bool = False) -> Candidate:
    candidate = get_object_or_404(visible_candidates(user), pk=pk)
    if write and not is_recruiter(user):
        raise PermissionDenied
    return candidate


def get_application_for(user, pk: int, *, write: bool = False) -> Application:
    application = get_object_or_404(
        visible_applications(user).select_related("candidate", "loop__role", "loop__level"), pk=pk
    )
    if write and not is_recruiter(user):
        raise PermissionDenied
    return application


def get_interview_for(user, pk: int, *, write: bool = False) -> Interview:
    interview = get_object_or_404(
        Interview.objects.filter(application__in=visible_applications(user)).select_related(
            "application__candidate", "application__loop", "stage"
        ),
        pk=pk,
    )
    if write and not is_recruiter(user):
        raise PermissionDenied
    return interview
