"""Every link that leaves the site is built from SITE_URL, which locally follows PORT."""

import pytest

from qiproject.links import absolute_url, site_url
from tests.qiproject.test_settings import run_manage

PRINT_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def test_an_absolute_url_is_the_site_url_and_the_path(settings):
    settings.SITE_URL = "https://qi.example.org/"

    assert site_url() == "https://qi.example.org"
    assert absolute_url("/messages/") == "https://qi.example.org/messages/"


def test_a_path_without_its_leading_slash_is_refused():
    with pytest.raises(ValueError):
        absolute_url("messages/")


def test_the_site_url_follows_the_port_the_server_runs_on():
    result = run_manage("shell", "-c", PRINT_SITE_URL, PORT="8123", SITE_URL="")

    assert result.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"


def test_a_configured_site_url_wins_over_the_port():
    result = run_manage(
        "shell", "-c", PRINT_SITE_URL, PORT="8123", SITE_URL="https://qi.example.org/"
    )

    assert result.stdout.strip().splitlines()[-1] == "https://qi.example.org"


def test_make_run_passes_its_port_to_the_worker_that_builds_the_emails():
    from pathlib import Path

    serve = (Path(__file__).resolve().parents[2] / "bin" / "serve").read_text()

    assert 'export PORT="${PORT:-8000}"' in serve
