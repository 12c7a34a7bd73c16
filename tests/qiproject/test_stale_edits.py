"""Every edit page refuses a stale save: two people open the form, both save, the first wins."""

import pytest
from django.test import Client

from tests.qiproject.edit_pages import EDIT_PAGES, rendered_form, snapshot

LOCKED = [page for page in EDIT_PAGES if page.changes]


def test_every_edit_page_has_a_lock_or_says_why_not():
    for page in EDIT_PAGES:
        assert bool(page.changes) != bool(page.no_lock_because.strip()), page.name


@pytest.mark.parametrize("page", LOCKED, ids=lambda page: page.name)
def test_the_second_of_two_saves_is_refused_and_the_first_survives(page, request, db):
    obj = page.make(request.getfixturevalue)
    editor = request.getfixturevalue(page.persona)
    first, second = Client(), Client()
    forms = []
    for client in (first, second):
        client.force_login(editor)
        html = client.get(page.url(obj)).content.decode()
        forms.append(rendered_form(html, page.post_url(obj)))
    first_change, second_change = page.changes
    saved = first.post(page.post_url(obj), {**forms[0], **first_change})
    assert saved.status_code == 302
    refused = second.post(page.post_url(obj), {**forms[1], **second_change})
    assert refused.status_code == 409
    content = refused.content.decode()
    assert "saved this after you opened it" in content
    (name, mine), (_, theirs) = next(iter(second_change.items())), next(iter(first_change.items()))
    assert mine in content and theirs in content  # the user's input kept, theirs shown
    assert str(snapshot(obj)[page.saved_as.get(name, name)]) == theirs
