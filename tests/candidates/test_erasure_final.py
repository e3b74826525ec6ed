"""Erasure is final: nothing can be written about an erased candidate afterwards.

Erasing closes every application as "erased", cancels the interviews still to come and
locks the drafts; every write path then refuses with the reason (a message at the form,
a 409 status element, or a 403 page with the text), never a 500. Nobody who still owes
their own scorecard on the candidate may erase them.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from candidates import scheduling
from candidates.models import ERASED_MESSAGE, Application, Candidate, Interview
from candidates.privacy import OWES_REVIEW, erase_candidate, erase_expired_candidates
from candidates.services import change_status, set_committee, start_application, update_candidate
from scoring import services
from scoring.models import Amendment, Decision, Packet, QuestionNote, Scorecard
from tests.factories import (
    assign,
    fill_scorecard,
    make_application,
    make_interview,
    make_scorecard,
    make_scoring_loop,
    make_user,
    submit_filled_scorecard,
)

pytestmark = pytest.mark.django_db

NAME = "Philippa Erasmus"
HTMX = {"headers": {"HX-Request": "true"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world(recruiter, interviewer, committee):
    """A candidate mid-loop: a held interview with a draft and a submitted scorecard,
    a second interview still to come, and a colleague's draft there."""
    loop = make_scoring_loop(by=recruiter)
    application = make_application(loop=loop, committee=[committee], by=recruiter)
    Candidate.objects.filter(pk=application.candidate_id).update(name=NAME)
    first, second = loop.stages.order_by("order")
    held = make_interview(application, first, starts_at=timezone.now() - timedelta(days=1))
    draft = make_scorecard(interviewer, application=application, by=recruiter)
    colleague = make_user("colleague-e", groups=("interviewer",))
    submitted = submit_filled_scorecard(
        make_scorecard(colleague, application=application, by=recruiter)
    )
    scheduling.set_interview_state(held, Interview.State.HELD, by=recruiter)
    upcoming = make_interview(application, second, by=recruiter)
    later = assign(upcoming, colleague, by=recruiter).scorecard
    fill_scorecard(draft)
    return SimpleNamespace(
        application=application,
        candidate=application.candidate,
        held=held,
        upcoming=upcoming,
        draft=Scorecard.objects.get(pk=draft.pk),
        submitted=submitted,
        later=later,
        colleague=colleague,
    )


def erase(world, recruiter) -> None:
    erase_candidate(Candidate.objects.get(pk=world.candidate.pk), by=recruiter)


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# What erasure closes --------------------------------------------------------------


def test_erasure_closes_every_application_as_erased_and_audits_what_it_was(world, recruiter):
    rejected = make_application(world.candidate, by=recruiter)
    change_status(rejected, Application.Status.REJECTED, by=recruiter)

    erase(world, recruiter)

    assert set(world.candidate.applications.values_list("status", flat=True)) == {"erased"}
    changes = AuditEntry.objects.filter(verb="application.status_changed", data__after="erased")
    assert sorted(entry.data["before"] for entry in changes) == ["active", "rejected"]


