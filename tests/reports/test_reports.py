"""The reports on small data: small groups suppressed, the PDF renderer's reach, the pieces."""

import re
from datetime import date

import pytest
from django.urls import reverse

from pdsa.charts import SeriesPoint, analyse, signals
from practices.models import Role
from reports.pdf import StaticFilesOnly
from tests.pdsa.factories import ImprovementPlanFactory, MeasureFactory, PDSACycleFactory
from tests.practices.factories import MembershipFactory, UserFactory


def test_the_pdf_renderer_serves_our_static_files_and_nothing_else():
    fetcher = StaticFilesOnly()
    response = fetcher.fetch("https://qiproject.invalid/static/css/report-pdf.css")
    assert b"@page" in response._file_obj.read()
    for url in (
        "https://example.org/tracker.png",
        "file:///etc/passwd",
        "https://qiproject.invalid/static/../qiproject/settings.py",
        "https://qiproject.invalid/media/workshops/handout.pdf",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_the_programme_report_shows_no_profession_with_fewer_than_5_people(
    login, lead, member_a, patient_rep, programme, practice_a
):
    for _ in range(5):
        MembershipFactory(practice=practice_a, user=UserFactory(), role=Role.NURSE)
    page = login(lead).get(reverse("reports:programme", args=[programme.pk]))
    text = page.content.decode()
    text = text[text.index("Team members by profession") : text.index("Workshops: attendance")]
    assert page.status_code == 200
    rows = dict(
        re.findall(r'<tr><th scope="row">([^<]+)</th><td class="text-end">([^<]+)</td></tr>', text)
    )
    assert rows["Practice nurse"] == "5"
    assert rows["GP"] == "fewer than 5"
    assert rows["Patient representatives"] == "fewer than 5"


def test_a_member_gets_404_for_the_programme_report_and_a_stranger_for_the_practice_report(
    login, member_a, member_b, programme, practice_a
):
    programme_report = reverse("reports:programme", args=[programme.pk])
    practice_report = reverse("reports:practice", args=[practice_a.pk])
    assert login(member_a).get(programme_report).status_code == 404
    assert login(member_b).get(practice_report).status_code == 404


def test_an_empty_practice_report_renders_as_a_pdf(login, member_a, practice_a):
    response = login(member_a).get(reverse("reports:practice_pdf", args=[practice_a.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_a_signal_names_the_cycle_that_started_last_before_it(practice_a):
    plan = ImprovementPlanFactory(practice=practice_a)
    measure = MeasureFactory(plan=plan, data_type="count", improvement="increase")
    early = PDSACycleFactory(plan=plan, title="Leaflet", start_date=date(2025, 3, 10))
    late = PDSACycleFactory(plan=plan, title="Template", start_date=date(2025, 9, 1))
    values = [10, 11, 10, 9, 10, 11, 10, 9, 10, 11, 10, 9, 16, 17, 16, 17, 18, 16, 17, 18]
    points = [
        SeriesPoint(date(2025 + (i // 12), i % 12 + 1, 1), float(v)) for i, v in enumerate(values)
    ]
    analysis = analyse(
        points, is_proportion=False, improvement="increase", baseline_end=date(2025, 12, 1)
    )
    found = signals(measure, analysis, [late, early])
    assert found and found[0].special_cause == "improvement"
    assert found[0].cycle == late
