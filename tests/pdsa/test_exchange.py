"""The ideas exchange: practice B shares an idea; practice A (and its people) browse it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.models import Status
from pdsa import services
from pdsa.models import ChangeIdea, IdeaComment, SharedIdea
from tests.evidence.factories import EvidenceItemFactory
from tests.pdsa.factories import (
    ChangeIdeaFactory,
    CycleQuestionFactory,
    DriverFactory,
    ImprovementPlanFactory,
    PDSACycleFactory,
)
from tests.practices.factories import PracticeFactory


@pytest.fixture
def tested_idea_b(idea_b, plan_b, member_b):
    """Practice B's idea with a ramp of two cycles (adapt, then adopt) and cited evidence."""
    idea_b.evidence.add(EvidenceItemFactory(title="NG59 stratification"))
    first = PDSACycleFactory(
        plan=plan_b,
        change_idea=idea_b,
        owner=member_b,
        title="Template with one GP",
        stage="complete",
        decision="adapt",
        learning="Quick once it is on the template list.",
    )
    first.evidence.add(EvidenceItemFactory(title="STarT Back tool"))
    CycleQuestionFactory(cycle=first, question="Secret question of practice B?")
    first.comments.create(author=member_b, body="Private note inside practice B")
    PDSACycleFactory(
        plan=plan_b,
        change_idea=idea_b,
        previous=first,
        number=2,
        title="Template with all GPs",
        stage="complete",
        decision="adopt",
    )
    return idea_b


# Services ------------------------------------------------------------------------------------


def test_sharing_takes_a_snapshot_of_the_idea_its_ramp_outcome_and_evidence(
    tested_idea_b, member_b
):
    shared = services.idea_share(change_idea=tested_idea_b, user=member_b)
    assert shared.outcome == "adopted"
    assert [c["decision"] for c in shared.ramp] == ["Adapt", "Adopt"]
    assert shared.secondary_driver == "Stratification is quick"
    assert {i.title for i in shared.evidence.all()} == {"NG59 stratification", "STarT Back tool"}
    # The snapshot holds no people, questions, tasks, measures or comments.
    assert set(shared.ramp[0]) == {
        "number",
        "title",
        "stage",
        "decision",
        "start_date",
        "end_date",
        "objective",
        "learning",
        "next_changes",
        "abandoned_reason",
    }
    tested_idea_b.title = "Renamed later inside the practice"
    tested_idea_b.save()
    shared.refresh_from_db()
    assert shared.title == "STarT Back template"


def test_sharing_again_after_withdrawing_refreshes_the_same_share(idea_b, member_b):
    shared = services.idea_share(change_idea=idea_b, user=member_b)
    services.idea_share_withdraw(shared_idea=shared)
    again = services.idea_share(change_idea=idea_b, user=member_b, summary="Back again")
    assert again.pk == shared.pk and again.is_current and again.summary == "Back again"
    assert again.outcome == "testing"


def test_a_copy_lands_under_the_driver_worded_like_the_original_with_provenance(
    shared, plan, member_a
):
    primary = DriverFactory(plan=plan, text="Something else")
    match = DriverFactory(
        plan=plan, level="secondary", parent=primary, text="stratification is QUICK"
    )
    idea = services.idea_copy(shared_idea=shared, plan=plan)
    assert idea.plan == plan and idea.driver == match
    assert idea.copied_from == shared
    assert idea.origin.startswith("Copied from Practice B's shared idea “STarT Back template”")


def test_a_copy_into_a_plan_without_drivers_starts_one_from_the_original(shared, plan):
    idea = services.idea_copy(shared_idea=shared, plan=plan)
    assert idea.driver.text == "Clinicians stratify risk"
    assert idea.driver.level == "primary"


def test_a_copy_cites_only_the_shared_evidence_still_published(shared, idea_b, member_b, plan):
    published = EvidenceItemFactory(title="Still published")
    retired = EvidenceItemFactory(title="Now retired")
    idea_b.evidence.add(published, retired)
    shared = services.idea_share(change_idea=idea_b, user=member_b)
    retired.status, retired.retired_reason = Status.RETIRED, "Superseded"
    retired.save()
    idea = services.idea_copy(shared_idea=shared, plan=plan)
    assert list(idea.evidence.all()) == [published]


