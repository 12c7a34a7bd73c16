from datetime import UTC, datetime

from icalendar import Calendar

from workshops.calendar import session_ics


def test_the_calendar_file_parses_and_describes_the_session(session, member_a):
    calendar = Calendar.from_ical(session_ics(session, attendee=member_a))
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith("Red flags and stratification")
    assert event.decoded("dtstart") == datetime(2026, 3, 4, 13, 30, tzinfo=UTC)
    assert event.decoded("dtend") == datetime(2026, 3, 4, 16, 30, tzinfo=UTC)
    assert str(event["location"]) == "Seminar room 2"
    assert str(event["uid"]) == f"workshop-session-{session.pk}@qiproject"
    assert str(event["attendee"]) == f"mailto:{member_a.email}"
    assert f"/workshops/sessions/{session.pk}/" in str(event["url"])
