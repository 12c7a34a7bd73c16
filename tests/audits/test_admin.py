"""The audit admin curates templates through the same services as the browser's pages."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from audits.models import AuditTemplate, Criterion, TemplateVersion
from tests.audits.factories import make_round

ADD = reverse("admin:audits_audittemplate_add")


def _change(template):
    return reverse("admin:audits_audittemplate_change", args=[template.pk])


def _template_data(**extra):
    data = {
        "name": "Sciatica audit",
        "clinical_area": "Sciatica",
        "description": "",
        "kind": "criteria",
        "note": "",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "40",
    }
    for index, key in enumerate(["no-gabapentinoids", "advice"]):
        data.update(
            {
                f"criteria-{index}-key": key,
                f"criteria-{index}-short_name": key.replace("-", " ").capitalize(),
                f"criteria-{index}-question": f"Was {key} right?",
                f"criteria-{index}-eligibility": "Sciatica",
                f"criteria-{index}-allows_not_applicable": "on",
                f"criteria-{index}-standard": "95",
                f"criteria-{index}-source": "NG59",
                f"criteria-{index}-judged": "answered",
            }
        )
    data.update(extra)
    return data


@pytest.fixture
def curator(staff):
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="audits",
            codename__in=["add_audittemplate", "change_audittemplate", "view_templateversion"],
        )
    )
    return staff


def test_staff_add_a_template_with_its_criteria_as_version_one(login, curator):
    response = login(curator).post(ADD, _template_data())
    template = AuditTemplate.objects.get(name="Sciatica audit")
    assert response.status_code == 302
    assert response.url == _change(template)
    version = template.versions.get()
    assert version.number == 1
    assert [c.key for c in version.criteria.all()] == ["no-gabapentinoids", "advice"]


def test_editing_a_criterion_in_the_admin_makes_a_version_and_leaves_the_old_round_alone(
    login, curator, practice_a
):
    client = login(curator)
    client.post(ADD, _template_data())
    template = AuditTemplate.objects.get(name="Sciatica audit")
    old_round = make_round(practice_a, template, sample_size=4)
    old_version = old_round.template_version
    page = client.get(_change(template))
    assert page.status_code == 200
    assert "Saving a change makes version 2" in page.text

    response = client.post(
        _change(template),
        _template_data(
            version="1",
            note="Stricter standard",
            **{"criteria-0-standard": "80", "criteria-0-question": "Spared gabapentinoids?"},
        ),
    )

    assert response.status_code == 302
    template.refresh_from_db()
    assert template.version == 2
    new = template.versions.get(number=2)
    assert new.criteria.get(key="no-gabapentinoids").standard == 80
    old_round.refresh_from_db()
    assert old_round.template_version == old_version
    old = old_version.criteria.get(key="no-gabapentinoids")
    assert (old.standard, old.question) == (95, "Was no-gabapentinoids right?")
    assert Criterion.objects.filter(version=old_version).count() == 2


def test_a_stale_admin_edit_is_refused_and_makes_no_version(login, curator):
    client = login(curator)
    client.post(ADD, _template_data())
    template = AuditTemplate.objects.get(name="Sciatica audit")
    client.post(_change(template), _template_data(version="1", **{"criteria-0-standard": "80"}))

    response = client.post(
        _change(template), _template_data(version="1", **{"criteria-0-standard": "70"})
    )

    assert response.status_code == 200
    assert "Someone else saved this template" in response.text
    assert template.versions.count() == 2


def test_version_rows_are_read_only_in_the_admin(login, curator):
    client = login(curator)
    client.post(ADD, _template_data())
    version = TemplateVersion.objects.get()
    url = reverse("admin:audits_templateversion_change", args=[version.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"note": "Rewritten"})
    version.refresh_from_db()
    assert version.note == "First version"
    assert client.get(reverse("admin:audits_templateversion_add")).status_code == 403


def test_a_non_staff_user_is_refused_the_template_admin(login, member_a):
    client = login(member_a)
    response = client.post(ADD, _template_data())
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not AuditTemplate.objects.exists()


def test_staff_without_the_template_permissions_are_refused(login, staff):
    client = login(staff)
    assert client.post(ADD, _template_data()).status_code == 403
    assert not AuditTemplate.objects.exists()


def test_rounds_are_only_read_in_the_admin(login, curator, practice_a):
    client = login(curator)
    client.post(ADD, _template_data())
    audit_round = make_round(practice_a, AuditTemplate.objects.get(), sample_size=10)
    url = reverse("admin:audits_auditround_change", args=[audit_round.pk])
    assert client.post(url, {"sample_size": "99"}).status_code in (302, 403)
    audit_round.refresh_from_db()
    assert audit_round.sample_size == 10
