"""A person's QI activity: the measures they entered data for and the audits they collected,
within the period only, their own work only, of the practices they may see only."""

import io
import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audits import services as audit_services
from pdsa import services as pdsa_services
from reports import selectors
from reports.models import Reflection, WorkKind
from tests.audits.factories import criterion, make_round, make_template
from tests.pdsa.factories import ImprovementPlanFactory, MeasureFactory
from tests.practices.factories import MembershipFactory, UserFactory

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
APRIL = (date(2026, 4, 1), date(2026, 4, 30))


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 10, tzinfo=UTC), tick=False)


def enter(measure, user, *months, year=2026):
    for month in months:
        pdsa_services.data_point_record(
            measure=measure, period=date(year, month, 1), numerator=3, denominator=10, user=user
        )


def collect(audit_round, user, numbers, answer="met"):
    rows = [audit_services.CaseInput(number=n, answers={"advice": answer}) for n in numbers]
    audit_services.cases_save(audit_round=audit_round, rows=rows, user=user)


def works(user, period, kind):
    activity = selectors.qi_activity(user=user, start=period[0], end=period[1])
    return activity.of_kind(kind)


@pytest.fixture
def colleague(practice_a):
    user = UserFactory(full_name="Dr Colleague")
    MembershipFactory(practice=practice_a, user=user)
    return user


@pytest.fixture
def measure(practice_a):
    plan = ImprovementPlanFactory(practice=practice_a, title="Back pain advice")
    return MeasureFactory(plan=plan, name="Advice given")


@pytest.fixture
def audit_round(practice_a):
    template = make_template([criterion("advice", 80)], name="Imaging in low back pain")
    return make_round(practice_a, template, sample_size=4)


def test_a_measure_appears_for_the_periods_entered_within_the_period_only(member_a, measure):
    with at(date(2026, 3, 10)):
        enter(measure, member_a, 1, 2)
    with at(date(2026, 9, 10)):
        enter(measure, member_a, 3)
    [work] = works(member_a, MARCH, WorkKind.MEASURE)
    assert (work.pk, work.title, work.when) == (
        measure.pk,
        "Data for Advice given",
        date(2026, 3, 10),
    )
    assert work.done[0] == "Entered or corrected data for 2 periods: Jan 2026 to Feb 2026"
    assert work.done[1] == "Plan: Back pain advice"
    assert work.results[0].measure == measure
    [later] = works(member_a, (date(2026, 9, 1), date(2026, 9, 30)), WorkKind.MEASURE)
    assert later.done[0] == "Entered or corrected data for 1 period: Mar 2026"
    assert works(member_a, APRIL, WorkKind.MEASURE) == []


def test_a_correction_counts_and_someone_elses_entry_does_not(member_a, colleague, measure):
    other = MeasureFactory(plan=measure.plan, name="Imaging requested")
    with at(date(2026, 3, 5)):
        enter(measure, colleague, 1)
        enter(other, colleague, 1)
    with at(date(2026, 3, 20)):
        point = measure.data_points.get()
        pdsa_services.data_point_update(
            point=point, version=point.version, numerator=4, denominator=10, user=member_a
        )
    assert [w.pk for w in works(member_a, MARCH, WorkKind.MEASURE)] == [measure.pk]
    assert [w.pk for w in works(colleague, MARCH, WorkKind.MEASURE)] == [measure.pk, other.pk]


def test_an_audit_appears_with_the_cases_the_person_entered_in_the_period(
    member_a, colleague, audit_round
):
    with at(date(2026, 4, 2)):
        collect(audit_round, member_a, [1, 2, 3])
        collect(audit_round, colleague, [4], answer="not_met")
        audit_services.round_complete(audit_round=audit_round, user=colleague)
    [work] = works(member_a, APRIL, WorkKind.AUDIT)
    assert (work.pk, work.title) == (audit_round.pk, "Clinical audit: Imaging in low back pain")
    assert work.done[:2] == [
        "Entered 3 of the 4 cases",
        "Cases from 1 Jan 2026 to 31 Mar 2026",
    ]
    assert work.done[2] == "Round complete on 2 Apr 2026"
    [result] = work.audits[0].results
    assert (result.met, result.eligible) == (3, 4)
    assert works(colleague, APRIL, WorkKind.AUDIT)[0].done[0] == "Entered 1 of the 4 cases"
    assert works(member_a, MARCH, WorkKind.AUDIT) == []


