"""The people screens: list, invite, edit, deactivate and reactivate."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import AuditEntry, User
from tests.factories import make_user

from .helpers import HTMX, field_errors

PEOPLE = reverse("accounts:people")
INVITE = reverse("accounts:person_invite")


def edit_url(person) -> str:
    return reverse("accounts:person_edit", args=[person.pk])


def groups(*names):
    return list(Group.objects.filter(name__in=names))


@pytest.fixture
def signed_in(client, recruiter):
    client.force_login(recruiter)
    return client


# The list ---------------------------------------------------------------------------------


def test_people_list_shows_people_with_their_roles(signed_in):
    make_user("ana", groups=("interviewer", "committee"), first_name="Ana", last_name="Lima")
    response = signed_in.get(PEOPLE)
    assert response.status_code == 200
    html = response.text
    assert "Ana Lima" in html and "Interviewer" in html and "Committee" in html
    assert 'aria-current="page">People</a>' in html


def test_people_list_searches_name_username_and_email(signed_in):
    make_user("ana", first_name="Ana", last_name="Lima")
    make_user("bo", first_name="Bo", email="bo@elsewhere.test")
    for query, shown, hidden in [
        ("lima", "Ana", "Bo"),
        ("elsewhere", "Bo", "Ana Lima"),
        ("ana", "Ana Lima", "elsewhere"),
    ]:
        html = signed_in.get(PEOPLE, {"q": query}).text
        assert shown in html and hidden not in html, query


def test_people_list_filters_by_group_and_status(signed_in):
    make_user("ivy", groups=("interviewer",), first_name="Ivy")
    gone = make_user("gus", groups=("interviewer",), first_name="Gus")
    services.deactivate_person(gone, by=User.objects.get(username="recruiter-p"))
    make_user("cora", groups=("committee",), first_name="Corentin")
    html = signed_in.get(PEOPLE, {"group": "interviewer", "status": "active"}).text
    assert "Ivy" in html and "Gus" not in html and "Corentin" not in html
    html = signed_in.get(PEOPLE, {"status": "inactive"}).text
    assert "Gus" in html and "Ivy" not in html


def test_people_list_reports_a_bad_filter_at_the_field(signed_in):
    response = signed_in.get(PEOPLE, {"group": "wizards"})
    assert field_errors(response, "group")
    assert "Check the filters above" in response.text


def test_people_list_htmx_gets_only_the_results(signed_in):
    make_user("ana", first_name="Ana")
    response = signed_in.get(PEOPLE, {"q": "ana"}, **HTMX)
    assert response.text.lstrip().startswith('<section id="people-results"')
    assert "<html" not in response.text and "Ana" in response.text
    assert "HX-Request" in response["Vary"]


def test_people_list_history_restore_gets_the_whole_page(signed_in):
    response = signed_in.get(PEOPLE, **HTMX, HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.text


def test_people_list_pages_by_25_and_keeps_filters(signed_in):
    for n in range(30):
        make_user(f"page{n:02}", groups=("interviewer",), first_name=f"Page{n:02}")
    html = signed_in.get(PEOPLE, {"group": "interviewer"}).text
    assert "Page24" in html and "Page25" not in html
    assert "?group=interviewer&amp;page=2" in html
    html = signed_in.get(PEOPLE, {"group": "interviewer", "page": 2}).text
    assert "Page25" in html and "Page24" not in html


@pytest.mark.parametrize("rows", [5, 60])
def test_people_list_query_count_does_not_grow(signed_in, django_assert_num_queries, rows):
    for n in range(rows):
        make_user(f"many{n}", groups=("interviewer", "committee"))
    # session, user, user's groups (nav), filter's groups, count, page, page's groups
    with django_assert_num_queries(7):
        assert signed_in.get(PEOPLE).status_code == 200


def test_people_list_refuses_outsiders_and_posts(client, interviewer, signed_in):
    assert signed_in.post(PEOPLE).status_code == 405
    client.force_login(interviewer)
    assert client.get(PEOPLE).status_code == 403


def test_expired_session_on_htmx_redirects_the_whole_page(client):
    response = client.get(PEOPLE, {"q": "x"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
    assert "people-results" not in response.text


# Invite -----------------------------------------------------------------------------------


def invite_data(**overrides) -> dict:
    data = {
        "email": "new.person@example.com",
        "first_name": "New",
        "last_name": "Person",
        "username": "",
        "groups": [g.pk for g in groups("interviewer")],
        "time_zone": "Europe/Berlin",
    }
    return {**data, **overrides}


def test_invite_creates_a_person_without_password_and_emails_a_working_link(
    signed_in, recruiter, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(INVITE, invite_data())
    assert response.status_code == 302
    person = User.objects.get(email="new.person@example.com")
    assert person.username == "new.person"
    assert not person.has_usable_password()
    assert person.time_zone == "Europe/Berlin"
    assert sorted(person.group_names()) == ["interviewer"]
    entry = AuditEntry.objects.get(verb="person.invited")
    assert entry.actor == recruiter and entry.data["groups"] == ["interviewer"]

    [email] = mail.outbox
    assert email.to == ["new.person@example.com"]
    assert "new.person" in email.body and "Rita Recruiter" in email.body
    link = re.search(r"http://testserver(/\S+)", email.body).group(1)
    client.logout()
    set_password_page = client.get(link, follow=True)
    assert "Choose your password" in set_password_page.text
    done = client.post(
        set_password_page.redirect_chain[-1][0],
        {"new_password1": "a-long-fresh-password", "new_password2": "a-long-fresh-password"},
    )
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-long-fresh-password")
    assert AuditEntry.objects.get(verb="password.changed").data == {"via": "invitation"}


def test_invite_form_starts_from_the_inviters_time_zone(signed_in, recruiter):
    recruiter.time_zone = "Europe/Lisbon"
    recruiter.save()
    assert signed_in.get(INVITE).context["form"]["time_zone"].value() == "Europe/Lisbon"


def test_invite_derives_a_free_username(signed_in):
    make_user("sam")
    signed_in.post(INVITE, invite_data(email="Sam@other.test"))
    assert User.objects.get(email="Sam@other.test").username == "sam2"


def test_invite_refuses_a_used_email_at_the_field(signed_in):
    make_user("ana", email="ana@example.com")
    response = signed_in.post(INVITE, invite_data(email="ANA@example.com"))
    assert response.status_code == 200
    assert field_errors(response, "email") == ["Someone already uses this email address."]
    assert User.objects.filter(email__iexact="ana@example.com").count() == 1
    assert not AuditEntry.objects.exists() and not mail.outbox


def test_invite_refuses_a_taken_username_at_the_field(signed_in):
    make_user("ana")
    response = signed_in.post(INVITE, invite_data(username="ana"))
    assert field_errors(response, "username")
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_invite_by_htmx_redirects_the_page_or_swaps_the_form_with_errors(signed_in):
    response = signed_in.post(INVITE, invite_data(), **HTMX)
    assert response["HX-Redirect"] == PEOPLE
    response = signed_in.post(INVITE, invite_data(email="not-an-email"), **HTMX)
    assert response.text.lstrip().startswith('<form id="invite-form"')
    assert "Enter a valid email address." in response.text
    assert not User.objects.filter(email="not-an-email").exists()


def test_invite_refuses_outsiders_and_wrong_methods(client, committee, signed_in):
    assert signed_in.put(INVITE).status_code == 405
    client.force_login(committee)
    assert client.post(INVITE, invite_data()).status_code == 403
    assert not User.objects.filter(email="new.person@example.com").exists()


# Edit -------------------------------------------------------------------------------------


def edit_data(person, **overrides) -> dict:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "groups": [g.pk for g in person.groups.all()],
        "time_zone": person.time_zone,
    }
    return {**data, **overrides}


def test_edit_changes_groups_names_and_time_zone_with_audit(signed_in, recruiter):
    ivy = make_user("ivy", groups=("interviewer",), first_name="Ivy")
    response = signed_in.post(
        edit_url(ivy),
        edit_data(
            ivy,
            first_name="Ivie",
            time_zone="Asia/Tokyo",
            groups=[g.pk for g in groups("interviewer", "committee")],
        ),
    )
    assert response.status_code == 302
    ivy.refresh_from_db()
    assert (ivy.first_name, ivy.time_zone) == ("Ivie", "Asia/Tokyo")
    assert sorted(ivy.group_names()) == ["committee", "interviewer"]
    changed = AuditEntry.objects.get(verb="person.groups_changed")
    assert changed.data == {"before": ["interviewer"], "after": ["committee", "interviewer"]}
    updated = AuditEntry.objects.get(verb="person.updated")
    assert updated.data["first_name"] == {"before": "Ivy", "after": "Ivie"}
    assert updated.actor == recruiter


def test_edit_without_changes_records_nothing(signed_in):
    ivy = make_user("ivy", groups=("interviewer",))
    signed_in.post(edit_url(ivy), edit_data(ivy))
    assert not AuditEntry.objects.exists()


def test_recruiter_cannot_remove_their_own_recruiter_role(signed_in, recruiter):
    response = signed_in.post(
        edit_url(recruiter),
        edit_data(recruiter, groups=[g.pk for g in groups("interviewer")], first_name="Renamed"),
    )
    assert response.status_code == 200
    assert "You cannot remove your own recruiter role" in field_errors(response, "groups")[0]
    recruiter.refresh_from_db()
    assert recruiter.first_name == "Rita"
    assert sorted(User.objects.get(pk=recruiter.pk).group_names()) == ["recruiter"]
    assert not AuditEntry.objects.exists()


def test_edit_reports_a_bad_time_zone_at_the_field(signed_in):
    ivy = make_user("ivy", groups=("interviewer",))
    response = signed_in.post(edit_url(ivy), edit_data(ivy, time_zone="Mars/Olympus"))
    assert field_errors(response, "time_zone")
    ivy.refresh_from_db()
    assert ivy.time_zone == "UTC"


def test_only_an_admin_changes_an_admin(client, signed_in, admin):
    assert signed_in.get(edit_url(admin)).status_code == 403
    assert signed_in.post(edit_url(admin), edit_data(admin, first_name="X")).status_code == 403
    assert "admin-p" in signed_in.get(PEOPLE).text
    assert f'href="{edit_url(admin)}"' not in signed_in.get(PEOPLE).text
    client.force_login(admin)
    assert client.post(edit_url(admin), edit_data(admin, first_name="Ada")).status_code == 302
    admin.refresh_from_db()
    assert admin.first_name == "Ada"


def test_edit_by_htmx(signed_in):
    ivy = make_user("ivy", groups=("interviewer",))
    response = signed_in.post(edit_url(ivy), edit_data(ivy, last_name="Stone"), **HTMX)
    assert response["HX-Redirect"] == edit_url(ivy)
    response = signed_in.post(edit_url(ivy), edit_data(ivy, time_zone="Nowhere"), **HTMX)
    assert response.text.lstrip().startswith('<form id="person-form"')
    assert "Select a valid choice" in response.text


def test_edit_refuses_outsiders_wrong_methods_and_unknown_people(client, nobody, signed_in):
    ivy = make_user("ivy", groups=("interviewer",))
    assert signed_in.delete(edit_url(ivy)).status_code == 405
    assert signed_in.get(reverse("accounts:person_edit", args=[99999])).status_code == 404
    client.force_login(nobody)
    assert client.post(edit_url(ivy), edit_data(ivy, first_name="X")).status_code == 403
    ivy.refresh_from_db()
    assert ivy.first_name == ""


# Deactivate and reactivate ----------------------------------------------------------------


def deactivate_url(person) -> str:
    return reverse("accounts:person_deactivate", args=[person.pk])


def reactivate_url(person) -> str:
    return reverse("accounts:person_reactivate", args=[person.pk])


def test_deactivate_stops_sign_in_and_reactivate_restores_it(signed_in, client):
    ivy = make_user("ivy", groups=("interviewer",))
    response = signed_in.post(deactivate_url(ivy))
    assert response.status_code == 302 and response["Location"] == edit_url(ivy)
    ivy.refresh_from_db()
    assert not ivy.is_active
    assert AuditEntry.objects.filter(verb="person.deactivated", target_id=str(ivy.pk)).exists()

    signed_in.post(reactivate_url(ivy))
    ivy.refresh_from_db()
    assert ivy.is_active
    assert AuditEntry.objects.filter(verb="person.reactivated").count() == 1


def test_deactivated_person_loses_their_session(client, signed_in):
    ivy = make_user("ivy", groups=("interviewer",))
    from django.test import Client

    ivy_client = Client()
    ivy_client.force_login(ivy)
    assert ivy_client.get(reverse("home")).status_code == 200
    signed_in.post(deactivate_url(ivy))
    assert ivy_client.get(reverse("home")).status_code == 302


def test_recruiter_cannot_deactivate_themselves(signed_in, recruiter):
    response = signed_in.post(deactivate_url(recruiter), follow=True)
    assert "You cannot deactivate yourself" in response.text
    recruiter.refresh_from_db()
    assert recruiter.is_active
    assert not AuditEntry.objects.exists()


def test_deactivate_by_htmx_swaps_the_status_panel(signed_in, recruiter):
    ivy = make_user("ivy", groups=("interviewer",), first_name="Ivy")
    response = signed_in.post(deactivate_url(ivy), **HTMX)
    assert response.text.lstrip().startswith('<section id="person-status"')
    assert "Ivy is deactivated." in response.text and "Reactivate" in response.text
    response = signed_in.post(deactivate_url(recruiter), **HTMX)
    assert 'role="alert"' in response.text and "You cannot deactivate yourself" in response.text


def test_deactivate_refuses_outsiders_gets_and_admins_for_recruiters(
    client, interviewer, signed_in, admin
):
    ivy = make_user("ivy", groups=("interviewer",))
    assert signed_in.get(deactivate_url(ivy)).status_code == 405
    assert signed_in.get(reactivate_url(ivy)).status_code == 405
    assert signed_in.post(deactivate_url(admin)).status_code == 403
    client.force_login(interviewer)
    assert client.post(deactivate_url(ivy)).status_code == 403
    assert User.objects.get(pk=ivy.pk).is_active and User.objects.get(pk=admin.pk).is_active
