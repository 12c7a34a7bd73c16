"""Quick entry: the privacy warning once per form, the worksheet once, plans started from the
practice page, evidence picked from tick boxes, periods by the measure's frequency."""

import re
from datetime import date

from django.urls import reverse

from qiproject.privacy import NO_PID, NOTICE
from tests.evidence.factories import EvidenceItemFactory
from tests.pdsa.factories import MeasureFactory


def test_the_cycle_page_says_no_patient_data_once_per_form_not_under_each_field(
    login, member_a, cycle
):
    html = login(member_a).get(reverse("pdsa:cycle_detail", args=[cycle.pk])).content.decode()
    assert NO_PID not in html
    forms_with_free_text = 4  # worksheet, question, task, comment
    assert html.count(NOTICE) == forms_with_free_text
    assert html.count("<form") >= forms_with_free_text


def test_a_form_without_free_text_has_no_warning(login, member_a, measure):
    html = login(member_a).get(reverse("pdsa:measure_import", args=[measure.pk])).content
    assert NOTICE not in html.decode()


def test_an_editor_sees_the_worksheet_once_as_a_form(login, member_a, cycle):
    html = login(member_a).get(reverse("pdsa:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Save worksheet" in html
    assert 'id="ws-plan"' not in html  # the read-only worksheet is not shown as well


def test_a_reader_sees_the_worksheet_read_only(login, patient_rep, cycle):
    html = login(patient_rep).get(reverse("pdsa:cycle_detail", args=[cycle.pk])).content.decode()
    assert 'id="ws-plan"' in html and "Save worksheet" not in html


def test_a_member_starts_a_plan_from_the_practice_page(login, member_a, practice_a):
    html = login(member_a).get(reverse("practice_detail", args=[practice_a.pk])).content.decode()
    assert reverse("pdsa:plan_create", args=[practice_a.pk]) in html
    assert "Start an improvement plan" in html


def test_a_patient_rep_is_not_offered_a_new_plan(login, patient_rep, practice_a):
    html = login(patient_rep).get(reverse("practice_detail", args=[practice_a.pk])).content
    assert b"Start an improvement plan" not in html


def test_evidence_is_a_list_of_tick_boxes_with_a_find_box_label(login, member_a, plan):
    EvidenceItemFactory(title="Imaging for low back pain")
    html = login(member_a).get(reverse("pdsa:cycle_create", args=[plan.pk])).content.decode()
    assert re.search(r'<input type="checkbox"[^>]* name="evidence"', html)
    assert 'data-filter="Narrow the list of evidence"' in html
    assert "Ctrl" not in html and "js/filter-list.js" in html


def test_a_monthly_measure_asks_for_a_month_and_a_weekly_one_for_a_week(login, member_a, plan):
    monthly = MeasureFactory(plan=plan)
    weekly = MeasureFactory(plan=plan, frequency="weekly", data_type="count")
    client = login(member_a)
    html = client.get(reverse("pdsa:measure_data", args=[monthly.pk])).content.decode()
    assert 'type="month" name="period"' in html
    html = client.get(reverse("pdsa:measure_data", args=[weekly.pk])).content.decode()
    assert 'type="week" name="period"' in html
    client.post(reverse("pdsa:measure_data", args=[weekly.pk]), {"period": "2026-W10", "value": 3})
    assert weekly.data_points.get().period == date(2026, 3, 2)
    html = client.get(reverse("pdsa:measure_data", args=[weekly.pk])).content.decode()
    assert "Week of 2 Mar 2026" in html


def test_a_period_not_yet_begun_is_refused(login, member_a, measure):
    url = reverse("pdsa:measure_data", args=[measure.pk])
    response = login(member_a).post(url, {"period": "2099-01", "numerator": 1, "denominator": 2})
    assert "Choose a period from" in response.content.decode()
    assert not measure.data_points.exists()
