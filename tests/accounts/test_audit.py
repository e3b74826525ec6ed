"""The audit trail page: newest first, filters, time zone, constant queries."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.audit import record
from accounts.models import AuditEntry
from candidates.scheduling import replace_assignment
from tests.factories import assign, fill_scorecard, make_user, submit_filled_scorecard

from .helpers import HTMX, field_errors

AUDIT = reverse("accounts:audit")


def at(entry: AuditEntry, when: datetime) -> AuditEntry:
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


@pytest.fixture
def signed_in(client, recruiter):
    client.force_login(recruiter)
    return client


def test_audit_lists_entries_newest_first_with_their_data(signed_in, recruiter):
    ivy = make_user("ivy", first_name="Ivy")
    at(
        record(recruiter, "person.invited", ivy, groups=["interviewer"]),
        datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )
    at(
        record(
            recruiter,
            "person.groups_changed",
            ivy,
            before=["interviewer"],
            after=["committee", "interviewer"],
        ),
        datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
    )
    record(recruiter, "person.updated", ivy, time_zone={"before": "UTC", "after": "Asia/Tokyo"})
    html = signed_in.get(AUDIT).text
    assert html.index("person.groups_changed") < html.index("person.invited")
    assert "committee, interviewer" in html and "Rita Recruiter" in html
    assert html.index("<dt>Before</dt>") < html.index("<dt>After</dt>")
    assert "UTC → Asia/Tokyo" in html
    assert 'aria-current="page">Audit trail</a>' in html


def test_audit_filters_by_verb_actor_target_and_dates(signed_in, recruiter):
    other = make_user("otto", groups=("recruiter",), first_name="Otto")
    ivy, bo = make_user("ivy", first_name="Ivy"), make_user("bo", first_name="Bo")
    at(record(recruiter, "person.invited", ivy), datetime(2026, 3, 1, 12, tzinfo=UTC))
    at(record(other, "person.deactivated", bo), datetime(2026, 3, 5, 12, tzinfo=UTC))
    at(record(None, "login.failed", None, username="ghost"), datetime(2026, 3, 9, 12, tzinfo=UTC))

    def verbs(**params) -> list[str]:
        response = signed_in.get(AUDIT, params)
        return [e.verb for e in response.context["page"].object_list]

    assert verbs(verb="person.invited") == ["person.invited"]
    assert verbs(actor=other.pk) == ["person.deactivated"]
    assert verbs(target="ivy") == ["person.invited"]
    assert verbs(since="2026-03-02", until="2026-03-06") == ["person.deactivated"]
    assert verbs(since="2026-03-05") == ["login.failed", "person.deactivated"]


def test_audit_date_filter_uses_the_viewers_days(signed_in, recruiter):
    # 23:30 UTC on 1 March is already 2 March in Tokyo.
    at(record(recruiter, "person.invited", recruiter), datetime(2026, 3, 1, 23, 30, tzinfo=UTC))
    recruiter.time_zone = "Asia/Tokyo"
    recruiter.save()
    response = signed_in.get(AUDIT, {"since": "2026-03-02", "until": "2026-03-02"})
    assert len(response.context["page"].object_list) == 1
    assert "2 Mar 2026, 08:30:00" in response.text and "(Asia/Tokyo)" in response.text


def test_audit_reports_a_backwards_date_range_at_the_field(signed_in, recruiter):
    record(recruiter, "person.invited", recruiter)
    response = signed_in.get(AUDIT, {"since": "2026-03-05", "until": "2026-03-01"})
    assert field_errors(response, "until") == ["The end date is before the start date."]
    assert not response.context["page"].object_list


def test_audit_htmx_gets_only_the_results(signed_in, recruiter):
    record(recruiter, "person.invited", recruiter)
    response = signed_in.get(AUDIT, {"verb": "person.invited"}, **HTMX)
    assert response.text.lstrip().startswith('<section id="audit-results"')
    assert "<html" not in response.text


def test_audit_pages_by_50(signed_in, recruiter):
    for n in range(55):
        record(recruiter, "thing.done", recruiter, n=n)
    response = signed_in.get(AUDIT)
    assert len(response.context["page"].object_list) == 50
    assert "page=2" in response.text
    assert len(signed_in.get(AUDIT, {"page": 2}).context["page"].object_list) == 5


@pytest.mark.parametrize("rows", [5, 60])
def test_audit_query_count_does_not_grow(signed_in, recruiter, django_assert_num_queries, rows):
    actors = [make_user(f"actor{n}") for n in range(3)]
    for n in range(rows):
        record(actors[n % 3], f"verb.{n % 4}", actors[(n + 1) % 3], n=n)
    # session, user, user's groups, verb choices, actor choices, count, page
    with django_assert_num_queries(7):
        assert signed_in.get(AUDIT).status_code == 200


def test_audit_refuses_outsiders_and_posts(client, committee, signed_in):
    assert signed_in.post(AUDIT).status_code == 405
    client.force_login(committee)
    assert client.get(AUDIT).status_code == 403


# --- Independence: nothing about an application whose own scorecard is pending -------


def scored_application(recruiter):
    """An application with a colleague's submitted scorecard and a recorded decision."""
    from scoring.services import record_decision
    from tests.factories import make_application, make_interview, make_scoring_loop

    loop = make_scoring_loop()
    application = make_application(loop=loop)
    interview = make_interview(application, loop.stages.order_by("order").first())
    colleague = make_user(groups=("interviewer",))
    submit_filled_scorecard(assign(interview, colleague).scorecard, recommendation="strong_no")
    record_decision(
        application, outcome="no_hire", level=loop.level, rationale="Not yet.", by=recruiter
    )
    return application, interview


