import subprocess
import sys

from django.urls import reverse

from tests.qiproject.test_settings import ROOT


def test_a_signed_in_page_is_never_stored(login, member_a, practice_a):
    response = login(member_a).get(reverse("practice_detail", args=[practice_a.pk]))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_signed_in_list_is_never_stored(login, member_a):
    response = login(member_a).get(reverse("practice_list"))
    assert "no-store" in response["Cache-Control"]


def _proxy_header(**env):
    code = (
        "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'qiproject.settings';"
        "from django.conf import settings;"
        "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    environment = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 60, **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return result.stdout.strip()


def test_x_forwarded_proto_is_not_trusted_unless_a_proxy_is_said_to_set_it():
    assert _proxy_header(DJANGO_ENV="production", ALLOWED_HOSTS="qi.example.org") == "None"
    trusted = _proxy_header(
        DJANGO_ENV="production",
        ALLOWED_HOSTS="qi.example.org",
        TRUSTED_PROXY_SETS_X_FORWARDED_PROTO="true",
    )
    assert trusted == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_client_claiming_https_is_not_believed(client, db):
    response = client.get(reverse("healthz"), HTTP_X_FORWARDED_PROTO="https")
    assert response.wsgi_request.is_secure() is False
