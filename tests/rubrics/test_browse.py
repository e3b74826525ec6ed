"""The catalogue pages recruiters browse: filtering, detail, anchors, ladders."""

import pytest
from django.urls import reverse

from rubrics.models import Competency, Question
from tests.factories import make_competency, make_question

pytestmark = pytest.mark.django_db


@pytest.fixture
def recruiter_client(client, recruiter):
    client.force_login(recruiter)
    return client


def make_questions(bank, primary, n: int, *, tags=("incident-response",)) -> None:
    """n questions with tags, in bulk through the ORM (many rows, few queries)."""
    start = Question.objects.count()
    Question.objects.bulk_create(
        [
            Question(
                bank=bank,
                key=f"bulk-{start + i}",
                title=f"Bulk question {start + i}",
                prompt="Describe a time…",
                goal="Goal",
                primary_competency=primary,
            )
            for i in range(n)
        ]
    )
    through = Question.tags.through
    tag = make_question.__globals__["make_tag"](tags[0])
    through.objects.bulk_create(
        [
            through(question_id=pk, tag_id=tag.pk)
            for pk in Question.objects.filter(key__startswith="bulk-").values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def titles(response) -> list[str]:
    return [q.title for q in response.context["page"].object_list]


def test_bank_page_lists_current_questions_only(recruiter_client, catalogue):
    old = make_question(
        catalogue.bank,
        "retired",
        primary=catalogue.reliability,
        title="Retired question",
        archived=True,
    )
    response = recruiter_client.get(reverse("rubrics:question_list"))
    assert response.status_code == 200
    assert "Failover under pressure" in titles(response)
    assert old.title not in titles(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "failover"}, ["Failover under pressure"]),
        ({"q": "nothing like this"}, []),
        ({"competency": "security"}, ["Failover under pressure"]),  # as secondary
        ({"competency": "reliability", "kind": "technical"}, ["Tuning alerts"]),
        ({"tag": "observability"}, ["Tuning alerts"]),
        ({"bank": "core", "tag": "incident-response"}, ["Failover under pressure"]),
    ],
)
def test_bank_page_filters_by_every_criterion(recruiter_client, catalogue, params, expected):
    make_question(
        catalogue.bank,
        "q-alerts",
        primary=catalogue.reliability,
        kind="technical",
        tags=["observability"],
        title="Tuning alerts",
    )
    response = recruiter_client.get(reverse("rubrics:question_list"), params)
    assert sorted(titles(response)) == sorted(expected)


def test_bank_page_filters_by_level(recruiter_client, catalogue):
    top = catalogue.ladder.levels.order_by("order").last()
    make_question(
        catalogue.bank,
        "q-staff",
        primary=catalogue.reliability,
        levels=[top],
        title="Staff-level question",
    )
    response = recruiter_client.get(reverse("rubrics:question_list"), {"level": top.pk})
    assert titles(response) == ["Staff-level question"]


def test_filtering_by_competency_finds_questions_of_every_version(recruiter_client, catalogue):
    from rubrics.services import lock_for_published_loop
    from rubrics.versioning import new_version

    lock_for_published_loop(catalogue.reliability)
    new_version(catalogue.reliability)
    response = recruiter_client.get(reverse("rubrics:question_list"), {"competency": "reliability"})
    assert titles(response) == ["Failover under pressure"]


