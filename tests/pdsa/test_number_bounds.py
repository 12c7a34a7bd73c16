"""Numbers are bounded to what a practice's measures can mean; larger ones get a clear message."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pdsa import services
from pdsa.models import MAX_COUNT, DataPoint, PDSACycle
from tests.pdsa.factories import LibraryMeasureFactory, MeasureFactory


def _post_value(client, measure, **fields):
    return client.post(
        reverse("pdsa:measure_data", args=[measure.pk]), {"period": "2026-03-01", **fields}
    )


@pytest.mark.parametrize("count", ["1e20", str(10**20), str(MAX_COUNT + 1), "-1"])
def test_a_count_beyond_what_a_practice_can_count_is_refused(login, member_a, plan, count):
    measure = MeasureFactory(plan=plan, data_type="count")
    response = _post_value(login(member_a), measure, value=count)
    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    assert not DataPoint.objects.exists()


def test_a_count_of_a_million_is_kept(login, member_a, plan):
    measure = MeasureFactory(plan=plan, data_type="count")
    assert _post_value(login(member_a), measure, value=str(MAX_COUNT)).status_code == 302
    assert DataPoint.objects.get().value == MAX_COUNT


@pytest.mark.parametrize("value", ["1e20", "-1e20"])
def test_a_continuous_value_of_twenty_digits_is_refused_with_a_message(
    login, member_a, plan, value
):
    measure = MeasureFactory(plan=plan, data_type="continuous")
    response = _post_value(login(member_a), measure, value=value)
    assert "cannot be right" in response.context["form"].errors["value"][0]
    assert not DataPoint.objects.exists()


def test_a_numerator_and_denominator_of_twenty_digits_are_refused(login, member_a, plan):
    measure = MeasureFactory(
        plan=plan, data_type="proportion", numerator="Advised", denominator="Seen"
    )
    response = _post_value(login(member_a), measure, numerator=10**20, denominator=10**20)
    errors = response.context["form"].errors
    assert "cannot be right" in errors["numerator"][0] and errors["denominator"]
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e20])
def test_the_service_refuses_a_value_no_measure_can_mean(plan, value):
    measure = MeasureFactory(plan=plan, data_type="count")
    with pytest.raises(ValidationError) as raised:
        services.data_point_record(measure=measure, period=date(2026, 3, 1), value=value)
    assert "value" in raised.value.message_dict
    assert not DataPoint.objects.exists()


def test_a_csv_import_with_a_count_of_1e20_imports_nothing(plan):
    measure = MeasureFactory(plan=plan, data_type="count")
    with pytest.raises(services.CsvImportError):
        services.data_import_csv(
            measure=measure, text="period,value\n2026-01-01,3\n2026-02-01,1e20\n"
        )
    assert not DataPoint.objects.exists()


def test_a_target_of_1e20_is_refused(login, member_a, measure):
    response = login(member_a).post(
        reverse("pdsa:measure_edit", args=[measure.pk]),
        {
            "name": measure.name,
            "kind": measure.kind,
            "definition": "x",
            "data_type": measure.data_type,
            "frequency": measure.frequency,
            "improvement": measure.improvement,
            "target": "1e20",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["target"]


def test_a_library_target_of_1e20_is_refused(db):
    library = LibraryMeasureFactory.build(suggested_target=1e20)
    with pytest.raises(ValidationError) as raised:
        library.full_clean()
    assert "suggested_target" in raised.value.message_dict


def test_a_cycle_form_with_an_id_beyond_any_key_is_an_invalid_choice(login, member_a, plan):
    response = login(member_a).post(
        reverse("pdsa:cycle_create", args=[plan.pk]),
        {
            "title": "Poster",
            "objective": "Try it",
            "owner": str(10**20),
            "measures": [str(10**20)],
            "evidence": [str(-(10**20))],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"owner", "measures", "evidence"} <= set(errors)
    assert all("valid choice" in errors[name][0] for name in ("owner", "measures", "evidence"))
    assert not PDSACycle.objects.exists()
