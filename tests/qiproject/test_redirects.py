import pytest
from django.test import RequestFactory

from qiproject.redirects import safe_next_url


@pytest.mark.parametrize(
    "next_url",
    ["abc", "", "//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:x"],
)
def test_a_next_that_is_not_a_path_on_this_site_gives_the_fallback(next_url):
    request = RequestFactory().post("/", {"next": next_url})
    assert safe_next_url(request, "/home/") == "/home/"


def test_a_path_on_this_site_is_followed_from_the_form_or_the_query():
    assert safe_next_url(RequestFactory().post("/", {"next": "/a/?b=1"}), "/") == "/a/?b=1"
    assert safe_next_url(RequestFactory().get("/", {"next": "/c/"}), "/") == "/c/"
