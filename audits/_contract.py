"""Stand-ins for shared helpers not yet on main; each goes when its owner's module lands.

TODO(contract): replace with qiproject.locking (StaleEditError, claim_version, VersionedForm,
refuse_stale), qiproject.idempotency (create_once) and qiproject.forms (DateField).
"""

from django import forms
from django.shortcuts import render


class StaleEditError(Exception):
    """TODO(contract): qiproject.locking.StaleEditError."""

    def __init__(self, current):
        super().__init__("This was changed by someone else after you opened it.")
        self.current = current


def claim_version(instance, version: int) -> None:
    """TODO(contract): qiproject.locking.claim_version (conditional UPDATE on the version)."""
    model = type(instance)
    if not model.objects.filter(pk=instance.pk, version=version).update(version=version + 1):
        raise StaleEditError(model.objects.get(pk=instance.pk))
    instance.version = version + 1


class VersionedForm(forms.Form):
    """TODO(contract): qiproject.locking.VersionedForm (hidden required version field)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk:
            self.fields["version"].initial = instance.version


def refuse_stale(request, form, error, template_name, context):
    """TODO(contract): qiproject.locking.refuse_stale (409 showing the newer version)."""
    form.add_error(
        None,
        f"{error} Nothing of yours was saved; your changes are kept below. "
        "Check the current version and save again.",
    )
    form.data = form.data.copy()
    form.data["version"] = error.current.version
    return render(
        request, template_name, {**context, "form": form, "stale": error.current}, status=409
    )


def create_once(request, form_or_key, create_fn):
    """TODO(contract): qiproject.idempotency.create_once (a repeated submit creates nothing)."""
    return create_fn()


class DateField(forms.DateField):
    """TODO(contract): qiproject.forms.DateField (ISO date input, bounded)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


__all__ = [
    "DateField",
    "StaleEditError",
    "VersionedForm",
    "claim_version",
    "create_once",
    "refuse_stale",
]
