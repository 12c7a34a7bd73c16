"""A real Celery worker, killed mid-batch, loses no message and repeats at most one per kill.

Runs with PostgreSQL and Redis (as CI does); skipped only on the local SQLite run, where a
second process cannot share the test database and the broker is a folder.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from messaging import services
from messaging.models import Category, Message, Status
from qiproject.celery import app as celery_app
from tests.messaging.smtp import SMTPServer
from tests.practices.factories import UserFactory

BATCH = 500
KILLS = 2
BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (CELERY_BROKER_URL)",
    ),
]


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] or ""
    if db["PASSWORD"]:
        credentials += f":{db['PASSWORD']}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def _start_worker(smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "qiproject.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "LOG_LEVEL": "WARNING",
    }
    # One process handling one task at a time, so a kill interrupts at most one send.
    command = [sys.executable, "-m", "celery", "-A", "qiproject", "worker", "--pool=solo"]
    command += ["--loglevel=WARNING", "--without-gossip", "--without-mingle"]
    return subprocess.Popen(
        command,
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)


def _wait_until(predicate, *, timeout: float) -> bool:
    # Polling another process: there is no event to wait on, so check every 50 ms.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def _clear_broker() -> None:
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.delete("celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture
def real_broker():
    """Tasks go to the real broker, not run in this process."""
    _clear_broker()
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = True
    _clear_broker()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_twice_mid_batch_delivers_every_message_repeating_at_most_one_per_kill(
    real_broker, settings
):
    started = time.monotonic()
    people = [UserFactory(email=f"person{n}@example.test") for n in range(5)]
    with SMTPServer() as smtp:
        for number in range(BATCH):
            services.message_claim(
                recipient=people[number % 5],
                kind="batch",
                subject_key=f"item:{number}",
                period="2027-03-01",
                category=Category.ESSENTIAL,
                subject=f"Item {number}",
                body="A message in a large batch.",
            )
        worker = _start_worker(smtp.port)
        try:
            for kill in range(1, KILLS + 1):
                assert _wait_until(
                    lambda k=kill: smtp.handler.count() >= k * BATCH // 3, timeout=20
                )
                _kill(worker)
                # What beat's sweeper does: with the worker dead, nobody is sending, so
                # every unsent message (including the one it was sending) is queued again.
                settings.MESSAGING_STALE_AFTER = 0
                settings.MESSAGING_SENDING_STALE_AFTER = 0
                services.messages_requeue_stale()
                worker = _start_worker(smtp.port)
            assert _wait_until(
                lambda: not Message.objects.exclude(status=Status.SENT).exists(), timeout=30
            )
        finally:
            _kill(worker)
        received = smtp.received

    ids = [message["Message-ID"] for message in received]
    expected = dict(Message.objects.values_list("message_id", "subject_key"))
    assert len(expected) == BATCH
    assert set(ids) == set(expected)
    assert len(set(ids)) == BATCH
    assert len(ids) - BATCH <= KILLS
    assert time.monotonic() - started < 90