def test_unknown_filter_value_shows_a_message_at_the_field(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:question_list"), {"competency": "nope"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert response.context["form"].errors["competency"]


def test_htmx_filter_returns_only_the_results_fragment(recruiter_client, catalogue):
    response = recruiter_client.get(
        reverse("rubrics:question_list"), {"q": "failover"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="question-results"')
    assert "Failover under pressure" in body
    assert "<html" not in body


def test_bank_page_paginates(recruiter_client, catalogue):
    make_questions(catalogue.bank, catalogue.reliability, 45)
    first = recruiter_client.get(reverse("rubrics:question_list"))
    third = recruiter_client.get(reverse("rubrics:question_list"), {"page": 3})
    assert len(titles(first)) == 20
    assert len(titles(third)) == 6
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("size", [10, 500])
def test_bank_page_query_count_does_not_grow_with_questions(
    recruiter_client, catalogue, django_assert_num_queries, size
):
    make_questions(catalogue.bank, catalogue.reliability, size)
    # session, user, groups; the chosen bank; filter choices (competency, level,
    # tag, bank); count, page, tags of the page.
    with django_assert_num_queries(11):
        response = recruiter_client.get(reverse("rubrics:question_list"), {"bank": "core"})
    assert response.status_code == 200


def test_question_page_shows_everything_it_carries(recruiter_client, catalogue):
    question = catalogue.question
    question.follow_ups = ["What would you change?"]
    question.technologies = ["Terraform"]
    question.interviewer_notes = "Let them draw."
    question.save()
    question.anchors.create(value=5, text="Names the failure domain first")
    body = recruiter_client.get(
        reverse("rubrics:question_detail", args=[question.pk])
    ).content.decode()
    for text in [
        "Tell me about q-failover.",
        "What would you change?",
        "Tests something that matters.",
        "Names a concrete example",
        "Blames others",
        "Context",
        "Terraform",
        "Let them draw.",
        "Names the failure domain first",
        "Reliability",
        "Security",
        "#incident response",
        "Outstanding behaviour",
    ]:
        assert text in body, text


def test_question_page_query_count_is_fixed(
    recruiter_client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        recruiter_client.get(reverse("rubrics:question_detail", args=[catalogue.question.pk]))


def test_question_text_with_markup_renders_as_text(recruiter_client, catalogue):
    question = catalogue.question
    question.prompt = "<script>alert('x')</script>"
    question.save()
    body = recruiter_client.get(
        reverse("rubrics:question_detail", args=[question.pk])
    ).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_missing_question_is_404(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:question_detail", args=[999999]))
    assert response.status_code == 404


def test_competency_page_shows_anchors_over_the_scale(recruiter_client, catalogue):
    response = recruiter_client.get(
        reverse("rubrics:competency_detail", args=[catalogue.reliability.pk])
    )
    rows = response.context["scale_rows"]
    assert [r["value"] for r in rows] == [5, 4, 3, 2, 1]
    assert rows[0]["anchor"] == "Outstanding behaviour"
    assert rows[1]["anchor"] == ""  # 4 reads "between its neighbours"
    assert rows[2]["meets"] is True
    body = response.content.decode()
    assert "Between its neighbours." in body
    assert "Failover under pressure" in body


def test_competency_without_anchors_is_flagged(recruiter_client, catalogue):
    bare = make_competency(catalogue.bank, "bare", anchors={})
    response = recruiter_client.get(reverse("rubrics:competency_detail", args=[bare.pk]))
    assert "No anchors yet" in response.content.decode()
    listing = recruiter_client.get(reverse("rubrics:competency_list")).content.decode()
    assert "none" in listing


def test_competency_list_counts_questions(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:competency_list"))
    counts = {c.key: c.primary_count for c in response.context["competencies"]}
    assert counts == {"reliability": 1, "security": 0}
    assert Competency.objects.count() == 2


def test_ladder_page_shows_levels_side_by_side_by_dimension(recruiter_client, catalogue):
    response = recruiter_client.get(reverse("rubrics:ladder_detail", args=[catalogue.ladder.pk]))
    rows = response.context["rows"]
    assert [r["dimension"].key for r in rows] == ["scope", "autonomy"]
    assert rows[0]["cells"] == ["junior scope", "senior scope", "staff scope"]
    body = response.content.decode()
    assert "senior litmus" in body and "Site reliability engineer" in body


def test_ladder_list_shows_each_ladder_with_its_levels(recruiter_client, catalogue):
    body = recruiter_client.get(reverse("rubrics:ladder_list")).content.decode()
    assert "Engineering" in body and "Staff" in body
