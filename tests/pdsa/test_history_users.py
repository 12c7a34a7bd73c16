"""Every way data points are written records who wrote them in the data's history: the
single entry, a correction, a removal, the grid, a CSV import, the admin and an audit round.

A person's QI activity summary lists the measures they entered data for from this history,
so a write path that leaves the history user empty would hide their work. (The API's batch
is checked in tests/api/test_data_upsert.py.)
"""

from datetime import UTC, date, datetime

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services as audit_services
from pdsa.models import DataPoint
from qiproject.idempotency import FIELD
from tests.audits.factories import answers, criterion, fill, make_round, make_template
from tests.pdsa.factories import DataPointFactory
from tests.practices.factories import UserFactory


def history(measure):
    """(type, period, user) of each history record of the measure's data, oldest first."""
    records = DataPoint.history.filter(measure_id=measure.pk).order_by("history_id")
    return [(r.history_type, r.period, r.history_user) for r in records]


def test_a_value_entered_on_the_measure_page_is_recorded_as_the_persons(login, member_a, measure):
    url = reverse("pdsa:measure_data", args=[measure.pk])
    login(member_a).post(url, {"period": "2026-03-09", "numerator": 4, "denominator": 9})
    assert history(measure) == [("+", date(2026, 3, 1), member_a)]


def test_a_correction_and_a_removal_are_recorded_as_the_persons(login, member_a, measure):
    point = DataPointFactory(measure=measure, period=date(2026, 2, 1))
    client = login(member_a)
    edit = reverse("pdsa:data_point_edit", args=[point.pk])
    client.post(edit, {"numerator": 9, "denominator": 20, "note": "Recount", "version": 1})
    client.post(reverse("pdsa:data_point_delete", args=[point.pk]))
    assert history(measure)[1:] == [
        ("~", date(2026, 2, 1), member_a),
        ("-", date(2026, 2, 1), member_a),
    ]


def test_values_saved_in_the_grid_are_recorded_as_the_persons(login, member_a, measure):
    point = DataPointFactory(measure=measure, period=date(2026, 3, 1), numerator=5, denominator=10)
    data = {
        FIELD: "g" * 20,
        "p2026-03-numerator": "6",
        "p2026-03-denominator": "10",
        "p2026-03-version": str(point.version),
        "p2026-04-numerator": "7",
        "p2026-04-denominator": "10",
    }
    with time_machine.travel(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False):
        url = reverse("pdsa:data_grid_edit", args=[measure.pk]) + "?end=2026-12"
        assert login(member_a).post(url, data).status_code == 302
    assert history(measure)[1:] == [
        ("~", date(2026, 3, 1), member_a),
        ("+", date(2026, 4, 1), member_a),
    ]


def test_a_csv_import_is_recorded_as_the_persons(login, member_a, measure):
    DataPointFactory(measure=measure, period=date(2026, 1, 1), numerator=1, denominator=20)
    upload = SimpleUploadedFile(
        "data.csv", b"period,numerator,denominator\n2026-01,5,20\n2026-02,6,20\n"
    )
    login(member_a).post(
        reverse("pdsa:measure_import", args=[measure.pk]),
        {"file": upload, "replace_existing": "on"},
    )
    assert history(measure)[1:] == [
        ("~", date(2026, 1, 1), member_a),
        ("+", date(2026, 2, 1), member_a),
    ]


def test_an_edit_and_a_removal_in_the_admin_are_recorded_as_the_staff_members(login, measure):
    point = DataPointFactory(measure=measure, period=date(2025, 2, 1), numerator=6, denominator=20)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = login(admin)
    client.post(
        reverse("admin:pdsa_datapoint_change", args=[point.pk]),
        {"measure": measure.pk, "period": "2025-02-01", "numerator": 10, "denominator": 20},
    )
    client.post(reverse("admin:pdsa_datapoint_delete", args=[point.pk]), {"post": "yes"})
    assert history(measure)[1:] == [
        ("~", date(2025, 2, 1), admin),
        ("-", date(2025, 2, 1), admin),
    ]


def test_a_completed_audit_writes_its_measures_point_as_the_person_who_completed_it(
    practice_a, member_a, measure
):
    template = make_template([criterion("advice")])
    audit_services.measure_link_set(measure=measure, template=template, criterion_key="advice")
    audit_round = make_round(practice_a, template, sample_size=4)
    fill(audit_round, {"advice": answers(3, 1)})
    audit_services.round_complete(audit_round=audit_round, user=member_a)
    assert history(measure) == [("+", date(2026, 3, 1), member_a)]
