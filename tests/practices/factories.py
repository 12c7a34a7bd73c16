"""Factories for programmes, practices and people."""

from datetime import date

import factory

from practices.models import (
    AgreedAction,
    FacilitatorAssignment,
    Membership,
    Practice,
    Programme,
    Role,
    User,
    Visit,
    VisitMode,
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
    # In the team from the programme's start, as the persona programme's people are.
    joined_on = factory.LazyAttribute(lambda m: m.practice.programme.start_date)


class FacilitatorAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FacilitatorAssignment

    practice = factory.SubFactory(PracticeFactory)
    facilitator = factory.SubFactory(UserFactory)
    started_on = date(2026, 1, 5)


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    practice = factory.SubFactory(PracticeFactory)
    facilitator = factory.SubFactory(UserFactory)
    visited_on = date(2026, 3, 10)
    mode = VisitMode.ON_SITE
    duration_minutes = 90
    travel_minutes = 30
    topics = "Run charts and the next PDSA cycle"
    notes = "Agreed to test the new triage leaflet."
    private_notes = ""


class AgreedActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreedAction

    visit = factory.SubFactory(VisitFactory)
    practice = factory.SelfAttribute("visit.practice")
    owner = factory.SubFactory(UserFactory)
    description = factory.Sequence(lambda n: f"Action {n}")
    due_on = date(2026, 4, 10)
