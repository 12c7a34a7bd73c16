"""Several periods entered at once: blanks skipped, all or nothing, once per form, stale refused."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from pdsa.models import DataPoint, Measure
from qiproject.idempotency import FIELD
from tests.pdsa.factories import DataPointFactory, MeasureFactory

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2026, 12, 10, 12, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def saved(measure):
    return DataPointFactory(measure=measure, period=date(2026, 3, 1), numerator=5, denominator=10)


def _url(measure, end=""):
    return reverse("pdsa:data_grid_edit", args=[measure.pk]) + (f"?end={end}" if end else "")


def test_anonymous_is_sent_to_sign_in(client, measure):
    response = client.get(_url(measure))
    assert response.status_code == 302 and "login" in response.url


def test_an_outsider_gets_404(login, member_b, measure):
    assert login(member_b).get(_url(measure)).status_code == 404
    assert login(member_b).post(_url(measure), {}).status_code == 404


def test_a_patient_rep_may_not_enter_data(login, patient_rep, measure):
    assert login(patient_rep).get(_url(measure)).status_code == 403


def test_the_grid_shows_the_last_twelve_months_with_saved_values(login, member_a, saved):
    html = login(member_a).get(_url(saved.measure)).content.decode()
    assert "Jan 2026" in html and "Dec 2026" in html and "Dec 2025" not in html
    assert 'name="p2026-03-numerator"' in html and 'value="5"' in html
    assert 'name="p2026-03-version"' in html and 'name="p2026-04-version"' not in html


def test_a_weekly_measure_shows_weeks_and_earlier_pages(login, member_a, plan):
    measure = MeasureFactory(plan=plan, frequency="weekly", data_type="count")
    html = login(member_a).get(_url(measure, "2026-W10")).content.decode()
    assert "Week of 2 Mar 2026" in html and 'name="p2026-W10-value"' in html
    assert "Week of 9 Mar 2026" not in html
    assert "?end=2025-W50" in html and "?end=2026-W22" in html


def test_several_periods_are_saved_at_once_and_blanks_are_skipped(login, member_a, saved):
    measure = saved.measure
    data = {
        FIELD: "a" * 20,
        "p2026-03-numerator": "6",
        "p2026-03-denominator": "10",
        "p2026-03-version": str(saved.version),
        "p2026-04-numerator": "7",
        "p2026-04-denominator": "10",
        "p2026-05-numerator": "8",
        "p2026-05-denominator": "11",
    }
    response = login(member_a).post(_url(measure, "2026-12"), data)
    assert response.status_code == 302
    values = {p.period.month: (p.numerator, p.denominator) for p in measure.data_points.all()}
    assert values == {3: (6, 10), 4: (7, 10), 5: (8, 11)}
    measure = Measure.objects.get(pk=measure.pk)
    assert measure.point_count == 3 and measure.latest_period == date(2026, 5, 1)


def test_one_bad_cell_saves_nothing_and_is_marked_where_it_is(login, member_a, measure):
    data = {
        "p2026-04-numerator": "7",
        "p2026-04-denominator": "10",
        "p2026-05-numerator": "12",
        "p2026-05-denominator": "11",
        "p2026-06-numerator": "3",
    }
    response = login(member_a).post(_url(measure), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "The numerator cannot be more than the denominator." in html
    assert "Enter both numbers, or neither." in html
    assert 'id="id_p2026-05-numerator-error"' in html
    assert not DataPoint.objects.exists()


def test_a_period_someone_else_entered_meanwhile_is_refused_not_overwritten(
    login, member_a, measure
):
    DataPointFactory(measure=measure, period=date(2026, 4, 1), numerator=1, denominator=2)
    data = {"p2026-04-numerator": "7", "p2026-04-denominator": "10"}  # rendered when blank
    data |= {"p2026-05-numerator": "3", "p2026-05-denominator": "4"}
    response = login(member_a).post(_url(measure), data)
    assert "Apr 2026 was given a value (1 of 2) after you opened this page" in (
        response.content.decode()
    )
    assert measure.data_points.count() == 1


def test_the_same_grid_posted_twice_saves_once(login, member_a, measure):
    data = {FIELD: "b" * 20, "p2026-04-numerator": "7", "p2026-04-denominator": "10"}
    client = login(member_a)
    first, second = client.post(_url(measure), data), client.post(_url(measure), data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert measure.data_points.count() == 1


def test_a_stale_correction_is_refused_with_both_versions_shown(login, member_a, saved):
    url = _url(saved.measure)
    mine = {"p2026-03-numerator": "6", "p2026-03-denominator": "10", "p2026-03-version": "1"}
    theirs = {**mine, "p2026-03-numerator": "9"}
    assert login(member_a).post(url, theirs).status_code == 302
    response = login(member_a).post(
        url, {**mine, "p2026-04-numerator": "1"} | {"p2026-04-denominator": "2"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "saved this after you opened it" in html and 'value="6"' in html
    assert "Numerator for Mar 2026" in html and "<dd>9</dd>" in html
    assert 'name="p2026-03-version" value="2"' in html
    saved.refresh_from_db()
    assert saved.numerator == 9 and saved.measure.data_points.count() == 1


def test_the_grid_as_rendered_changes_nothing(login, member_a, saved):
    client = login(member_a)
    client.get(_url(saved.measure))
    data = {"p2026-03-numerator": "5", "p2026-03-denominator": "10", "p2026-03-version": "1"}
    assert client.post(_url(saved.measure), data).status_code == 302
    saved.refresh_from_db()
    assert saved.version == 1


def test_the_grid_loads_in_a_fixed_number_of_queries(
    login, member_a, measure, django_assert_max_num_queries
):
    for month in range(1, 13):
        DataPointFactory(measure=measure, period=date(2026, month, 1))
    client = login(member_a)
    with django_assert_max_num_queries(12):
        assert client.get(_url(measure)).status_code == 200


def test_a_weekly_csv_may_name_iso_weeks(login, member_a, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    measure = MeasureFactory(plan=plan, frequency="weekly", data_type="count")
    upload = SimpleUploadedFile("w.csv", b"period,value\n2026-W10,3\n2026-03-09,4\n")
    url = reverse("pdsa:measure_import", args=[measure.pk])
    assert login(member_a).post(url, {"file": upload}).status_code == 302
    periods = list(measure.data_points.values_list("period", flat=True))
    assert periods == [date(2026, 3, 2), date(2026, 3, 9)]
