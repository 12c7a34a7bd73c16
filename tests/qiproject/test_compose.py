from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_docker_compose_runs_the_whole_stack_with_commands_that_exist():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat", "mailpit"} <= set(services)
    assert "qiproject.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "qiproject"]
    assert "django_celery_beat.schedulers:DatabaseScheduler" in services["beat"]["command"]
    assert (ROOT / "qiproject" / "wsgi.py").exists() and (ROOT / "Dockerfile").exists()
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["CELERY_BROKER_URL"].startswith("redis://")
        # The web processes share one cache, in a Redis database apart from the broker's.
        assert environment["CACHE_URL"].startswith("redis://")
        assert environment["CACHE_URL"] != environment["CELERY_BROKER_URL"]