def test_erasure_cancels_future_interviews_only_and_tells_the_panel_without_the_name(
    world, recruiter, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        erase(world, recruiter)

    assert fresh(world.upcoming).state == Interview.State.CANCELLED
    assert fresh(world.held).state == Interview.State.HELD
    assert [m.to for m in mail.outbox] == [[world.colleague.email]]
    message = mail.outbox[0]
    body = message.message().as_string()
    assert NAME not in body
    assert "Erased candidate" in body


def test_erasure_locks_drafts_and_keeps_submitted_scorecards(world, recruiter):
    erase(world, recruiter)

    assert fresh(world.draft).status == Scorecard.Status.LOCKED
    assert fresh(world.later).status == Scorecard.Status.LOCKED
    submitted = fresh(world.submitted)
    assert submitted.status == Scorecard.Status.SUBMITTED
    assert submitted.ratings.filter(score__isnull=False).exists()


def test_a_locked_draft_holds_nobody_back_and_sends_no_reminders(world, recruiter, interviewer):
    from candidates.access import awaiting_own_review

    assert awaiting_own_review(interviewer, world.application)

    erase(world, recruiter)

    assert not Scorecard.objects.pending_of(interviewer).exists()
    assert not awaiting_own_review(interviewer, fresh(world.application))


# Autosave, submission, amendment, backup --------------------------------------------


def note_of(card) -> QuestionNote:
    return card.notes.select_related("planned__question").get(
        planned__question__title="Outage you owned"
    )


@pytest.mark.parametrize("warm", [False, True], ids=["first save", "fast path"])
def test_autosave_of_a_note_is_refused_with_the_reason(world, client, recruiter, interviewer, warm):
    client.force_login(interviewer)
    note = note_of(world.draft)
    url = reverse("scoring:note_save", kwargs={"scorecard": note.scorecard_id, "pk": note.pk})
    if warm:  # the process has seen its owner save it: the no-read fast path is tried
        saved = client.post(url, {"text": "Before", "state": "asked", "revision": note.revision})
        assert saved.status_code == 200
        note = fresh(note)
    erase(world, recruiter)

    response = client.post(
        url, {"text": f"{NAME} said more", "state": "asked", "revision": note.revision}, **HTMX
    )

    assert response.status_code == 409
    assert ERASED_MESSAGE in response.text
    assert 'data-state="locked"' in response.text
    assert NAME not in fresh(note).text


def test_autosave_of_a_rating_and_the_overall_part_is_refused(
    world, client, recruiter, interviewer
):
    client.force_login(interviewer)
    rating = world.draft.ratings.first()
    erase(world, recruiter)

    rated = client.post(
        reverse("scoring:rating_save", kwargs={"scorecard": world.draft.pk, "pk": rating.pk}),
        {"score": "2", "evidence": "More", "revision": rating.revision},
    )
    overall = client.post(
        reverse("scoring:overall_save", kwargs={"pk": world.draft.pk}),
        {"recommendation": "no", "summary": "More", "revision": world.draft.overall_revision},
    )

    assert (rated.status_code, overall.status_code) == (409, 409)
    assert ERASED_MESSAGE in rated.text and ERASED_MESSAGE in overall.text
    assert fresh(rating).score != 2
    assert fresh(world.draft).recommendation != "no"


def test_the_services_refuse_a_locked_scorecard(world, recruiter, interviewer):
    erase(world, recruiter)
    card = fresh(world.draft)

    with pytest.raises(services.ScorecardErased):
        services.save_note(note_of(card), text="x", state="asked", ticks=[], base_revision=0)
    with pytest.raises(services.ScorecardErased):
        services.submit_scorecard(card, by=interviewer)
    backup = card.notes.get(planned__is_backup=True)
    with pytest.raises(services.ScorecardErased):
        services.use_backup(backup, instead_of=note_of(card), reason="No on-call", by=interviewer)


def test_submitting_after_erasure_says_why_and_changes_nothing(
    world, client, recruiter, interviewer
):
    client.force_login(interviewer)
    erase(world, recruiter)

    response = client.post(reverse("scoring:submit", args=[world.draft.pk]), follow=True)

    assert response.status_code == 200
    assert ERASED_MESSAGE in response.text
    assert "Locked: the candidate was erased" in response.text
    assert fresh(world.draft).status == Scorecard.Status.LOCKED


def test_the_scorecard_page_of_a_locked_draft_is_read_only(world, client, recruiter, interviewer):
    client.force_login(interviewer)
    erase(world, recruiter)

    page = client.get(reverse("scoring:scorecard", args=[world.draft.pk]))

    assert page.status_code == 200
    assert "Locked: the candidate was erased" in page.text
    assert reverse("scoring:submit", args=[world.draft.pk]) not in page.text


def test_amending_a_submitted_scorecard_after_erasure_is_refused(world, client, recruiter):
    client.force_login(world.colleague)
    card = world.submitted
    erase(world, recruiter)
    data = {"recommendation": "strong_no", "summary": "x", "reason": "Changed my mind"}
    for rating in card.ratings.all():
        data |= {
            f"rating-{rating.pk}-score": rating.score,
            f"rating-{rating.pk}-evidence": "New evidence",
            f"rating-{rating.pk}-not_assessed_reason": "",
        }

    response = client.post(reverse("scoring:amend", args=[card.pk]), data)

    assert response.status_code == 422
    assert ERASED_MESSAGE in response.text
    assert not Amendment.objects.exists()
    assert fresh(card).recommendation != "strong_no"


# Scheduling, assignments, status, committee, decisions, packets ------------------------


def test_every_scheduling_service_refuses(world, recruiter, other_interviewer):
    erase(world, recruiter)
    application = fresh(world.application)
    held = fresh(world.held)
    seat = held.assignments.get(person=world.colleague)
    stage = application.loop.stages.order_by("order").last()
    later = timezone.now() + timedelta(days=3)

    attempts = [
        lambda: scheduling.schedule_interview(application, stage, later, by=recruiter),
        lambda: scheduling.reschedule_interview(held, later, by=recruiter),
        lambda: scheduling.set_interview_state(held, Interview.State.NO_SHOW, by=recruiter),
        lambda: scheduling.assign(held, other_interviewer, by=recruiter),
        lambda: scheduling.replace_assignment(seat, other_interviewer, by=recruiter),
        lambda: scheduling.unassign(seat, by=recruiter),
        lambda: set_committee(application, [], by=recruiter),
        lambda: change_status(application, Application.Status.ACTIVE, by=recruiter),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.messages == [ERASED_MESSAGE]
    assert not held.assignments.filter(person=other_interviewer).exists()
    assert fresh(application).status == Application.Status.ERASED


def test_the_scheduling_pages_show_the_reason(world, client, recruiter, other_interviewer):
    client.force_login(recruiter)
    erase(world, recruiter)

    added = client.post(
        reverse("candidates:assignment_add", args=[world.held.pk]),
        {"person": other_interviewer.pk, "role": "interviewer"},
        follow=True,
    )
    moved = client.post(
        reverse("candidates:interview_reschedule", args=[world.held.pk]),
        {"starts_at": "2031-05-04T10:00"},
        follow=True,
    )
    status = client.post(
        reverse("candidates:application_status", args=[world.application.pk]),
        {"status": "active"},
        **HTMX,
    )

    for response in (added, moved, status):
        assert response.status_code == 200
        assert ERASED_MESSAGE in response.text
    assert not world.held.assignments.filter(person=other_interviewer).exists()


def test_the_status_form_does_not_offer_erased():
    from candidates.forms import StatusForm

    assert "erased" not in dict(StatusForm.base_fields["status"].choices)


def test_change_status_never_sets_erased(recruiter):
    application = make_application(by=recruiter)

    with pytest.raises(ValidationError, match="Only erasing the candidate"):
        change_status(application, Application.Status.ERASED, by=recruiter)


def test_a_decision_after_erasure_is_refused_at_the_form(world, client, recruiter):
    client.force_login(recruiter)
    erase(world, recruiter)
    data = {"outcome": "hire", "level": world.application.loop.level_id, "rationale": "Strong"}

    response = client.post(reverse("scoring:decision_record", args=[world.application.pk]), data)

    assert response.status_code == 422
    assert "The application is erased: no further decision can be recorded." in response.text
    assert not Decision.objects.exists()


def test_a_packet_request_after_erasure_is_403_with_the_reason(world, client, recruiter):
    client.force_login(recruiter)
    erase(world, recruiter)

    response = client.post(reverse("scoring:packet_request", args=[world.application.pk]))

    assert response.status_code == 403
    assert ERASED_MESSAGE in response.text
    assert not Packet.objects.exists()


# The candidate's own record -----------------------------------------------------------


def test_an_edit_or_cv_upload_racing_the_erasure_is_refused(world, recruiter):
    # As loaded by the edit page before the erasure committed.
    stale = Candidate.objects.get(pk=world.candidate.pk)
    erase(world, recruiter)

    with pytest.raises(ValidationError) as refused:
        update_candidate(stale, {"name": NAME, "email": "back@example.org"}, by=recruiter)
    assert refused.value.messages == [ERASED_MESSAGE]
    with pytest.raises(ValidationError):
        update_candidate(stale, {}, by=recruiter, cv=SimpleUploadedFile("cv.pdf", b"%PDF-1.4"))
    candidate = fresh(world.candidate)
    assert (candidate.name, candidate.email, candidate.cv.name) == (
        f"Erased candidate #{candidate.pk}",
        "",
        "",
    )


def test_the_edit_page_of_an_erased_candidate_is_gone(world, client, recruiter):
    client.force_login(recruiter)
    erase(world, recruiter)

    url = reverse("candidates:candidate_edit", args=[world.candidate.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": NAME, "email": "back@example.org"}).status_code == 404
    assert fresh(world.candidate).email == ""


def test_no_new_application_for_an_erased_candidate(world, recruiter):
    stale = Candidate.objects.get(pk=world.candidate.pk)
    erase(world, recruiter)

    with pytest.raises(ValidationError, match="erased"):
        start_application(stale, world.application.loop, by=recruiter)
    assert stale.applications.count() == 1


# Who may erase ------------------------------------------------------------------------


@pytest.fixture
def recruiting_interviewer(world):
    person = make_user("rec-int-e", groups=("recruiter", "interviewer"))
    assign(world.held, person)
    return person


def test_a_recruiter_owing_a_scorecard_may_not_erase(world, client, recruiting_interviewer):
    client.force_login(recruiting_interviewer)
    url = reverse("candidates:candidate_erase", args=[world.candidate.pk])

    page = client.get(url)
    posted = client.post(url, {"name": NAME})

    assert (page.status_code, posted.status_code) == (403, 403)
    assert "You still owe your own scorecard on this candidate" in posted.text
    assert fresh(world.candidate).erased_at is None
    with pytest.raises(PermissionDenied, match="owe your own scorecard"):
        erase_candidate(world.candidate, by=recruiting_interviewer)
    assert fresh(world.candidate).erased_at is None


def test_a_replaced_recruiter_still_holding_a_started_scorecard_may_not_erase(
    world, recruiter, recruiting_interviewer, other_interviewer
):
    seat = world.held.assignments.get(person=recruiting_interviewer)
    fill_scorecard(seat.scorecard)
    scheduling.replace_assignment(seat, other_interviewer, by=recruiter)

    with pytest.raises(PermissionDenied) as refused:
        erase_candidate(world.candidate, by=recruiting_interviewer)
    assert str(refused.value) == OWES_REVIEW


def test_once_their_own_is_submitted_the_recruiter_may_erase(world, recruiting_interviewer):
    seat = world.held.assignments.get(person=recruiting_interviewer)
    submit_filled_scorecard(seat.scorecard)

    erase_candidate(world.candidate, by=recruiting_interviewer)

    assert fresh(world.candidate).erased_at is not None


def test_retention_erases_whoever_owes_what(world, recruiting_interviewer):
    application = fresh(world.application)
    change_status(application, Application.Status.REJECTED, by=None)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - timedelta(days=400)
    )

    erased = erase_expired_candidates()

    assert [c.pk for c in erased] == [world.candidate.pk]
    assert fresh(world.application).status == Application.Status.ERASED
