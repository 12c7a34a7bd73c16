import pytest
from django.contrib import admin
from django.urls import reverse

from practices.models import Practice


@pytest.mark.parametrize(
    "model", [m for m in admin.site._registry if m._meta.app_label == "practices"]
)
def test_staff_can_search_every_practices_model_in_the_admin(login, staff, practice_a, model):
    staff.is_superuser = True
    staff.save()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert login(staff).get(url, {"q": "a"}).status_code == 200


def test_people_without_staff_status_cannot_open_the_admin(login, lead):
    response = login(lead).get(reverse("admin:practices_practice_changelist"))
    assert response.status_code == 302


def test_every_model_of_the_project_is_registered_in_the_admin():
    from django.apps import apps

    ours = {"practices", "workshops", "pdsa", "evidence"}
    for model in apps.get_models():
        # django-simple-history's Historical* tables are shown through their model's admin.
        history = model.__name__.startswith("Historical")
        if model._meta.app_label in ours and not model._meta.auto_created and not history:
            assert model in admin.site._registry, f"{model.__name__} is not in the admin"
    assert Practice in admin.site._registry


def test_the_admin_password_page_keeps_djangos_own_help_markup(client, staff, member_a):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    response = client.get(reverse("admin:auth_user_password_change", args=[member_a.pk]))
    assert '<ul id="id_unusable_warning"' in response.content.decode()
