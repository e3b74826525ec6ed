"""The scorecard screen: live page, saving a part without JavaScript, backup, submit, amend."""

import pytest
from django.urls import reverse

from interviews.services import add_stage, create_loop, plan_question, publish_loop, update_loop
from scoring import services
from scoring.models import Amendment, QuestionNote, Rating, Scorecard
from tests.factories import (
    fill_scorecard,
    make_application,
    make_bank,
    make_competency,
    make_ladder,
    make_question,
    make_role,
    make_scale,
    make_scorecard,
    make_scoring_loop,
    make_user,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
PAYLOAD = "<script>alert('x')</script>"


@pytest.fixture
def card(interviewer, recruiter) -> Scorecard:
    return make_scorecard(interviewer, by=recruiter)


def url(name: str, card: Scorecard) -> str:
    return reverse(f"scoring:{name}", args=[card.pk])


def notes(card) -> dict[str, QuestionNote]:
    return {n.planned.question.title: n for n in card.notes.select_related("planned__question")}


def ratings(card) -> dict[str, Rating]:
    return {r.competency.name: r for r in card.ratings.select_related("competency")}


def complete(
    card, *, evidence: str = "Walked through the rollback", summary="Solid owner", text="Clear"
):
    """Everything a submission needs, through the services."""
    fill_scorecard(card, evidence=evidence, notes=text, summary=summary, every_question=False)


def submitted(card, by) -> Scorecard:
    complete(card)
    return services.submit_scorecard(card, by=by)


# --- The live page ---------------------------------------------------------------------


def test_the_author_sees_the_questions_in_order_with_the_backup_apart(client, interviewer, card):
    client.force_login(interviewer)

    response = client.get(url("scorecard", card))

    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("1.</span> Outage you owned") < page.index("2.</span> Design a queue")
    assert page.index("2.</span> Design a queue") < page.index("Backup question")
    assert page.index("Backup question") < page.index("Backup:</span> Project you rescued")
    assert "<strong>Use it when:</strong> No on-call experience" in page
    assert "if time allows" in page
    assert "What would you change?" in page  # a follow-up
    assert 'name="ticks" value="2"' in page  # the third checklist item
    assert "Designs for failure" in page  # a competency anchor beside its point
    assert (
        'hx-post="{}"'.format(
            reverse("scoring:note_save", args=[card.pk, notes(card)["Outage you owned"].pk])
        )
        in page
    )
    assert "Shadow" not in page


def test_a_shadow_is_told_their_scorecard_does_not_count(client, recruiter):
    shadow = make_user("shadow-p", groups=("interviewer",))
    card = make_scorecard(shadow, role="shadow", by=recruiter)
    client.force_login(shadow)

    response = client.get(url("scorecard", card))

    assert "You are shadowing" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_interviewer", "recruiter", "committee", "admin"])
def test_a_draft_is_its_authors_alone(client, persona_user, card, persona):
    client.force_login(persona_user(persona))

    assert client.get(url("scorecard", card)).status_code == 404


def test_a_submitted_scorecard_reads_without_a_single_field(client, interviewer, recruiter, card):
    submitted(card, interviewer)
    for person in (interviewer, recruiter):
        client.force_login(person)
        response = client.get(url("scorecard", card))
        page = response.content.decode()
        assert response.status_code == 200
        assert "<textarea" not in page and "<input" not in page.split("Sign out")[1]
        assert "Walked through the rollback" in page
        assert ("Amend this scorecard" in page) == (person == interviewer)


def test_until_their_own_is_submitted_a_colleague_on_the_application_reads_nothing(
    client, interviewer, recruiter
):
    loop = make_scoring_loop(peers_may_read=True, by=recruiter)
    application = make_application(loop=loop, by=recruiter)
    card = make_scorecard(interviewer, loop=loop, application=application, by=recruiter)
    # A recruiter who also interviews is an interviewer for this application.
    colleague = make_user("both-p", groups=("recruiter", "interviewer"))
    theirs = make_scorecard(colleague, loop=loop, application=application, by=recruiter)
    submitted(card, interviewer)
    client.force_login(colleague)

    assert client.get(url("scorecard", card)).status_code == 404

    submitted(theirs, colleague)
    assert client.get(url("scorecard", card)).status_code == 200


def test_script_payloads_in_notes_evidence_and_summary_render_as_text(client, interviewer, card):
    complete(card, evidence=PAYLOAD, summary=PAYLOAD, text=PAYLOAD)
    client.force_login(interviewer)

    live = client.get(url("scorecard", card)).content.decode()
    services.submit_scorecard(Scorecard.objects.get(pk=card.pk), by=interviewer)
    read = client.get(url("scorecard", card)).content.decode()

    for page in (live, read):
        assert PAYLOAD not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def make_loop_of(size: int, *, by):
    """A published loop whose first stage plans `size` questions on `size` competencies."""
    bank = make_bank()
    competencies = [make_competency(bank) for _ in range(size)]
    ladder = make_ladder(bank)
    loop = create_loop(
        name=f"Loop of {size}",
        role=make_role(ladder),
        level=ladder.levels.first(),
        scale=make_scale(bank),
        competencies=competencies,
        by=by,
    )
    update_loop(loop, {"peers_may_read": False}, by=by)
    stage = add_stage(loop, name="Technical", duration_minutes=60, buffer_minutes=5, by=by)
    for competency in competencies:
        plan_question(stage, make_question(bank, primary=competency, minutes=5), by=by)
    publish_loop(loop, by=by, confirmed=True)
    return loop


# Session, user and the user's groups (the menu); the scorecard with its loop; notes
# (+ question anchors, secondary competencies); ratings (+ competency anchors); the
# scale's points; the loop's competencies (bars).
LIVE_QUERIES = 11
# The same and the amendments with their authors.
READ_QUERIES = 12


@pytest.mark.parametrize("size", [1, 3])
def test_the_live_page_loads_in_a_fixed_number_of_queries(
    client, interviewer, recruiter, django_assert_num_queries, size
):
    card = make_scorecard(interviewer, loop=make_loop_of(size, by=recruiter), by=recruiter)
    client.force_login(interviewer)

    with django_assert_num_queries(LIVE_QUERIES):
        response = client.get(url("scorecard", card))

    assert response.content.decode().count('class="sc-rating"') == size


@pytest.mark.parametrize("size", [1, 3])
def test_the_read_only_page_loads_in_a_fixed_number_of_queries(
    client, interviewer, recruiter, django_assert_num_queries, size
):
    card = make_scorecard(interviewer, loop=make_loop_of(size, by=recruiter), by=recruiter)
    for note in card.notes.select_related("planned__question"):
        services.save_note(note, text="n", state="asked", ticks=[], base_revision=0)
    for rating in card.ratings.all():
        services.save_rating(
            rating,
            score=3,
            evidence="e",
            not_assessed=False,
            reason="",
            base_revision=0,
            scale_id=card.assignment.interview.application.loop.scale_id,
        )
    services.save_overall(card, recommendation="no", summary="s", base_revision=0)
    services.submit_scorecard(card, by=interviewer)
    for n in range(size):
        services.amend_scorecard(
            card, by=interviewer, reason=f"Change {n}", ratings={}, overall={"summary": f"s{n}"}
        )
    client.force_login(interviewer)

    with django_assert_num_queries(READ_QUERIES):
        response = client.get(url("scorecard", card))

    assert response.content.decode().count('class="sc-amendment"') == size


# --- Saving a part without JavaScript (scoring:part_save) ------------------------------


def note_post(note, **fields) -> dict:
    return {
        "part": f"note-{note.pk}",
        "text": "Led the incident",
        "state": "asked",
        "ticks": ["0", "2"],
        "revision": str(note.revision),
        **fields,
    }


def test_a_part_saved_without_javascript_returns_to_the_page_at_the_part(client, interviewer, card):
    note = notes(card)["Outage you owned"]
    client.force_login(interviewer)

    response = client.post(url("part_save", card), note_post(note))

    assert response.status_code == 302
    assert response.url == url("scorecard", card) + f"#note-{note.pk}"
    note.refresh_from_db()
    assert (note.text, note.state, note.ticks, note.revision) == (
        "Led the incident",
        "asked",
        [0, 2],
        1,
    )


def test_saving_a_part_is_post_only(client, interviewer, card):
    client.force_login(interviewer)

    assert client.get(url("part_save", card)).status_code == 405


@pytest.mark.parametrize("persona", ["other_interviewer", "recruiter", "committee"])
def test_nobody_else_saves_a_part(client, persona_user, card, persona):
    note = notes(card)["Outage you owned"]
    client.force_login(persona_user(persona))

    assert client.post(url("part_save", card), note_post(note)).status_code == 404
    assert QuestionNote.objects.get(pk=note.pk).text == ""


def test_a_reader_of_a_submitted_scorecard_may_not_save_its_parts(
    client, interviewer, recruiter, card
):
    submitted(card, interviewer)
    note = notes(card)["Outage you owned"]
    client.force_login(recruiter)

    assert client.post(url("part_save", card), note_post(note)).status_code == 403


def test_a_part_saved_through_htmx_answers_with_its_status_only(client, interviewer, card):
    note = notes(card)["Outage you owned"]
    client.force_login(interviewer)

    response = client.post(url("part_save", card), note_post(note), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<div id="note-{note.pk}-status"')
    assert 'name="revision" value="1"' in page


def test_an_out_of_scale_score_is_refused_at_its_place_and_what_was_typed_stays(
    client, interviewer, card
):
    rating = ratings(card)["Ownership"]
    client.force_login(interviewer)

    response = client.post(
        url("part_save", card),
        {"part": f"rating-{rating.pk}", "score": "9", "evidence": "Kept evidence", "revision": "0"},
    )

    page = response.content.decode()
    assert response.status_code == 422
    assert "Not saved: “9” is not on the scale: choose 1 to 5." in page
    assert ">Kept evidence</textarea>" in page
    rating.refresh_from_db()
    assert (rating.score, rating.evidence, rating.revision) == (None, "", 0)


def test_a_stale_save_without_javascript_shows_both_and_saves_mine_only_when_asked(
    client, interviewer, card
):
    note = notes(card)["Outage you owned"]
    services.save_note(note, text="From the other tab", state="open", ticks=[], base_revision=0)
    client.force_login(interviewer)

    refused = client.post(url("part_save", card), note_post(note, text="Mine", revision="0"))

    page = refused.content.decode()
    assert refused.status_code == 409
    assert "From the other tab" in page  # theirs, in the status
    assert ">Mine</textarea>" in page  # mine, still in the field
    assert 'name="keep_mine" value="1">Save mine over it' in page
    assert QuestionNote.objects.get(pk=note.pk).text == "From the other tab"

    kept = client.post(url("part_save", card), note_post(note, text="Mine", keep_mine="1"))

    assert kept.status_code == 302
    assert QuestionNote.objects.get(pk=note.pk).text == "Mine"


def test_a_part_that_is_not_on_the_scorecard_is_refused_with_a_message(
    client, interviewer, recruiter, card
):
    other = make_scorecard(make_user(groups=("interviewer",)), by=recruiter)
    foreign = notes(other)["Outage you owned"]
    client.force_login(interviewer)

    response = client.post(url("part_save", card), {"part": "nonsense"}, follow=True)
    assert "that part is not on this scorecard" in response.content.decode()
    assert client.post(url("part_save", card), note_post(foreign)).status_code == 404
    assert QuestionNote.objects.get(pk=foreign.pk).text == ""


# --- The backup swap -------------------------------------------------------------------


def backup_post(card, **fields) -> dict:
    by_title = notes(card)
    return {
        "backup": by_title["Project you rescued"].pk,
        "instead_of": by_title["Design a queue"].pk,
        "reason": "No distributed systems experience",
        **fields,
    }


def test_the_backup_stands_in_for_a_planned_question_with_the_reason(client, interviewer, card):
    client.force_login(interviewer)

    response = client.post(url("backup_use", card), backup_post(card))

    backup, replaced = notes(card)["Project you rescued"], notes(card)["Design a queue"]
    assert response.status_code == 302
    assert response.url.endswith(f"#note-{backup.pk}")
    assert backup.backup_for_id == replaced.planned_id
    assert backup.backup_reason == "No distributed systems experience"
    assert (backup.state, replaced.state) == ("asked", "skipped")
    page = client.get(url("scorecard", card)).content.decode()
    assert "Asked instead of" in page and "Undo the swap" in page


def test_the_backup_swap_through_htmx_answers_with_the_questions_only(client, interviewer, card):
    client.force_login(interviewer)

    response = client.post(url("backup_use", card), backup_post(card), **HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="sc-section" id="questions"')
    assert "<html" not in page and "Asked instead of" in page


def test_a_backup_swap_without_a_reason_is_refused_and_nothing_changes(client, interviewer, card):
    client.force_login(interviewer)

    response = client.post(url("backup_use", card), backup_post(card, reason="  "))

    assert response.status_code == 422
    assert "Say why the backup is asked" in response.content.decode()
    assert notes(card)["Project you rescued"].backup_for_id is None
    assert notes(card)["Design a queue"].state == "open"


def test_the_backup_swap_is_post_only_and_the_authors(client, interviewer, other_interviewer, card):
    client.force_login(interviewer)
    assert client.get(url("backup_use", card)).status_code == 405
    assert client.get(url("backup_undo", card)).status_code == 405
    client.force_login(other_interviewer)
    assert client.post(url("backup_use", card), backup_post(card)).status_code == 404
    assert notes(card)["Project you rescued"].backup_for_id is None


def test_undoing_the_swap_puts_the_planned_question_back(client, interviewer, card):
    client.force_login(interviewer)
    client.post(url("backup_use", card), backup_post(card))
    backup = notes(card)["Project you rescued"]

    plain = client.post(url("backup_undo", card), {"backup": backup.pk})
    assert plain.status_code == 302
    assert notes(card)["Project you rescued"].backup_for_id is None
    assert notes(card)["Design a queue"].state == "open"

    client.post(url("backup_use", card), backup_post(card))
    htmx = client.post(url("backup_undo", card), {"backup": backup.pk}, **HTMX)
    assert htmx.status_code == 200
    assert 'id="questions"' in htmx.content.decode()
    assert notes(card)["Project you rescued"].backup_for_id is None


def test_undo_by_someone_else_changes_nothing(client, interviewer, other_interviewer, card):
    client.force_login(interviewer)
    client.post(url("backup_use", card), backup_post(card))
    backup = notes(card)["Project you rescued"]
    client.force_login(other_interviewer)

    assert client.post(url("backup_undo", card), {"backup": backup.pk}).status_code == 404
    assert notes(card)["Project you rescued"].backup_for_id is not None


# --- Submission ------------------------------------------------------------------------


def test_submitting_too_early_shows_each_missing_piece_at_its_place(client, interviewer, card):
    rating = ratings(card)["Ownership"]
    services.save_rating(
        rating,
        score=4,
        evidence="",
        not_assessed=False,
        reason="",
        base_revision=0,
        scale_id=card.assignment.interview.application.loop.scale_id,
    )
    note = notes(card)["Outage you owned"]
    client.force_login(interviewer)

    response = client.post(url("submit", card))

    page = response.content.decode()
    assert response.status_code == 422
    assert "Not submitted yet: 5 things to finish" in page
    assert f'<a href="#note-{note.pk}-state-open">Outage you owned</a>: Mark this question' in page
    assert f'id="note-{note.pk}-error">Mark this question asked or skipped.' in page
    assert f'aria-describedby="rating-{rating.pk}-evidence-error"' in page
    assert f'id="rating-{rating.pk}-evidence-error">Give the evidence for this score.' in page
    assert 'id="overall-recommendation-error">Choose a recommendation.' in page
    assert 'id="overall-summary-error">Write a summary for the committee.' in page
    assert Scorecard.objects.get(pk=card.pk).status == "draft"


def test_a_complete_scorecard_is_submitted_and_becomes_read_only(client, interviewer, card):
    complete(card)
    client.force_login(interviewer)

    response = client.post(url("submit", card))

    assert response.status_code == 302 and response.url == url("scorecard", card)
    assert Scorecard.objects.get(pk=card.pk).is_submitted
    page = client.get(url("scorecard", card)).content.decode()
    assert "Submitted. Thank you" in page and "<textarea" not in page


def test_submitting_through_htmx_redirects_the_whole_page(client, interviewer, card):
    complete(card)
    client.force_login(interviewer)

    response = client.post(url("submit", card), **HTMX)

    assert response.status_code == 200
    assert response["HX-Redirect"] == url("scorecard", card)
    assert Scorecard.objects.get(pk=card.pk).is_submitted


def test_only_the_author_submits_and_only_by_post(client, interviewer, other_interviewer, card):
    complete(card)
    client.force_login(interviewer)
    assert client.get(url("submit", card)).status_code == 405
    client.force_login(other_interviewer)
    assert client.post(url("submit", card)).status_code == 404
    assert not Scorecard.objects.get(pk=card.pk).is_submitted


# --- Amendments ------------------------------------------------------------------------


def amend_post(card, **fields) -> dict:
    data = {"recommendation": card.recommendation, "summary": card.summary, "reason": ""}
    for rating in card.ratings.all():
        data |= {
            f"rating-{rating.pk}-score": rating.score,
            f"rating-{rating.pk}-evidence": rating.evidence,
            f"rating-{rating.pk}-not_assessed_reason": "",
        }
    return data | fields


@pytest.fixture
def done(card, interviewer) -> Scorecard:
    return submitted(card, interviewer)


def test_an_amendment_with_a_reason_is_kept_with_before_and_after(client, interviewer, done):
    systems = ratings(done)["Systems design"]
    client.force_login(interviewer)
    assert client.get(url("amend", done)).status_code == 200

    response = client.post(
        url("amend", done),
        amend_post(
            done,
            **{f"rating-{systems.pk}-score": "2", "recommendation": "no"},
            reason="Re-read my notes",
        ),
    )

    assert response.status_code == 302 and response.url.endswith("#amendments")
    amendment = Amendment.objects.get(scorecard=done)
    assert amendment.reason == "Re-read my notes"
    assert amendment.before["Systems design"]["score"] == 4
    assert amendment.after["Systems design"]["score"] == 2
    assert (amendment.before["recommendation"], amendment.after["recommendation"]) == ("yes", "no")
    page = client.get(url("scorecard", done)).content.decode()
    assert "Re-read my notes" in page
    assert "4 Point 4 — Walked through the rollback" in page and "2 Point 2" in page
    assert '<td class="prewrap">Yes</td><td class="prewrap">No</td>' in page


def test_an_amendment_without_a_reason_is_refused_and_nothing_changes(client, interviewer, done):
    systems = ratings(done)["Systems design"]
    client.force_login(interviewer)

    response = client.post(
        url("amend", done), amend_post(done, **{f"rating-{systems.pk}-score": "2"})
    )

    assert response.status_code == 422
    assert "Say why you amend a submitted scorecard." in response.content.decode()
    assert not Amendment.objects.exists()
    assert ratings(done)["Systems design"].score == 4


@pytest.mark.parametrize("score", ["9", "x"])
def test_an_amendment_off_the_scale_is_refused_with_a_message(client, interviewer, done, score):
    systems = ratings(done)["Systems design"]
    client.force_login(interviewer)

    response = client.post(
        url("amend", done),
        amend_post(done, **{f"rating-{systems.pk}-score": score}, reason="Typo"),
    )

    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Amendment.objects.exists()


def test_an_amendment_that_changes_nothing_says_so(client, interviewer, done):
    client.force_login(interviewer)

    response = client.post(url("amend", done), amend_post(done, reason="Just because"))

    assert response.status_code == 422
    assert "Nothing changed" in response.content.decode()
    assert not Amendment.objects.exists()


def test_an_amendment_through_htmx_redirects_the_whole_page(client, interviewer, done):
    client.force_login(interviewer)

    response = client.post(
        url("amend", done), amend_post(done, summary="Sharper summary", reason="Clarity"), **HTMX
    )

    assert response["HX-Redirect"] == url("scorecard", done) + "#amendments"
    assert Scorecard.objects.get(pk=done.pk).summary == "Sharper summary"


def test_only_the_author_amends(client, recruiter, other_interviewer, done):
    client.force_login(recruiter)  # may read it: 403
    assert client.get(url("amend", done)).status_code == 403
    assert client.post(url("amend", done), amend_post(done, reason="x")).status_code == 403
    client.force_login(other_interviewer)  # may not even read it: 404
    assert client.get(url("amend", done)).status_code == 404
    assert not Amendment.objects.exists()


def test_amend_is_get_or_post_and_a_draft_is_edited_not_amended(client, interviewer, card):
    client.force_login(interviewer)
    assert client.put(url("amend", card)).status_code == 405

    response = client.get(url("amend", card), follow=True)

    assert response.redirect_chain[-1][0] == url("scorecard", card)
    assert "A draft is not amended" in response.content.decode()
