import re
from pathlib import Path

import pytest
from django.conf import settings

from practices.access import (
    can_comment_on_practice,
    can_curate_evidence,
    can_edit_practice,
    can_manage_team,
    can_run_programme,
    practice_scoped,
)
from practices.models import Membership, Practice
from practices.services import facilitator_assign
from tests.practices.factories import PracticeFactory, UserFactory


def visible(user):
    return set(Practice.objects.visible_to(user).values_list("name", flat=True))


def editable(user):
    return set(Practice.objects.editable_by(user).values_list("name", flat=True))


def test_a_member_sees_and_edits_only_their_own_practice(member_a, practice_b):
    assert visible(member_a) == {"Practice A"}
    assert editable(member_a) == {"Practice A"}


def test_a_patient_representative_sees_and_comments_but_does_not_edit(patient_rep, practice_a):
    assert visible(patient_rep) == {"Practice A"}
    assert editable(patient_rep) == set()
    assert can_comment_on_practice(patient_rep, practice_a)
    assert not can_edit_practice(patient_rep, practice_a)


def test_a_facilitator_sees_and_edits_only_assigned_practices(facilitator, practice_b):
    assert visible(facilitator) == {"Practice A"}
    assert editable(facilitator) == {"Practice A"}


def test_a_facilitator_loses_access_when_the_practice_moves_on(facilitator, practice_a):
    facilitator_assign(practice=practice_a, facilitator=UserFactory())
    assert visible(facilitator) == set()


def test_a_programme_lead_sees_every_practice_of_their_programme_but_not_others(
    lead, practice_a, practice_b
):
    PracticeFactory(name="Elsewhere")
    assert visible(lead) == {"Practice A", "Practice B"}
    assert editable(lead) == set()
    assert can_run_programme(lead, practice_a.programme)


def test_programme_leads_and_staff_curate_evidence_and_members_do_not(
    lead, staff, member_a, facilitator
):
    assert can_curate_evidence(lead)
    assert can_curate_evidence(staff)
    assert not can_curate_evidence(member_a)
    assert not can_curate_evidence(facilitator)


def test_practice_leads_and_programme_leads_manage_the_team(
    member_a, lead, patient_rep, practice_a, member_b
):
    assert can_manage_team(member_a, practice_a)
    assert can_manage_team(lead, practice_a)
    assert not can_manage_team(patient_rep, practice_a)
    assert not can_manage_team(member_b, practice_a)


def test_an_anonymous_user_sees_nothing(practice_a):
    from django.contrib.auth.models import AnonymousUser

    assert visible(AnonymousUser()) == set()
    assert not can_curate_evidence(AnonymousUser())


def test_practice_scoped_filters_rows_that_belong_to_a_practice(member_a, member_b, practice_a):
    memberships = Membership.objects.all()
    assert {m.practice_id for m in practice_scoped(memberships, member_b)} == {
        member_b.memberships.get().practice_id
    }
    assert practice_scoped(memberships, member_a, mode="editable").count() == 1


# One anonymous/inactive check, used by every app's access rules -----------------------------


def deactivate(user):
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user


def test_only_an_active_account_is_signed_in(db):
    from django.contrib.auth.models import AnonymousUser

    from qiproject.users import is_signed_in

    assert is_signed_in(UserFactory())
    assert not is_signed_in(deactivate(UserFactory()))
    assert not is_signed_in(AnonymousUser())
    assert not is_signed_in(None)


def everything_each_app_shows(user) -> dict[str, int]:
    """How many rows each app's access rule lets the user see, do or run."""
    from evidence.models import EvidenceItem
    from followup.models import Recipient, Survey
    from messaging.models import Message
    from pdsa.models import LibraryMeasure, PDSACycle, SharedIdea
    from practices.models import AgreedAction, Programme, Visit
    from workshops.models import WorkshopSession

    return {
        "programmes": Programme.objects.visible_to(user).count(),
        "practices": Practice.objects.visible_to(user).count(),
        "visits": Visit.objects.visible_to(user).count(),
        "actions": AgreedAction.objects.visible_to(user).count(),
        "cycles": PDSACycle.objects.visible_to(user).count(),
        "shared ideas": SharedIdea.objects.visible_to(user).count(),
        "library": LibraryMeasure.objects.visible_to(user).count(),
        "library edits": LibraryMeasure.objects.editable_by(user).count(),
        "evidence": EvidenceItem.objects.visible_to(user).count(),
        "evidence curation": EvidenceItem.objects.curated_by(user).count(),
        "sessions": WorkshopSession.objects.visible_to(user).count(),
        "sessions managed": WorkshopSession.objects.managed_by(user).count(),
        "registers": WorkshopSession.objects.register_takers(user).count(),
        "surveys run": Survey.objects.run_by(user).count(),
        "recipients": Recipient.objects.visible_to(user).count(),
        "messages": Message.objects.visible_to(user).count(),
    }


