"""Recruiters create, edit, duplicate and archive questions and competencies."""

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from rubrics.models import Competency, Question
from rubrics.services import lock_for_published_loop

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def question_post(catalogue, **overrides) -> dict:
    data = {
        "bank": catalogue.bank.pk,
        "key": "new-question",
        "title": "Capacity planning",
        "prompt": "How do you plan capacity for a launch?",
        "follow_ups": "What broke?\n\nWhy?",
        "goal": "Forecasting under uncertainty",
        "kind": "situational",
        "minutes": "12",
        "primary_competency": catalogue.reliability.pk,
        "secondary_competencies": [catalogue.security.pk],
        "levels": [catalogue.ladder.levels.first().pk],
        "tags": "Capacity, load-testing, capacity",
        "great_signals": "Starts from demand forecasts\nLoad-tests before launch",
        "negative_signals": "Buys hardware on gut feeling",
        "checklist": "Forecast\nHeadroom",
        "technologies": "k6\nPrometheus",
        "interviewer_notes": "",
        "anchor_5": "Quantifies headroom",
        "anchor_1": "",
    }
    data.update(overrides)
    return data


def test_recruiter_creates_a_question_with_everything_it_carries(recruiter_client, catalogue):
    response = recruiter_client.post(reverse("rubrics:question_create"), question_post(catalogue))
    question = Question.objects.get(key="new-question")
    assert response.status_code == 302
    assert response["Location"] == reverse("rubrics:question_detail", args=[question.pk])
    assert question.follow_ups == ["What broke?", "Why?"]
    assert question.great_signals == ["Starts from demand forecasts", "Load-tests before launch"]
    assert [t.key for t in question.tags.order_by("key")] == ["capacity", "load-testing"]
    assert list(question.secondary_competencies.all()) == [catalogue.security]
    assert [(a.value, a.text) for a in question.anchors.all()] == [(5, "Quantifies headroom")]
    assert question.minutes == 12 and question.kind == "situational"
    assert AuditEntry.objects.filter(verb="question.created", target_id=str(question.pk)).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"great_signals": "Only one"}, "great_signals", "at least 2"),
        ({"negative_signals": ""}, "negative_signals", "at least one"),
        ({"negative_signals": "Load-tests before launch"}, "negative_signals", "must differ"),
        ({"secondary_competencies": []}, None, None),
        ({"minutes": "0"}, "minutes", "greater than or equal to 1"),
        ({"key": "Not a slug!"}, "key", "letters, numbers, underscores or hyphens"),
        ({"key": "q-failover"}, "key", "exists already"),
        ({"goal": ""}, "goal", "required"),
        ({"tags": "!!!"}, "tags", "no letters or digits"),
    ],
)
def test_bad_question_input_is_refused_at_its_field(
    recruiter_client, catalogue, overrides, field, message
):
    before = Question.objects.count()
    response = recruiter_client.post(
        reverse("rubrics:question_create"), question_post(catalogue, **overrides)
    )
    if field is None:  # a valid variation: saved
        assert response.status_code == 302
        return
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message.lower() in errors.lower()
    assert "Nothing was saved." in response.content.decode()
    assert Question.objects.count() == before


def test_primary_competency_cannot_also_be_secondary(recruiter_client, catalogue):
    data = question_post(catalogue, secondary_competencies=[catalogue.reliability.pk])
    response = recruiter_client.post(reverse("rubrics:question_create"), data)
    assert "already the primary" in response.context["form"].errors["secondary_competencies"][0]
    assert not Question.objects.filter(key="new-question").exists()


