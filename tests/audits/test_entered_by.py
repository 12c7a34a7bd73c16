"""Who entered each case: set by every write of cases (the grid, an import), kept by a save
that leaves the case as it was, taken by whoever changes it."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits import services
from tests.audits.factories import make_round, make_template
from tests.practices.factories import MembershipFactory, UserFactory


@pytest.fixture
def audit_round(practice_a):
    return make_round(practice_a, make_template(), sample_size=4)


def authors(audit_round) -> dict[int, object]:
    return {case.number: case.entered_by for case in audit_round.cases.all()}


def test_cases_saved_in_the_grid_are_entered_by_the_person(login, member_a, audit_round):
    grid = reverse("audits:round_cases", args=[audit_round.pk])
    data = {"c1_advice": "met", "c1_imaging": "na", "c2_advice": "not_met", "save": "1"}
    assert login(member_a).post(grid, data).status_code == 302
    assert authors(audit_round) == {1: member_a, 2: member_a}


def test_a_case_saved_unchanged_keeps_its_author_and_a_changed_one_takes_the_new(
    login, member_a, practice_a, audit_round
):
    colleague = UserFactory()
    MembershipFactory(practice=practice_a, user=colleague)
    grid = reverse("audits:round_cases", args=[audit_round.pk])
    first = {"c1_advice": "met", "c1_imaging": "na", "c2_advice": "met", "save": "1"}
    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        login(member_a).post(grid, first)
    # The colleague's screen sends every row: case 1 as it was, case 2 changed.
    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        login(colleague).post(grid, {**first, "c2_advice": "not_met"})
    cases = {case.number: case for case in audit_round.cases.all()}
    assert (cases[1].entered_by, cases[1].updated_at.month) == (member_a, 4)
    assert (cases[2].entered_by, cases[2].updated_at.month) == (colleague, 5)


def test_imported_cases_are_entered_by_the_person_who_imported_them(login, member_a, audit_round):
    upload = SimpleUploadedFile("cases.csv", b"case,advice,imaging\n1,met,met\n3,no,na\n")
    response = login(member_a).post(
        reverse("audits:round_import", args=[audit_round.pk]), {"file": upload}
    )
    assert response.status_code == 302
    assert authors(audit_round) == {1: member_a, 3: member_a}


def test_cases_saved_by_no_one_in_particular_have_no_author(audit_round):
    services.cases_save(
        audit_round=audit_round, rows=[services.CaseInput(number=1, answers={"advice": "met"})]
    )
    assert authors(audit_round) == {1: None}
