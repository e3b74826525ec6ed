"""The database itself refuses what the code relies on never happening.

Each invariant is written past the forms and services (a raw `create` or a queryset
`update`) and must fail with IntegrityError, on SQLite locally and PostgreSQL in CI.
README ("Data safety") lists them and the ones a CHECK cannot express.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accounts.models import SignInPolicy
from candidates.models import Application, Assignment, Candidate, CandidateImport, Interview
from integrations.models import WebhookDelivery, WebhookSubscription
from interviews.models import Loop
from rubrics.models import POINT_MAX, POINT_MIN, Question, ScalePoint
from scoring.models import Decision, Packet, QuestionNote, Rating, Recommendation, Scorecard
from tests.factories import make_scorecard

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(interviewer, recruiter) -> Scorecard:
    return make_scorecard(interviewer, by=recruiter)


def refused(write) -> None:
    """`write()` raises IntegrityError (inside its own savepoint, so the test goes on)."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def only(model, pk):
    return model.objects.filter(pk=pk)


# One of a kind ----------------------------------------------------------------------


def test_one_scorecard_per_assignment(card):
    refused(lambda: Scorecard.objects.create(assignment=card.assignment))


def test_one_active_seat_per_person_per_interview(card):
    seat = card.assignment
    refused(lambda: Assignment.objects.create(interview=seat.interview, person=seat.person))


def test_a_replaced_seat_leaves_room_for_the_same_person_again(card):
    seat = card.assignment
    only(Assignment, seat.pk).update(replaced_at=timezone.now())

    again = Assignment.objects.create(interview=seat.interview, person=seat.person)

    assert again.pk != seat.pk


def test_one_note_per_planned_question_and_one_rating_per_competency(card):
    note, rating = card.notes.first(), card.ratings.first()
    refused(lambda: QuestionNote.objects.create(scorecard=card, planned=note.planned))
    refused(lambda: Rating.objects.create(scorecard=card, competency=rating.competency))


def test_one_interview_per_stage(card):
    interview = card.assignment.interview
    refused(
        lambda: Interview.objects.create(
            application=interview.application, stage=interview.stage, starts_at=timezone.now()
        )
    )


def test_one_render_in_flight_per_application(card):
    application = card.assignment.interview.application
    Packet.objects.create(application=application)
    refused(lambda: Packet.objects.create(application=application, status="rendering"))


def test_exactly_one_primary_competency_per_question(card):
    question = card.notes.first().planned.question
    # A non-null foreign key: exactly one primary, never none (secondaries are a separate
    # many-to-many; that the primary is not also among them is the question form's rule).
    refused(lambda: only(Question, question.pk).update(primary_competency=None))


# Values within their sets and ranges ----------------------------------------------------


def test_scores_stay_within_the_largest_and_smallest_point_any_scale_may_have(card):
    rating = card.ratings.first()
    refused(lambda: only(Rating, rating.pk).update(score=POINT_MAX + 1))
    refused(lambda: only(Rating, rating.pk).update(score=POINT_MIN - 1))
    only(Rating, rating.pk).update(score=POINT_MAX)  # the bounds themselves are allowed


def test_scale_points_and_loop_bars_stay_within_the_same_range(card):
    point = ScalePoint.objects.first()
    refused(lambda: only(ScalePoint, point.pk).update(value=POINT_MAX + 1))
    loop = card.assignment.interview.application.loop
    refused(lambda: only(Loop, loop.pk).update(bar=POINT_MIN - 1))


def test_a_rating_is_scored_or_not_assessed_never_both(card):
    rating = card.ratings.first()
    refused(lambda: only(Rating, rating.pk).update(score=3, not_assessed=True))


def test_a_submitted_scorecard_has_its_time(card):
    refused(lambda: only(Scorecard, card.pk).update(status="submitted", submitted_at=None))
    only(Scorecard, card.pk).update(status="locked")  # a locked draft was never submitted


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "archived"), ("recommendation", "maybe"), ("recommendation", "Yes")],
)
def test_scorecard_values_within_their_choices(card, field, value):
    refused(lambda: only(Scorecard, card.pk).update(**{field: value}))


def test_question_note_state_within_its_choices(card):
    refused(lambda: only(QuestionNote, card.notes.first().pk).update(state="pending"))


def test_decision_outcome_within_its_choices(card, recruiter):
    application = card.assignment.interview.application
    refused(
        lambda: Decision.objects.create(
            application=application,
            outcome="maybe",
            level=application.loop.level,
            rationale="x",
            by=recruiter,
        )
    )


