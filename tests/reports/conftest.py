"""The demo programme, loaded once for the report tests of a module and rolled back after."""

import pytest
from django.db import transaction

from tests.qiproject.site import build_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seed_demo programme (its practices, people, plans, audits and workshops)."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        yield
        transaction.set_rollback(True)
