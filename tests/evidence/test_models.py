from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from evidence.models import EvidenceItem, Kind, Status
from tests.evidence.factories import EvidenceItemFactory


def test_a_retired_item_must_say_why(db):
    item = EvidenceItemFactory.build(status=Status.RETIRED, retired_reason="")
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["curator"])
    assert "retired_reason" in error.value.message_dict


def test_the_database_refuses_a_retired_item_without_a_reason(db):
    item = EvidenceItemFactory()
    with pytest.raises(IntegrityError):
        EvidenceItem.objects.filter(pk=item.pk).update(status=Status.RETIRED, retired_reason="")


def test_a_myth_needs_the_belief_and_the_evidence(db):
    item = EvidenceItemFactory.build(kind=Kind.MYTH, myth="Rest cures it", myth_evidence="")
    with pytest.raises(ValidationError) as error:
        item.full_clean(exclude=["curator"])
    assert "myth" in error.value.message_dict


def test_an_item_needs_a_link_or_a_doi(db):
    item = EvidenceItemFactory.build(url="", doi="")
    with pytest.raises(ValidationError):
        item.full_clean(exclude=["curator"])
    item.doi = "10.1000/xyz"
    item.full_clean(exclude=["curator"])
    assert item.source_link == "https://doi.org/10.1000/xyz"


def test_practice_users_see_published_items_only(member_a):
    published = EvidenceItemFactory(status=Status.PUBLISHED)
    EvidenceItemFactory(status=Status.DRAFT)
    EvidenceItemFactory(status=Status.RETIRED, retired_reason="Superseded")
    assert list(EvidenceItem.objects.visible_to(member_a)) == [published]


def test_curators_see_every_item(lead, staff):
    EvidenceItemFactory(status=Status.DRAFT)
    EvidenceItemFactory(status=Status.PUBLISHED)
    assert EvidenceItem.objects.visible_to(lead).count() == 2
    assert EvidenceItem.objects.visible_to(staff).count() == 2
    assert EvidenceItem.objects.curated_by(lead).count() == 2


def test_non_curators_curate_nothing(member_a, facilitator, patient_rep):
    EvidenceItemFactory()
    for user in (member_a, facilitator, patient_rep):
        assert not EvidenceItem.objects.curated_by(user).exists()


def test_a_review_is_due_on_its_date(db):
    item = EvidenceItemFactory.build(next_review_on=date(2027, 1, 31))
    with time_machine.travel(date(2027, 1, 30)):
        assert not item.is_review_due
    with time_machine.travel(date(2027, 1, 31)):
        assert item.is_review_due
