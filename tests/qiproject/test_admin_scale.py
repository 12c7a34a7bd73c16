"""Every admin changelist makes the same number of queries whatever the number of rows.

Rows are made with the app's factory where there is one (it knows the model's constraints),
otherwise by filling each required field; each model's list is fetched at two sizes.
"""

import importlib
import inspect
import itertools
import uuid
from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qiproject.admin_lists import LargeTablePaginator
from tests.practices.factories import UserFactory

SMALL, LARGE = 2, 7
_numbers = itertools.count(1)


def _factories() -> dict:
    found = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"tests.{config.label}.factories")
        except ModuleNotFoundError:
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            model = getattr(getattr(value, "_meta", None), "model", None)
            if value.__module__ == module.__name__ and model is not None:
                found.setdefault(model, value)
    return found


FACTORIES = _factories()


def _value(field, number):
    if field.choices:
        return field.choices[number % len(field.choices)][0]
    if isinstance(field, models.ForeignKey | models.OneToOneField):
        return make(field.related_model)
    if isinstance(field, models.EmailField):
        return f"row{number}@example.test"
    if isinstance(field, models.CharField | models.TextField):
        return f"row {number}"[: field.max_length or 50]
    if isinstance(field, models.BooleanField):
        return False
    if isinstance(field, models.DateTimeField):
        return timezone.now()
    if isinstance(field, models.DateField):
        return date(2026, 1, 1)
    if isinstance(field, models.DurationField):
        return timezone.timedelta(minutes=number)
    if isinstance(field, models.IntegerField | models.FloatField | models.DecimalField):
        return 1 + number % 5  # within the 1-to-5 ratings some models check
    if isinstance(field, models.FileField):
        return f"uploads/row{number}.pdf"
    if isinstance(field, models.UUIDField):
        return uuid.uuid4()
    if isinstance(field, models.GenericIPAddressField):
        return "127.0.0.1"
    raise NotImplementedError(f"{field.model.__name__}.{field.name}: {type(field).__name__}")


def _extra(model) -> dict:
    # Rules a model checks beyond its fields' own.
    if model._meta.label == "django_celery_beat.PeriodicTask":
        return {"interval": make(apps.get_model("django_celery_beat", "IntervalSchedule"))}
    if model._meta.label == "api.ApiToken":  # a token expires after it is made
        return {"expires_at": timezone.now() + timezone.timedelta(days=30)}
    return {}


def make(model, *, with_links: bool = False):
    """One new row of `model`; `with_links` fills its optional links too where it allows."""
    row = _new(model)
    if not with_links:
        return row
    for field in model._meta.concrete_fields:
        # A list that loads an optional link row by row only shows it when the link is set.
        if (
            isinstance(field, models.ForeignKey)
            and field.null
            and getattr(row, field.attname) is None
            and field.related_model is not model
        ):
            setattr(row, field.name, make(field.related_model))
    try:
        row.full_clean()
    except Exception:  # the model refuses the link here: keep the row as it was
        row.refresh_from_db()
        return row
    row.save()
    return row


def _new(model):
    if model in FACTORIES:
        return FACTORIES[model]()
    number = next(_numbers)
    values = _extra(model)
    for field in model._meta.concrete_fields:
        if field.primary_key or field.has_default() or field.null or field.name in values:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if field.blank and field.empty_strings_allowed:
            continue
        values[field.name] = _value(field, number)
    return model.objects.create(**values)


def _changelist_queries(client, model) -> int:
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_makes_the_same_queries_for_few_and_many_rows(client, db, model):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    start = model.objects.count()
    while model.objects.count() < start + SMALL:
        make(model, with_links=True)
    few = _changelist_queries(client, model)
    while model.objects.count() < start + LARGE:
        make(model, with_links=True)

    assert _changelist_queries(client, model) == few


def test_the_large_tables_never_count_every_row():
    from messaging.models import Message
    from pdsa.models import CycleQuestion, CycleTask, DataPoint, PDSACycle

    for model in (DataPoint, PDSACycle, CycleQuestion, CycleTask, Message):
        model_admin = admin.site._registry[model]
        assert model_admin.show_full_result_count is False, model
        assert model_admin.paginator is LargeTablePaginator, model
        # Newest first by primary key: the index answers it without a join or a sort.
        assert list(model_admin.get_ordering(None)) == ["-pk"], model


def test_the_large_table_paginator_stops_counting_at_its_cap(db, django_assert_num_queries):
    from practices.models import User

    for _ in range(4):
        UserFactory()
    paginator = LargeTablePaginator(User.objects.order_by("pk"), 2)
    paginator.count_cap = 3

    with django_assert_num_queries(1) as queries:
        assert paginator.count == 3
    assert "LIMIT" in queries.captured_queries[0]["sql"]