def test_a_withdrawn_idea_or_another_programmes_plan_cannot_be_copied(shared, plan):
    other_plan = ImprovementPlanFactory(practice=PracticeFactory())
    with pytest.raises(ValidationError):
        services.idea_copy(shared_idea=shared, plan=other_plan)
    services.idea_share_withdraw(shared_idea=shared)
    with pytest.raises(ValidationError):
        services.idea_copy(shared_idea=shared, plan=plan)


def test_the_sharing_practice_does_not_copy_its_own_idea(login, member_b, shared, plan_b):
    with pytest.raises(ValidationError):
        services.idea_copy(shared_idea=shared, plan=plan_b)
    page = login(member_b).get(reverse("pdsa:exchange_detail", args=[shared.pk]))
    assert page.context["copy_form"] is None and page.context["can_manage"]


def test_a_copy_keeps_its_provenance_after_the_share_is_withdrawn(shared, plan):
    idea = services.idea_copy(shared_idea=shared, plan=plan)
    services.idea_share_withdraw(shared_idea=shared)
    idea.refresh_from_db()
    assert idea.copied_from == shared and idea.origin


# Access --------------------------------------------------------------------------------------


def test_an_unshared_idea_is_not_in_the_exchange_and_its_share_page_is_404_to_others(
    login, member_a, idea_b
):
    client = login(member_a)
    assert client.get(reverse("pdsa:exchange_list")).context["ideas"] == []
    assert client.get(reverse("pdsa:idea_share", args=[idea_b.pk])).status_code == 404


def test_a_withdrawn_share_disappears(login, member_a, member_b, shared):
    url = reverse("pdsa:exchange_detail", args=[shared.pk])
    assert login(member_a).get(url).status_code == 200
    response = login(member_b).post(reverse("pdsa:idea_withdraw", args=[shared.change_idea_id]))
    assert response.status_code == 302
    client = login(member_a)
    assert client.get(url).status_code == 404
    assert client.get(reverse("pdsa:exchange_list")).context["ideas"] == []
    post_urls = ("pdsa:exchange_comment", "pdsa:exchange_copy")
    assert all(client.post(reverse(n, args=[shared.pk])).status_code == 404 for n in post_urls)


def test_another_programmes_practice_gets_404(login, other_member, shared, plan):
    client = login(other_member)
    assert client.get(reverse("pdsa:exchange_list")).context["ideas"] == []
    for name in ("pdsa:exchange_detail", "pdsa:exchange_comment", "pdsa:exchange_copy"):
        url = reverse(name, args=[shared.pk])
        response = client.get(url) if name == "pdsa:exchange_detail" else client.post(url)
        assert response.status_code == 404
    for name in ("pdsa:idea_share", "pdsa:idea_withdraw", "pdsa:change_idea_edit"):
        url = reverse(name, args=[shared.change_idea_id])
        response = client.post(url) if name == "pdsa:idea_withdraw" else client.get(url)
        assert response.status_code == 404


EXCHANGE_PAGES = [
    ("get", "pdsa:exchange_list", None),
    ("get", "pdsa:exchange_detail", "shared"),
    ("post", "pdsa:exchange_comment", "shared"),
    ("post", "pdsa:exchange_copy", "shared"),
    ("get", "pdsa:idea_share", "idea_b"),
    ("post", "pdsa:idea_withdraw", "idea_b"),
    ("get", "pdsa:change_idea_edit", "idea_b"),
]


@pytest.mark.parametrize(("method", "name", "fixture"), EXCHANGE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, request, shared, method, name, fixture):
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["member_a", "facilitator", "patient_rep", "lead", "staff"])
def test_the_programme_browses_the_shared_idea(login, request, persona, shared):
    client = login(request.getfixturevalue(persona))
    listing = client.get(reverse("pdsa:exchange_list"))
    assert [i.pk for i in listing.context["ideas"]] == [shared.pk]
    assert client.get(reverse("pdsa:exchange_detail", args=[shared.pk])).status_code == 200


