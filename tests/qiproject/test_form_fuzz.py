"""Every form of the site, posted bad input by someone allowed to post it: never a server error.

The demo programme is loaded once and every page is visited by every persona; each form found
(method post) gives the URL it posts to, its fields and who may post it. One form per URL
pattern is then posted each bad value in every field at once, once with its hidden fields
(version, one-time token) kept and once with them spoiled too. Each post runs in a savepoint
that is rolled back, so a delete or a create does not change what the next post sees.
"""

import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.core.signals import got_request_exception
from django.db import transaction
from django.urls import Resolver404, resolve

from tests import hostile
from tests.qiproject.site import build_demo, client_for, examples

pytestmark = pytest.mark.django_db  # the test database is made only for marked modules

BAD_VALUES = (
    "",
    hostile.LONG,
    "abc",
    "-1",
    "1e20",
    "inf",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "a\x00b",
    str(10**30),
    "no-such-choice",
)
KEPT = {"csrfmiddlewaretoken"}


@dataclass
class Form:
    persona: str
    action: str
    fields: dict = field(default_factory=dict)  # name -> value shown (hidden inputs keep theirs)
    hidden: set = field(default_factory=set)


class FormParser(HTMLParser):
    """The post forms of a page: action and field names, with hidden inputs' values."""

    def __init__(self, page_url):
        super().__init__()
        self.page_url, self.forms, self.current = page_url, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self.current = {"action": attrs.get("action") or self.page_url, "fields": {}}
                self.current["hidden"] = set()
                self.forms.append(self.current)
            else:
                self.current = None
        elif self.current is not None and tag in ("input", "select", "textarea", "button"):
            name = attrs.get("name")
            if name:
                self.current["fields"].setdefault(name, attrs.get("value") or "")
                if attrs.get("type") == "hidden":
                    self.current["hidden"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def view_name(path: str) -> str | None:
    try:
        return resolve(path.split("?", 1)[0]).view_name
    except Resolver404:
        return None


# Who is asked first: the people who edit most, so a form is posted by someone allowed to.
POSTING_ORDER = ("member", "facilitator", "lead", "patient_rep", "anonymous")


def find_forms(pages) -> dict[str, Form]:
    """One post form per URL pattern, with the first persona who is shown it."""
    forms = {}
    for persona in POSTING_ORDER:
        client = client_for(persona)
        for example in pages:
            response = client.get(example.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(example.url)
            parser.feed(response.content.decode("utf-8", errors="replace"))
            for found in parser.forms:
                name = view_name(found["action"])
                if name and name not in forms:
                    forms[name] = Form(persona, found["action"], found["fields"], found["hidden"])
    return forms


def bad_posts(form: Form):
    """(description, data) for each bad value; hidden fields kept for half of them, spoiled too
    for the other half (and for the empty and the non-numeric value both ways)."""
    for index, value in enumerate(BAD_VALUES):
        for spoil_hidden in (False, True) if index in (0, 2) else (bool(index % 2),):
            data = {}
            for name, shown in form.fields.items():
                keep = name in KEPT or (name in form.hidden and not spoil_hidden)
                data[name] = shown if keep else value
            data["next"] = "abc"
            yield f"{value[:12]!r}{' hidden too' if spoil_hidden else ''}", data


@pytest.fixture(scope="module")
def fuzzed(django_db_setup, django_db_blocker):
    """(server errors found, patterns posted to, post-only patterns that no page offers)."""
    errors = []

    def record(sender, request=None, **kwargs):
        errors.append(f"{request.path}: {traceback.format_exc(limit=-2)}")

    got_request_exception.connect(record)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            build_demo()
            pages = examples()
            forms = find_forms(pages)
            found = []
            for name, form in sorted(forms.items()):
                client = client_for(form.persona)
                for description, data in bad_posts(form):
                    with transaction.atomic():
                        response = client.post(form.action, data)
                        transaction.set_rollback(True)
                    if response.status_code >= 500:
                        found.append(f"{name} as {form.persona}, {description}")
            # Patterns no page offered a form for (a button the demo's state hides): post a
            # few bad values in every field name seen anywhere, as each signed-in persona.
            names = {name for form in forms.values() for name in form.fields} - KEPT
            for example in pages:
                if example.name in forms or example.is_export:
                    continue
                for persona in POSTING_ORDER[:-1]:
                    client = client_for(persona)
                    for value in ("", "abc", str(10**30)):
                        with transaction.atomic():
                            data = dict.fromkeys(names, value) | {"next": "abc"}
                            response = client.post(example.url, data)
                            transaction.set_rollback(True)
                        if response.status_code >= 500:
                            found.append(f"{example.name} as {persona}, {value[:12]!r}")
            transaction.set_rollback(True)
    finally:
        got_request_exception.disconnect(record)
    return found, errors, set(forms)


def test_no_form_answers_bad_input_with_a_server_error(fuzzed):
    found, errors, _posted = fuzzed
    assert found == [], "\n".join(errors)


def test_the_fuzz_reached_the_forms_of_every_app(fuzzed):
    _found, _errors, posted = fuzzed
    apps = {name.split(":")[0] for name in posted if ":" in name}
    assert {"pdsa", "evidence", "workshops", "audits"} <= apps, sorted(posted)
    assert len(posted) >= 40, sorted(posted)
    assert {"pdsa:cycle_edit", "pdsa:cycle_advance", "visit_create"} <= posted, sorted(posted)