def application_verbs(response, application) -> set[str]:
    scope = application.audit_scope()
    return {e.verb for e in response.context["page"].object_list if e.scope == scope}


def test_audit_hides_an_application_from_a_recruiter_whose_own_scorecard_is_pending(
    client, recruiter
):
    application, interview = scored_application(recruiter)
    pending = make_user("rico", groups=("recruiter", "interviewer"))
    card = assign(interview, pending).scorecard
    client.force_login(pending)
    response = client.get(AUDIT)
    assert application_verbs(response, application) == set()
    # Nor through the filters: the verb is not even offered, and its count is zero.
    verbs = dict(response.context["form"].fields["verb"].choices)
    assert "decision.recorded" not in verbs and "scorecard.submitted" not in verbs
    filtered = client.get(AUDIT, {"target": str(application)})
    assert filtered.context["page"].paginator.count == 0
    assert "Strong no" not in response.text and "no_hire" not in response.text
    # Once their own scorecard is in, the whole trail is theirs to read.
    submit_filled_scorecard(card)
    shown = application_verbs(client.get(AUDIT), application)
    assert {"scorecard.submitted", "decision.recorded"} <= shown


def test_audit_hides_an_application_while_a_replaced_seat_holds_a_started_scorecard(
    client, recruiter
):
    application, interview = scored_application(recruiter)
    pending = make_user("rico", groups=("recruiter", "interviewer"))
    card = assign(interview, pending).scorecard
    fill_scorecard(card)  # started: it stays theirs when someone takes the seat
    replace_assignment(card.assignment, make_user(groups=("interviewer",)), by=recruiter)
    client.force_login(pending)
    assert application_verbs(client.get(AUDIT), application) == set()
    # Other recruiters still read it all.
    client.force_login(recruiter)
    assert "decision.recorded" in application_verbs(client.get(AUDIT), application)


def test_admin_audit_list_hides_an_application_from_an_admin_who_owes_a_scorecard(
    client, recruiter, admin
):
    from django.contrib.auth.models import Group

    application, interview = scored_application(recruiter)
    admin.groups.add(Group.objects.get(name="interviewer"))
    assign(interview, admin)
    client.force_login(admin)
    changelist = reverse("admin:accounts_auditentry_changelist")
    response = client.get(changelist)
    shown = {e.scope for e in response.context["cl"].result_list}
    assert application.audit_scope() not in shown and shown
    verbs = [
        c["display"] for c in response.context["cl"].filter_specs[0].choices(response.context["cl"])
    ]
    assert "decision.recorded" not in verbs
    hidden = AuditEntry.objects.filter(verb="decision.recorded").get()
    detail = reverse("admin:accounts_auditentry_change", args=[hidden.pk])
    assert client.get(detail).status_code == 302  # "doesn't exist": back to the list
    assert client.get(changelist, {"q": "decision"}).context["cl"].result_count == 0


@pytest.mark.parametrize("pending", [1, 4])
def test_audit_query_count_does_not_grow_with_pending_applications(
    client, recruiter, django_assert_num_queries, pending
):
    from tests.factories import make_application, make_interview, make_published_loop

    viewer = make_user("rico", groups=("recruiter", "interviewer"))
    loop = make_published_loop()
    for _ in range(pending):
        assign(make_interview(make_application(loop=loop)), viewer)
    client.force_login(viewer)
    # session, user, user's groups, verb choices, actor choices, count, page
    with django_assert_num_queries(7):
        response = client.get(AUDIT)
    assert response.status_code == 200
