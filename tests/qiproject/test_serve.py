"""`make run`'s server (bin/serve) shows the demo with debug off and WhiteNoise's static files.

Starts bin/serve itself (web server, worker and scheduler) on a fresh SQLite database in a
temporary folder, with none of the debug or static settings in its environment.
"""

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.messaging.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
NOT_INHERITED = {
    "DJANGO_DEBUG",
    "STATIC_MANIFEST",
    "STATIC_ROOT",
    "DJANGO_ENV",
    "SECRET_KEY",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

pytestmark = pytest.mark.worker


def fetch(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    port = free_port()
    env |= {
        "DJANGO_SETTINGS_MODULE": "qiproject.settings",
        "QI_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=180,
    )
    log = (var / "serve.log").open("w")
    server = subprocess.Popen(
        ["bin/serve"], cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        # Another process is starting: there is nothing to wait on but its answer, so poll.
        while True:
            try:
                if fetch(f"{base}/healthz/")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None, (var / "serve.log").read_text()
            assert time.monotonic() < deadline, (var / "serve.log").read_text()
            time.sleep(0.5)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=20)
        # The worker may still be in its warm shutdown: leave nothing of the group behind.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        log.close()


def test_a_missing_page_shows_the_styled_404_not_the_debug_page(served):
    status, _headers, body = fetch(f"{served}/no-such-page/")
    assert status == 404
    assert "<h1>Page not found</h1>" in body
    assert "URLconf" not in body
    assert "DEBUG = True" not in body


def test_whitenoise_serves_the_hashed_stylesheets_for_ever(served):
    _status, _headers, body = fetch(f"{served}/accounts/login/")
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet, "the page links the collected, hashed stylesheet"
    status, headers, css = fetch(served + stylesheet.group(1))
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    assert "immutable" in headers["Cache-Control"]
    assert ".skip-link" in css
