import pytest
from django.urls import reverse

from pdsa import models
from tests.practices.factories import UserFactory

MODELS = [
    models.ImprovementPlan,
    models.Driver,
    models.ChangeIdea,
    models.LibraryMeasure,
    models.Measure,
    models.DataPoint,
    models.PDSACycle,
    models.CycleQuestion,
    models.CycleTask,
    models.CycleComment,
    models.SharedIdea,
    models.IdeaComment,
]


@pytest.mark.parametrize("model", MODELS)
def test_staff_can_search_every_improvement_model_in_the_admin(
    login, cycle, question, measure, shared, model
):
    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse(f"admin:pdsa_{model._meta.model_name}_changelist")
    assert login(admin).get(url, {"q": "a"}).status_code == 200


def test_staff_see_a_cycles_history_in_the_admin(login, cycle):
    admin = UserFactory(is_staff=True, is_superuser=True)
    url = reverse("admin:pdsa_pdsacycle_history", args=[cycle.pk])
    assert login(admin).get(url).status_code == 200


def test_data_edited_in_the_admin_refreshes_the_measures_icons(login, measure):
    from datetime import date

    from tests.pdsa.factories import DataPointFactory

    points = [
        DataPointFactory(measure=measure, period=date(2025, 1, 1), numerator=5, denominator=20),
        DataPointFactory(measure=measure, period=date(2025, 2, 1), numerator=6, denominator=20),
    ]
    client = login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:pdsa_datapoint_change", args=[points[1].pk])
    response = client.post(
        url,
        {"measure": measure.pk, "period": "2025-02-01", "numerator": 10, "denominator": 20},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.point_count, measure.latest_value) == (2, 0.5)
    client.post(reverse("admin:pdsa_datapoint_delete", args=[points[1].pk]), {"post": "yes"})
    measure.refresh_from_db()
    assert (measure.point_count, measure.latest_value) == (1, 0.25)
