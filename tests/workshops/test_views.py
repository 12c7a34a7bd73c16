from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from evidence.models import Status
from practices.models import Role
from tests.evidence.factories import EvidenceItemFactory
from tests.practices.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.workshops.factories import (
    AttendanceFactory,
    InvitationFactory,
    LearningTopicFactory,
    WorkshopSessionFactory,
)
from tests.workshops.test_uploads import PDF
from workshops import services
from workshops.models import Attendance, Invitation, LearningNeed, Material, Response


def url(name, *args):
    return reverse(f"workshops:{name}", args=args)


@pytest.fixture
def invitation(session, member_a, practice_a):
    return InvitationFactory(session=session, user=member_a, practice=practice_a)


@pytest.fixture
def material(session, lead):
    upload = SimpleUploadedFile("handout.pdf", PDF)
    return services.material_add(session=session, by=lead, upload=upload, title="Handout")


def test_anonymous_visitors_are_sent_to_sign_in(client, session):
    for address in (url("session_list"), url("session_detail", session.pk)):
        response = client.get(address)
        assert response.status_code == 302
        assert reverse("login") in response.url


def test_outsiders_get_404_on_the_session_its_calendar_and_its_files(
    login, stranger, session, material
):
    client = login(stranger)
    assert client.get(url("session_detail", session.pk)).status_code == 404
    assert client.get(url("session_calendar", session.pk)).status_code == 404
    assert client.get(url("material_download", session.pk, material.pk)).status_code == 404


def test_the_programmes_members_read_a_session(login, member_b, patient_rep, session):
    for user in (member_b, patient_rep):
        response = login(user).get(url("session_detail", session.pk))
        assert response.status_code == 200
        assert "Red flags and stratification" in response.content.decode()


def test_the_session_page_shows_retired_evidence_as_retired_not_as_a_link(login, member_a, session):
    item = EvidenceItemFactory(title="Old advice on rest")
    session.evidence.add(item)
    item.status, item.retired_reason = Status.RETIRED, "Superseded by the 2020 update"
    item.save()
    content = login(member_a).get(url("session_detail", session.pk)).content.decode()
    assert "Old advice on rest" in content
    assert "Retired" in content
    assert reverse("evidence:detail", args=[item.pk]) not in content


def test_the_calendar_download_parses(login, member_a, session):
    response = login(member_a).get(url("session_calendar", session.pk))
    assert response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["summary"]).startswith("Red flags and stratification")


