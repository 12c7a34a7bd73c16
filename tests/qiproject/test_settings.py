import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    ignored = {
        "SECRET_KEY",
        "DJANGO_ENV",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "DJANGO_DEBUG",
        "STATIC_MANIFEST",
    }
    environment = {k: v for k, v in os.environ.items() if k not in ignored}
    environment.update(env)
    environment["DJANGO_SETTINGS_MODULE"] = "qiproject.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="qi.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deployment_checks_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="qi.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_seed_demo_refuses_to_run_in_production_mode():
    result = run_manage(
        "seed_demo",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="qi.example.org",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


def shown_settings(**env) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, 'localhost' in s.ALLOWED_HOSTS, '127.0.0.1' in s.ALLOWED_HOSTS)"
    )
    result = run_manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_debug_is_off_unless_asked_for_and_the_local_hosts_are_allowed():
    assert shown_settings() == ["False", "True", "True"]
    assert shown_settings(DJANGO_DEBUG="1") == ["True", "True", "True"]
