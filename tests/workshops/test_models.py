from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.workshops.factories import WorkshopSessionFactory
from workshops.models import WorkshopSession


def test_a_session_must_end_after_it_starts(programme):
    session = WorkshopSessionFactory.build(programme=programme)
    session.ends_at = session.starts_at - timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "ends_at" in error.value.message_dict


def test_a_session_needs_a_venue_or_an_online_link(programme):
    session = WorkshopSessionFactory.build(programme=programme, venue="", online_url="")
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "venue" in error.value.message_dict


def test_the_programmes_people_see_its_sessions(
    session, lead, facilitator, member_a, member_b, patient_rep, staff
):
    for user in (lead, facilitator, member_a, member_b, patient_rep, staff):
        assert WorkshopSession.objects.visible_to(user).filter(pk=session.pk).exists()


def test_people_of_another_programme_do_not_see_its_sessions(session, stranger):
    assert not WorkshopSession.objects.visible_to(stranger).exists()


def test_only_the_lead_manages_sessions(session, lead, facilitator, member_a, staff):
    assert WorkshopSession.objects.managed_by(lead).filter(pk=session.pk).exists()
    assert WorkshopSession.objects.managed_by(staff).filter(pk=session.pk).exists()
    assert not WorkshopSession.objects.managed_by(facilitator).exists()
    assert not WorkshopSession.objects.managed_by(member_a).exists()


def test_the_lead_and_the_sessions_facilitators_take_the_register(
    session, lead, facilitator, member_a, patient_rep
):
    assert WorkshopSession.objects.register_takers(lead).filter(pk=session.pk).exists()
    assert WorkshopSession.objects.register_takers(facilitator).filter(pk=session.pk).exists()
    assert not WorkshopSession.objects.register_takers(member_a).exists()
    assert not WorkshopSession.objects.register_takers(patient_rep).exists()
