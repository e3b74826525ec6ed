"""Who may read or write which scorecard (DESIGN: People and permissions; independence).

- A scorecard's author reads and writes it (a draft is theirs alone); an interviewer
  replaced after starting keeps their scorecard and may finish it.
- Anyone else reads only a *submitted* scorecard, and only if they may review the
  application (`may_review`, the one rule for reading what others said: not awaiting
  their own review of it, whatever their groups and seats, and a recruiter or admin, a
  committee member of the application, or a colleague on it whose own scorecard is
  submitted when the loop lets peers read each other).
- Deciding, the audit trail and the packets: `may_decide` (recruiters and the
  application's committee, with the same independence rule).

Not readable → 404; readable but not theirs to change → 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.http import Http404

from accounts.permissions import is_recruiter
from candidates.access import awaiting_own_review, is_committee_member
from candidates.models import Application

from .models import QuestionNote, Rating, Scorecard


def scorecards_for_page() -> QuerySet[Scorecard]:
    return Scorecard.objects.select_related(
        "assignment__person",
        "assignment__interview__stage",
        "assignment__interview__application__candidate",
        "assignment__interview__application__loop__role",
        "assignment__interview__application__loop__level",
        "assignment__interview__application__loop__scale",
    )


def own_submitted(user, application) -> bool:
    return Scorecard.objects.filter(
        assignment__person=user,
        assignment__interview__application=application,
        status=Scorecard.Status.SUBMITTED,
    ).exists()


def may_review(user, application) -> bool:
    """The one rule for reading what others said about an application.

    Never while the user's own scorecard on it is pending (`models.pending_review`:
    whatever their groups and seat, a replaced seat with a started scorecard
    included); then recruiters and admins, the application's committee, and — when
    the loop allows — colleagues on it whose own scorecard is submitted.
    """
    if awaiting_own_review(user, application):
        return False
    if is_recruiter(user) or is_committee_member(user, application):
        return True
    return application.loop.peers_may_read and own_submitted(user, application)


def may_decide(user, application) -> bool:
    """Decide, read the audit trail and the packets: recruiters and the committee.

    With the same independence rule as `may_review`.
    """
    if not (is_recruiter(user) or is_committee_member(user, application)):
        return False
    return not awaiting_own_review(user, application)


def reviewable_application_ids(user) -> QuerySet:
    """`may_review` in SQL: ids of the applications whose others' views `user` may read.

    A subquery for lists (the API's scorecards and decisions): the same rule, one query
    however many applications.
    """
    applications = Application.objects.exclude(
        pk__in=Scorecard.objects.pending_application_ids(user)
    )
    if is_recruiter(user):
        return applications.values("pk")
    own_submitted_ids = Scorecard.objects.filter(
        assignment__person=user, status=Scorecard.Status.SUBMITTED
    ).values("assignment__interview__application_id")
    return applications.filter(
        Q(pk__in=user.committee_applications.values("pk"))
        | Q(loop__peers_may_read=True, pk__in=own_submitted_ids)
    ).values("pk")


def decidable_application_ids(user) -> QuerySet:
    """`may_decide` in SQL: ids of the applications `user` may decide and read packets of."""
    applications = Application.objects.exclude(
        pk__in=Scorecard.objects.pending_application_ids(user)
    )
    if not is_recruiter(user):
        applications = applications.filter(pk__in=user.committee_applications.values("pk"))
    return applications.values("pk")


def readable_scorecards(user) -> QuerySet[Scorecard]:
    """`may_read` in SQL, submitted ones only: the user's own, and others' they may review."""
    return Scorecard.objects.submitted().filter(
        Q(assignment__person=user)
        | Q(assignment__interview__application_id__in=reviewable_application_ids(user))
    )


def pending_audit_scopes(user) -> QuerySet:
    """Audit scopes ("application:<pk>") of applications the user's own review is pending on.

    A subquery for `accounts.audit.visible_entries`: every entry about such an
    application (submissions with their recommendation, decisions with their outcome,
    and the rest, since even a verb tells who has said what) stays hidden until then.
    """
    return (
        Scorecard.objects.pending_of(user)
        .annotate(
            audit_scope=Concat(
                Value("application:"),
                Cast("assignment__interview__application_id", CharField()),
                output_field=CharField(),
            )
        )
        .values("audit_scope")
    )


def may_read(user, scorecard: Scorecard) -> bool:
    """May `user` read this scorecard (the rules above)?"""
    if scorecard.assignment.person_id == user.pk:
        return True
    if not scorecard.is_submitted:
        return False
    return may_review(user, scorecard.assignment.interview.application)


def get_scorecard_for(user, pk: int, *, write: bool = False) -> Scorecard:
    """The scorecard, if the user may read it; `write`: only its author may."""
    scorecard = scorecards_for_page().filter(pk=pk).first()
    if scorecard is None or not may_read(user, scorecard):
        raise Http404("No such scorecard.")
    if write and scorecard.assignment.person_id != user.pk:
        raise PermissionDenied
    return scorecard


def get_own_note(user, scorecard_pk: int, pk: int) -> QuestionNote:
    """A note of the user's own scorecard, with what autosave needs, in one query."""
    note = (
        QuestionNote.objects.select_related("scorecard__assignment", "planned__question")
        .filter(pk=pk, scorecard_id=scorecard_pk)
        .first()
    )
    return _own_part(user, note)


def get_own_rating(user, scorecard_pk: int, pk: int) -> Rating:
    """A rating of the user's own scorecard, with its loop's scale id, in one query."""
    rating = (
        Rating.objects.select_related(
            "scorecard__assignment__interview__application__loop", "competency"
        )
        .filter(pk=pk, scorecard_id=scorecard_pk)
        .first()
    )
    return _own_part(user, rating)


def _own_part(user, part):
    if part is None:
        raise Http404("No such part of a scorecard.")
    if part.scorecard.assignment.person_id != user.pk:
        # A colleague's draft is not even visible; a submitted one may be, read-only.
        get_scorecard_for(user, part.scorecard_id)
        raise PermissionDenied
    return part


def get_application_for_review(user, pk: int, *, decide: bool = False):
    """An application's committee view, for those who `may_review` it (`may_decide`).

    Whoever can see the application but not this gets 403; a person still owing their
    own scorecard is told so.
    """
    from candidates.access import get_application_for

    application = get_application_for(user, pk)
    if awaiting_own_review(user, application):
        raise PermissionDenied("Submit your own scorecard for this candidate first.")
    if may_decide(user, application) if decide else may_review(user, application):
        return application
    raise PermissionDenied


# Parts whose owner a save has already checked, per process: (kind, scorecard, part) →
# (person id, what validating the part needs: a checklist, a scale id). Safe to keep:
# a scorecard someone has written in is never handed to anyone else (only untouched
# ones are), and a published loop's questions and scale are locked. Remembered only
# after a checked, successful save, so later saves of the same part skip the read.
_known_parts: dict[tuple[str, int, int], tuple[int, object]] = {}
KNOWN_PARTS_MAX = 50_000


def known_part(kind: str, scorecard_pk: int, pk: int, user) -> tuple[bool, object]:
    """(True, what the part needs) if `user` was found to own this part before."""
    known = _known_parts.get((kind, scorecard_pk, pk))
    if known is None or known[0] != user.pk:
        return False, None
    return True, known[1]


def remember_part(kind: str, scorecard_pk: int, pk: int, person_id: int, needs=None) -> None:
    if len(_known_parts) >= KNOWN_PARTS_MAX:
        _known_parts.clear()
    _known_parts[(kind, scorecard_pk, pk)] = (person_id, needs)
