"""Change ideas and PDSA cycles cite evidence: published items only; retired ones stay."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.models import Status
from pdsa import services
from pdsa.models import PDSACycle
from tests.evidence.factories import EvidenceItemFactory


@pytest.fixture
def published(db):
    return EvidenceItemFactory(title="NG59 self-management advice")


@pytest.fixture
def draft(db):
    return EvidenceItemFactory(title="Draft review", status=Status.DRAFT)


def _retire(item):
    item.status, item.retired_reason = Status.RETIRED, "Superseded by the 2027 update"
    item.save()


def test_a_change_idea_cites_published_evidence(plan, driver, published):
    idea = services.change_idea_add(plan=plan, driver=driver, title="Leaflet", evidence=[published])
    assert list(idea.evidence.all()) == [published]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETIRED])
def test_a_draft_or_retired_item_cannot_be_newly_cited(plan, driver, member_a, status):
    item = EvidenceItemFactory(status=status, retired_reason="Old")
    with pytest.raises(ValidationError):
        services.change_idea_add(plan=plan, driver=driver, title="Leaflet", evidence=[item])
    with pytest.raises(ValidationError):
        services.cycle_create(plan=plan, user=member_a, title="Test", evidence=[item])


def test_an_item_retired_after_citing_stays_cited(change_idea, driver, cycle, member_a, published):
    change_idea.evidence.add(published)
    cycle.evidence.add(published)
    _retire(published)
    services.change_idea_update(
        change_idea=change_idea,
        version=change_idea.version,
        driver=driver,
        title="Renamed",
        evidence=[published],
    )
    services.cycle_update(
        cycle=cycle, user=member_a, version=cycle.version, fields={}, evidence=[published]
    )
    assert list(change_idea.evidence.all()) == [published]
    assert list(cycle.evidence.all()) == [published]


def test_the_next_cycle_in_the_ramp_keeps_the_evidence(cycle, member_a, published):
    cycle.evidence.add(published)
    PDSACycle.objects.filter(pk=cycle.pk).update(stage="act", decision="adapt")
    cycle.refresh_from_db()
    _retire(published)
    follow = services.cycle_start_next(cycle=cycle, user=member_a)
    assert list(follow.evidence.all()) == [published]


def test_the_forms_offer_published_items_only(login, member_a, plan, driver, published, draft):
    client = login(member_a)
    for url in (
        reverse("pdsa:plan_drivers", args=[plan.pk]),
        reverse("pdsa:cycle_create", args=[plan.pk]),
    ):
        page = client.get(url).content.decode()
        assert "NG59 self-management advice" in page
        assert "Draft review" not in page


def test_a_forged_draft_choice_is_refused_by_the_form(login, member_a, plan, driver, draft):
    response = login(member_a).post(
        reverse("pdsa:plan_drivers", args=[plan.pk]),
        {"idea-driver": driver.pk, "idea-title": "Leaflet", "idea-evidence": [draft.pk]},
    )
    assert response.status_code == 200
    assert not plan.change_ideas.exists()


def test_a_change_idea_is_added_with_its_evidence_and_shown_on_the_diagram(
    login, member_a, plan, driver, published
):
    client = login(member_a)
    client.post(
        reverse("pdsa:plan_drivers", args=[plan.pk]),
        {"idea-driver": driver.pk, "idea-title": "Leaflet", "idea-evidence": [published.pk]},
    )
    idea = plan.change_ideas.get()
    assert list(idea.evidence.all()) == [published]
    page = client.get(reverse("pdsa:plan_detail", args=[plan.pk])).content.decode()
    assert f'href="/evidence/{published.pk}/"' in page


def test_a_change_ideas_evidence_is_edited(login, member_a, change_idea, driver, published):
    response = login(member_a).post(
        reverse("pdsa:change_idea_edit", args=[change_idea.pk]),
        {
            "driver": driver.pk,
            "title": "Leaflet in every room",
            "evidence": [published.pk],
            "version": change_idea.version,
        },
    )
    assert response.status_code == 302
    assert list(change_idea.evidence.all()) == [published]


def test_a_cycle_cites_evidence_from_its_forms(login, member_a, plan, cycle, published):
    client = login(member_a)
    client.post(
        reverse("pdsa:cycle_create", args=[plan.pk]),
        {"title": "New test", "evidence": [published.pk]},
    )
    assert list(PDSACycle.objects.get(title="New test").evidence.all()) == [published]
    client.post(
        reverse("pdsa:cycle_edit", args=[cycle.pk]),
        {"version": cycle.version, "title": cycle.title, "evidence": [published.pk]},
    )
    assert list(cycle.evidence.all()) == [published]
    page = client.get(reverse("pdsa:cycle_detail", args=[cycle.pk])).content.decode()
    assert "NG59 self-management advice" in page


def test_a_retired_item_shows_as_retired_not_as_a_broken_link(
    login, member_a, change_idea, cycle, published
):
    change_idea.evidence.add(published)
    cycle.evidence.add(published)
    _retire(published)
    client = login(member_a)
    for url in (
        reverse("pdsa:plan_detail", args=[change_idea.plan_id]),
        reverse("pdsa:cycle_detail", args=[cycle.pk]),
        reverse("pdsa:change_idea_edit", args=[change_idea.pk]),
    ):
        page = client.get(url).content.decode()
        assert "NG59 self-management advice" in page
        assert f'href="/evidence/{published.pk}/"' not in page
    for url in (
        reverse("pdsa:plan_detail", args=[change_idea.plan_id]),
        reverse("pdsa:cycle_detail", args=[cycle.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Retired" in page and "Superseded by the 2027 update" in page


def test_the_edit_form_keeps_a_retired_citation_selectable(login, member_a, change_idea, published):
    change_idea.evidence.add(published)
    _retire(published)
    form = (
        login(member_a).get(reverse("pdsa:change_idea_edit", args=[change_idea.pk])).context["form"]
    )
    assert published in form.fields["evidence"].queryset


def test_the_change_idea_page_is_for_the_practices_editors(
    client, login, member_a, member_b, patient_rep, facilitator, change_idea
):
    url = reverse("pdsa:change_idea_edit", args=[change_idea.pk])
    assert client.get(url).url.startswith(reverse("login"))
    assert login(member_b).get(url).status_code == 404
    assert login(patient_rep).get(url).status_code == 403
    assert login(member_a).get(url).status_code == 200
    assert login(facilitator).get(url).status_code == 200
