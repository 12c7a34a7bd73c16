"""The dashboard cache's safety net catches a write however it is spelt."""

import uuid

import pytest
from django.db import connection, transaction

from practices import services as practice_services
from practices.freshness import practices_changed, totals_changed
from practices.models import AgreedAction, Practice, Programme
from tests import write_guard
from tests.practices.factories import AgreedActionFactory, ProgrammeFactory


@pytest.fixture
def action(practice_a, facilitator):
    return AgreedActionFactory(practice=practice_a, visit__facilitator=facilitator)


def guarded():
    return write_guard.guarding(connection, baseline=len(connection.atomic_blocks))


def test_a_queryset_updated_without_a_mark_fails_the_test(action):
    with pytest.raises(write_guard.UnmarkedWrite, match="agreedaction"), guarded():
        qs = AgreedAction.objects.filter(pk=action.pk)
        qs.update(description="Changed behind the cache's back")


def test_a_bulk_delete_without_a_mark_fails_the_test(action):
    with pytest.raises(write_guard.UnmarkedWrite), guarded():
        AgreedAction.objects.filter(pk=action.pk)._raw_delete(connection.alias)


def test_raw_sql_without_a_mark_fails_the_test(action):
    with pytest.raises(write_guard.UnmarkedWrite), guarded(), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AgreedAction._meta.db_table} SET description = %s WHERE id = %s",
            ["Raw", action.pk],
        )


def test_a_practice_renamed_by_update_without_a_new_token_fails_the_test(practice_a):
    with pytest.raises(write_guard.UnmarkedWrite, match="practice"), guarded():
        Practice.objects.filter(pk=practice_a.pk).update(name="Renamed quietly")


def test_a_new_practice_token_without_a_totals_change_fails_the_test(practice_a):
    with pytest.raises(write_guard.UnmarkedWrite, match="TotalsChange"), guarded():
        Practice.objects.filter(pk=practice_a.pk).update(dashboard_token=uuid.uuid4())


def test_a_new_stale_threshold_without_a_totals_change_fails_the_test(programme):
    with pytest.raises(write_guard.UnmarkedWrite, match="TotalsChange"), guarded():
        Programme.objects.filter(pk=programme.pk).update(
            stale_cycle_days=90, dashboard_token=uuid.uuid4()
        )


def test_a_practice_moved_must_record_a_change_for_both_programmes(practice_a):
    elsewhere = ProgrammeFactory()
    unmet = rf"\({elsewhere.pk}, {practice_a.pk}\) recorded"
    with pytest.raises(write_guard.UnmarkedWrite, match=unmet), guarded(), transaction.atomic():
        Practice.objects.filter(pk=practice_a.pk).update(
            programme=elsewhere, dashboard_token=uuid.uuid4()
        )
        totals_changed([(practice_a.programme_id, practice_a.pk)])


def test_a_change_recorded_for_another_practice_does_not_count(practice_a, practice_b):
    unmet = pytest.raises(write_guard.UnmarkedWrite, match="TotalsChange")
    with unmet, guarded(), transaction.atomic():
        Practice.objects.filter(pk=practice_a.pk).update(dashboard_token=uuid.uuid4())
        totals_changed([(practice_a.programme_id, practice_b.pk)])


def test_a_change_recorded_for_the_whole_programme_counts_for_each_practice(practice_a):
    with guarded() as guard, transaction.atomic():
        Practice.objects.filter(pk=practice_a.pk).update(dashboard_token=uuid.uuid4())
        totals_changed([(practice_a.programme_id, None)])
    assert guard.failures() == []


def test_a_practice_moved_by_its_own_save_passes(practice_a):
    practice_a.programme = ProgrammeFactory()
    with guarded() as guard:
        practice_a.save()
    assert guard.failures() == []


def test_a_service_write_passes(action, member_a):
    with guarded() as guard:
        practice_services.action_mark_done(action=action, user=member_a)
    assert guard.failures() == []


def test_an_update_marked_in_the_same_transaction_passes(action):
    with guarded() as guard, transaction.atomic():
        AgreedAction.objects.filter(pk=action.pk).update(description="Marked")
        practices_changed([action.practice_id])
    assert guard.failures() == []


def test_a_delete_marked_before_the_row_goes_passes(action):
    with guarded() as guard:
        action.delete()
    assert guard.failures() == []


def test_a_mark_for_another_practice_does_not_count(action, practice_b):
    with pytest.raises(write_guard.UnmarkedWrite), guarded(), transaction.atomic():
        AgreedAction.objects.filter(pk=action.pk).update(description="Wrong mark")
        practices_changed([practice_b.pk])


def test_a_write_rolled_back_with_its_savepoint_needs_no_mark(action):
    with guarded() as guard:
        try:
            with transaction.atomic():
                AgreedAction.objects.filter(pk=action.pk).update(description="Undone")
                raise RuntimeError
        except RuntimeError:
            pass
    assert guard.failures() == []


def test_a_mark_queued_after_commit_counts_once_it_runs(action, django_capture_on_commit_callbacks):
    with (
        guarded() as guard,
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        AgreedAction.objects.filter(pk=action.pk).update(description="Queued")
        transaction.on_commit(lambda: practices_changed([action.practice_id]))
    assert guard.failures() == []


def test_an_unmarked_write_the_test_means_passes(action):
    with guarded() as guard, write_guard.unmarked_writes("the test writes behind the cache"):
        AgreedAction.objects.filter(pk=action.pk).update(description="On purpose")
    assert guard.failures() == []


def test_an_unmarked_write_must_say_why():
    with pytest.raises(ValueError), write_guard.unmarked_writes(""):
        pass


def test_signing_in_is_not_a_change_a_row_shows(facilitator, client):
    with guarded() as guard:
        client.force_login(facilitator)
    assert guard.failures() == []