def test_packet_status_within_its_choices_and_a_ready_packet_has_its_file(card):
    packet = Packet.objects.create(application=card.assignment.interview.application)
    refused(lambda: only(Packet, packet.pk).update(status="done"))
    refused(lambda: only(Packet, packet.pk).update(status="ready", file=""))
    only(Packet, packet.pk).update(status="ready", file="packets/p.pdf")


def test_candidate_records_within_their_choices(card):
    seat = card.assignment
    refused(lambda: only(Application, seat.interview.application_id).update(status="paused"))
    refused(lambda: only(Interview, seat.interview_id).update(state="postponed"))
    refused(lambda: only(Assignment, seat.pk).update(role="observer"))


def test_catalogue_and_loop_values_within_their_choices(card):
    question = card.notes.first().planned.question
    refused(lambda: only(Question, question.pk).update(kind="trivia"))
    loop = card.assignment.interview.application.loop
    refused(lambda: only(Loop, loop.pk).update(status="paused"))


# Rules across fields of one row ---------------------------------------------------------


def test_a_seat_names_a_replacement_only_once_replaced(card, other_interviewer):
    seat = card.assignment
    other = Assignment.objects.create(interview=seat.interview, person=other_interviewer)
    refused(lambda: only(Assignment, seat.pk).update(replaced_by=other))
    only(Assignment, seat.pk).update(replaced_by=other, replaced_at=timezone.now())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "still@example.org"),
        ("recruiter_notes", "Still here"),
        ("cv", "cvs/left.pdf"),
        ("cv_name", "left.pdf"),
    ],
)
def test_an_erased_candidate_holds_no_personal_data(card, field, value):
    candidate = card.assignment.interview.application.candidate
    blank = {"email": "", "recruiter_notes": "", "cv": "", "cv_name": ""}
    erased = timezone.now() - timedelta(minutes=1)
    only(Candidate, candidate.pk).update(erased_at=erased, **blank)

    refused(lambda: only(Candidate, candidate.pk).update(**{field: value}))


# The lists in the constraints are the models' choices ------------------------------------

CHOICE_CONSTRAINTS = [
    (Application, "status", "application_status_valid"),
    (Interview, "state", "interview_state_valid"),
    (Assignment, "role", "assignment_role_valid"),
    (Scorecard, "status", "scorecard_status_valid"),
    (QuestionNote, "state", "note_state_valid"),
    (Decision, "outcome", "decision_outcome_valid"),
    (Packet, "status", "packet_status_valid"),
    (Question, "kind", "question_kind_valid"),
    (Loop, "status", "loop_status_valid"),
    (Loop, "emphasis", "loop_emphasis_valid"),
    (CandidateImport, "status", "candidate_import_status_valid"),
    (WebhookSubscription, "kind", "webhook_kind_valid"),
    (WebhookDelivery, "status", "webhook_delivery_status_valid"),
    (SignInPolicy, "password_login", "signin_policy_password_login_valid"),
]


@pytest.mark.parametrize(("model", "field", "name"), CHOICE_CONSTRAINTS)
def test_each_choice_constraint_lists_exactly_the_fields_choices(model, field, name):
    [constraint] = [c for c in model._meta.constraints if c.name == name]
    [(lookup, values)] = constraint.condition.children

    assert lookup == f"{field}__in"
    assert sorted(values) == sorted(dict(model._meta.get_field(field).choices))


def test_the_recommendation_constraint_lists_the_recommendations_and_blank():
    [constraint] = [
        c for c in Scorecard._meta.constraints if c.name == "scorecard_recommendation_valid"
    ]
    [(_, values)] = constraint.condition.children

    assert sorted(values) == sorted(["", *Recommendation.values])


def test_every_choice_field_of_our_apps_has_a_constraint_or_a_reason():
    """A choice field added later without a CHECK fails here until it gets one."""
    covered = {(m, f) for m, f, _ in CHOICE_CONSTRAINTS} | {(Scorecard, "recommendation")}
    apps = {
        "rubrics",
        "interviews",
        "candidates",
        "scoring",
        "outcomes",
        "integrations",
        "accounts",
    }
    from django.apps import apps as registry

    missing = [
        f"{model._meta.label}.{field.name}"
        for model in registry.get_models()
        if model._meta.app_label in apps
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField) and field.choices
        if (model, field.name) not in covered
    ]
    assert missing == []
