"""Factories for improvement plans, drivers, measures, data and PDSA cycles."""

from datetime import date

import factory

from pdsa.models import (
    ChangeIdea,
    CycleQuestion,
    DataPoint,
    Driver,
    ImprovementPlan,
    LibraryMeasure,
    Measure,
    PDSACycle,
)
from tests.practices.factories import PracticeFactory


class ImprovementPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImprovementPlan

    practice = factory.SubFactory(PracticeFactory)
    title = factory.Sequence(lambda n: f"Plan {n}")
    aim_what = "Give every person with low back pain self-management advice."
    start_date = date(2026, 1, 5)


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    plan = factory.SubFactory(ImprovementPlanFactory)
    level = "primary"
    text = factory.Sequence(lambda n: f"Driver {n}")


class ChangeIdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeIdea

    plan = factory.SubFactory(ImprovementPlanFactory)
    driver = factory.SubFactory(DriverFactory, plan=factory.SelfAttribute("..plan"))
    title = factory.Sequence(lambda n: f"Change idea {n}")


class LibraryMeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryMeasure

    name = factory.Sequence(lambda n: f"Library measure {n}")
    kind = "process"
    definition = "Consultations coded for low back pain where advice was recorded."
    data_type = "proportion"
    numerator = "Consultations with advice recorded"
    denominator = "Consultations for low back pain"
    improvement = "increase"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    plan = factory.SubFactory(ImprovementPlanFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    kind = "process"
    definition = "Consultations coded for low back pain where advice was recorded."
    data_type = "proportion"
    numerator = "Consultations with advice recorded"
    denominator = "Consultations for low back pain"
    improvement = "increase"


class DataPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataPoint

    measure = factory.SubFactory(MeasureFactory)
    period = date(2026, 1, 1)
    numerator = 5
    denominator = 20


class PDSACycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PDSACycle

    plan = factory.SubFactory(ImprovementPlanFactory)
    title = factory.Sequence(lambda n: f"Cycle {n}")
    objective = "Try the leaflet with one GP for a week."


class CycleQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CycleQuestion

    cycle = factory.SubFactory(PDSACycleFactory)
    question = "Will GPs hand out the leaflet?"
    prediction = "Yes, in at least 8 of 10 consultations."
