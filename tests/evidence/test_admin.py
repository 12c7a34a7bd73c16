from django.urls import reverse

from evidence.models import Kind
from tests.evidence.factories import EvidenceItemFactory
from tests.practices.factories import UserFactory

CHANGELIST = reverse("admin:evidence_evidenceitem_changelist")


def _listed(client, q):
    response = client.get(CHANGELIST, {"q": q})
    assert response.status_code == 200
    return {item.title for item in response.context["cl"].result_list}


def test_the_admin_searches_the_library_as_its_pages_do_and_by_key(db, login):
    EvidenceItemFactory(
        title="Myth: an X-ray shows the cause", kind=Kind.MYTH, myth="a", myth_evidence="b"
    )
    EvidenceItemFactory(title="No routine imaging", key="ng59-1-1-4")
    EvidenceItemFactory(title="Opioids")
    client = login(UserFactory(is_staff=True, is_superuser=True))

    assert _listed(client, "myths") == {"Myth: an X-ray shows the cause"}
    assert _listed(client, "MRI") == {"Myth: an X-ray shows the cause", "No routine imaging"}
    assert _listed(client, "ng59-1-1-4") == {"No routine imaging"}
    assert _listed(client, '"NEAR*') == set()
    assert len(_listed(client, "")) == 3