@pytest.fixture
def a_bit_of_everything(programme, practice_a, lead, facilitator, member_a):
    from tests.evidence.factories import EvidenceItemFactory
    from tests.followup.factories import RecipientFactory, SurveyFactory
    from tests.messaging.factories import MessageFactory
    from tests.pdsa.factories import LibraryMeasureFactory, PDSACycleFactory
    from tests.practices.factories import VisitFactory
    from tests.workshops.factories import WorkshopSessionFactory

    VisitFactory(practice=practice_a, facilitator=facilitator)
    PDSACycleFactory(plan__practice=practice_a)
    LibraryMeasureFactory()
    EvidenceItemFactory()
    WorkshopSessionFactory(programme=programme, facilitators=[facilitator])
    RecipientFactory(survey=SurveyFactory(programme=programme), practice=practice_a, user=member_a)
    for person in (lead, facilitator, member_a):
        MessageFactory(recipient=person)


@pytest.mark.parametrize("persona", ["lead", "facilitator", "member_a", "staff"])
def test_a_deactivated_account_sees_nothing_in_any_app(request, a_bit_of_everything, persona):
    user = request.getfixturevalue(persona)
    assert any(everything_each_app_shows(user).values())

    deactivate(user)

    assert everything_each_app_shows(user) == dict.fromkeys(everything_each_app_shows(user), 0)


def test_an_anonymous_visitor_sees_nothing_in_any_app(a_bit_of_everything):
    from django.contrib.auth.models import AnonymousUser

    shown = everything_each_app_shows(AnonymousUser())

    assert shown == dict.fromkeys(shown, 0)


# Facilitator pages and the home page: role checks live here, not in views -------------------


def request_for(user, rf):
    request = rf.get("/")
    request.user = user
    return request


def test_facilitators_leads_and_staff_have_the_facilitator_pages(
    rf, facilitator, lead, staff, member_a, patient_rep
):
    from django.http import Http404

    from practices.access import access_facilitator_pages

    assert access_facilitator_pages(request_for(facilitator, rf)) is False
    assert access_facilitator_pages(request_for(lead, rf)) is True
    assert access_facilitator_pages(request_for(staff, rf)) is True
    for outsider in (member_a, patient_rep):
        with pytest.raises(Http404):
            access_facilitator_pages(request_for(outsider, rf))


def test_a_superuser_oversees_facilitators_as_staff_do(rf, db):
    from practices.access import access_facilitator_pages

    superuser = UserFactory(is_superuser=True, is_staff=False)

    assert access_facilitator_pages(request_for(superuser, rf)) is True


def test_a_superuser_who_is_not_staff_opens_the_facilitator_dashboard(login, db):
    from django.urls import reverse

    superuser = UserFactory(is_superuser=True, is_staff=False)

    assert login(superuser).get(reverse("dashboards:facilitator")).status_code == 200


def test_the_home_page_takes_each_role_to_its_own_page(
    rf, programme, lead, facilitator, member_a, practice_b
):
    from django.urls import reverse

    from practices.access import home_for

    assert home_for(request_for(lead, rf)) == reverse("dashboards:programme", args=[programme.pk])
    assert home_for(request_for(facilitator, rf)) == reverse("dashboards:facilitator")
    assert home_for(request_for(member_a, rf)) == reverse(
        "practice_detail", args=[member_a.memberships.get().practice_id]
    )
    assert home_for(request_for(UserFactory(), rf)) == reverse("practice_list")


def test_a_session_facilitator_who_left_keeps_no_access_to_the_session(db, programme):
    from tests.workshops.factories import WorkshopSessionFactory
    from workshops.models import WorkshopSession

    helper = UserFactory()
    WorkshopSessionFactory(programme=programme, facilitators=[helper])
    assert WorkshopSession.objects.register_takers(helper).count() == 1

    deactivate(helper)

    assert not WorkshopSession.objects.visible_to(helper).exists()
    assert not WorkshopSession.objects.register_takers(helper).exists()


# No view writes a role check of its own ----------------------------------------------------

ROLE_CHECKS = re.compile(
    r"\.is_staff|\.is_superuser|\.is_authenticated|\.is_active\b|\.is_lead|\.is_facilitator"
    r"|\.is_member|\.is_curator|\brole\s*[!=]=|\bRoles\b|\bRole\.|request_roles"
)


def view_modules() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted([*base.glob("*/views.py"), *base.glob("*/views/*.py"), base / "pdsa/exchange.py"])


def test_the_views_are_found():
    names = {str(path.relative_to(settings.BASE_DIR)) for path in view_modules()}

    assert {"practices/views.py", "dashboards/views.py", "pdsa/views.py"} <= names


def test_no_view_writes_a_role_check_of_its_own():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for path in view_modules()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if ROLE_CHECKS.search(line) and not line.lstrip().startswith("#")
    ]

    assert not found
