from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from icalendar import Calendar

from evidence.models import Status
from messaging.models import Category, Message
from messaging.models import Status as MessageStatus
from messaging.services import preference_update
from practices.models import Role
from tests.evidence.factories import EvidenceItemFactory
from tests.workshops.factories import LearningTopicFactory
from tests.workshops.test_uploads import PDF
from workshops import services
from workshops.models import Attendance, Invitation, LearningNeed, Response, Round

AFTER_THE_SESSION = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def invited(session, member_a, member_b, patient_rep, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.session_invite(session=session)
    return {i.user_id: i for i in session.invitations.all()}


def test_every_team_member_and_patient_rep_is_invited_once(
    session, member_a, member_b, patient_rep, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.session_invite(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.session_invite(session=session)
    assert {i.user_id for i in first} == {member_a.pk, member_b.pk, patient_rep.pk}
    assert second == []
    rep = Invitation.objects.get(user=patient_rep)
    assert rep.role == Role.PATIENT_REP


def test_invitations_are_emailed_after_commit_with_a_calendar_file(
    session, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.session_invite(session=session)
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    (message,) = mailoutbox
    assert message.to == [member_a.email]
    assert f"/workshops/sessions/{session.pk}/" in message.body
    name, content, mime = message.attachments[0]
    assert (name, mime) == ("workshop.ics", "text/calendar")
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["attendee"]) == f"mailto:{member_a.email}"
    assert Invitation.objects.get(user=member_a).sent_at is not None


def test_an_invitation_goes_through_the_outbox_once_under_its_person_and_session(
    session, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = services.session_invite(session=session)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invitation_send(invitation=invitation) is False

    message = Message.objects.get()
    assert (message.recipient, message.kind, message.subject_key, message.period) == (
        member_a,
        "workshop_invitation",
        f"workshop:{session.pk}",
        "",
    )
    assert message.category == Category.ESSENTIAL
    assert message.status == MessageStatus.SENT
    assert len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id


def test_workshop_invitations_still_come_to_someone_who_turned_reminders_off(
    session, member_a, mailoutbox, django_capture_on_commit_callbacks
):
    preference_update(user=member_a, digests=False, reminders=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.session_invite(session=session)

    assert len(mailoutbox) == 1


def test_an_invitee_answers_and_can_change_their_mind(invited, member_a):
    invitation = invited[member_a.pk]
    services.invitation_respond(invitation=invitation, response=Response.MAYBE)
    services.invitation_respond(invitation=invitation, response=Response.YES)
    invitation.refresh_from_db()
    assert invitation.response == Response.YES
    assert invitation.responded_at is not None
    with pytest.raises(ValidationError):
        services.invitation_respond(invitation=invitation, response=Response.PENDING)


def test_the_register_is_set_to_exactly_who_was_ticked(
    invited, session, lead, member_a, patient_rep
):
    services.attendance_record(session=session, by=lead, user_ids={member_a.pk, patient_rep.pk})
    services.attendance_record(session=session, by=lead, user_ids={patient_rep.pk})
    attendance = Attendance.objects.get(session=session)
    assert attendance.user == patient_rep
    assert attendance.role == Role.PATIENT_REP


def test_only_invitees_can_be_marked_as_attending(invited, session, lead, staff):
    with pytest.raises(ValidationError):
        services.attendance_record(session=session, by=lead, user_ids={staff.pk})


@time_machine.travel(AFTER_THE_SESSION)
def test_an_attendee_gives_feedback_once_and_can_revise_it(invited, session, lead, member_a):
    services.attendance_record(session=session, by=lead, user_ids={member_a.pk})
    services.feedback_submit(session=session, user=member_a, usefulness=3, confidence=2)
    feedback = services.feedback_submit(session=session, user=member_a, usefulness=5, confidence=4)
    assert session.feedback.get() == feedback
    assert (feedback.usefulness, feedback.confidence) == (5, 4)


@time_machine.travel(AFTER_THE_SESSION)
def test_people_who_did_not_attend_cannot_give_feedback(invited, session, member_b):
    with pytest.raises(ValidationError):
        services.feedback_submit(session=session, user=member_b, usefulness=5, confidence=5)


@time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC))
def test_feedback_waits_until_the_session_starts(invited, session, lead, member_a):
    services.attendance_record(session=session, by=lead, user_ids={member_a.pk})
    with pytest.raises(ValidationError):
        services.feedback_submit(session=session, user=member_a, usefulness=5, confidence=5)


def test_ratings_outside_one_to_five_are_refused(invited, session, lead, member_a):
    services.attendance_record(session=session, by=lead, user_ids={member_a.pk})
    with time_machine.travel(AFTER_THE_SESSION), pytest.raises(ValidationError):
        services.feedback_submit(session=session, user=member_a, usefulness=6, confidence=5)


def test_only_published_evidence_can_be_newly_linked(session):
    draft = EvidenceItemFactory(status=Status.DRAFT)
    published = EvidenceItemFactory()
    with pytest.raises(ValidationError):
        services.session_update(session=session, version=session.version, evidence=[draft])
    services.session_update(session=session, version=session.version, evidence=[published])
    assert list(session.evidence.all()) == [published]


def test_an_item_retired_after_linking_stays_linked(session):
    item = EvidenceItemFactory()
    services.session_update(session=session, version=session.version, evidence=[item])
    item.status, item.retired_reason = Status.RETIRED, "Superseded"
    item.save()
    services.session_update(
        session=session, version=session.version, evidence=[item], title="Renamed"
    )
    assert list(session.evidence.all()) == [item]


def test_moving_a_session_bumps_the_calendar_sequence(session):
    moved = services.session_update(
        session=session,
        version=session.version,
        ends_at=session.ends_at.replace(hour=17),
        agenda="New agenda",
    )
    assert moved.sequence == 1
    unchanged = services.session_update(
        session=moved, version=moved.version, agenda="Another agenda"
    )
    assert unchanged.sequence == 1


def test_a_material_is_stored_under_a_generated_name(session, lead, media_root):
    upload = SimpleUploadedFile("Patient leaflet.pdf", PDF)
    material = services.material_add(session=session, by=lead, upload=upload, title="Leaflet")
    assert material.content_type == "application/pdf"
    assert material.original_name == "Patient leaflet.pdf"
    assert "Patient" not in material.file.name
    assert material.file.name.endswith(".pdf")
    assert (media_root / material.file.name).exists()


def test_learning_needs_answers_replace_earlier_ones(programme, practice_a, member_a):
    topic = LearningTopicFactory(programme=programme, name="Red flags")
    services.learning_needs_answer(
        user=member_a, practice=practice_a, round=Round.BEFORE, answers={topic.pk: 2}
    )
    services.learning_needs_answer(
        user=member_a, practice=practice_a, round=Round.BEFORE, answers={topic.pk: 3}
    )
    assert LearningNeed.objects.get().confidence == 3


def test_topics_of_another_programme_cannot_be_answered(practice_a, member_a):
    other = LearningTopicFactory(name="Elsewhere")
    with pytest.raises(ValidationError):
        services.learning_needs_answer(
            user=member_a, practice=practice_a, round=Round.BEFORE, answers={other.pk: 3}
        )
