"""The health check: is the database reachable, is the broker reachable."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from qiproject.celery import app as celery_app


def database_ok() -> bool:
    """True when a trivial query succeeds."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def broker_ok() -> bool:
    """True when a connection to the Celery broker can be opened."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception:
        return False
    return True


@never_cache
@require_GET
def healthz(request):
    database, broker = database_ok(), broker_ok()
    body = {"database": "ok" if database else "error", "broker": "ok" if broker else "error"}
    return JsonResponse(body, status=200 if database and broker else 503)
