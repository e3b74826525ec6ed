"""Password reset by email and password change, end to end."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import AuditEntry
from tests.factories import PASSWORD, make_user

NEW = "a-long-fresh-password"


def reset_link(email) -> str:
    return re.search(r"https?://testserver(/\S+)", email.body).group(1)


@pytest.fixture
def ivy(db):
    return make_user("ivy", groups=("interviewer",), email="ivy@example.com")


def test_reset_emails_a_link_that_sets_a_new_password(client, ivy):
    response = client.post(reverse("accounts:password_reset"), {"email": "IVY@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    [email] = mail.outbox
    assert email.to == ["ivy@example.com"] and email.subject == "Your Loopwright password"

    page = client.get(reset_link(email), follow=True)
    assert "Choose a new password" in page.text and "ivy" in page.text
    done = client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    assert done["Location"] == reverse("accounts:password_reset_complete")
    ivy.refresh_from_db()
    assert ivy.check_password(NEW)
    assert AuditEntry.objects.get(verb="password.changed").data == {"via": "reset"}
    assert (
        client.post(reverse("accounts:login"), {"username": "ivy", "password": NEW}).status_code
        == 302
    )


def test_reset_link_works_once(client, ivy):
    client.post(reverse("accounts:password_reset"), {"email": "ivy@example.com"})
    link = reset_link(mail.outbox[0])
    page = client.get(link, follow=True)
    client.post(page.redirect_chain[-1][0], {"new_password1": NEW, "new_password2": NEW})
    again = client.get(link, follow=True)
    assert "This link is invalid or has already been used" in again.text


def test_reset_refuses_a_weak_password_at_the_field(client, ivy):
    client.post(reverse("accounts:password_reset"), {"email": "ivy@example.com"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    ivy.refresh_from_db()
    assert ivy.check_password(PASSWORD)


def test_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "who@example.com"}, follow=True
    )
    assert "Check your email" in response.text and not mail.outbox


def test_invited_person_can_ask_for_a_new_link(
    client, recruiter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_person(
            by=recruiter, email="new@example.com", first_name="New", site_root="http://testserver/"
        )
    client.post(reverse("accounts:password_reset"), {"email": "new@example.com"})
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "Your Loopwright password"


def test_deactivated_people_get_no_reset_email(client, ivy, recruiter):
    services.deactivate_person(ivy, by=recruiter)
    client.post(reverse("accounts:password_reset"), {"email": "ivy@example.com"})
    assert not mail.outbox


def test_change_password(client, ivy):
    client.force_login(ivy)
    page = client.get(reverse("accounts:password_change"))
    assert "Old password" in page.text
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response["Location"] == reverse("accounts:password_change_done")
    ivy.refresh_from_db()
    assert ivy.check_password(NEW)
    entry = AuditEntry.objects.get(verb="password.changed")
    assert entry.actor == ivy and entry.data == {"via": "change"}
    # Still signed in: Django keeps the session after a change of one's own password.
    assert client.get(reverse("home")).status_code == 200


def test_change_password_refuses_a_wrong_old_password_at_the_field(client, ivy):
    client.force_login(ivy)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": NEW, "new_password2": NEW},
    )
    assert response.context["form"].errors["old_password"]
    ivy.refresh_from_db()
    assert ivy.check_password(PASSWORD)
    assert not AuditEntry.objects.exists()
