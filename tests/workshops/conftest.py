import pytest

from practices.models import Role
from tests.practices.factories import MembershipFactory, PracticeFactory, UserFactory
from tests.workshops.factories import WorkshopSessionFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def session(programme, facilitator):
    """A past session of the test programme, facilitated by `facilitator`."""
    return WorkshopSessionFactory(
        programme=programme, title="Red flags and stratification", facilitators=[facilitator]
    )


@pytest.fixture
def stranger(db):
    """A practice member in another programme: the outsider for the test programme's sessions."""
    user = UserFactory(email="stranger@example.test", full_name="Stan Stranger")
    MembershipFactory(practice=PracticeFactory(ods_code="C00003"), user=user, role=Role.GP)
    return user
