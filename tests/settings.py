"""Test settings: the real settings, with fast password hashing and in-memory mail."""

from qiproject.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the test process (a worker test starts its own worker and turns this off).
CELERY_TASK_ALWAYS_EAGER = True
# Tests never need collectstatic: the plain storage serves static/ as it is, whatever the
# environment says.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# A second, SQLite database for the evidence library's FTS5 index (tests/evidence/test_fts.py),
# so that path is tested even when the suite runs on PostgreSQL. It is created only for the
# tests that ask for it.
SEARCH_SQLITE = "search_sqlite"
DATABASES = {
    **DATABASES,  # noqa: F405
    SEARCH_SQLITE: {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "OPTIONS": {"transaction_mode": "IMMEDIATE"},
        "TEST": {"NAME": ":memory:"},
    },
}