def test_editing_an_unpinned_question_changes_it_in_place(recruiter_client, catalogue):
    question = catalogue.question
    data = question_post(
        catalogue,
        great_signals="Names the blast radius\nRehearses failover",
        checklist="Detection\nRollback",
    )
    response = recruiter_client.post(reverse("rubrics:question_edit", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.version == 1
    assert question.great_signals == ["Names the blast radius", "Rehearses failover"]
    assert question.checklist == ["Detection", "Rollback"]
    assert question.key == "q-failover"  # keys never change on edit


def test_editing_a_pinned_question_creates_the_next_version(recruiter_client, catalogue):
    question = catalogue.question
    lock_for_published_loop(question)
    page = recruiter_client.get(reverse("rubrics:question_edit", args=[question.pk]))
    assert "Used by a published loop." in page.content.decode()
    data = question_post(catalogue, title="Failover, reworded")
    response = recruiter_client.post(reverse("rubrics:question_edit", args=[question.pk]), data)
    v2 = Question.objects.get(key="q-failover", current=True)
    assert response["Location"] == reverse("rubrics:question_detail", args=[v2.pk])
    assert (v2.version, v2.title) == (2, "Failover, reworded")
    question.refresh_from_db()
    assert (question.title, question.current, question.locked) == (
        "Failover under pressure",
        False,
        True,
    )
    assert AuditEntry.objects.filter(verb="question.versioned").count() == 1


def test_editing_an_old_version_goes_to_the_current_one(recruiter_client, catalogue):
    from rubrics.versioning import new_version

    v2 = new_version(catalogue.question)
    response = recruiter_client.get(reverse("rubrics:question_edit", args=[catalogue.question.pk]))
    assert response["Location"] == reverse("rubrics:question_edit", args=[v2.pk])


def test_edit_form_shows_current_content(recruiter_client, catalogue):
    body = recruiter_client.get(
        reverse("rubrics:question_edit", args=[catalogue.question.pk])
    ).content.decode()
    assert "Names a concrete example\nExplains trade-offs" in body
    assert 'value="incident-response"' in body


def test_duplicate_creates_an_independent_linked_copy(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:question_duplicate", args=[catalogue.question.pk])
    )
    copy = Question.objects.get(key="q-failover-copy")
    assert response["Location"] == reverse("rubrics:question_edit", args=[copy.pk])
    assert copy.derived_from == catalogue.question
    assert copy.title == "Copy of Failover under pressure"
    assert copy.great_signals == catalogue.question.great_signals
    assert list(copy.secondary_competencies.all()) == [catalogue.security]
    again = recruiter_client.post(
        reverse("rubrics:question_duplicate", args=[catalogue.question.pk])
    )
    assert again.status_code == 302
    assert Question.objects.filter(key="q-failover-copy-2").exists()


def test_duplicate_over_htmx_redirects_the_whole_page(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:question_duplicate", args=[catalogue.question.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"].endswith("/edit/")


def test_archive_hides_from_the_bank_and_restore_brings_it_back(recruiter_client, catalogue):
    url = reverse("rubrics:question_archive", args=[catalogue.question.pk])
    recruiter_client.post(url, {"archived": "1"})
    listing = recruiter_client.get(reverse("rubrics:question_list"))
    assert listing.context["page"].paginator.count == 0
    recruiter_client.post(url, {"archived": "0"})
    listing = recruiter_client.get(reverse("rubrics:question_list"))
    assert listing.context["page"].paginator.count == 1
    verbs = list(AuditEntry.objects.values_list("verb", flat=True).order_by("pk"))
    assert verbs == ["question.archived", "question.restored"]


def test_archive_over_htmx_swaps_the_status_bar(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:question_archive", args=[catalogue.question.pk]),
        {"archived": "1"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="question-status"')
    assert "Restore to the bank" in body


def test_pinned_question_can_be_archived(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.question)
    recruiter_client.post(reverse("rubrics:question_archive", args=[catalogue.question.pk]))
    catalogue.question.refresh_from_db()
    assert catalogue.question.archived is True


@pytest.mark.parametrize("name", ["question_duplicate", "question_archive"])
def test_post_only_question_actions_refuse_get(recruiter_client, catalogue, name):
    response = recruiter_client.get(reverse(f"rubrics:{name}", args=[catalogue.question.pk]))
    assert response.status_code == 405


def test_interviewer_cannot_edit_the_catalogue(client, interviewer, catalogue):
    client.force_login(interviewer)
    response = client.post(
        reverse("rubrics:question_edit", args=[catalogue.question.pk]),
        question_post(catalogue, title="Hijacked"),
    )
    assert response.status_code == 403
    catalogue.question.refresh_from_db()
    assert catalogue.question.title == "Failover under pressure"


def test_recruiter_creates_a_competency_with_anchors(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:competency_create"),
        {
            "bank": catalogue.bank.pk,
            "key": "collaboration",
            "name": "Collaboration",
            "description": "Works across teams",
            "anchor_5": "Builds shared goals",
            "anchor_3": "Cooperates when asked",
            "anchor_1": "Works alone",
        },
    )
    competency = Competency.objects.get(key="collaboration")
    assert response["Location"] == reverse("rubrics:competency_detail", args=[competency.pk])
    assert dict(competency.anchors.values_list("value", "text")) == {
        5: "Builds shared goals",
        3: "Cooperates when asked",
        1: "Works alone",
    }


def test_competency_needs_at_least_one_anchor(recruiter_client, catalogue):
    response = recruiter_client.post(
        reverse("rubrics:competency_create"),
        {"bank": catalogue.bank.pk, "key": "vague", "name": "Vague"},
    )
    assert response.status_code == 200
    assert "at least one anchor" in response.content.decode()
    assert not Competency.objects.filter(key="vague").exists()


def test_editing_a_pinned_competency_versions_it_and_keeps_old_anchors(recruiter_client, catalogue):
    lock_for_published_loop(catalogue.reliability)
    response = recruiter_client.post(
        reverse("rubrics:competency_edit", args=[catalogue.reliability.pk]),
        {
            "name": "Reliability",
            "description": "",
            "anchor_5": "Designs for failure",
            "anchor_3": "Solid behaviour",
            "anchor_1": "Poor behaviour",
        },
    )
    v2 = Competency.objects.get(key="reliability", current=True)
    assert response["Location"] == reverse("rubrics:competency_detail", args=[v2.pk])
    assert v2.version == 2
    assert v2.anchors.get(value=5).text == "Designs for failure"
    assert catalogue.reliability.anchors.get(value=5).text == "Outstanding behaviour"


def test_archived_competency_is_not_offered_for_new_questions(recruiter_client, catalogue):
    recruiter_client.post(reverse("rubrics:competency_archive", args=[catalogue.security.pk]))
    form = recruiter_client.get(reverse("rubrics:question_create")).context["form"]
    assert catalogue.security not in form.fields["primary_competency"].queryset
