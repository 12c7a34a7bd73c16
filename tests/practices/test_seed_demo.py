from io import StringIO

from django.apps import apps
from django.core.management import call_command

from practices.models import Membership, Practice, Role, User


def row_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_the_demo_has_nine_practices_with_full_teams_and_two_facilitators(demo, db):
    assert Practice.objects.count() == 9
    for practice in Practice.objects.all():
        roles = list(practice.memberships.values_list("role", flat=True))
        assert 6 <= len(roles) <= 12
        assert set(roles) == set(Role.values)
        assert roles.count(Role.PATIENT_REP) == 2
    facilitators = {p.current_facilitator.email for p in Practice.objects.order_by("ods_code")}
    assert facilitators == {"facilitator@demo.test", "facilitator2@demo.test"}


def test_the_demo_logins_have_their_documented_roles(demo, db):
    practices = list(Practice.objects.order_by("ods_code"))
    gp1 = Membership.objects.get(user__email="gp1@demo.test")
    assert (gp1.practice, gp1.role, gp1.is_practice_lead) == (practices[0], Role.GP, True)
    assert Membership.objects.get(user__email="gp2@demo.test").practice == practices[1]
    assert Membership.objects.get(user__email="patientrep1@demo.test").role == Role.PATIENT_REP
    lead = User.objects.get(email="lead@demo.test")
    assert Practice.objects.visible_to(lead).count() == 9
    facilitator = User.objects.get(email="facilitator@demo.test")
    assert list(Practice.objects.visible_to(facilitator).order_by("ods_code")) == practices[:5]
    assert User.objects.get(email="gp1@demo.test").check_password("qi-demo-2026")


def test_running_the_demo_seed_twice_changes_nothing(demo, db):
    first = row_counts()
    call_command("seed_demo", stdout=StringIO())
    assert row_counts() == first
