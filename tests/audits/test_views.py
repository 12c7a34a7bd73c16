"""Audit pages: who may see and change what, the grid, import, results and the funnel."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services
from audits.models import AuditRound, AuditTemplate, RoundStatus
from tests.audits.factories import answers, criterion, fill, make_round, make_template
from tests.pdsa.factories import ImprovementPlanFactory, MeasureFactory
from tests.practices.factories import PracticeFactory, ProgrammeFactory, UserFactory
from tests.qiproject.test_uniqueness import check_passes


@pytest.fixture
def template(db):
    return make_template()


@pytest.fixture
def audit_round(practice_a, template):
    return make_round(practice_a, template, sample_size=4)


@pytest.fixture
def complete_round(audit_round):
    fill(audit_round, {"advice": answers(3, 1), "imaging": answers(1, 0, 3)})
    services.round_complete(audit_round=audit_round)
    return audit_round


def _round_urls(audit_round):
    return [
        reverse(name, args=[audit_round.pk])
        for name in (
            "audits:round_detail",
            "audits:round_edit",
            "audits:round_cases",
            "audits:round_import",
        )
    ]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_audit_page(
    client, audit_round, template, programme
):
    urls = _round_urls(audit_round) + [
        reverse("audits:list"),
        reverse("audits:template_detail", args=[template.pk]),
        reverse("audits:template_create"),
        reverse("audits:template_edit", args=[template.pk]),
        reverse("audits:round_create", args=[audit_round.practice_id]),
        reverse("audits:funnel", args=[programme.pk, template.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url
    response = client.post(reverse("audits:round_complete", args=[audit_round.pk]))
    assert "/accounts/login/" in response.url


def test_an_outsider_gets_404_for_another_practices_round(login, member_b, audit_round):
    client = login(member_b)
    for url in _round_urls(audit_round) + [
        reverse("audits:round_create", args=[audit_round.practice_id])
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("audits:round_complete", args=[audit_round.pk])).status_code == 404


def test_an_outsider_does_not_see_another_practices_round_listed(login, member_b, audit_round):
    response = login(member_b).get(reverse("audits:list"))
    assert list(response.context["page"].object_list) == []


def test_a_patient_representative_sees_results_but_cannot_enter_cases(
    login, patient_rep, audit_round
):
    client = login(patient_rep)
    assert client.get(reverse("audits:round_detail", args=[audit_round.pk])).status_code == 200
    assert client.get(reverse("audits:round_cases", args=[audit_round.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["member_a", "facilitator", "lead", "staff"])
def test_people_who_may_see_the_practice_see_its_round(request, login, persona, complete_round):
    response = login(request.getfixturevalue(persona)).get(complete_round.get_absolute_url())
    assert response.status_code == 200
    assert "Meets the standard" in response.text or "Cannot tell" in response.text


def test_a_member_starts_a_round_and_enters_cases_with_the_grid(login, member_a, template):
    client = login(member_a)
    practice = member_a.memberships.get().practice
    response = client.post(
        reverse("audits:round_create", args=[practice.pk]),
        {
            "template": template.pk,
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "sample_size": "2",
            "collected_by": "Dr Amy A",
        },
    )
    audit_round = AuditRound.objects.get()
    assert response.url == reverse("audits:round_cases", args=[audit_round.pk])
    grid = reverse("audits:round_cases", args=[audit_round.pk])
    page = client.get(grid)
    assert "Never enter a patient identifier" in page.text
    response = client.post(
        grid,
        {
            "c1_advice": "met",
            "c1_imaging": "na",
            "c2_advice": "not_met",
            "c2_imaging": "met",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert services.criterion_counts(audit_round) == {"advice": (1, 2), "imaging": (1, 1)}
    client.post(reverse("audits:round_complete", args=[audit_round.pk]))
    audit_round.refresh_from_db()
    assert audit_round.status == RoundStatus.COMPLETE


def test_a_bad_import_lists_every_row_and_imports_nothing(login, member_a, audit_round):
    upload = SimpleUploadedFile(
        "cases.csv", b"case,advice,imaging\n1,met,met\n9,met,met\nx,no,no\n"
    )
    response = login(member_a).post(
        reverse("audits:round_import", args=[audit_round.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert "Row 3:" in response.text and "Row 4:" in response.text
    assert not audit_round.cases.exists()


def test_a_stale_round_edit_is_refused_and_keeps_the_input(login, member_a, audit_round):
    services.round_update(
        audit_round=audit_round,
        version=1,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31),
        sample_size=4,
        collected_by="Someone else",
    )
    response = login(member_a).post(
        reverse("audits:round_edit", args=[audit_round.pk]),
        {
            "version": "1",
            "period_start": "2026-01-01",
            "period_end": "2026-02-28",
            "sample_size": "6",
            "collected_by": "Mine",
        },
    )
    assert response.status_code == 409
    assert "Someone else" in response.text and 'value="Mine"' in response.text
    audit_round.refresh_from_db()
    assert audit_round.collected_by == "Someone else"


def test_only_curators_create_or_edit_templates(login, member_a, lead, template):
    assert login(member_a).get(reverse("audits:template_create")).status_code == 404
    assert (
        login(member_a).get(reverse("audits:template_edit", args=[template.pk])).status_code == 404
    )
    client = login(lead)
    data = {
        "name": "Sciatica audit",
        "clinical_area": "Sciatica",
        "description": "",
        "kind": "criteria",
        "note": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "40",
        "criteria-0-key": "no-gabapentinoids",
        "criteria-0-short_name": "No gabapentinoids",
        "criteria-0-question": "Was the person spared gabapentinoids?",
        "criteria-0-eligibility": "Sciatica",
        "criteria-0-allows_not_applicable": "on",
        "criteria-0-standard": "95",
        "criteria-0-source": "NG59",
        "criteria-0-judged": "answered",
    }
    response = client.post(reverse("audits:template_create"), data)
    assert response.status_code == 302
    created = AuditTemplate.objects.get(name="Sciatica audit")
    data["version"] = "1"
    data["criteria-0-standard"] = "90"
    client.post(reverse("audits:template_edit", args=[created.pk]), data)
    created.refresh_from_db()
    assert created.version == 2


def test_the_audit_list_holds_a_query_budget(
    login, lead, programme, template, django_assert_max_num_queries
):
    for _ in range(12):
        practice = PracticeFactory(programme=programme)
        fill(make_round(practice, template, sample_size=2), {"advice": answers(1, 1)})
    client = login(lead)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audits:list"))
    assert len(response.context["page"].object_list) == 12


def test_the_round_page_holds_a_query_budget_across_rounds(
    login, member_a, practice_a, django_assert_max_num_queries
):
    template = make_template([criterion(f"c{i}") for i in range(8)])
    rounds = [
        make_round(practice_a, template, sample_size=3, period_end=date(2026, m, 28))
        for m in range(1, 7)
    ]
    for r in rounds:
        fill(r, {f"c{i}": answers(2, 1) for i in range(8)})
    client = login(member_a)
    with django_assert_max_num_queries(20):
        response = client.get(rounds[-1].get_absolute_url())
    assert len(response.context["comparison"].rounds) == 6


def _programme_rounds(programme, template, practices):
    for practice, met in practices:
        r = make_round(practice, template, sample_size=10)
        fill(r, {"advice": answers(met, 10 - met), "imaging": answers(1, 1, 8)})
        services.round_complete(audit_round=r)


def test_a_practice_sees_itself_by_name_and_others_only_as_letters(
    login, member_a, practice_a, practice_b, programme, template
):
    _programme_rounds(programme, template, [(practice_a, 5), (practice_b, 6)])
    response = login(member_a).get(
        reverse("audits:funnel", args=[programme.pk, template.pk]) + "?criterion=advice"
    )
    points = response.context["funnel"].points
    assert [(point.label, point.named, point.is_own) for point in points] == [
        ("Practice A", True, True),
        ("A", False, False),
    ]
    assert "Practice B" not in response.text
    assert points[1].audit_round_id is None  # no link to another practice's round


def test_a_lead_sees_every_practice_by_name_on_the_funnel(
    login, lead, practice_a, practice_b, programme, template, django_assert_max_num_queries
):
    others = [(PracticeFactory(programme=programme), 4) for _ in range(10)]
    _programme_rounds(programme, template, [(practice_a, 1), (practice_b, 9)] + others)
    client = login(lead)
    url = reverse("audits:funnel", args=[programme.pk, template.pk]) + "?criterion=advice"
    with django_assert_max_num_queries(12):
        response = client.get(url)
    points = response.context["funnel"].points
    assert len(points) == 12 and all(point.named for point in points)
    assert "Practice B" in response.text and "above the" in response.text


def test_a_programme_outsider_gets_404_for_its_funnel(login, template, programme):
    stranger = UserFactory()
    other = PracticeFactory(programme=ProgrammeFactory())
    from tests.practices.factories import MembershipFactory

    MembershipFactory(practice=other, user=stranger)
    url = reverse("audits:funnel", args=[programme.pk, template.pk])
    assert login(stranger).get(url).status_code == 404


def test_a_measure_link_is_shown_on_the_round(login, member_a, practice_a, template, audit_round):
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a), name="Advice audit")
    client = login(member_a)
    response = client.post(
        reverse("audits:measure_link", args=[measure.pk]), {"criterion": f"{template.pk}:advice"}
    )
    assert response.status_code == 302
    assert "Advice audit" in client.get(audit_round.get_absolute_url()).text


def test_an_outsider_gets_404_for_linking_another_practices_measure(login, member_b, practice_a):
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a))
    response = login(member_b).get(reverse("audits:measure_link", args=[measure.pk]))
    assert response.status_code == 404


def test_every_page_of_a_round_renders_for_its_practice(login, member_a, practice_a, template):
    from tests.audits.factories import make_start_back_template

    start_back_round = make_round(practice_a, make_start_back_template(), sample_size=12)
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a))
    client = login(member_a)
    urls = _round_urls(start_back_round) + [
        reverse("audits:round_cases", args=[start_back_round.pk]) + "?from=11",
        reverse("audits:template_detail", args=[template.pk]) + "?version=1",
        reverse("audits:measure_link", args=[measure.pk]),
        reverse("audits:round_create", args=[practice_a.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    grid = client.get(reverse("audits:round_cases", args=[start_back_round.pk])).text
    assert "Case 1, STarT Back item 9" in grid and "Case 1, care given" in grid
    assert (
        client.get(reverse("audits:template_detail", args=[template.pk]) + "?version=9").status_code
        == 404
    )


def test_the_grid_scores_start_back_answers(login, member_a, practice_a):
    from tests.audits.factories import make_start_back_template

    audit_round = make_round(practice_a, make_start_back_template(), sample_size=2)
    data = {f"c1_item{i}": "1" if i in (5, 6, 7, 8) else "0" for i in range(1, 10)}
    data |= {"c1_care": "pipt", "c1_recorded": "met", "save": "1"}
    response = login(member_a).post(reverse("audits:round_cases", args=[audit_round.pk]), data)
    assert response.status_code == 302
    case = audit_round.cases.get()
    assert (case.start_back_total, case.stratum) == (4, "high")
    assert case.answers.get(criterion__key="matched").answer == "met"


def test_half_filled_start_back_answers_are_refused(login, member_a, practice_a):
    from tests.audits.factories import make_start_back_template

    audit_round = make_round(practice_a, make_start_back_template(), sample_size=2)
    response = login(member_a).post(
        reverse("audits:round_cases", args=[audit_round.pk]),
        {"c1_item1": "1", "c1_recorded": "met", "save": "1"},
    )
    assert response.status_code == 200
    assert "answer all nine STarT Back items" in response.text
    assert not audit_round.cases.exists()


def test_the_measure_page_says_an_audit_feeds_it(
    login, member_a, practice_a, template, complete_round
):
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a))
    services.measure_link_set(measure=measure, template=template, criterion_key="advice")
    text = login(member_a).get(measure.get_absolute_url()).text
    assert "Fed by the clinical audit" in text and "Values from audit rounds" in text


def test_a_stale_template_edit_is_refused_and_makes_no_version(login, lead, template):
    services.template_revise(template=template, version=1, criteria=[criterion("advice", 80)])
    data = {
        "version": "1",
        "name": template.name,
        "clinical_area": "Low back pain",
        "description": "",
        "kind": "criteria",
        "note": "Mine",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "40",
        "criteria-0-key": "advice",
        "criteria-0-short_name": "Advice",
        "criteria-0-question": "Advice given?",
        "criteria-0-eligibility": "Every case",
        "criteria-0-standard": "70",
        "criteria-0-judged": "answered",
    }
    response = login(lead).post(reverse("audits:template_edit", args=[template.pk]), data)
    assert response.status_code == 409
    assert template.versions.count() == 2


def _template_form(name, version=None):
    data = {
        "name": name,
        "clinical_area": "Low back pain",
        "description": "",
        "kind": "criteria",
        "note": "",
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "40",
        "criteria-0-key": "advice",
        "criteria-0-short_name": "Advice",
        "criteria-0-question": "Advice given?",
        "criteria-0-eligibility": "Every case",
        "criteria-0-standard": "70",
        "criteria-0-judged": "answered",
    }
    if version is not None:
        data["version"] = str(version)
    return data


def test_renaming_a_template_to_a_name_taken_in_a_race_is_a_form_error(
    login, lead, template, monkeypatch
):
    make_template(name="Sciatica audit")
    with check_passes(monkeypatch, AuditTemplate):
        response = login(lead).post(
            reverse("audits:template_edit", args=[template.pk]),
            _template_form("Sciatica audit", version=template.version),
        )
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["name"][0]
    assert AuditTemplate.objects.get(pk=template.pk).name == template.name


def test_a_template_created_in_a_race_under_a_taken_name_is_a_form_error(login, lead, monkeypatch):
    make_template(name="Sciatica audit")
    with check_passes(monkeypatch, AuditTemplate):
        response = login(lead).post(
            reverse("audits:template_create"), _template_form("Sciatica audit")
        )
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["name"][0]
    assert AuditTemplate.objects.filter(name="Sciatica audit").count() == 1


def test_a_saved_template_form_sent_again_goes_to_the_template_instead_of_a_name_error(login, lead):
    client = login(lead)
    data = {**_template_form("Sciatica audit"), "form_token": "a" * 32}
    first = client.post(reverse("audits:template_create"), data)
    second = client.post(reverse("audits:template_create"), data)
    assert first.status_code == second.status_code == 302
    assert second.url == first.url
    assert AuditTemplate.objects.filter(name="Sciatica audit").count() == 1
