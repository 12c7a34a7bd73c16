"""Factories for the follow-up survey."""

import factory

from followup.factors import FACTOR_KEYS
from followup.models import Recipient, Response, Survey
from practices.models import Role
from tests.practices.factories import PracticeFactory, UserFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    programme = factory.SubFactory("tests.practices.factories.ProgrammeFactory")


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recipient

    survey = factory.SubFactory(SurveyFactory)
    practice = factory.SubFactory(PracticeFactory)
    user = factory.SubFactory(UserFactory)
    profession = Role.GP
    invited_on = factory.LazyAttribute(lambda r: r.survey.programme.follow_up_due_date)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    recipient = factory.SubFactory(RecipientFactory)
    factor_scores = factory.LazyFunction(lambda: dict.fromkeys(FACTOR_KEYS, 4))
    changes = factory.LazyFunction(list)
    free_text = ""
