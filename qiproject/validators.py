"""What every text field of ours may hold: one rule, attached to every model field at start-up.

A single-line field (every model `CharField`: names, titles, subjects...) refuses line breaks,
which would otherwise reach an email header or a CSV row as two lines, and NUL, which
PostgreSQL cannot store. A `TextField` may hold line breaks but not NUL. The validators are
added from `QiprojectConfig.ready()` by `attach_text_validators()`, so `full_clean()` and every
ModelForm refuse such text with a clear message, and no model or migration has to name them.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

SINGLE_LINE_MESSAGE = "Use a single line here: line breaks are not allowed."
NUL_MESSAGE = "Remove the NUL character (\\x00): it cannot be stored."
LINE_BREAKS = ("\r", "\n")


@deconstructible
class SingleLineValidator:
    """Refuses CR, LF and NUL: the text must be one line."""

    code = "single_line"

    def __call__(self, value):
        if not isinstance(value, str):
            return
        if "\x00" in value:
            raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")
        if any(character in value for character in LINE_BREAKS):
            raise ValidationError(SINGLE_LINE_MESSAGE, code=self.code)

    def __eq__(self, other):
        return isinstance(other, SingleLineValidator)


@deconstructible
class NoNulValidator:
    """Refuses NUL, which PostgreSQL cannot store in text."""

    def __call__(self, value):
        if isinstance(value, str) and "\x00" in value:
            raise ValidationError(NUL_MESSAGE, code="null_characters_not_allowed")

    def __eq__(self, other):
        return isinstance(other, NoNulValidator)


single_line = SingleLineValidator()
no_nul = NoNulValidator()


def is_single_line(value: str) -> bool:
    """Whether text passes the single-line rule (for code that builds headers or subjects)."""
    try:
        single_line(value)
    except ValidationError:
        return False
    return True


def _is_ours(app_config) -> bool:
    base = Path(settings.BASE_DIR).resolve()
    path = Path(app_config.path).resolve()
    return path.is_relative_to(base) and "site-packages" not in path.parts


def validator_for(field) -> object | None:
    """The text rule of a model field: single line for CharField, no NUL for TextField."""
    if isinstance(field, models.CharField):
        return single_line
    if isinstance(field, models.TextField):
        return no_nul
    return None


def attach_text_validators() -> int:
    """Add the text rule to every CharField and TextField of our apps; returns how many.

    The validator goes into the field's resolved `validators` list, not the `validators`
    argument it was declared with, so field.deconstruct() and the migrations are unchanged.
    """
    attached = 0
    for app_config in apps.get_app_configs():
        if not _is_ours(app_config):
            continue
        for model in app_config.get_models(include_auto_created=True):
            for field in model._meta.local_fields:
                validator = validator_for(field)
                if validator is None or validator in field.validators:
                    continue
                # `validators` is a cached property: resolve it, then extend the cached list.
                field.__dict__["validators"] = [*field.validators, validator]
                attached += 1
    return attached
