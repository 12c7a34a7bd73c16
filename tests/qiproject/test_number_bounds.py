"""An id no row can have is "Select a valid choice", never a database error (one shared field)."""

import importlib
import inspect

import pytest
from django import forms

from pdsa.models import Driver
from qiproject import forms as bounded

APPS = ["evidence", "followup", "messaging", "pdsa", "practices", "workshops"]


class _Choices(forms.Form):
    one = bounded.ModelChoiceField(queryset=Driver.objects.all())
    many = bounded.ModelMultipleChoiceField(queryset=Driver.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", [str(10**20), str(2**63), str(-(10**20)), " 99999999999999999999 "]
)
def test_an_id_beyond_any_key_is_an_invalid_choice(value):
    form = _Choices({"one": value, "many": [value]})
    assert not form.is_valid()
    assert "valid choice" in form.errors["one"][0]
    assert "valid choice" in form.errors["many"][0]


def _form_classes():
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.parametrize("form_class", list(_form_classes()), ids=lambda cls: cls.__qualname__)
def test_every_choice_by_id_uses_the_bounded_field(form_class):
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.ModelMultipleChoiceField):
            assert isinstance(field, bounded.ModelMultipleChoiceField), name
        elif isinstance(field, forms.ModelChoiceField):
            assert isinstance(field, bounded.ModelChoiceField), name
