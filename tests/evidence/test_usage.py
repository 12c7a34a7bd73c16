import pytest
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
    assert "Cited in 1 workshop session." in content
    assert "Workshop on red flags" in content


def _cite_in_practices(programme, item, cycles_per_practice, ideas_per_practice=()):
    """Practices of the programme whose cycles (and change ideas) cite the item."""
    from tests.pdsa.factories import ChangeIdeaFactory, ImprovementPlanFactory, PDSACycleFactory

    practices = []
    for n, cycles in enumerate(cycles_per_practice):
        practice = PracticeFactory(programme=programme)
        plan = ImprovementPlanFactory(practice=practice)
        for _ in range(cycles):
            PDSACycleFactory(plan=plan).evidence.add(item)
        for _ in range(ideas_per_practice[n] if n < len(ideas_per_practice) else 0):
            ChangeIdeaFactory(plan=plan).evidence.add(item)
        practices.append(practice)
    return practices


def test_usage_counts_practices_cycles_and_ideas_across_the_programme(
    programme, practice_a, member_a
):
    from tests.pdsa.factories import ImprovementPlanFactory, PDSACycleFactory

    item = EvidenceItemFactory()
    _cite_in_practices(programme, item, [2, 2, 2], ideas_per_practice=[1, 1])
    own = PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_a), title="Our cycle")
    own.evidence.add(item)
    # Another programme's work is not counted.
    _cite_in_practices(ProgrammeFactory(), item, [3], ideas_per_practice=[2])
    usage = evidence_usage(item=item, user=member_a)
    assert (usage.practice_count, usage.cycle_count, usage.change_idea_count) == (4, 7, 2)
    # Only the reader's own practice's work is listed, to open.
    assert [cycle.title for cycle in usage.cycles] == ["Our cycle"]
    assert usage.change_ideas == []


def test_a_practice_citing_only_in_a_change_idea_is_counted(programme, member_a):
    item = EvidenceItemFactory()
    _cite_in_practices(programme, item, [0], ideas_per_practice=[1])
    usage = evidence_usage(item=item, user=member_a)
    assert (usage.practice_count, usage.cycle_count, usage.change_idea_count) == (1, 0, 1)
    assert usage.is_used


def test_the_item_page_says_how_many_practices_use_it(login, programme, member_a):
    item = EvidenceItemFactory()
    _cite_in_practices(programme, item, [1, 2, 2, 2], ideas_per_practice=[1, 1, 1])
    page = login(member_a).get(reverse("evidence:detail", args=[item.pk])).content.decode()
    assert "used by 4 practices in 7 PDSA cycles and 3 change ideas" in page


def test_an_outsider_of_every_programme_sees_no_usage(programme):
    from tests.practices.factories import UserFactory

    item = EvidenceItemFactory()
    _cite_in_practices(programme, item, [2])
    usage = evidence_usage(item=item, user=UserFactory())
    assert not usage.is_used and usage.practice_count == 0


@pytest.mark.parametrize("practices", [1, 6])
def test_usage_takes_a_fixed_number_of_queries(
    programme, staff, practices, django_assert_num_queries
):
    item = EvidenceItemFactory()
    _cite_in_practices(programme, item, [2] * practices, ideas_per_practice=[1] * practices)
    with django_assert_num_queries(6):
        usage = evidence_usage(item=item, user=staff)
    assert usage.practice_count == practices and len(usage.cycles) == 2 * practices
