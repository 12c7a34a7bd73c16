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
