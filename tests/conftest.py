"""Personas shared by every test: who is looking decides what they may see.

- `lead`: programme lead of `programme`;
- `facilitator`: facilitates `practice_a` only;
- `member_a`: GP and practice lead of `practice_a`;
- `member_b`: GP of `practice_b` (the outsider for practice A's work);
- `patient_rep`: patient representative of `practice_a`;
- `staff`: admin staff; anonymous is the plain `client`.

Every test that uses the database runs under tests/write_guard.py: a write to what a dashboard
row shows must replace the affected practice's token.
"""

import pytest
from django.db import connection, transaction

from practices.models import Role
from tests.messaging.smtp import SMTPServer
from tests.practices.factories import (
    FacilitatorAssignmentFactory,
    MembershipFactory,
    PracticeFactory,
    ProgrammeFactory,
    UserFactory,
)
from tests.write_guard import guarding


@pytest.fixture(autouse=True)
def write_guard(request):
    """Fail the test if a write to a tracked table leaves its practice's dashboard token alone."""
    if "_django_db_helper" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        yield None
        return
    request.getfixturevalue("_django_db_helper")  # the harness's own transaction comes first
    with guarding(connection, baseline=len(connection.atomic_blocks)) as guard:
        yield guard


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seed_demo programme, loaded once for a module and rolled back after it."""
    from tests.qiproject.site import build_demo

    with django_db_blocker.unblock(), transaction.atomic():
        build_demo()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Back pain test programme")


@pytest.fixture
def practice_a(programme):
    return PracticeFactory(programme=programme, name="Practice A", ods_code="A00001")


@pytest.fixture
def practice_b(programme):
    return PracticeFactory(programme=programme, name="Practice B", ods_code="B00002")


@pytest.fixture
def lead(programme):
    user = UserFactory(email="lead@example.test", full_name="Lena Lead")
    programme.leads.add(user)
    return user


@pytest.fixture
def facilitator(practice_a):
    user = UserFactory(email="facilitator@example.test", full_name="Fran Facilitator")
    FacilitatorAssignmentFactory(practice=practice_a, facilitator=user)
    return user


@pytest.fixture
def member_a(practice_a):
    user = UserFactory(email="gp.a@example.test", full_name="Dr Amy A")
    MembershipFactory(practice=practice_a, user=user, role=Role.GP, is_practice_lead=True)
    return user


@pytest.fixture
def member_b(practice_b):
    user = UserFactory(email="gp.b@example.test", full_name="Dr Ben B")
    MembershipFactory(practice=practice_b, user=user, role=Role.GP)
    return user


@pytest.fixture
def patient_rep(practice_a):
    user = UserFactory(email="rep.a@example.test", full_name="Pat Rep")
    MembershipFactory(practice=practice_a, user=user, role=Role.PATIENT_REP)
    return user


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.test", full_name="Sam Staff", is_staff=True)


@pytest.fixture
def login(client):
    """Sign a persona in: `login(member_a)` returns the client."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free localhost port, with Django's SMTP backend pointed at it."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def smtp_down(settings):
    """Django's SMTP backend pointed at a localhost port where no server listens."""
    from tests.messaging.smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    settings.MESSAGING_MAX_RETRIES = 1
