"""iCalendar files for workshop sessions, so people can add them to their calendars."""

from datetime import UTC

from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from qiproject.links import absolute_url


def session_ics(session, *, attendee=None) -> bytes:
    """A calendar file for one session (with the invitee as attendee when given)."""
    calendar = Calendar()
    calendar.add("prodid", "-//qiproject//workshops//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"workshop-session-{session.pk}@qiproject")
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", f"{session.title} ({session.programme.name})")
    link = absolute_url(reverse("workshops:session_detail", args=[session.pk]))
    location = session.venue or session.online_url
    event.add("location", vText(location))
    description = [session.agenda.strip(), f"Details and answers: {link}"]
    if session.online_url:
        description.insert(0, f"Join online: {session.online_url}")
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", link)
    if attendee is not None:
        address = vCalAddress(f"mailto:{attendee.email}")
        address.params["cn"] = vText(attendee.full_name or attendee.email)
        event.add("attendee", address)
    calendar.add_component(event)
    return calendar.to_ical()