def test_the_shared_page_shows_the_snapshot_and_nothing_private(
    login, member_a, tested_idea_b, member_b
):
    shared = services.idea_share(change_idea=tested_idea_b, user=member_b)
    page = login(member_a).get(reverse("pdsa:exchange_detail", args=[shared.pk])).content.decode()
    assert "Shared by Practice B" in page
    assert "Template with one GP" in page and "Quick once it is on the template list." in page
    assert "Adopted" in page and "STarT Back tool" in page
    assert "Secret question of practice B?" not in page
    assert "Private note inside practice B" not in page
    assert member_b.full_name not in page
    assert "Stratify first" not in page  # the plan's title


@pytest.mark.parametrize("persona", ["member_a", "patient_rep", "facilitator"])
def test_members_reps_and_facilitators_comment(login, request, persona, shared):
    user = request.getfixturevalue(persona)
    url = reverse("pdsa:exchange_comment", args=[shared.pk])
    assert login(user).post(url, {"body": "We will try this."}).status_code == 302
    assert IdeaComment.objects.get(shared_idea=shared).author == user


def test_the_programme_lead_views_but_neither_comments_nor_copies(login, lead, shared):
    client = login(lead)
    page = client.get(reverse("pdsa:exchange_detail", args=[shared.pk])).content.decode()
    assert "Copy into my driver diagram" not in page and "Add comment" not in page
    comment = client.post(reverse("pdsa:exchange_comment", args=[shared.pk]), {"body": "Hi"})
    assert comment.status_code == 403
    assert client.post(reverse("pdsa:exchange_copy", args=[shared.pk])).status_code == 403


def test_a_patient_rep_cannot_copy(login, patient_rep, shared, plan):
    client = login(patient_rep)
    page = client.get(reverse("pdsa:exchange_detail", args=[shared.pk])).content.decode()
    assert "Copy into my driver diagram" not in page
    response = client.post(
        reverse("pdsa:exchange_copy", args=[shared.pk]), {"target": f"plan-{plan.pk}"}
    )
    assert response.status_code == 403
    assert not ChangeIdea.objects.filter(copied_from=shared).exists()


@pytest.mark.parametrize("persona", ["member_a", "facilitator"])
def test_an_editor_copies_the_idea_in_one_click(login, request, persona, shared, plan, driver):
    client = login(request.getfixturevalue(persona))
    page = client.get(reverse("pdsa:exchange_detail", args=[shared.pk]))
    # The first choice (selected by default) is the plan's best-matching driver.
    assert page.context["copy_form"].fields["target"].choices[0][1][0][0] == f"plan-{plan.pk}"
    response = client.post(
        reverse("pdsa:exchange_copy", args=[shared.pk]), {"target": f"plan-{plan.pk}"}
    )
    assert response.status_code == 302 and response.url.startswith(plan.get_absolute_url())
    copy = ChangeIdea.objects.get(copied_from=shared)
    assert copy.plan == plan and copy.driver == driver
    drivers_page = client.get(reverse("pdsa:plan_detail", args=[plan.pk])).content.decode()
    assert "Copied from Practice B" in drivers_page


def test_an_editor_chooses_the_driver(login, member_a, shared, plan, driver):
    other = DriverFactory(plan=plan, text="Another driver")
    login(member_a).post(
        reverse("pdsa:exchange_copy", args=[shared.pk]), {"target": f"driver-{other.pk}"}
    )
    assert ChangeIdea.objects.get(copied_from=shared).driver == other


def test_a_driver_of_someone_elses_plan_is_refused(login, member_a, shared, plan, plan_b):
    foreign = DriverFactory(plan=plan_b)
    response = login(member_a).post(
        reverse("pdsa:exchange_copy", args=[shared.pk]), {"target": f"driver-{foreign.pk}"}
    )
    assert response.status_code == 302
    assert not ChangeIdea.objects.filter(copied_from=shared).exists()


