"""The adverse-impact page and CSV, the recruiter's link and the candidate's page."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib import admin as django_admin
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry
from candidates.privacy import erase_candidate
from outcomes.fairness import selfid
from outcomes.models import SelfIdAnswer, SelfIdInvite, SelfIdOption, SelfIdResponse
from tests.factories import assign, make_application, make_interview, make_published_loop

from .fairness_setup import answer, cohort, sex_category

pytestmark = pytest.mark.django_db

PLANTED = {"female": (20, 6), "male": (20, 12)}


def page(client, loop, **extra):
    return client.get(reverse("outcomes:fairness"), {"loop": loop.key, **extra})


def test_page_shows_the_planted_case(client, recruiter):
    loop, _ = cohort(groups=PLANTED)
    client.force_login(recruiter)
    response = page(client, loop)
    assert response.status_code == 200
    text = response.content.decode()
    hired = text.split('id="step-2"')[1]  # Advanced past Systems, Offer, Hired
    # Women: 6 of 20 (.30) against men's 12 of 20 (.60): .5, Katz .23 to 1.07, p .111.
    assert "0.30" in hired and "0.60" in hired
    assert "0.50" in hired and "(0.23–1.07)" in hired and "0.111" in hired
    assert "under 4/5" in hired
    assert "Below four-fifths, but the interval reaches 0.8" in hired


def test_csv_is_the_ll144_table(client, recruiter):
    loop, _ = cohort(groups=PLANTED)
    client.force_login(recruiter)
    response = client.get(reverse("outcomes:fairness_csv"), {"loop": loop.key})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][2:7] == [
        "Category",
        "Number of applicants",
        "Number selected",
        "Selection rate",
        "Impact ratio",
    ]
    women = next(r for r in rows if r[:3] == ["Hired", "Sex", "Female"])
    assert women[3:7] == ["20", "6", "0.300", "0.500"] and women[-1] == "yes"


def test_viewing_and_exporting_are_audited(client, recruiter):
    loop, _ = cohort(groups={"female": (5, 2), "male": (5, 2)})
    client.force_login(recruiter)
    page(client, loop)
    client.get(reverse("outcomes:fairness_csv"), {"loop": loop.key})
    entries = AuditEntry.objects.filter(verb__startswith="fairness.", actor=recruiter)
    assert sorted(e.verb for e in entries) == ["fairness.exported", "fairness.viewed"]
    assert all(e.data["loop"] == loop.key for e in entries)


@pytest.mark.parametrize("persona", ["interviewer", "committee", "nobody"])
def test_only_recruiters_see_the_page(client, request, persona):
    loop, _ = cohort(groups={"female": (2, 1)})
    client.force_login(request.getfixturevalue(persona))
    assert page(client, loop).status_code == 403
    assert client.get(reverse("outcomes:fairness_csv")).status_code == 403


def test_small_groups_are_suppressed_on_the_page(client, recruiter):
    loop, _ = cohort(groups={"female": (3, 1), "male": (20, 8)})
    client.force_login(recruiter)
    text = page(client, loop).content.decode()
    women = text.split('id="step-2"')[1].split('<th scope="row">Female</th>')[1].split("</tr>")[0]
    assert "suppressed" in women and ">3<" not in women and ">1<" not in women


def test_unknown_year_or_loop_is_a_message_not_a_500(client, recruiter):
    loop, _ = cohort(groups={"female": (2, 1)})
    client.force_login(recruiter)
    assert "Check the loop and year" in page(client, loop, year="1999").content.decode()
    assert client.get(reverse("outcomes:fairness_csv"), {"loop": "nope"}).status_code == 400


def count_queries(client, loop, django_assert_num_queries, expected: int) -> None:
    with django_assert_num_queries(expected):
        assert page(client, loop).status_code == 200


def test_page_queries_do_not_grow_with_the_data(client, recruiter, django_assert_num_queries):
    loop, _ = cohort(groups={"female": (3, 1), "male": (3, 2)})
    client.force_login(recruiter)
    # Session, user and groups; loops, years; categories and options; stages (2); the
    # pool's exclusions count and rows; stage positions; interviews; offers in the audit
    # trail; answers (2); ratings; competencies; the audit entry written.
    count_queries(client, loop, django_assert_num_queries, 19)
    cohort(loop, groups={"female": (15, 5), "male": (12, 9)})
    count_queries(client, loop, django_assert_num_queries, 19)


def test_applications_the_viewer_owes_a_scorecard_on_are_left_out(client, recruiter_interviewer):
    loop, made = cohort(groups={"female": (6, 3), "male": (6, 3)})
    interview = made[0].interviews.first()
    assign(interview, recruiter_interviewer)
    client.force_login(recruiter_interviewer)
    text = page(client, loop).content.decode()
    assert "1 application left out" in text
    assert "<strong>11</strong> decided applications" in text


# --- The link -------------------------------------------------------------------------


def invite_from_page(client, application):
    return client.post(reverse("outcomes:fairness_self_id_invite", args=[application.pk]))


def test_recruiter_sends_a_link_by_email_and_sees_it_once(
    client, recruiter, django_capture_on_commit_callbacks
):
    application = make_application()
    client.force_login(recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite_from_page(client, application)
    assert response.status_code == 200
    link = response.context["link"]
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link in response.content.decode()
    # Emailed once committed; only the token's hash is stored.
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert mail.outbox[0].to == [application.candidate.email]
    invite = SelfIdInvite.objects.get(application=application)
    assert invite.token_hash == selfid.token_hash(token) and token not in invite.token_hash
    assert AuditEntry.objects.filter(verb="self_id.invited", actor=recruiter).exists()


def test_application_page_offers_the_link_to_recruiters_only(client, recruiter, interviewer):
    application = make_application()
    assign(make_interview(application), interviewer)
    client.force_login(recruiter)
    assert (
        "Send self-identification link"
        in client.get(application.get_absolute_url()).content.decode()
    )
    client.force_login(interviewer)
    assert (
        "Send self-identification link"
        not in client.get(application.get_absolute_url()).content.decode()
    )
    assert invite_from_page(client, application).status_code == 403


def test_a_second_link_after_an_answer_is_refused(client, recruiter):
    application = make_application()
    answer(application, sex="female")
    client.force_login(recruiter)
    response = invite_from_page(client, application)
    assert response.status_code == 400
    assert "already answered" in response.content.decode()


# --- The candidate's page ---------------------------------------------------------------


@pytest.fixture
def link():
    application = make_application()
    _, token = selfid.invite(application, by=None)
    return application, reverse("outcomes:fairness_self_id", args=[token])


def test_candidate_page_needs_no_sign_in_and_defaults_to_prefer_not_to_say(client, link):
    _, url = link
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert all(form[name].value() == "" for name in form.fields)
    text = response.content.decode()
    assert "voluntary" in text and "Nobody sees your answers" in text
    assert len(re.findall(r'value="" id="[^"]+" checked', text)) == len(form.fields)
    assert text.count(" checked") == len(form.fields)
    assert response["Cache-Control"].startswith("max-age=0")


def test_candidate_answers_once(client, link):
    application, url = link
    form = client.get(url).context["form"]
    female = SelfIdOption.objects.get(category=sex_category(), key="female")
    data = {name: "" for name in form.fields} | {f"category_{sex_category().pk}": str(female.pk)}
    response = client.post(url, data)
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    stored = SelfIdResponse.objects.get(application=application)
    answers = {a.category.key: a.option for a in stored.answers.all()}
    assert answers["sex"] == female and answers["race-ethnicity"] is None
    again = client.get(url)
    assert again.status_code == 410 and "This link has been used" in again.content.decode()
    assert client.post(url, data).status_code == 410
    assert SelfIdAnswer.objects.count() == 2
    # The audit trail says it was used, never what was answered.
    entry = AuditEntry.objects.get(verb="self_id.answered")
    assert entry.data == {}


def test_submitting_without_choosing_stores_prefer_not_to_say(client, link):
    application, url = link
    assert client.post(url, {}).status_code == 200
    answers = SelfIdResponse.objects.get(application=application).answers.all()
    assert answers and all(a.option is None for a in answers)


def test_an_option_of_another_category_is_refused_at_its_field(client, link):
    application, url = link
    male = SelfIdOption.objects.get(category=sex_category(), key="male")
    race = next(c for c in selfid.questions() if c.key == "race-ethnicity")
    response = client.post(url, {f"category_{race.pk}": str(male.pk)})
    assert response.status_code == 400
    assert response.context["form"].errors[f"category_{race.pk}"]
    assert not SelfIdResponse.objects.filter(application=application).exists()


def test_expired_and_unknown_links_get_a_clear_page(client, link):
    application, url = link
    SelfIdInvite.objects.filter(application=application).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.get(url)
    assert expired.status_code == 410 and "This link has expired" in expired.content.decode()
    assert client.post(url, {}).status_code == 410
    assert not SelfIdResponse.objects.exists()
    unknown = client.get(reverse("outcomes:fairness_self_id", args=["not-a-real-token"]))
    assert unknown.status_code == 404 and "does not work" in unknown.content.decode()


def test_guessing_links_is_throttled(client, link, settings):
    settings.SELF_ID_FAILURE_LIMIT = 3
    _, url = link
    for n in range(3):
        client.get(reverse("outcomes:fairness_self_id", args=[f"guess-{n}"]))
    refused = client.get(url)  # even a good link, from that address, for a while
    assert refused.status_code == 429 and "Too many attempts" in refused.content.decode()


@pytest.fixture(autouse=True)
def clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_erasure_deletes_the_answers_and_links(recruiter):
    application = make_application()
    answer(application, sex="male")
    selfid.invite(make_application(application.candidate, make_published_loop()), by=None)
    erase_candidate(application.candidate, by=recruiter)
    assert not SelfIdResponse.objects.exists()
    assert not SelfIdAnswer.objects.exists()
    assert not SelfIdInvite.objects.exists()


def test_a_link_of_an_erased_candidate_is_closed(client, recruiter, link):
    application, url = link
    erase_candidate(application.candidate, by=recruiter)
    assert client.get(url).status_code == 404


def test_admin_edits_categories_and_never_responses(client, admin):
    registered = {model._meta.model_name for model in django_admin.site._registry}
    assert "selfidcategory" in registered
    assert not {"selfidresponse", "selfidanswer", "selfidinvite", "selfidoption"} & registered
    client.force_login(admin)
    assert client.get("/admin/outcomes/selfidcategory/").status_code == 200
    assert client.get("/admin/outcomes/selfidresponse/").status_code == 404
