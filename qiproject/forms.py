"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


def add_validation_error(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field, or above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


# Choices by id: an id no row can have is "Select a valid choice", not a database error. -------

# Primary keys are 64-bit signed integers (BigAutoField); SQLite raises OverflowError, rather than
# finding nothing, when a lookup is given a larger number.
LARGEST_ID = 2**63 - 1


def _id_out_of_range(value) -> bool:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return False  # not a number at all: Django's own check refuses it in its own words
    return not -LARGEST_ID <= number <= LARGEST_ID


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row by id that refuses an id out of any key's range as an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and _id_out_of_range(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of rows by id that refuses ids out of any key's range as invalid choices."""

    def _check_values(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if _id_out_of_range(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


def bounded_formfield(db_field, **kwargs):
    """ModelForm `formfield_callback`: relations get the bounded choice fields above."""
    if isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ModelChoiceField)
    return db_field.formfield(**kwargs)