def test_the_practice_shares_and_withdraws_from_its_driver_diagram(login, member_b, idea_b):
    client = login(member_b)
    preview = client.get(reverse("pdsa:idea_share", args=[idea_b.pk])).content.decode()
    assert "What will be shared" in preview and "STarT Back template" in preview
    response = client.post(
        reverse("pdsa:idea_share", args=[idea_b.pk]), {"summary": "Worth trying."}
    )
    shared = SharedIdea.objects.get(change_idea=idea_b)
    assert response.url == shared.get_absolute_url() and shared.summary == "Worth trying."
    diagram = client.get(reverse("pdsa:plan_drivers", args=[idea_b.plan_id])).content.decode()
    assert "Stop sharing" in diagram
    client.post(reverse("pdsa:idea_withdraw", args=[idea_b.pk]))
    shared.refresh_from_db()
    assert not shared.is_current


@pytest.mark.parametrize("persona", ["member_a", "patient_rep", "lead"])
def test_only_the_practices_editors_share_its_ideas(login, request, persona, idea_b, shared):
    user = request.getfixturevalue(persona)
    client = login(user)
    status = client.post(reverse("pdsa:idea_share", args=[idea_b.pk])).status_code
    assert status in (403, 404)
    assert client.post(reverse("pdsa:idea_withdraw", args=[idea_b.pk])).status_code == 404
    shared.refresh_from_db()
    assert shared.is_current


def test_a_patient_rep_of_the_sharing_practice_sees_but_cannot_share(
    login, patient_rep, plan, driver
):
    idea = ChangeIdeaFactory(plan=plan, driver=driver)
    assert login(patient_rep).get(reverse("pdsa:idea_share", args=[idea.pk])).status_code == 403


def test_the_exchange_is_filtered_by_outcome_practice_and_words(
    login, member_a, shared, practice_a, plan, driver, member_b
):
    own = ChangeIdeaFactory(plan=plan, driver=driver, title="Leaflet in every room")
    PDSACycleFactory(plan=plan, change_idea=own, stage="abandoned", abandoned_reason="No stock")
    services.idea_share(change_idea=own, user=member_a)
    client = login(member_a)

    def titles(**params):
        response = client.get(reverse("pdsa:exchange_list"), params)
        return [i.title for i in response.context["ideas"]]

    assert sorted(titles()) == ["Leaflet in every room", "STarT Back template"]
    assert titles(outcome="abandoned") == ["Leaflet in every room"]
    assert titles(practice=shared.practice_id) == ["STarT Back template"]
    assert titles(q="stratification") == ["STarT Back template"]


@pytest.mark.parametrize("count", [2, 12])
def test_the_exchange_list_has_a_fixed_query_budget(
    login, member_a, programme, count, django_assert_max_num_queries
):
    items = [EvidenceItemFactory() for _ in range(3)]
    for n in range(count):
        practice = PracticeFactory(programme=programme)
        plan = ImprovementPlanFactory(practice=practice)
        idea = ChangeIdeaFactory(plan=plan)
        idea.evidence.add(*items)
        PDSACycleFactory(plan=plan, change_idea=idea, stage="complete", decision="adopt")
        shared = services.idea_share(change_idea=idea, user=member_a)
        services.idea_comment_add(shared_idea=shared, author=member_a, body=f"Comment {n}")
    client = login(member_a)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("pdsa:exchange_list"))
    assert len(response.context["ideas"]) == count
    assert response.context["ideas"][0].evidence_count == 3


@pytest.mark.parametrize("count", [2, 12])
def test_the_shared_idea_page_has_a_fixed_query_budget(
    login, member_a, shared, plan, count, django_assert_max_num_queries
):
    for n in range(count):
        services.idea_comment_add(shared_idea=shared, author=member_a, body=f"Comment {n}")
        shared.evidence.add(EvidenceItemFactory())
        DriverFactory(plan=plan)
    client = login(member_a)
    with django_assert_max_num_queries(16):
        client.get(reverse("pdsa:exchange_detail", args=[shared.pk]))


@pytest.mark.parametrize(
    ("name", "fixture"),
    [
        ("pdsa:exchange_list", None),
        ("pdsa:exchange_detail", "shared"),
        ("pdsa:idea_share", "idea_b"),
    ],
)
def test_exchange_pages_keep_to_the_content_security_policy(
    login, member_b, request, shared, name, fixture
):
    args = [request.getfixturevalue(fixture).pk] if fixture else []
    page = login(member_b).get(reverse(name, args=args)).content.decode()
    assert "style=" not in page and "<script>" not in page and " onclick" not in page
