"""Calendar invitations (.ics, RFC 5545/5546) for the people on an interview.

One event per interview and person: its UID never changes, so a calendar
updates (SEQUENCE grows) or removes (METHOD:CANCEL) the event it already holds.
Times are written in UTC.
"""

from datetime import UTC
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Assignment, Interview

PRODID = "-//Loopwright//Interview invitations//EN"


def event_uid(interview: Interview, person) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "loopwright"
    return f"interview-{interview.pk}-person-{person.pk}@{host}"


def organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or settings.DEFAULT_FROM_EMAIL}")
    if name:
        organizer.params["cn"] = vText(name)
    return organizer


def attendee(person, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(str(person))
    # A shadow is there to learn: optional, as calendars understand it.
    address.params["role"] = vText(
        "OPT-PARTICIPANT" if role == Assignment.Role.SHADOW else "REQ-PARTICIPANT"
    )
    address.params["rsvp"] = vText("FALSE")
    return address


def invitation(
    interview: Interview,
    person,
    *,
    role: str,
    sequence: int,
    summary: str,
    description: str,
    url: str,
    cancel: bool = False,
) -> bytes:
    """The calendar file for one person: a request (new or updated) or a cancellation."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", event_uid(interview, person))
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", interview.starts_at.astimezone(UTC))
    event.add("dtend", interview.ends_at.astimezone(UTC))
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("organizer", organizer())
    event.add("attendee", attendee(person, role))
    calendar.add_component(event)
    return calendar.to_ical()
