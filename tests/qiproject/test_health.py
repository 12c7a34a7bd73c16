import json

from django.urls import reverse

from qiproject import health


def test_health_is_ok_when_database_and_broker_answer(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "broker": "ok"}


def test_health_is_503_when_the_broker_is_down(client, db, monkeypatch):
    from qiproject.celery import app

    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(app.conf, "broker_transport_options", {})
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content) == {"database": "ok", "broker": "error"}


def test_health_is_503_when_the_database_is_down(client, db, monkeypatch):
    class Unreachable:
        def cursor(self):
            raise RuntimeError("database unreachable")

    monkeypatch.setattr(health, "connection", Unreachable())
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "error"
