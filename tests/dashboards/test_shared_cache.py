"""A shared cache (CACHE_URL, Redis): a row one process builds, another reads.

Runs against the Redis that CACHE_URL names, or else the one CELERY_BROKER_URL names (CI
sets it); only with neither is there no Redis to test. A Redis that is named but cannot be
reached fails the test: it is never skipped for want of one.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from dashboards import row_cache, selectors
from practices.models import Practice
from qiproject.settings import cache_from_url
from tests.dashboards import test_row_cache

world, frozen = test_row_cache.world, test_row_cache.frozen
BASE_DIR = Path(__file__).resolve().parents[2]


def _redis_url() -> str | None:
    for url in (os.environ.get("CACHE_URL", ""), settings.CELERY_BROKER_URL):
        if url.startswith(("redis://", "rediss://")):
            return url
    return None


REDIS_URL = _redis_url()
needs_redis = pytest.mark.skipif(
    REDIS_URL is None, reason="no Redis named: neither CACHE_URL nor CELERY_BROKER_URL is redis://"
)


@pytest.fixture
def shared():
    """Two clients of one Redis (each its own connection pool, as two processes have), under a
    prefix of this test's own; its keys are deleted afterwards (never the whole database,
    which may be the broker's)."""
    prefix = f"qiproject-test-{uuid.uuid4().hex}"
    first, second = (RedisCache(REDIS_URL, {"KEY_PREFIX": prefix}) for _ in range(2))
    first.get("reachable?")  # a Redis that is named but down fails here
    yield prefix, first, second
    client = first._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def _listed(world):
    practices = Practice.objects.filter(pk__in=[world["practice"].pk, world["other"].pk])
    return list(selectors.listed(practices.order_by("name", "pk")))


@needs_redis
def test_a_second_client_reads_the_rows_the_first_built(world, shared, monkeypatch):
    prefix, first, second = shared
    now = timezone.now()
    monkeypatch.setattr(row_cache, "cache", first)
    built = row_cache.cached_rows(_listed(world), now=now)
    rebuilt = []
    real = selectors.build_practice_rows
    monkeypatch.setattr(
        selectors, "build_practice_rows", lambda ids, **kw: rebuilt.extend(ids) or real(ids, **kw)
    )
    monkeypatch.setattr(row_cache, "cache", second)
    assert row_cache.cached_rows(_listed(world), now=now) == built
    assert rebuilt == []


@needs_redis
def test_another_process_reads_the_rows_this_one_built(world, shared, monkeypatch):
    prefix, first, _ = shared
    monkeypatch.setattr(row_cache, "cache", first)
    listed = _listed(world)
    built = row_cache.cached_rows(listed, now=timezone.now())
    keys = [row_cache.Listed(*values).key for values in listed]
    # A process of its own, with the app's settings, reading under this test's prefix.
    script = (
        "import json, sys, django; django.setup()\n"
        "from django.core.cache.backends.redis import RedisCache\n"
        "cache = RedisCache(sys.argv[1], {'KEY_PREFIX': sys.argv[2]})\n"
        "parts = [cache.get(key) for key in json.loads(sys.argv[3])]\n"
        "print(json.dumps([[p.pk, p.name] if p else None for p in parts]))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "qiproject.settings", "CACHE_URL": REDIS_URL}
    done = subprocess.run(
        [sys.executable, "-c", script, REDIS_URL, prefix, json.dumps(keys)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(done.stdout) == [[row.pk, row.name] for row in built]


def test_cache_url_chooses_the_cache():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    shared = cache_from_url("redis://127.0.0.1:6379/1")
    assert shared["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert shared["LOCATION"] == "redis://127.0.0.1:6379/1"
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("memcached://127.0.0.1")
