"""The one optimistic lock: claim a version, refuse a stale one, show both versions."""

import pytest
from django import forms
from django.test import RequestFactory

from pdsa.models import Measure
from qiproject.locking import (
    OUT_OF_DATE_FORM,
    VERSION_MAX,
    StaleEditError,
    VersionedForm,
    claim_version,
    refuse_stale,
)
from tests import write_guard
from tests.pdsa.factories import MeasureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _the_lock_alone():
    # The lock is tested on its own here; the services that call it mark the practice.
    with write_guard.unmarked_writes("the lock alone, without the service that marks"):
        yield


def test_claiming_the_current_version_takes_the_next_one():
    measure = MeasureFactory()
    claim_version(measure, 1)
    assert measure.version == 2
    assert Measure.objects.get(pk=measure.pk).version == 2


def test_claiming_an_old_version_raises_with_the_newer_row():
    measure = MeasureFactory()
    Measure.objects.filter(pk=measure.pk).update(name="Saved by a colleague", version=2)
    with pytest.raises(StaleEditError) as stale:
        claim_version(measure, 1)
    assert stale.value.current.name == "Saved by a colleague"
    assert Measure.objects.get(pk=measure.pk).version == 2


def test_only_one_of_two_claims_of_the_same_version_wins():
    measure = MeasureFactory()
    other = Measure.objects.get(pk=measure.pk)
    claim_version(measure, 1)
    with pytest.raises(StaleEditError):
        claim_version(other, 1)


class NoteForm(VersionedForm):
    name = forms.CharField()


@pytest.mark.parametrize("version", ["", "abc", "1.5", "-1", str(VERSION_MAX + 1), "1e20"])
def test_a_missing_or_unbounded_version_is_a_clear_form_error(version):
    form = NoteForm({"name": "x", "version": version})
    assert not form.is_valid()
    assert form.non_field_errors() == [OUT_OF_DATE_FORM]
    assert "version" not in form.errors


def test_a_versioned_form_starts_from_the_instance_and_gives_the_cleaned_version():
    assert NoteForm(version=7)["version"].value() == 7
    form = NoteForm({"name": "x", "version": "7"})
    assert form.is_valid()
    assert form.version == 7


def test_refusing_shows_their_values_keeps_mine_and_carries_the_newer_version():
    measure = MeasureFactory(name="Theirs")
    Measure.objects.filter(pk=measure.pk).update(version=3)

    class MeasureNameForm(VersionedForm, forms.ModelForm):
        class Meta:
            model = Measure
            fields = ["name"]

    form = MeasureNameForm({"name": "Mine", "version": "1"}, instance=measure)
    assert form.is_valid()
    request = RequestFactory().post("/")
    error = StaleEditError(Measure.objects.get(pk=measure.pk))
    response = refuse_stale(request, form, error, "pdsa/change_idea_form.html", _context(measure))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Theirs" in page and 'value="Mine"' in page
    assert 'name="version" value="3"' in page


def _context(measure):
    plan = measure.plan
    return {"idea": measure, "plan": plan, "practice": plan.practice}
