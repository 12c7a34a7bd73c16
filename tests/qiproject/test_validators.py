"""Single-line fields refuse line breaks and NUL, and text fields refuse NUL, in one place."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from qiproject.validators import (
    NUL_MESSAGE,
    SINGLE_LINE_MESSAGE,
    NoNulValidator,
    SingleLineValidator,
    _is_ours,
)
from tests.workshops.factories import WorkshopSessionFactory
from workshops.forms import SessionForm

OURS = [config for config in apps.get_app_configs() if _is_ours(config)]


def test_our_apps_are_the_projects_and_not_djangos():
    labels = {config.label for config in OURS}

    assert {"practices", "workshops", "pdsa", "evidence", "followup", "messaging"} <= labels
    assert not labels & {"auth", "admin", "contenttypes", "sessions", "django_celery_beat"}


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(field, id=f"{model._meta.label}.{field.name}")
        for config in OURS
        for model in config.get_models(include_auto_created=True)
        for field in model._meta.local_fields
        if isinstance(field, models.CharField | models.TextField)
    ],
)
def test_every_text_field_of_our_apps_carries_its_rule(field):
    expected = SingleLineValidator if isinstance(field, models.CharField) else NoNulValidator

    assert any(isinstance(validator, expected) for validator in field.validators)


@pytest.mark.parametrize("text", ["Two\nlines", "Two\rlines", "Two\r\nlines"])
def test_a_line_break_in_a_single_line_field_is_refused_by_full_clean(db, text):
    session = WorkshopSessionFactory()
    session.title = text

    with pytest.raises(ValidationError) as refused:
        session.full_clean()

    assert refused.value.message_dict["title"] == [SINGLE_LINE_MESSAGE]


def test_nul_is_refused_in_a_single_line_field_and_in_a_text_field(db):
    session = WorkshopSessionFactory()
    session.title = "Back\x00pain"
    session.agenda = "Welcome\x00"

    with pytest.raises(ValidationError) as refused:
        session.full_clean()

    assert refused.value.message_dict["title"] == [NUL_MESSAGE]
    assert refused.value.message_dict["agenda"] == [NUL_MESSAGE]


def test_a_text_field_keeps_its_line_breaks(db):
    session = WorkshopSessionFactory(agenda="Welcome\nCase studies\r\nClose")

    session.full_clean()


def test_a_model_form_shows_the_message_on_the_field(db):
    session = WorkshopSessionFactory()
    data = {
        "title": "Back pain\nwith a line break",
        "starts_at": "2026-03-04T13:30",
        "ends_at": "2026-03-04T16:30",
    }

    form = SessionForm(data, instance=session, programme=session.programme)

    assert not form.is_valid()
    assert form.errors["title"] == [SINGLE_LINE_MESSAGE]


def test_the_rule_leaves_field_declarations_and_migrations_alone():
    from workshops.models import WorkshopSession

    _, _, _, kwargs = WorkshopSession._meta.get_field("title").deconstruct()

    assert "validators" not in kwargs
