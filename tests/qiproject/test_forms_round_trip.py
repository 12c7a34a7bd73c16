"""Every edit form, submitted exactly as it was rendered, changes nothing (dates especially)."""

import pytest

from tests.qiproject.edit_pages import (
    EDIT_PAGES,
    NOT_EDIT_PAGES,
    compared,
    is_edit_like,
    rendered_form,
    snapshot,
    url_names,
)


def test_every_edit_page_of_the_url_conf_is_in_the_registry_or_excluded_with_a_reason():
    registered = {page.name for page in EDIT_PAGES}
    edit_like = {name for name in url_names() if is_edit_like(name)}
    assert edit_like - registered - set(NOT_EDIT_PAGES) == set()
    assert registered - edit_like == set(), "these are not URL names of edit pages"
    assert all(reason.strip() for reason in NOT_EDIT_PAGES.values())


@pytest.mark.parametrize("page", EDIT_PAGES, ids=lambda page: page.name)
def test_submitting_a_form_as_rendered_changes_nothing(page, request, client, db):
    obj = page.make(request.getfixturevalue)
    editor = request.getfixturevalue(page.persona)
    before = compared(page, snapshot(obj))
    client.force_login(editor)
    response = client.get(page.url(obj))
    assert response.status_code == 200
    data = rendered_form(response.content.decode(), page.post_url(obj))
    response = client.post(page.post_url(obj), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert compared(page, snapshot(obj)) == before
