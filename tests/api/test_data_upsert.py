"""POST /api/v1/measures/<id>/data/: keyed by period, all or nothing, idempotent."""

from datetime import date

import pytest
from django.urls import reverse

from pdsa.models import DataPoint, Measure
from practices.models import Practice
from tests.pdsa.factories import DataPointFactory

OCTOBER = {"period": "2026-10", "numerator": 12, "denominator": 30}


@pytest.fixture
def send(api, work, member_a):
    client = api(member_a)

    def _send(body, measure=None):
        return client.post(
            reverse("api:measure_data", args=[(measure or work["monthly"]).pk]), body
        )

    return _send


def points(measure) -> dict[date, tuple]:
    return {p.period: (p.numerator, p.denominator, p.value) for p in measure.data_points.all()}


def test_a_month_of_data_is_created_and_the_summary_refreshed(send, work):
    token_before = Practice.objects.get(pk=work["plan"].practice_id).dashboard_token

    response = send([OCTOBER])

    assert response.status_code == 200
    assert response.json() == {"created": ["2026-10"], "updated": [], "unchanged": []}
    assert points(work["monthly"])[date(2026, 10, 1)] == (12, 30, None)
    measure = Measure.objects.get(pk=work["monthly"].pk)
    assert measure.latest_period == date(2026, 10, 1)
    assert measure.point_count == 2
    assert Practice.objects.get(pk=work["plan"].practice_id).dashboard_token != token_before


def test_the_same_request_twice_changes_nothing_the_second_time(send, work):
    send([OCTOBER])
    before = list(DataPoint.history.values_list("pk", flat=True))
    version = work["monthly"].data_points.get(period=date(2026, 10, 1)).version

    second = send([OCTOBER])

    assert second.json() == {"created": [], "updated": [], "unchanged": ["2026-10"]}
    assert list(DataPoint.history.values_list("pk", flat=True)) == before
    assert work["monthly"].data_points.get(period=date(2026, 10, 1)).version == version


def test_a_different_value_is_refused_unless_the_item_says_replace(send, work):
    send([OCTOBER])

    refused = send([{**OCTOBER, "numerator": 15}])
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["index"] == 0
    assert refused.json()["errors"][0]["field"] == "period"
    assert "replace" in refused.json()["errors"][0]["message"]
    assert points(work["monthly"])[date(2026, 10, 1)] == (12, 30, None)

    replaced = send([{**OCTOBER, "numerator": 15, "replace": True}])
    assert replaced.json() == {"created": [], "updated": ["2026-10"], "unchanged": []}
    assert points(work["monthly"])[date(2026, 10, 1)] == (15, 30, None)


def test_a_replacement_takes_the_next_version_so_an_open_web_form_is_stale(send, work):
    send([OCTOBER])
    point = work["monthly"].data_points.get(period=date(2026, 10, 1))
    send([{**OCTOBER, "numerator": 15, "replace": True}])
    assert DataPoint.objects.get(pk=point.pk).version == point.version + 1


def test_one_bad_item_saves_nothing_and_every_error_names_its_item_and_field(send, work):
    response = send(
        [
            OCTOBER,
            {"period": "2026-13", "numerator": 1, "denominator": 2},
            {"period": "2026-11", "numerator": 50, "denominator": 20},
            {"period": "2026-12", "numerator": "many", "denominator": 20},
            {"period": "2026-09", "numerator": 1, "denominator": 2_000_000},
            {"period": "2026-10", "numerator": 1, "denominator": 2},
        ]
    )

    assert response.status_code == 400
    found = {(e["index"], e["field"]) for e in response.json()["errors"]}
    assert found == {
        (1, "period"),
        (2, "numerator"),
        (3, "numerator"),
        (4, "denominator"),
        (5, "period"),
    }
    assert points(work["monthly"]) == {date(2026, 1, 1): (5, 20, None)}


def test_the_model_s_own_caps_are_applied(send, work):
    response = send([{"period": "2026-W43", "value": 2_000_000}], measure=work["weekly"])
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "index": 0,
            "field": "value",
            "message": "A count above 1,000,000 in one period cannot be right: check the number.",
        }
    ]


def test_a_whole_item_error_has_no_field(send, work):
    response = send([{"period": "2026-10", "value": 3}])
    assert response.json()["errors"] == [
        {
            "index": 0,
            "field": None,
            "message": "A proportion needs a numerator and a denominator.",
        }
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"period": "2026-10"}, "Send a JSON list of items."),
        ([], "The list is empty: send at least one item."),
        ('"text"', "Send a JSON list of items."),
        (
            "[{",
            "JSON parse error - Expecting property name enclosed in double quotes: line 1 "
            "column 3 (char 2)",
        ),
    ],
)
def test_a_body_that_is_not_a_list_of_items_is_a_400(send, body, message):
    response = send(body)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"index": None, "field": None, "message": message}]


def test_too_many_items_are_refused_at_once(send, settings):
    response = send([OCTOBER] * 2001)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Send at most 2,000 items at a time."


def test_weekly_measures_take_iso_weeks(send, work):
    response = send(
        [{"period": "2026-W43", "value": 4}, {"period": "2026-W44", "value": 2}],
        measure=work["weekly"],
    )

    assert response.json()["created"] == ["2026-W43", "2026-W44"]
    assert set(points(work["weekly"])) == {date(2026, 10, 19), date(2026, 10, 26)}


def test_a_weekly_measure_refuses_a_month_and_a_monthly_one_a_week(send, work):
    weekly = send([{"period": "2026-10", "value": 4}], measure=work["weekly"])
    monthly = send([{"period": "2026-W43", "numerator": 1, "denominator": 2}])
    assert weekly.json()["errors"][0]["message"].startswith("Enter a week as year and ISO week")
    assert monthly.json()["errors"][0]["message"].startswith("Enter a month as year and month")


def test_week_53_of_a_year_without_one_is_refused(send, work):
    response = send([{"period": "2027-W53", "value": 4}], measure=work["weekly"])
    assert response.json()["errors"][0] == {
        "index": 0,
        "field": "period",
        "message": "Enter a week as year and ISO week number, for example 2027-W09.",
    }


def test_a_period_twice_in_one_batch_is_refused(send, work):
    response = send([OCTOBER, {**OCTOBER, "numerator": 1}])
    assert response.json()["errors"][0]["index"] == 1
    assert response.json()["errors"][0]["field"] == "period"


def test_every_write_is_in_the_history_with_the_token_s_name(api, work, member_a):
    from tests.api.conftest import Api
    from tests.api.factories import make_token

    client = Api(make_token(member_a, name="EMIS monthly upload"))
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    client.post(url, [OCTOBER])
    client.post(url, [{**OCTOBER, "numerator": 13, "replace": True}])

    history = DataPoint.history.filter(measure_id=work["monthly"].pk, period=date(2026, 10, 1))
    assert list(
        history.order_by("history_date").values_list(
            "history_type", "history_change_reason", "history_user__email", "numerator"
        )
    ) == [
        ("+", "API token EMIS monthly upload", member_a.email, 12),
        ("~", "API token EMIS monthly upload", member_a.email, 13),
    ]


def test_a_note_left_out_keeps_the_saved_note(send, work):
    DataPointFactory(
        measure=work["monthly"],
        period=date(2026, 10, 1),
        numerator=12,
        denominator=30,
        note="Searched by hand",
    )
    assert send([OCTOBER]).json()["unchanged"] == ["2026-10"]
    send([{**OCTOBER, "numerator": 11, "replace": True}])
    assert work["monthly"].data_points.get(period=date(2026, 10, 1)).note == "Searched by hand"
