"""Factories for workshop sessions and what hangs off them."""

from datetime import UTC, datetime, timedelta

import factory

from practices.models import Role
from tests.practices.factories import PracticeFactory, ProgrammeFactory, UserFactory
from workshops.models import Attendance, Invitation, LearningTopic, WorkshopSession


class WorkshopSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopSession
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    starts_at = datetime(2026, 3, 4, 13, 30, tzinfo=UTC)
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + timedelta(hours=3))
    venue = "Seminar room 2"

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    session = factory.SubFactory(WorkshopSessionFactory)
    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Role.GP


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    session = factory.SubFactory(WorkshopSessionFactory)
    user = factory.SubFactory(UserFactory)
    practice = factory.SubFactory(PracticeFactory)
    role = Role.GP
    recorded_by = factory.SubFactory(UserFactory)


class LearningTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningTopic

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Topic {n}")
    position = factory.Sequence(lambda n: n)