def test_cases_without_an_author_count_for_nobody(member_a, audit_round):
    collect(audit_round, None, [1, 2])
    period = (date(2000, 1, 1), date(2100, 1, 1))
    assert works(member_a, period, WorkKind.AUDIT) == []


def test_a_person_of_practice_b_never_sees_practice_as_measures_or_audits(
    member_a, member_b, practice_b, measure, audit_round
):
    # The history says member_b once wrote to practice A's work (say, before they moved).
    with at(date(2026, 4, 2)):
        enter(measure, member_b, 1)
        collect(audit_round, member_b, [1])
        own = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_b), name="B's own")
        enter(own, member_b, 1)
    assert [w.pk for w in works(member_b, APRIL, WorkKind.MEASURE)] == [own.pk]
    assert works(member_b, APRIL, WorkKind.AUDIT) == []
    assert works(member_a, APRIL, WorkKind.MEASURE) == []
    page = selectors.work_taken_part_in(user=member_b, kind=WorkKind.MEASURE, pk=measure.pk)
    assert page is None


def test_the_page_and_the_pdf_list_both_and_a_reflection_stays_with_its_author(
    login, member_a, member_b, measure, audit_round
):
    now = timezone.localdate()
    enter(measure, member_a, 1, 2, 3)
    collect(audit_round, member_a, [1, 2])
    client = login(member_a)
    query = f"?start={now.replace(day=1).isoformat()}&end={now.isoformat()}"
    page = client.get(reverse("reports:qi_activity") + query).content.decode()
    assert "Data for Advice given" in page and "Measure data entry" in page
    assert "Clinical audit: Imaging in low back pain" in page and "Entered 2 of the 4 cases" in page
    assert f"?kind=measure&amp;id={measure.pk}" in page
    assert f"?kind=audit&amp;id={audit_round.pk}" in page

    new = reverse("reports:reflection_create")
    data = {"kind": "audit", "id": audit_round.pk, "what_learned": "AUDIT-LESSON-5521"}
    assert client.post(new, data).status_code == 302
    assert Reflection.objects.get(author=member_a).kind == WorkKind.AUDIT
    assert login(member_b).post(new, {**data, "what_learned": "x"}).status_code == 404

    pdf = login(member_a).get(reverse("reports:qi_activity_pdf") + query)
    text = re.sub(
        r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    for expected in (
        "Data for Advice given",
        "Entered or corrected data for 3 periods: Jan 2026 to Mar 2026",
        "Clinical audit: Imaging in low back pain",
        "Entered 2 of the 4 cases",
        "AUDIT-LESSON-5521",
        "Why it was chosen",
        "What next",
    ):
        assert expected in text
    other = login(member_b).get(reverse("reports:qi_activity") + query).content.decode()
    assert "Advice given" not in other and "Imaging in low back pain" not in other


def test_the_measures_and_audits_are_read_in_a_fixed_number_of_queries(
    member_a, practice_a, measure, audit_round
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            works(member_a, APRIL, WorkKind.MEASURE)
        return len(queries)

    with at(date(2026, 4, 2)):
        enter(measure, member_a, 1, 2)
        collect(audit_round, member_a, [1])
    one = count()
    with at(date(2026, 4, 3)):
        for n in range(4):
            enter(MeasureFactory(plan=measure.plan, name=f"Measure {n}"), member_a, 1, 2, 3)
            template = make_template([criterion("advice")])
            collect(make_round(practice_a, template, sample_size=4), member_a, [1, 2])
    assert count() == one
    assert len(works(member_a, APRIL, WorkKind.MEASURE)) == 5
    assert len(works(member_a, APRIL, WorkKind.AUDIT)) == 5
