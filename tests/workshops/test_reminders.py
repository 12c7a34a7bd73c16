from datetime import date, datetime, timedelta
from email.utils import parseaddr

import pytest
from django.urls import reverse
from icalendar import Calendar

from messaging import services
from messaging.models import Message, Status
from tests.messaging.reminder_helpers import LONDON, run
from tests.workshops.factories import InvitationFactory, WorkshopSessionFactory
from workshops import services as workshop_services
from workshops.models import Response
from workshops.reminders import reminder_period
from workshops.selectors import invitations_to_remind

TODAY = date(2027, 3, 3)
STARTS = datetime(2027, 3, 10, 13, 30, tzinfo=LONDON)  # 7 days after TODAY


@pytest.fixture
def upcoming(programme, practice_a, practice_b, member_a, patient_rep, member_b, facilitator):
    session = WorkshopSessionFactory(
        programme=programme,
        title="Stratified care",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=3),
        facilitators=[facilitator],
    )
    InvitationFactory(session=session, user=member_a, practice=practice_a)
    InvitationFactory(session=session, user=patient_rep, practice=practice_a, role="patient_rep")
    InvitationFactory(session=session, user=member_b, practice=practice_b, response=Response.NO)
    return session


def test_the_reminder_periods_are_seven_days_and_one_day_before():
    assert [reminder_period(days) for days in (8, 7, 3, 2, 1, 0)] == [
        "",
        "day-7",
        "day-7",
        "day-7",
        "day-1",
        "",
    ]


def test_everyone_invited_is_reminded_7_days_before_except_those_who_said_no(
    upcoming, member_a, patient_rep, member_b
):
    assert run("workshop_reminder", TODAY) == 2

    messages = Message.objects.filter(kind="workshop_reminder")
    assert {m.recipient for m in messages} == {member_a, patient_rep}
    assert {(m.subject_key, m.period) for m in messages} == {(f"workshop:{upcoming.pk}", "day-7")}
    assert messages[0].subject == "Reminder: Stratified care in 7 days"


def test_the_reminder_carries_the_sessions_calendar_file_for_that_person(upcoming, member_a):
    run("workshop_reminder", TODAY)

    message = Message.objects.get(recipient=member_a)
    (attachment,) = message.attachments
    assert (attachment["filename"], attachment["mimetype"]) == ("workshop.ics", "text/calendar")
    (event,) = Calendar.from_ical(attachment["content"]).walk("VEVENT")
    assert str(event["uid"]) == f"workshop-session-{upcoming.pk}@qiproject"
    assert event.decoded("dtstart") == STARTS
    assert str(event["attendee"]) == f"mailto:{member_a.email}"


def test_a_second_run_and_the_days_between_send_nothing_new(upcoming):
    run("workshop_reminder", TODAY)

    assert run("workshop_reminder", TODAY) == 0
    assert run("workshop_reminder", TODAY + timedelta(days=3)) == 0
    assert Message.objects.count() == 2


def test_everyone_invited_is_reminded_again_1_day_before(upcoming, member_a):
    run("workshop_reminder", TODAY)

    assert run("workshop_reminder", TODAY + timedelta(days=6)) == 2
    assert run("workshop_reminder", TODAY + timedelta(days=6), hour=18) == 0
    day_1 = Message.objects.get(recipient=member_a, period="day-1")
    assert day_1.subject == "Reminder: Stratified care tomorrow"
    assert day_1.attachments[0]["filename"] == "workshop.ics"


def test_nothing_is_sent_8_days_before_or_on_the_day(upcoming):
    assert run("workshop_reminder", TODAY - timedelta(days=1)) == 0
    assert run("workshop_reminder", TODAY + timedelta(days=7)) == 0


def test_someone_who_changes_their_answer_to_no_gets_no_more_reminders(upcoming, member_a):
    run("workshop_reminder", TODAY)
    upcoming.invitations.filter(user=member_a).update(response=Response.NO)

    run("workshop_reminder", TODAY + timedelta(days=6))

    assert not Message.objects.filter(recipient=member_a, period="day-1").exists()


def test_someone_who_turned_reminders_off_gets_none(upcoming, member_a):
    services.preference_update(user=member_a, digests=True, reminders=False)

    run("workshop_reminder", TODAY)

    assert not Message.objects.filter(recipient=member_a).exists()


def test_the_reminder_is_delivered_to_a_real_smtp_server_with_a_parseable_ics(
    upcoming,
    member_a,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run("workshop_reminder", TODAY)

    received = {parseaddr(m["To"])[1]: m for m in smtp_server.received}
    assert set(received) == {member_a.email, "rep.a@example.test"}
    email = received[member_a.email]
    message = Message.objects.get(recipient=member_a)
    assert email["Message-ID"] == message.message_id
    assert message.status == Status.SENT
    (part,) = [part for part in email.walk() if part.get_filename() == "workshop.ics"]
    assert part.get_content_type() == "text/calendar"
    (event,) = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    assert "Stratified care" in str(event["summary"])


def test_the_coming_weeks_sessions_are_in_the_facilitators_digest(programme, upcoming, facilitator):
    WorkshopSessionFactory(
        programme=programme,
        title="Far away",
        starts_at=STARTS + timedelta(days=2),
        ends_at=STARTS + timedelta(days=2, hours=3),
    )

    run("facilitator_digest", TODAY + timedelta(days=1))

    body = Message.objects.get(recipient=facilitator, kind="facilitator_digest").body
    assert "Workshop sessions in the coming week" in body
    assert "Stratified care (Back pain test programme): Wed 10 Mar 2027, 13:30" in body
    assert "Far away" not in body


def test_the_reminders_show_in_the_in_app_message_list(login, upcoming, member_a):
    run("workshop_reminder", TODAY)

    page = login(member_a).get(reverse("message_list")).content.decode()

    assert "Reminder: Stratified care in 7 days" in page


def test_who_to_remind_is_found_in_one_query(
    programme, practice_a, upcoming, django_assert_num_queries
):
    for number in range(5):
        session = WorkshopSessionFactory(
            programme=programme,
            starts_at=STARTS - timedelta(days=number % 3),
            ends_at=STARTS + timedelta(hours=2),
        )
        for _ in range(3):
            InvitationFactory(session=session, practice=practice_a)

    with django_assert_num_queries(1):
        found = invitations_to_remind(today=TODAY)
        names = [
            (invitation.user.email, invitation.session.programme.name) for invitation, _ in found
        ]

    assert len(names) == 17


def test_a_title_with_an_apostrophe_reads_as_written_in_the_invitation_and_reminder(
    programme, practice_a, member_a, django_capture_on_commit_callbacks, mailoutbox
):
    session = WorkshopSessionFactory(
        programme=programme,
        title="Patients' stories",
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
    )
    with django_capture_on_commit_callbacks(execute=True):
        workshop_services.session_invite(session=session)
    run("workshop_reminder", TODAY)

    invitation, reminder = Message.objects.order_by("pk")
    assert invitation.kind == "workshop_invitation"
    assert "Patients' stories" in invitation.body and "&#x27;" not in invitation.body
    assert "Patients' stories" in reminder.body and "&#x27;" not in reminder.body
