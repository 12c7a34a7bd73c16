from datetime import timedelta

import time_machine
from django.urls import reverse

from followup import selectors, services
from messaging.models import Message
from pdsa import demo as pdsa_demo
from pdsa.models import ChangeIdea, PDSACycle
from practices import demo as practices_demo
from tests.followup.conftest import at, token_in
from tests.pdsa.factories import ChangeIdeaFactory, ImprovementPlanFactory, PDSACycleFactory


def adopted_cycle(plan, **fields):
    return PDSACycleFactory(plan=plan, stage="complete", decision="adopt", **fields)


def test_the_survey_asks_about_each_change_idea_the_practice_adopted(practice_a, practice_b):
    plan = ImprovementPlanFactory(practice=practice_a)
    leaflet = ChangeIdeaFactory(plan=plan, title="Self-management leaflet")
    template = ChangeIdeaFactory(plan=plan, title="STarT Back template")
    first = adopted_cycle(plan, change_idea=leaflet, title="Leaflet, one GP")
    adopted_cycle(plan, change_idea=leaflet, title="Leaflet, every GP", previous=first, number=2)
    adopted_cycle(plan, title="Posters in the waiting room")
    PDSACycleFactory(plan=plan, change_idea=template, stage="complete", decision="adapt")
    PDSACycleFactory(
        plan=plan, stage="abandoned", decision="adopt", abandoned_reason="Stopped.", title="Gone"
    )
    PDSACycleFactory(plan=plan, stage="act", title="Still deciding")
    adopted_cycle(ImprovementPlanFactory(practice=practice_b), title="Practice B's change")

    changes = selectors.adopted_changes_for(practice_a)

    posters = PDSACycle.objects.get(title="Posters in the waiting room")
    assert changes == [
        (f"idea:{leaflet.pk}", "Self-management leaflet"),
        (f"cycle:{posters.pk}", "Posters in the waiting room"),
    ]


def test_a_practice_with_no_adopted_change_is_asked_about_none(practice_a):
    PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_a), stage="plan")

    assert selectors.adopted_changes_for(practice_a) == []


def test_adopted_changes_are_found_in_one_query(practice_a, django_assert_num_queries):
    plan = ImprovementPlanFactory(practice=practice_a)
    for _ in range(5):
        adopted_cycle(plan, change_idea=ChangeIdeaFactory(plan=plan))

    with django_assert_num_queries(1):
        changes = selectors.adopted_changes_for(practice_a)

    assert len(changes) == 5


def test_the_demo_survey_asks_about_the_changes_the_demo_practices_adopted(client, db):
    programme = practices_demo.seed_people()
    pdsa_demo.seed(programme)
    today = programme.follow_up_due_date
    with time_machine.travel(at(today), tick=False):
        services.followup_send_due(today=today)
    practice = programme.practices.order_by("ods_code").first()
    gp = practice.memberships.get(user__email="gp1@demo.test").user
    token = token_in(Message.objects.get(recipient=gp, kind="followup_invitation").body)

    changes = selectors.adopted_changes_for(practice)
    with time_machine.travel(at(today) + timedelta(hours=1), tick=False):
        page = client.get(reverse("followup_answer", args=[token])).content.decode()

    assert changes
    titles = set(ChangeIdea.objects.filter(plan__practice=practice).values_list("title", flat=True))
    for _, title in changes:
        assert title in titles
        assert f"{title}: Is this change still in place?" in page
