"""Privacy: erasure leaves no personal data in any table; export; retention."""

import json
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record
from accounts.models import AuditEntry
from candidates.access import visible_candidates
from candidates.models import Application, Candidate
from candidates.privacy import erase_candidate, erase_expired_candidates
from candidates.scheduling import reschedule_interview
from candidates.services import change_status, update_candidate
from candidates.signals import candidate_erasing
from scoring.models import Scorecard
from scoring.receivers import erase_scorecard_text, free_text_fields
from tests.factories import (
    assign,
    make_application,
    make_candidate,
    make_interview,
    make_published_loop,
    make_user,
)

pytestmark = pytest.mark.django_db

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine.q@example.net"
NOTE_PHRASE = "marmalade incident at Brightwave"
CV_BYTES = b"%PDF-1.4 Zephyrine's CV"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def person(recruiter, interviewer, committee):
    """A candidate with everything personal: CV, links, notes, applications, audit entries."""
    candidate = make_candidate(
        NAME,
        email=EMAIL,
        links=["https://zephyrine.example.net/portfolio"],
        recruiter_notes=f"Warm; mentioned the {NOTE_PHRASE}.",
        cv=SimpleUploadedFile("zephyrine-quillfeather-cv.pdf", CV_BYTES),
        by=recruiter,
    )
    update_candidate(
        candidate, {"links": [*candidate.links, "https://z.example.net"]}, by=recruiter
    )
    loop = make_published_loop()
    application = make_application(candidate, loop, committee=[committee], by=recruiter)
    interview = make_interview(application, by=recruiter)
    assignment = assign(interview, interviewer, by=recruiter)
    assign(interview, make_user("shadow-p", groups=("interviewer",)), "shadow", by=recruiter)
    reschedule_interview(interview, interview.starts_at + timedelta(hours=2), by=recruiter)
    change_status(application, Application.Status.OFFER, by=recruiter)
    # An entry another app might write carelessly: a value naming the candidate.
    record(recruiter, "candidate.called", candidate, summary=f"Phoned {NAME}", minutes=12)
    return SimpleNamespace(
        candidate=candidate,
        application=application,
        interview=interview,
        scorecard=assignment.scorecard,
        cv_name=candidate.cv.name,
    )


def personal_data_hits(needles: list[str]) -> list[str]:
    """Every text value in every table that contains one of the needles."""
    needles = [n.casefold() for n in needles]
    hits = []
    for model in apps.get_models():
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model.objects.values("pk", *fields):
            for name in fields:
                value = row[name]
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if any(n in (text or "").casefold() for n in needles):
                    hits.append(f"{model._meta.label}.{name} (pk {row['pk']}): {text[:80]}")
    return hits


def erase_url(candidate) -> str:
    return reverse("candidates:candidate_erase", args=[candidate.pk])


def export_url(candidate) -> str:
    return reverse("candidates:candidate_export", args=[candidate.pk])


# Erasure ---------------------------------------------------------------------------


def test_before_erasure_the_scan_finds_the_personal_data(person):
    """The scan itself works: it finds what the erasure must remove."""
    hits = personal_data_hits([NAME, EMAIL, NOTE_PHRASE])

    assert any("Candidate.name" in h for h in hits)
    assert any("Candidate.email" in h for h in hits)
    assert any("Candidate.recruiter_notes" in h for h in hits)
    assert any("AuditEntry.target_repr" in h for h in hits)
    assert any("AuditEntry.data" in h for h in hits)


def test_erasure_leaves_no_personal_data_in_any_table(
    person, client, recruiter, media, django_capture_on_commit_callbacks
):
    client.force_login(recruiter)
    assert (media / person.cv_name).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(person.candidate), {"name": NAME})

    assert response.status_code == 302
    assert response.url == reverse("candidates:candidate_list")
    assert personal_data_hits([NAME, EMAIL, NOTE_PHRASE, "zephyrine"]) == []
    assert not (media / person.cv_name).exists()


