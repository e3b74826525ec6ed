"""The profile page and the time zone every time is shown in."""

from datetime import UTC, datetime

from django.urls import reverse

from accounts.audit import record
from accounts.models import AuditEntry

PROFILE = reverse("accounts:profile")


def profile_data(user, **overrides) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "time_zone": user.time_zone,
    }
    return {**data, **overrides}


def test_chosen_time_zone_changes_how_times_are_shown(client, recruiter):
    entry = record(recruiter, "person.invited", recruiter)
    AuditEntry.objects.filter(pk=entry.pk).update(
        created_at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    )
    client.force_login(recruiter)
    assert "1 Jul 2026, 12:00:00" in client.get(reverse("accounts:audit")).text

    response = client.post(PROFILE, profile_data(recruiter, time_zone="America/New_York"))
    assert response["Location"] == PROFILE
    html = client.get(reverse("accounts:audit")).text
    assert "1 Jul 2026, 08:00:00" in html and "(America/New_York)" in html


def test_profile_refuses_an_unknown_time_zone_at_the_field(client, recruiter):
    client.force_login(recruiter)
    response = client.post(PROFILE, profile_data(recruiter, time_zone="Atlantis/Capital"))
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    recruiter.refresh_from_db()
    assert recruiter.time_zone == "UTC"


def test_profile_refuses_other_methods(client, recruiter):
    client.force_login(recruiter)
    assert client.delete(PROFILE).status_code == 405
