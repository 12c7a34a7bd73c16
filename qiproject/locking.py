"""Optimistic locking: one way to refuse a stale edit of a shared object, and one way to show it.

Every edit form of a shared object carries the version the user started from (VersionedForm).
The service claims the next version with a conditional update (claim_version); when someone
else saved first it raises StaleEditError with their newer row, and the view answers with
refuse_stale: 409, the other person's saved values beside the form, the user's own input kept,
and the form now carrying the newer version so a second save deliberately replaces theirs.
"""

from django import forms
from django.db import models
from django.shortcuts import render
from django.utils import timezone

from qiproject.dates import format_date, format_datetime

VERSION_MAX = 2**31 - 1
STALE_MESSAGE = (
    "Someone else saved this after you opened it, so nothing of yours was saved. "
    "Their version is shown beside the form and yours is kept in it: "
    "save again to replace theirs with yours."
)
OUT_OF_DATE_FORM = (
    "This form is incomplete or out of date: reload the page and make your change again."
)


class StaleEditError(Exception):
    """Someone else saved first: `current` is their newer saved instance."""

    def __init__(self, current, message: str = STALE_MESSAGE):
        super().__init__(message)
        self.current = current


def claim_version(instance, version: int) -> None:
    """Take the next version with a conditional update, or raise StaleEditError when stale."""
    model = type(instance)
    fields = {"version": version + 1}
    if any(field.name == "updated_at" for field in model._meta.concrete_fields):
        fields["updated_at"] = timezone.now()
    if not model._default_manager.filter(pk=instance.pk, version=version).update(**fields):
        raise StaleEditError(model._default_manager.get(pk=instance.pk))
    instance.version = version + 1
    if "updated_at" in fields:
        instance.updated_at = fields["updated_at"]


class VersionField(forms.IntegerField):
    """The hidden version a form was opened at: required, and bounded like the database column."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", VERSION_MAX)
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)


class _VersionFieldForm(forms.Form):
    # Declared on a base class so that VersionedForm.version can be the cleaned value.
    version = VersionField()


class VersionedForm(_VersionFieldForm):
    """Carries the version the user started from, so a stale save can be refused.

    Mix into a ModelForm (`class MeasureForm(VersionedForm, forms.ModelForm)`) or use alone.
    The version starts from `instance.version` (or `version=` for a plain form).
    """

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.version
        if version is not None:
            self.fields["version"].initial = version

    def full_clean(self):
        super().full_clean()
        # A hidden field's error would show as "(Hidden field version)": say what to do instead.
        if self.is_bound and "version" in self._errors:
            del self._errors["version"]
            self.add_error(None, OUT_OF_DATE_FORM)

    @property
    def version(self) -> int:
        """The version the user started from (after validation)."""
        return self.cleaned_data["version"]


def _display(instance, name: str) -> str:
    """A saved value as the stale-edit page shows it."""
    try:
        field = instance._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a form field the model does not have
        return None
    if field.many_to_many:
        return ", ".join(str(item) for item in getattr(instance, name).all()) or "–"
    value = getattr(instance, name)
    if field.choices:
        value = getattr(instance, f"get_{name}_display")()
    elif isinstance(field, models.DateTimeField):
        value = format_datetime(value)
    elif isinstance(field, models.DateField):
        value = format_date(value)
    if value in (None, ""):
        return "–"
    return str(value)


def stale_values(form, current) -> list[tuple[str, str]]:
    """(label, saved value) for each field of the form that the newer saved row has."""
    rows = []
    for name, field in form.fields.items():
        if name == "version" or isinstance(field.widget, forms.HiddenInput):
            continue
        value = _display(current, name)
        if value is not None:
            rows.append((field.label or name.replace("_", " ").capitalize(), value))
    return rows


def refuse_stale(request, form, error: StaleEditError, template_name: str, context: dict):
    """Render the form again with status 409: their version shown, the user's input kept."""
    current = error.current
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = current.version
    form.add_error(None, str(error))
    context = {
        **context,
        "form": form,
        "stale": {"current": current, "values": stale_values(form, current)},
    }
    return render(request, template_name, context, status=409)