def test_erasure_keeps_the_numbers_anonymised(
    person, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        erase_candidate(person.candidate, by=recruiter)

    candidate = Candidate.objects.get(pk=person.candidate.pk)
    assert candidate.name == f"Erased candidate #{candidate.pk}"
    assert (candidate.email, candidate.links, candidate.recruiter_notes) == ("", [], "")
    assert not candidate.cv and candidate.cv_name == ""
    assert candidate.erased_at is not None
    application = Application.objects.get(pk=person.application.pk)
    # Kept, and closed for good (tests/candidates/test_erasure_final.py).
    assert application.status == Application.Status.ERASED
    assert application.interviews.count() == 1
    assert (
        Scorecard.objects.filter(
            assignment__interview__application=application, status=Scorecard.Status.LOCKED
        ).count()
        == 2
    )


def test_erasure_scrubs_audit_entries_and_records_itself_without_personal_data(person, recruiter):
    erase_candidate(person.candidate, by=recruiter)

    called = AuditEntry.objects.get(verb="candidate.called")
    assert called.data == {"minutes": 12}
    assert called.target_repr == f"candidate #{person.candidate.pk} of an erased candidate"
    reschedule = AuditEntry.objects.get(verb="interview.rescheduled")
    assert set(reschedule.data) == {"before", "after"}
    statuses = AuditEntry.objects.filter(verb="application.status_changed").order_by("pk")
    assert [entry.data for entry in statuses] == [
        {"before": "active", "after": "offer"},
        {"before": "offer", "after": "erased"},
    ]
    erased = AuditEntry.objects.get(verb="candidate.erased")
    assert erased.actor == recruiter
    assert erased.scope == f"candidate:{person.candidate.pk}"
    assert erased.target_repr == f"Erased candidate #{person.candidate.pk}"
    assert erased.data == {"applications": 1}


def test_erasure_leaves_other_candidates_alone(person, recruiter):
    other = make_candidate("Bartholomew Other", recruiter_notes="Keep me")
    make_application(other, by=recruiter)

    erase_candidate(person.candidate, by=recruiter)

    other.refresh_from_db()
    assert (other.name, other.recruiter_notes, other.erased_at) == (
        "Bartholomew Other",
        "Keep me",
        None,
    )
    assert AuditEntry.objects.filter(target_repr__contains="Bartholomew Other").exists()


def test_erasing_twice_changes_nothing_more(person, recruiter):
    erase_candidate(person.candidate, by=recruiter)
    erase_candidate(person.candidate, by=recruiter)

    assert AuditEntry.objects.filter(verb="candidate.erased").count() == 1


def test_an_erased_candidate_disappears_from_lists_and_pages(person, client, recruiter):
    erase_candidate(person.candidate, by=recruiter)
    client.force_login(recruiter)

    assert not visible_candidates(recruiter).filter(pk=person.candidate.pk).exists()
    assert client.get(erase_url(person.candidate)).status_code == 404
    assert client.get(export_url(person.candidate)).status_code == 404


def test_erasure_asks_apps_above_to_erase_their_text(person, recruiter):
    heard = []

    def listener(sender, candidate, **kwargs):
        heard.append((candidate.pk, candidate.name))

    candidate_erasing.connect(listener)
    try:
        erase_candidate(person.candidate, by=recruiter)
    finally:
        candidate_erasing.disconnect(listener)

    # Receivers still see the data they must find and erase.
    assert heard == [(person.candidate.pk, NAME)]


def test_scoring_receiver_covers_free_text_fields_whatever_they_are_named():
    assert free_text_fields(Scorecard) == ["summary"]  # status has choices: a state, not prose
    # A new text field on Candidate must be decided on: erased, or kept for a reason.
    # external_id (the ATS's id) is kept: the candidate.erased webhook names it, and a
    # sync upserting that id gets "erased" instead of bringing the person back.
    assert set(free_text_fields(Candidate)) == {
        "name",
        "email",
        "cv_name",
        "recruiter_notes",
        "external_id",
    }
    assert candidate_erasing.has_listeners(Candidate)


def test_scoring_receiver_keeps_scorecard_numbers(person):
    Scorecard.objects.filter(pk=person.scorecard.pk).update(revision=4)

    erase_scorecard_text(sender=Candidate, candidate=person.candidate)

    scorecard = Scorecard.objects.get(pk=person.scorecard.pk)
    assert (scorecard.status, scorecard.revision) == (Scorecard.Status.LOCKED, 4)


# The erasure page ----------------------------------------------------------------


def test_erase_page_explains_and_asks_for_the_name(person, client, recruiter):
    client.force_login(recruiter)

    response = client.get(erase_url(person.candidate))

    assert response.status_code == 200
    page = response.text
    assert f"Erase {NAME}?" in page
    assert "cannot be undone" in page
    assert 'name="name"' in page
    assert export_url(person.candidate) in page


def test_erase_refuses_a_wrong_name_and_keeps_everything(person, client, recruiter):
    client.force_login(recruiter)

    response = client.post(erase_url(person.candidate), {"name": "Zephyrine"})

    assert response.status_code == 200
    assert "That is not the candidate&#x27;s name: nothing was erased." in response.text
    person.candidate.refresh_from_db()
    assert person.candidate.name == NAME and person.candidate.erased_at is None
    assert not AuditEntry.objects.filter(verb="candidate.erased").exists()


def test_erase_accepts_the_name_with_other_case_and_spacing(person, client, recruiter):
    client.force_login(recruiter)

    client.post(erase_url(person.candidate), {"name": "  zephyrine   QUILLFEATHER "})

    person.candidate.refresh_from_db()
    assert person.candidate.erased_at is not None


def test_erase_over_htmx_swaps_the_form_or_redirects_the_page(person, client, recruiter):
    client.force_login(recruiter)

    bad = client.post(erase_url(person.candidate), {"name": ""}, headers={"HX-Request": "true"})
    assert bad.status_code == 200
    assert bad.text.lstrip().startswith('<form id="erase-form"')
    assert "Type the candidate&#x27;s name to confirm." in bad.text

    good = client.post(erase_url(person.candidate), {"name": NAME}, headers={"HX-Request": "true"})
    assert good.status_code == 200
    assert good["HX-Redirect"] == reverse("candidates:candidate_list")
    person.candidate.refresh_from_db()
    assert person.candidate.erased_at is not None


def test_erase_rejects_other_methods(person, client, recruiter):
    client.force_login(recruiter)

    assert client.put(erase_url(person.candidate)).status_code == 405
    assert client.delete(erase_url(person.candidate)).status_code == 405


@pytest.mark.parametrize(
    ("persona", "status"),
    [("interviewer", 403), ("committee", 403), ("other_interviewer", 404), ("nobody", 404)],
)
def test_erase_by_an_outsider_changes_nothing(person, client, persona_user, persona, status):
    client.force_login(persona_user(persona))

    response = client.post(erase_url(person.candidate), {"name": NAME})

    assert response.status_code == status
    person.candidate.refresh_from_db()
    assert person.candidate.erased_at is None


def test_erase_page_queries_do_not_grow_with_applications(
    person, client, recruiter, django_assert_num_queries
):
    client.force_login(recruiter)
    client.get(erase_url(person.candidate))  # warm per-session caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(erase_url(person.candidate)).status_code == 200
        return len(queries)

    few = count()
    for _ in range(3):
        make_application(person.candidate, by=recruiter)
    with django_assert_num_queries(few):
        client.get(erase_url(person.candidate))


# Export ----------------------------------------------------------------------------


def test_export_downloads_everything_held_about_the_candidate(person, client, recruiter):
    client.force_login(recruiter)

    response = client.get(export_url(person.candidate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="candidate-{person.candidate.pk}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    held = data["candidate"]
    assert (held["name"], held["email"]) == (NAME, EMAIL)
    assert NOTE_PHRASE in held["recruiter_notes"]
    assert held["links"] == ["https://zephyrine.example.net/portfolio", "https://z.example.net"]
    assert held["cv"] == {"name": "zephyrine-quillfeather-cv.pdf", "size_bytes": len(CV_BYTES)}
    assert CV_BYTES.decode() not in response.content.decode()
    [application] = data["applications"]
    assert application["status"] == "offer"
    assert application["committee"] == ["committee-p"]
    assert [(h["before"], h["after"]) for h in application["status_history"]] == [
        ("active", "offer")
    ]
    [interview] = application["interviews"]
    assert [
        (a["interviewer"], a["role"], a["scorecard_status"]) for a in interview["assignments"]
    ] == [
        ("interviewer-p", "interviewer", "draft"),
        ("shadow-p", "shadow", "draft"),
    ]
    verbs = [entry["verb"] for entry in data["audit_entries"]]
    assert {"candidate.created", "application.started", "interview.assigned"} <= set(verbs)


def test_export_is_audited_without_personal_data(person, client, recruiter):
    client.force_login(recruiter)

    client.get(export_url(person.candidate))

    entry = AuditEntry.objects.get(verb="candidate.exported")
    assert entry.actor == recruiter and entry.data == {}
    assert entry.scope == f"candidate:{person.candidate.pk}"


def test_export_refused_to_a_recruiter_still_owing_their_own_scorecard(person, client):
    recruiting_interviewer = make_user("rec-int", groups=("recruiter", "interviewer"))
    assign(person.interview, recruiting_interviewer)
    client.force_login(recruiting_interviewer)

    assert client.get(export_url(person.candidate)).status_code == 403
    assert not AuditEntry.objects.filter(verb="candidate.exported").exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("interviewer", 403), ("committee", 403), ("other_interviewer", 404), ("nobody", 404)],
)
def test_export_by_an_outsider_is_refused(person, client, persona_user, persona, status):
    client.force_login(persona_user(persona))

    assert client.get(export_url(person.candidate)).status_code == status


def test_export_rejects_post(person, client, recruiter):
    client.force_login(recruiter)

    assert client.post(export_url(person.candidate)).status_code == 405


def test_export_queries_do_not_grow_with_applications(
    person, client, recruiter, interviewer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(recruiter)
    client.get(export_url(person.candidate))
    with CaptureQueriesContext(connection) as queries:
        client.get(export_url(person.candidate))
    for _ in range(3):
        application = make_application(person.candidate, by=recruiter)
        assign(make_interview(application), interviewer)

    with django_assert_num_queries(len(queries)):
        response = client.get(export_url(person.candidate))
    assert len(json.loads(response.content)["applications"]) == 4


# Retention -------------------------------------------------------------------------


@pytest.fixture
def retention(recruiter):
    """Candidates in every retention situation, RETENTION_DAYS (365) apart."""
    now = timezone.now()
    old = now - timedelta(days=400)
    recent = now - timedelta(days=100)

    def closed(name: str, *changed_at, open_too: bool = False) -> Candidate:
        candidate = make_candidate(name, by=recruiter)
        for when in changed_at:
            application = make_application(candidate, by=recruiter)
            change_status(application, Application.Status.REJECTED, by=recruiter)
            Application.objects.filter(pk=application.pk).update(status_changed_at=when)
        if open_too:
            make_application(candidate, by=recruiter)
        return candidate

    world = SimpleNamespace(
        expired=closed("Old Closed", old, old - timedelta(days=30)),
        one_open=closed("Old But Active", old, open_too=True),
        recently_closed=closed("Recently Closed", old, recent),
        just_inside=closed("Just Inside", now - timedelta(days=364, hours=23)),
        erased=closed("Already Erased", old),
        never_applied_old=make_candidate("Never Applied Old", by=recruiter),
        never_applied_new=make_candidate("Never Applied New", by=recruiter),
        now=now,
    )
    erase_candidate(world.erased, by=recruiter)
    Candidate.objects.filter(pk=world.never_applied_old.pk).update(updated_at=old)
    return world


def test_retention_picks_exactly_the_expired(retention):
    erased = erase_expired_candidates(now=retention.now)

    assert [c.pk for c in erased] == [retention.expired.pk, retention.never_applied_old.pk]
    assert set(Candidate.objects.filter(erased_at__isnull=False).values_list("pk", flat=True)) == {
        retention.expired.pk,
        retention.never_applied_old.pk,
        retention.erased.pk,
    }
    assert all(c.name.startswith("Erased candidate #") for c in erased)
    assert personal_data_hits(["Old Closed", "Never Applied Old"]) == []
    system_entries = AuditEntry.objects.filter(verb="candidate.erased", actor__isnull=True)
    assert system_entries.count() == 2


def test_retention_period_comes_from_settings(retention, settings):
    settings.RETENTION_DAYS = 50

    erased = {c.pk for c in erase_expired_candidates(now=retention.now, dry_run=True)}

    assert erased == {
        retention.expired.pk,
        retention.recently_closed.pk,
        retention.just_inside.pk,
        retention.never_applied_old.pk,
    }


def test_retention_dry_run_changes_nothing(retention):
    before = list(Candidate.objects.order_by("pk").values_list("name", "erased_at"))
    entries = AuditEntry.objects.count()

    listed = erase_expired_candidates(now=retention.now, dry_run=True)

    assert [c.pk for c in listed] == [retention.expired.pk, retention.never_applied_old.pk]
    assert list(Candidate.objects.order_by("pk").values_list("name", "erased_at")) == before
    assert AuditEntry.objects.count() == entries


def test_retention_command_dry_run_lists_ids_only(retention):
    out = StringIO()

    call_command("erase_expired_candidates", "--dry-run", stdout=out)

    expected = (
        f"Would erase 2 candidate(s): #{retention.expired.pk}, #{retention.never_applied_old.pk}.\n"
    )
    assert out.getvalue() == expected
    assert Candidate.objects.get(pk=retention.expired.pk).name == "Old Closed"


def test_retention_command_erases(retention):
    out = StringIO()

    call_command("erase_expired_candidates", stdout=out)

    assert out.getvalue().startswith("Erased 2 candidate(s):")
    assert Candidate.objects.get(pk=retention.expired.pk).erased_at is not None


def test_retention_task_erases_and_returns_ids(retention):
    from candidates.tasks import erase_expired_candidates_task

    ids = erase_expired_candidates_task.apply().get()

    assert ids == [retention.expired.pk, retention.never_applied_old.pk]


def test_beat_runs_retention_daily():
    from candidates.tasks import erase_expired_candidates_task

    [entry] = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == erase_expired_candidates_task.name
    ]
    assert len(entry["schedule"].hour) == 1 and len(entry["schedule"].minute) == 1


# Export: drafts withheld, decisions included, who may run it ------------------------


@pytest.fixture
def scored(recruiter, committee):
    """A candidate with one submitted scorecard, one draft in progress, and a decision."""
    from scoring.services import record_decision
    from tests.factories import fill_scorecard, make_scorecard, submit_filled_scorecard

    author = make_user("author-x", groups=("interviewer",))
    drafter = make_user("drafter-x", groups=("interviewer",))
    done = submit_filled_scorecard(
        make_scorecard(author, by=recruiter), notes="Submitted note on {question}"
    )
    application = done.assignment.interview.application
    draft = make_scorecard(drafter, application=application, by=recruiter)
    fill_scorecard(draft, notes="Unfinished thought on {question}", summary="Half a summary")
    decision = record_decision(
        application,
        outcome="hold",
        level=application.loop.level,
        rationale="Waiting for a second reference",
        by=recruiter,
    )
    return SimpleNamespace(
        candidate=application.candidate, done=done, draft=draft, decision=decision
    )


def assignments_of(data: dict) -> dict:
    [application] = data["applications"]
    return {a["interviewer"]: a for i in application["interviews"] for a in i["assignments"]}


def test_export_holds_submitted_scorecards_in_full_and_withholds_drafts(scored, client, recruiter):
    client.force_login(recruiter)

    response = client.get(export_url(scored.candidate))

    data = json.loads(response.content)
    seats = assignments_of(data)
    submitted = seats["author-x"]["scorecard"]
    assert submitted["status"] == "submitted"
    assert any("Submitted note on" in q["notes"] for q in submitted["questions"])
    draft = seats["drafter-x"]["scorecard"]
    written = scored.draft.notes.exclude(text="").count() + scored.draft.ratings.count() + 1
    assert draft == {
        "status": "draft",
        "submitted_at": None,
        "content": f"in progress ({written} notes withheld until submitted)",
        "withheld_notes": written,
    }
    assert "Unfinished thought" not in response.content.decode()
    assert "Half a summary" not in response.content.decode()


def test_export_includes_the_decisions_and_their_rationale(scored, client, recruiter):
    client.force_login(recruiter)

    data = json.loads(client.get(export_url(scored.candidate)).content)

    [application] = data["applications"]
    assert application["decisions"] == [
        {
            "at": scored.decision.at.isoformat(),
            "by": recruiter.username,
            "outcome": "Hold",
            "level": scored.decision.level.name,
            "rationale": "Waiting for a second reference",
        }
    ]


def test_export_refused_to_a_replaced_recruiter_still_holding_a_started_scorecard(
    person, client, recruiter, other_interviewer
):
    from candidates.scheduling import replace_assignment
    from tests.factories import fill_scorecard

    replaced = make_user("rec-int-r", groups=("recruiter", "interviewer"))
    seat = assign(person.interview, replaced)
    fill_scorecard(seat.scorecard)
    replace_assignment(seat, other_interviewer, by=recruiter)
    client.force_login(replaced)

    response = client.get(export_url(person.candidate))

    assert response.status_code == 403
    assert "You still owe your own scorecard on this candidate" in response.text
    assert not AuditEntry.objects.filter(verb="candidate.exported").exists()
