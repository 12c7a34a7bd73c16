"""Hostile text in every field, every page and every export, for every persona.

The demo programme is loaded once; every user-editable text field of its first objects gets
markup, a formula prefix and an RTL override (a field that refuses a payload must say why with
a ValidationError); then every page (one per URL pattern) is visited by every persona: no
server error, no markup shown unescaped, no CSV cell that a spreadsheet would run.
"""

import csv
import io
import re
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction

from tests import hostile
from tests.qiproject.site import PERSONAS, _first, build_demo, client_for, examples

pytestmark = pytest.mark.django_db  # the test database is made only for marked modules

OUR_APPS = {"practices", "pdsa", "evidence", "workshops", "followup", "messaging", "audits"}
NOT_FREE_TEXT = {"password", "email", "token_hash", "ods_code"}  # not text a person writes
FORMULA = ("=", "+", "-", "@")
ESCAPED = "&lt;script&gt;alert(1)"
SEEN_ESCAPED = set()  # pages that showed a stored payload, escaped: proof the walk saw them
NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?")  # data the writer keeps as it is


def text_fields(model):
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.CharField | models.TextField)
            and field.editable
            and not field.choices
            and field.name not in NOT_FREE_TEXT
        ):
            yield field


def hostile_value(index: int, field) -> str:
    """Markup behind a formula prefix (a different prefix per field), cut to the field's length."""
    value = " ".join(
        (hostile.FORMULAS[index % 4], hostile.SCRIPT, hostile.META_REFRESH, hostile.RTL_OVERRIDE)
    )
    return value[: field.max_length] if field.max_length else value


def store_payloads():
    """Offer every payload to every text field; keep the hostile value. Returns what failed."""
    problems, stored = [], 0
    long_stored = False
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        instance = _first(model)
        if instance is None:
            continue
        fields = list(text_fields(model))
        others = [f.name for f in model._meta.fields]
        for index, field in enumerate(fields):
            exclude = [name for name in others if name != field.name]
            for payload in hostile.fitting(
                field.max_length, single_line=isinstance(field, models.CharField)
            ) + ["a\r\nb", "a\x00b"]:
                setattr(instance, field.attname, payload)
                try:
                    instance.clean_fields(exclude=exclude)
                except ValidationError as error:
                    messages = error.message_dict.get(field.name, [])
                    if not messages or not all(str(m).strip() for m in messages):
                        problems.append(f"{model.__name__}.{field.name}: refusal without message")
                except Exception as error:  # noqa: BLE001 - a crash is what we look for
                    problems.append(f"{model.__name__}.{field.name} {payload[:20]!r}: {error!r}")
            value = hostile_value(index, field)
            if isinstance(field, models.TextField) and not long_stored:
                value, long_stored = value + "\r\n" + hostile.LONG, True
            setattr(instance, field.attname, value)
            try:
                instance.clean_fields(exclude=exclude)
            except ValidationError:
                setattr(instance, field.attname, getattr(_first(model), field.attname))
                continue
            stored += 1
        instance.save()
    assert stored > 50, f"only {stored} fields took a hostile value"
    return problems


def csv_problems(name: str, text: str) -> list[str]:
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA) and not NEGATIVE_NUMBER.fullmatch(cell):
                found.append(f"{name}: formula cell {cell[:40]!r}")
    return found


def response_problems(example, response) -> list[str]:
    where = f"{example.name} {example.url}"
    if response.status_code >= 500:
        return [f"{where}: status {response.status_code}"]
    if response.status_code != 200 or response.streaming:
        return []
    content_type = response.get("Content-Type", "")
    body = response.content
    if "zip" in content_type:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [
                problem
                for member in archive.namelist()
                if member.endswith(".csv")
                for problem in csv_problems(
                    f"{where}/{member}", archive.read(member).decode("utf-8-sig")
                )
            ]
    text = body.decode("utf-8", errors="replace")
    if "csv" in content_type:
        return csv_problems(where, text.lstrip("\ufeff"))
    if "html" not in content_type:
        return []  # a calendar file or plain text holds the text as it is, and is not a page
    if ESCAPED in text:
        SEEN_ESCAPED.add(example.name)
    return [f"{where}: unescaped {raw!r}" for raw in hostile.RAW_MARKUP if raw in text]


@pytest.fixture(scope="module")
def visits(django_db_setup, django_db_blocker):
    """Problems found storing the payloads, and per persona on every page; nothing is kept."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        storing = store_payloads()
        pages = examples()
        found = {}
        for persona in PERSONAS:
            client = client_for(persona)
            found[persona] = [
                problem
                for example in pages
                for problem in response_problems(example, client.get(example.url))
            ]
        transaction.set_rollback(True)
    return storing, found


def test_the_hostile_text_reached_many_pages_escaped(visits):
    assert len(SEEN_ESCAPED) >= 20, sorted(SEEN_ESCAPED)


def test_every_text_field_stores_a_hostile_string_or_refuses_it_with_a_message(visits):
    storing, _pages = visits
    assert storing == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_or_export_errs_or_shows_hostile_text_raw_for(visits, persona):
    _storing, pages = visits
    assert pages[persona] == []
