"""Factories for the evidence library."""

import factory

from evidence.models import EvidenceItem, Kind, Status, Topic
from tests.practices.factories import UserFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceItem
        skip_postgeneration_save = True

    kind = Kind.SYSTEMATIC_REVIEW
    title = factory.Sequence(lambda n: f"Evidence item {n}")
    summary = "A summary in our own words."
    citation = "Author A. A study. Journal 2020"
    url = "https://example.org/study"
    status = Status.PUBLISHED
    curator = factory.SubFactory(UserFactory)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.topics.set(extracted)