def test_an_invitee_answers_the_invitation(login, member_a, session, invitation):
    response = login(member_a).post(url("invitation_respond", session.pk), {"response": "yes"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == Response.YES


def test_someone_not_invited_cannot_answer(login, member_b, session, invitation):
    response = login(member_b).post(url("invitation_respond", session.pk), {"response": "yes"})
    assert response.status_code == 404


def test_the_lead_sends_the_invitations(login, lead, session, member_a, patient_rep, mailoutbox):
    response = login(lead).post(url("session_invite", session.pk))
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("user", flat=True)) == {member_a.pk, patient_rep.pk}


def test_practice_members_cannot_manage_sessions(login, member_a, facilitator, session):
    for user in (member_a, facilitator):
        client = login(user)
        assert client.post(url("session_invite", session.pk)).status_code == 404
        assert client.get(url("session_edit", session.pk)).status_code == 404
        upload = SimpleUploadedFile("handout.pdf", PDF)
        response = client.post(url("material_upload", session.pk), {"file": upload})
        assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_the_lead_creates_a_session(login, lead, programme, facilitator):
    item = EvidenceItemFactory(title="STarT Back")
    starts = datetime(2026, 4, 1, 13, 30)
    data = {
        "title": "Workshop on medicines",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "venue": "Room 1",
        "facilitators": [facilitator.pk],
        "evidence": [item.pk],
        "agenda": "Welcome",
    }
    response = login(lead).post(url("session_create", programme.pk), data)
    assert response.status_code == 302
    session = programme.workshop_sessions.get(title="Workshop on medicines")
    assert list(session.facilitators.all()) == [facilitator]
    assert list(session.evidence.all()) == [item]


def test_a_facilitator_takes_the_register(login, facilitator, session, invitation, member_a):
    client = login(facilitator)
    assert client.get(url("attendance_register", session.pk)).status_code == 200
    response = client.post(url("attendance_register", session.pk), {"attended": [member_a.pk]})
    assert response.status_code == 302
    assert Attendance.objects.get(session=session).user == member_a


def test_the_register_says_in_plain_words_what_each_invitee_answered(
    login, facilitator, session, practice_a
):
    answers = {
        Response.PENDING: "not answered yet",
        Response.YES: "said they will come",
        Response.MAYBE: "said maybe",
        Response.NO: "said they cannot come",
    }
    for response in answers:
        InvitationFactory(session=session, practice=practice_a, response=response)

    page = login(facilitator).get(url("attendance_register", session.pk)).content.decode()

    for summary in answers.values():
        assert f"; {summary})" in page
    assert "answered not answered" not in page
    assert "yes, i will come" not in page


def test_members_cannot_take_the_register(login, member_a, session, invitation):
    client = login(member_a)
    assert client.get(url("attendance_register", session.pk)).status_code == 404
    assert (
        client.post(url("attendance_register", session.pk), {"attended": [member_a.pk]}).status_code
        == 404
    )
    assert not Attendance.objects.exists()


def test_a_wrong_file_type_is_refused_with_a_message(login, lead, session):
    upload = SimpleUploadedFile("handout.pdf", b"MZ\x90\x00 not a pdf at all")
    response = login(lead).post(url("material_upload", session.pk), {"file": upload})
    assert response.status_code == 400
    assert "Upload a PDF" in response.content.decode()
    assert not Material.objects.exists()


def test_an_oversize_file_is_refused_with_a_message(login, lead, session, settings):
    settings.WORKSHOP_MATERIAL_MAX_BYTES = 100
    upload = SimpleUploadedFile("handout.pdf", PDF + b"0" * 200)
    response = login(lead).post(url("material_upload", session.pk), {"file": upload})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_members_download_materials_as_attachments(login, member_b, session, material):
    response = login(member_b).get(url("material_download", session.pk, material.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF


def test_a_material_whose_file_is_missing_is_404(login, member_b, session, material):
    material.file.storage.delete(material.file.name)
    response = login(member_b).get(url("material_download", session.pk, material.pk))
    assert response.status_code == 404


def test_media_files_are_not_served_by_url(client, login, member_a, material):
    response = login(member_a).get("/media/" + material.file.name)
    assert response.status_code == 404


@time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
def test_an_attendee_gives_feedback_and_the_lead_sees_the_summary(
    login, lead, member_a, practice_a, session, invitation
):
    AttendanceFactory(session=session, user=member_a, practice=practice_a, recorded_by=lead)
    client = login(member_a)
    page = client.get(url("session_detail", session.pk)).content.decode()
    assert "Your feedback" in page
    data = {"usefulness": 5, "confidence": 4, "comments": "Useful cases"}
    assert client.post(url("feedback_submit", session.pk), data).status_code == 302
    summary = login(lead).get(url("session_detail", session.pk)).content.decode()
    assert "Mean usefulness 5.0 out of 5" in summary
    assert "Useful cases" in summary


def test_the_session_list_has_a_fixed_query_budget(
    login, lead, programme, practice_a, django_assert_max_num_queries
):
    for n in range(12):
        session = WorkshopSessionFactory(programme=programme, title=f"Session {n}")
        for _ in range(3):
            user = UserFactory()
            InvitationFactory(session=session, user=user, practice=practice_a, response="yes")
            AttendanceFactory(session=session, user=user, practice=practice_a)
    client = login(lead)
    with django_assert_max_num_queries(10):
        response = client.get(url("session_list"))
    assert response.content.decode().count("Session ") >= 12


def test_the_session_page_has_a_fixed_query_budget(
    login, lead, programme, session, django_assert_max_num_queries
):
    for _ in range(6):
        practice = PracticeFactory(programme=programme)
        for role in (Role.GP, Role.NURSE, Role.PATIENT_REP):
            user = UserFactory()
            MembershipFactory(practice=practice, user=user, role=role)
            InvitationFactory(session=session, user=user, practice=practice, role=role)
            AttendanceFactory(session=session, user=user, practice=practice, role=role)
    for _ in range(5):
        session.evidence.add(EvidenceItemFactory())
    client = login(lead)
    with django_assert_max_num_queries(20):
        response = client.get(url("session_detail", session.pk))
    assert response.status_code == 200


def test_a_member_rates_their_confidence(login, member_a, programme, practice_a):
    topics = [LearningTopicFactory(programme=programme, name=f"Topic {n}") for n in range(3)]
    client = login(member_a)
    assert client.get(url("learning_needs_answer", programme.pk, "before")).status_code == 200
    data = {f"topic_{t.pk}": 2 for t in topics}
    response = client.post(url("learning_needs_answer", programme.pk, "before"), data)
    assert response.status_code == 302
    assert LearningNeed.objects.filter(user=member_a, practice=practice_a).count() == 3


def test_a_missing_rating_is_shown_next_to_the_field(login, member_a, programme):
    topic = LearningTopicFactory(programme=programme, name="Red flags")
    response = login(member_a).post(url("learning_needs_answer", programme.pk, "before"), {})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not LearningNeed.objects.filter(topic=topic).exists()


def test_only_team_members_answer_learning_needs(login, lead, stranger, programme):
    assert login(lead).get(url("learning_needs_answer", programme.pk, "before")).status_code == 404
    assert login(stranger).get(url("learning_needs", programme.pk)).status_code == 404


def test_practice_results_are_404_to_another_practice(login, member_b, programme, practice_a):
    address = url("learning_needs_practice", programme.pk, practice_a.pk)
    assert login(member_b).get(address).status_code == 404


def test_the_lead_sees_programme_results_as_a_chart_and_table(
    login, lead, programme, practice_a, member_a, django_assert_max_num_queries
):
    topics = [LearningTopicFactory(programme=programme, name=f"Topic {n}") for n in range(8)]
    for n in range(10):
        user = UserFactory()
        MembershipFactory(practice=practice_a, user=user)
        services.learning_needs_answer(
            user=user,
            practice=practice_a,
            round="before",
            answers={t.pk: 1 + (n + i) % 5 for i, t in enumerate(topics)},
        )
    client = login(lead)
    with django_assert_max_num_queries(15):
        response = client.get(url("learning_needs", programme.pk))
    content = response.content.decode()
    assert "<svg" in content
    assert "Mean confidence per topic, weakest first" in content


def test_the_lead_adds_a_topic(login, lead, member_a, programme):
    login(lead).post(url("learning_topic_add", programme.pk), {"name": "Sleep and back pain"})
    assert programme.learning_topics.filter(name="Sleep and back pain").exists()
    login(member_a).post(url("learning_topic_add", programme.pk), {"name": "Not allowed"})
    assert not programme.learning_topics.filter(name="Not allowed").exists()


def test_the_series_attendance_counts_people_once_per_role(
    login,
    lead,
    programme,
    practice_a,
    practice_b,
    member_a,
    patient_rep,
    django_assert_max_num_queries,
):
    sessions = [WorkshopSessionFactory(programme=programme) for _ in range(4)]
    for session in sessions:
        AttendanceFactory(session=session, user=member_a, practice=practice_a, role=Role.GP)
    AttendanceFactory(
        session=sessions[0], user=patient_rep, practice=practice_a, role=Role.PATIENT_REP
    )
    client = login(lead)
    with django_assert_max_num_queries(12):
        response = client.get(url("series_attendance", programme.pk))
    rows = {row.practice: row for row in response.context["rows"]}
    assert dict(rows[practice_a].professions)["GP"] == 1
    assert rows[practice_a].patient_reps == 1
    assert rows[practice_a].per_session == [2, 1, 1, 1]
    assert rows[practice_b].per_session == [0, 0, 0, 0]


def test_the_series_attendance_shows_members_only_their_practice(
    login, member_b, stranger, programme
):
    response = login(member_b).get(url("series_attendance", programme.pk))
    assert [row.practice.name for row in response.context["rows"]] == ["Practice B"]
    assert login(stranger).get(url("series_attendance", programme.pk)).status_code == 404


def test_the_lead_opens_the_forms_to_add_and_edit(login, lead, programme, session):
    client = login(lead)
    assert client.get(url("session_create", programme.pk)).status_code == 200
    assert client.get(url("session_edit", session.pk)).status_code == 200
    assert client.get(reverse("evidence:create")).status_code == 200


def test_the_lead_removes_an_unrated_topic_but_not_a_rated_one(
    login, lead, member_a, programme, practice_a
):
    unrated = LearningTopicFactory(programme=programme, name="Unrated")
    rated = LearningTopicFactory(programme=programme, name="Rated")
    services.learning_needs_answer(
        user=member_a, practice=practice_a, round="before", answers={rated.pk: 3}
    )
    assert (
        login(member_a).post(url("learning_topic_remove", programme.pk, unrated.pk)).status_code
        == 404
    )
    client = login(lead)
    client.post(url("learning_topic_remove", programme.pk, unrated.pk))
    client.post(url("learning_topic_remove", programme.pk, rated.pk))
    assert list(programme.learning_topics.values_list("name", flat=True)) == ["Rated"]
