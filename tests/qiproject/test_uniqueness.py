"""The losing side of a uniqueness race gets a form error next to the field, never a 500.

A race is two requests that both pass the service's unique check before either commits. It is
reproduced here by letting the loser's check pass (its `validate_constraints` sees nothing yet)
while the winner's row is already in the table, so the loser's insert meets the database's
constraint, exactly as on PostgreSQL under load.
"""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from threading import Barrier

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from pdsa.models import DataPoint, LibraryMeasure, Measure, SharedIdea
from qiproject.uniqueness import unique_violation_as_error
from tests.pdsa.factories import (
    ChangeIdeaFactory,
    DataPointFactory,
    DriverFactory,
    ImprovementPlanFactory,
    LibraryMeasureFactory,
    MeasureFactory,
)
from tests.workshops.factories import (
    AttendanceFactory,
    InvitationFactory,
    LearningTopicFactory,
    WorkshopSessionFactory,
)
from workshops.models import (
    Attendance,
    Feedback,
    Invitation,
    LearningNeed,
    LearningTopic,
    WorkshopSession,
)


@contextmanager
def check_passes(monkeypatch, *models):
    """The loser's unique check ran before the winner committed: it saw no duplicate."""
    for model in models:
        monkeypatch.setattr(model, "validate_constraints", lambda self, exclude=None: None)
        monkeypatch.setattr(model, "validate_unique", lambda self, exclude=None: None)
    yield


MEASURE = {
    "kind": "outcome",
    "definition": "Lumbar spine X-rays requested",
    "data_type": "count",
    "frequency": "monthly",
    "improvement": "decrease",
}


@pytest.fixture
def plan(practice_a, member_a):
    plan = ImprovementPlanFactory(practice=practice_a)
    plan.team.add(member_a)
    return plan


def test_a_measure_name_taken_in_a_race_is_a_form_error_on_the_name(
    login, member_a, plan, monkeypatch
):
    MeasureFactory(plan=plan, name="Scans")
    with check_passes(monkeypatch, Measure):
        response = login(member_a).post(
            reverse("pdsa:measure_create", args=[plan.pk]), {"name": "Scans", **MEASURE}
        )
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["name"][0]
    assert plan.measures.count() == 1


