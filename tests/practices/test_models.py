from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from practices.models import FacilitatorAssignment, Membership, Practice, Programme, Role
from tests.practices.factories import PracticeFactory, ProgrammeFactory, UserFactory


@pytest.mark.parametrize("code", ["J81001", "Z99009"])
def test_an_ods_code_of_one_letter_and_five_digits_is_accepted(db, code):
    practice = PracticeFactory.build(programme=ProgrammeFactory(), ods_code=code)
    practice.full_clean()


@pytest.mark.parametrize("code", ["J8100", "JJ1001", "123456", "J810012", "J81-01", "j81001", ""])
def test_an_ods_code_in_another_format_is_refused_with_a_message(db, code):
    practice = PracticeFactory.build(programme=ProgrammeFactory(), ods_code=code)
    with pytest.raises(ValidationError) as error:
        practice.full_clean()
    assert "ods_code" in error.value.message_dict


def test_the_database_refuses_a_malformed_ods_code_even_without_validation(db):
    with pytest.raises(IntegrityError):
        Practice.objects.create(
            programme=ProgrammeFactory(), name="X", ods_code="bad", list_size=100
        )


def test_the_follow_up_defaults_to_one_year_after_the_final_workshop(db):
    programme = Programme(
        name="P",
        clinical_topic="Back pain",
        start_date=date(2026, 1, 1),
        final_workshop_date=date(2026, 6, 30),
    )
    programme.full_clean()
    assert programme.follow_up_due_date == date(2027, 6, 30)


def test_a_final_workshop_on_29_february_is_followed_up_on_28_february(db):
    programme = Programme(
        name="P",
        clinical_topic="Back pain",
        start_date=date(2028, 1, 1),
        final_workshop_date=date(2028, 2, 29),
    )
    programme.full_clean()
    assert programme.follow_up_due_date == date(2029, 2, 28)


def test_a_set_follow_up_date_is_kept(db):
    programme = Programme(
        name="P",
        clinical_topic="Back pain",
        start_date=date(2026, 1, 1),
        final_workshop_date=date(2026, 6, 30),
        follow_up_due_date=date(2027, 3, 1),
    )
    programme.full_clean()
    assert programme.follow_up_due_date == date(2027, 3, 1)


def test_a_final_workshop_before_the_start_is_refused(db):
    programme = Programme(
        name="P",
        clinical_topic="Back pain",
        start_date=date(2026, 6, 1),
        final_workshop_date=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "final_workshop_date" in error.value.message_dict


def test_a_follow_up_before_the_final_workshop_is_refused(db):
    programme = Programme(
        name="P",
        clinical_topic="Back pain",
        start_date=date(2026, 1, 1),
        final_workshop_date=date(2026, 6, 1),
        follow_up_due_date=date(2026, 5, 1),
    )
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "follow_up_due_date" in error.value.message_dict


def test_a_patient_representative_cannot_be_the_practice_lead(db):
    membership = Membership(
        practice=PracticeFactory(),
        user=UserFactory(),
        role=Role.PATIENT_REP,
        is_practice_lead=True,
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "is_practice_lead" in error.value.message_dict


def test_a_practice_has_only_one_current_facilitator(db):
    practice = PracticeFactory()
    FacilitatorAssignment.objects.create(practice=practice, facilitator=UserFactory())
    with pytest.raises(IntegrityError):
        FacilitatorAssignment.objects.create(practice=practice, facilitator=UserFactory())


def test_email_is_the_login_and_is_matched_without_regard_to_case(db):
    user = UserFactory(email="someone@example.test")
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get_by_natural_key("SomeOne@Example.test") == user
