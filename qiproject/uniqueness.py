"""The losing side of a uniqueness race gets a form error, never a 500.

A service checks a unique constraint in `full_clean()` and then inserts; two requests can both
pass the check before either commits, and the second insert then fails with IntegrityError. The
view wraps its service call in `unique_violation_as_error(form)`, which turns that failure into
the same `ValidationError` the check would have raised, keyed by the form's field, so the view's
usual `except ValidationError: add_validation_error(form, error)` shows it next to the field.
Any other IntegrityError (a check constraint, a foreign key) is a bug and is raised as it is.
"""

import re
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

_SQLITE = re.compile(r"UNIQUE constraint failed: (.+)")


def _unique_sets(model):
    """(constraint name or None, field names) for each unique rule of the model."""
    for constraint in model._meta.total_unique_constraints:
        yield constraint.name, list(constraint.fields)
    for fields in model._meta.unique_together:
        yield None, list(fields)
    for model_field in model._meta.local_fields:
        if model_field.unique and not model_field.primary_key:
            yield None, [model_field.name]


def violated_fields(error: IntegrityError, model) -> list[str] | None:
    """The fields of `model`'s unique rule that `error` broke, or None if it broke no such rule."""
    cause = error.__cause__
    if getattr(cause, "sqlstate", None) == "23505" or getattr(cause, "pgcode", None) == "23505":
        name = getattr(getattr(cause, "diag", None), "constraint_name", None) or ""
        table = model._meta.db_table
        for constraint_name, fields in _unique_sets(model):
            columns = [model._meta.get_field(f).column for f in fields]
            if name == constraint_name or (
                constraint_name is None and name.startswith(f"{table}_{'_'.join(columns)}")
            ):
                return fields
        return []
    match = _SQLITE.search(str(error))
    if match:
        columns = [column.split(".")[-1] for column in match.group(1).split(", ")]
        for _, fields in _unique_sets(model):
            if [model._meta.get_field(f).column for f in fields] == columns:
                return fields
        return []
    return None


def unique_message(model, fields: list[str]) -> str:
    """The sentence shown when a unique rule is broken, as Django's own check words it."""
    return model(pk=None).unique_error_message(model, fields).messages[0]


@contextmanager
def unique_violation_as_error(form, *, model: type[models.Model] | None = None):
    """Turn an IntegrityError from a unique rule into a ValidationError on the form's field.

    `model` defaults to the ModelForm's model; a plain Form names it.
    """
    model = model or form._meta.model
    try:
        yield
    except IntegrityError as error:
        fields = violated_fields(error, model)
        if fields is None:
            raise
        message = unique_message(model, fields) if fields else "This already exists."
        shown = [name for name in fields if form is not None and name in form.fields]
        if shown:
            raise ValidationError({shown[-1]: message}) from error
        raise ValidationError(message) from error
