from django.urls import reverse

from evidence.selectors import evidence_usage
from tests.evidence.factories import EvidenceItemFactory
from tests.practices.factories import PracticeFactory, ProgrammeFactory
from tests.workshops.factories import WorkshopSessionFactory


def test_usage_lists_the_workshop_sessions_the_reader_can_see(programme, member_a):
    item = EvidenceItemFactory()
    ours = WorkshopSessionFactory(programme=programme, title="Ours")
    ours.evidence.add(item)
    other_programme = ProgrammeFactory()
    PracticeFactory(programme=other_programme)
    WorkshopSessionFactory(programme=other_programme, title="Theirs").evidence.add(item)
    usage = evidence_usage(item=item, user=member_a)
    assert usage.is_used
    assert [session.title for session in usage.workshop_sessions] == ["Ours"]


def test_the_item_page_says_where_it_is_used(login, programme, member_a):
    item = EvidenceItemFactory()
    WorkshopSessionFactory(programme=programme, title="Workshop on red flags").evidence.add(item)
    content = login(member_a).get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "cited in 1 workshop session." in content
    assert "Workshop on red flags" in content
