"""Factories for programmes, practices and people."""

from datetime import date

import factory

from practices.models import (
    FacilitatorAssignment,
    Membership,
    Practice,
    Programme,
    Role,
    User,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password("password")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    clinical_topic = "Low back pain"
    start_date = date(2026, 1, 5)
    final_workshop_date = date(2026, 6, 1)
    follow_up_due_date = date(2027, 6, 1)


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Practice {n}")
    ods_code = factory.Sequence(lambda n: f"Y{n:05d}")
    list_size = 8000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.GP


class FacilitatorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitatorAssignment

    practice = factory.SubFactory(PracticeFactory)
    facilitator = factory.SubFactory(UserFactory)
    started_on = date(2026, 1, 5)
