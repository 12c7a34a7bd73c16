from practices.models import Role
from tests.practices.factories import MembershipFactory, UserFactory
from tests.workshops.factories import AttendanceFactory, InvitationFactory, LearningTopicFactory
from workshops import selectors, services
from workshops.models import Feedback, Round


def test_attendance_shows_which_professions_and_patient_reps_took_part(
    session, practice_a, practice_b, lead, member_a, patient_rep
):
    nurse = UserFactory()
    MembershipFactory(practice=practice_a, user=nurse, role=Role.NURSE)
    for user, role in ((member_a, Role.GP), (nurse, Role.NURSE), (patient_rep, Role.PATIENT_REP)):
        InvitationFactory(session=session, user=user, practice=practice_a, role=role)
        AttendanceFactory(session=session, user=user, practice=practice_a, role=role)
    rows = {
        row.practice: row for row in selectors.attendance_by_practice(session=session, user=lead)
    }
    row_a = rows[practice_a]
    assert dict(row_a.professions)["GP"] == 1
    assert dict(row_a.professions)["Practice nurse"] == 1
    assert dict(row_a.professions)["Pharmacist"] == 0
    assert row_a.patient_reps == 1
    assert (row_a.total, row_a.invited) == (3, 3)
    assert rows[practice_b].total == 0


def test_practice_members_see_only_their_practices_attendance(session, practice_a, member_a):
    rows = selectors.attendance_by_practice(session=session, user=member_a)
    assert [row.practice for row in rows] == [practice_a]


def test_the_feedback_summary_gives_means_counts_and_comments(session):
    for usefulness, confidence, comments in ((5, 4, "More cases please"), (3, 2, ""), (4, 3, "")):
        Feedback.objects.create(
            session=session,
            user=UserFactory(),
            usefulness=usefulness,
            confidence=confidence,
            comments=comments,
        )
    summary = selectors.feedback_summary(session=session)
    assert summary.count == 3
    assert summary.usefulness == 4.0
    assert summary.confidence == 3.0
    assert summary.usefulness_counts == [0, 0, 1, 1, 1]
    assert summary.comments == ["More cases please"]


def test_learning_needs_show_weakest_topics_first_with_the_change(
    programme, practice_a, practice_b, member_a, member_b, patient_rep
):
    red_flags = LearningTopicFactory(programme=programme, name="Red flags", position=1)
    qi = LearningTopicFactory(programme=programme, name="QI methods", position=2)
    unrated = LearningTopicFactory(programme=programme, name="Involving patients", position=3)
    answers = [
        (member_a, practice_a, Round.BEFORE, {red_flags.pk: 4, qi.pk: 1}),
        (patient_rep, practice_a, Round.BEFORE, {red_flags.pk: 3, qi.pk: 2}),
        (member_b, practice_b, Round.BEFORE, {red_flags.pk: 5, qi.pk: 3}),
        (member_a, practice_a, Round.AFTER, {red_flags.pk: 5, qi.pk: 4}),
    ]
    for user, practice, round_, values in answers:
        services.learning_needs_answer(user=user, practice=practice, round=round_, answers=values)

    programme_wide = selectors.learning_needs_results(programme=programme)
    assert [r.topic for r in programme_wide] == [qi, red_flags, unrated]
    assert (programme_wide[0].before, programme_wide[0].after) == (2.0, 4.0)
    assert programme_wide[0].change == 2.0
    assert programme_wide[2].before is None

    practice_only = selectors.learning_needs_results(programme=programme, practice=practice_a)
    assert practice_only[0].before == 1.5
    assert practice_only[0].before_n == 2


def test_the_mean_rating_is_rounded_and_no_ratings_give_none():
    from workshops.selectors import mean

    assert mean([1, 2, 2]) == 1.7
    assert mean([]) is None