def test_renaming_a_measure_to_a_name_taken_in_a_race_is_a_form_error(
    login, member_a, plan, monkeypatch
):
    MeasureFactory(plan=plan, name="Scans")
    measure = MeasureFactory(plan=plan, name="Referrals")
    with check_passes(monkeypatch, Measure):
        response = login(member_a).post(
            reverse("pdsa:measure_edit", args=[measure.pk]),
            {"name": "Scans", "version": measure.version, **MEASURE},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Measure.objects.get(pk=measure.pk).name == "Referrals"


def test_adopting_a_library_measure_twice_in_a_race_says_so(login, member_a, plan, monkeypatch):
    library = LibraryMeasureFactory(name="Imaging rate")

    def winner_commits_first(measure, *args, **kwargs):
        Measure.objects.bulk_create([Measure(plan=plan, name="Imaging rate", **MEASURE)])

    monkeypatch.setattr(Measure, "full_clean", winner_commits_first)
    response = login(member_a).post(
        reverse("pdsa:measure_adopt", args=[plan.pk, library.pk]), follow=True
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert plan.measures.count() == 0  # the winner's row went with the loser's rolled-back work


def test_a_library_measure_name_taken_in_a_race_is_a_form_error(login, lead, monkeypatch):
    LibraryMeasureFactory(name="Opioids", clinical_topic="Low back pain")
    with check_passes(monkeypatch, LibraryMeasure):
        response = login(lead).post(
            reverse("pdsa:library_create"),
            {"name": "Opioids", "clinical_topic": "Low back pain", **MEASURE},
        )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert LibraryMeasure.objects.count() == 1


def test_a_period_recorded_in_a_race_is_a_form_error_on_the_period(
    login, member_a, plan, monkeypatch
):
    measure = MeasureFactory(plan=plan, data_type="count")
    DataPointFactory(measure=measure, period="2026-03-01", value=4)
    with check_passes(monkeypatch, DataPoint):
        response = login(member_a).post(
            reverse("pdsa:measure_data", args=[measure.pk]), {"period": "2026-03-01", "value": 5}
        )
    assert response.status_code == 200
    assert response.context["form"].errors["period"]
    assert measure.data_points.count() == 1


def test_a_session_title_taken_in_a_race_is_a_form_error_on_the_title(
    login, lead, programme, monkeypatch
):
    WorkshopSessionFactory(programme=programme, title="Medicines")
    with check_passes(monkeypatch, WorkshopSession):
        response = login(lead).post(
            reverse("workshops:session_create", args=[programme.pk]),
            {
                "title": "Medicines",
                "starts_at": "2026-04-01T13:30",
                "ends_at": "2026-04-01T16:30",
                "venue": "Room 1",
            },
        )
    assert response.status_code == 200
    assert response.context["form"].errors["title"]
    assert programme.workshop_sessions.count() == 1


def test_a_learning_topic_added_twice_in_a_race_says_it_is_on_the_list(
    login, lead, programme, monkeypatch
):
    LearningTopicFactory(programme=programme, name="Sleep")
    with check_passes(monkeypatch, LearningTopic):
        response = login(lead).post(
            reverse("workshops:learning_topic_add", args=[programme.pk]),
            {"name": "Sleep"},
            follow=True,
        )
    assert response.status_code == 200
    assert "already on the list" in response.content.decode()
    assert programme.learning_topics.count() == 1


class _NameForm(forms.Form):
    name = forms.CharField()


def test_an_integrity_error_that_is_not_a_unique_rule_is_raised_as_it_is(plan):
    form = _NameForm({"name": "x"})
    measure = MeasureFactory(plan=plan)
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        unique_violation_as_error(form, model=DataPoint),
    ):
        # A numerator above the denominator breaks a check constraint, not a unique rule.
        DataPoint.objects.create(measure=measure, period="2026-01-01", numerator=5, denominator=2)


def test_a_unique_rule_whose_fields_are_not_on_the_form_is_an_error_above_it(plan):
    MeasureFactory(plan=plan, name="Scans")
    form = forms.Form({})
    with (
        pytest.raises(ValidationError) as raised,
        transaction.atomic(),
        unique_violation_as_error(form, model=Measure),
    ):
        Measure.objects.create(plan=plan, name="Scans", **MEASURE)
    assert not hasattr(raised.value, "error_dict")
    assert "already exists" in raised.value.messages[0]


# Save-over services: a parallel second submit waits for the first and replaces it ------------


def _in_parallel(call, times=8):
    """Run `call` from `times` threads released together; returns what each raised (or None)."""
    start = Barrier(times)

    def run(_):
        try:
            start.wait()
            call()
        except Exception as error:  # noqa: BLE001 - the test reports what went wrong
            return error
        finally:
            connection.close()

    with ThreadPoolExecutor(times) as pool:
        return list(pool.map(run, range(times)))


def _feedback(world):
    from workshops import services

    services.feedback_submit(
        session=world["session"], user=world["member_a"], usefulness=4, confidence=3
    )
    return Feedback.objects.filter(session=world["session"])


def _answers(world):
    from workshops import services

    services.learning_needs_answer(
        user=world["member_a"],
        practice=world["practice_a"],
        round="before",
        answers={world["topic"].pk: 3},
    )
    return LearningNeed.objects.all()


def _invite(world):
    from workshops import services

    services.session_invite(session=world["session"], send=False)
    return Invitation.objects.filter(user=world["member_a"])


def _register(world):
    from workshops import services

    services.attendance_record(
        session=world["session"], by=world["lead"], user_ids={world["member_a"].pk}
    )
    return Attendance.objects.filter(session=world["session"])


def _share(world):
    from pdsa import services

    services.idea_share(change_idea=world["idea"], user=world["member_a"], summary="Try it")
    return SharedIdea.objects.all()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one writer at a time, so saves cannot race; CI runs PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("save", [_feedback, _answers, _invite, _register, _share])
def test_parallel_saves_of_a_once_per_person_row_keep_one_row_and_raise_nothing(
    save, programme, practice_a, member_a, lead
):
    session = WorkshopSessionFactory(
        programme=programme, starts_at=timezone.now() - timedelta(days=1)
    )
    AttendanceFactory(session=session, user=member_a, practice=practice_a)
    InvitationFactory(session=session, user=lead, practice=practice_a)
    InvitationFactory(session=session, user=member_a, practice=practice_a)
    Invitation.objects.filter(user=member_a).delete() if save is _invite else None
    plan = ImprovementPlanFactory(practice=practice_a)
    world = {
        "session": session,
        "member_a": member_a,
        "lead": lead,
        "practice_a": practice_a,
        "topic": LearningTopicFactory(programme=programme),
        "idea": ChangeIdeaFactory(plan=plan, driver=DriverFactory(plan=plan)),
    }
    if save is _register:
        Attendance.objects.all().delete()
    assert _in_parallel(lambda: save(world)) == [None] * 8
    assert save(world).count() == 1
