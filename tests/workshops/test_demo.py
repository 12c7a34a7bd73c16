from evidence import demo as evidence_demo
from practices import demo as practices_demo
from workshops import demo
from workshops.models import (
    Attendance,
    Feedback,
    Invitation,
    LearningNeed,
    LearningTopic,
    Response,
    WorkshopSession,
)


def _counts():
    return [
        model.objects.count()
        for model in (
            WorkshopSession,
            Invitation,
            Attendance,
            Feedback,
            LearningTopic,
            LearningNeed,
        )
    ]


def test_the_demo_series_is_complete_and_seeding_twice_changes_nothing(db, mailoutbox):
    programme = practices_demo.seed_people()
    evidence_demo.seed(programme)
    demo.seed(programme)
    first = _counts()
    answers = list(Invitation.objects.order_by("pk").values_list("response", flat=True))
    demo.seed(programme)
    assert _counts() == first
    assert list(Invitation.objects.order_by("pk").values_list("response", flat=True)) == answers
    assert mailoutbox == []

    sessions = list(WorkshopSession.objects.filter(programme=programme))
    assert len(sessions) == 5
    for session in sessions:
        day = session.starts_at.date()
        assert programme.start_date <= day <= programme.final_workshop_date
        assert session.evidence.exists()
        assert session.attendances.exists()
    assert not Invitation.objects.filter(response=Response.PENDING).exists()
    assert LearningTopic.objects.filter(programme=programme).count() == 8
    assert LearningNeed.objects.filter(round="before").exists()
    assert LearningNeed.objects.filter(round="after").exists()
