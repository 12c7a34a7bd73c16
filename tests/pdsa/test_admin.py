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
