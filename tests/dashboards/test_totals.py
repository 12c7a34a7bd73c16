"""The programme's kept totals as time passes with no write, when practices leave, and on the
page (after every kind of write they are checked in tests/dashboards/test_row_cache.py): they
equal the totals counted afresh and an independent scan of the programme's rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from dashboards import totals
from dashboards.models import PracticeTotals, ProgrammeTotals, TotalsChange
from dashboards.tasks import programme_totals_refresh
from messaging.schedules import SCHEDULES
from pdsa.models import Stage
from tests import write_guard
from tests.dashboards import test_row_cache
from tests.dashboards.conftest import check_kept_totals, scanned
from tests.pdsa.factories import PDSACycleFactory
from tests.practices.factories import AgreedActionFactory, PracticeFactory, ProgrammeFactory

# The row cache's world, clock and every kind of write.
NOW, WRITES = test_row_cache.NOW, test_row_cache.WRITES
world, frozen = test_row_cache.world, test_row_cache.frozen


def kept(programme):
    return totals.kept_counts(programme, now=timezone.now())


check = check_kept_totals


def test_a_write_recounts_only_the_practice_it_changed(world, monkeypatch):
    programme = world["programme"]
    kept(programme)
    recounted = []
    real = totals.count_parts
    monkeypatch.setattr(
        totals,
        "count_parts",
        lambda programme, ids, **kw: recounted.append(sorted(ids)) or real(programme, ids, **kw),
    )
    kept(programme)
    assert recounted == []  # nothing out of date: nothing recounted
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, start_date=date(2026, 11, 2))
    kept(programme)
    assert recounted == [[world["practice"].pk]]
    check(programme)


def test_a_deleted_practice_is_taken_out_of_the_totals(world):
    programme = world["programme"]
    check(programme)
    world["other"].delete()
    check(programme)
    assert not PracticeTotals.objects.filter(practice_id=world["other"].pk).exists()


def test_a_practice_moved_to_another_programme_counts_there_and_not_here(world):
    programme, elsewhere = world["programme"], ProgrammeFactory()
    PracticeFactory(programme=elsewhere)
    check(programme)
    check(elsewhere)
    moved = world["other"]
    moved.programme = elsewhere
    moved.save()
    check(elsewhere)
    check(programme)
    assert kept(elsewhere)["attention"]["practices"] == 2


def test_a_new_stale_threshold_recounts_the_stale_cycles(world):
    programme = world["programme"]
    check(programme)
    programme.stale_cycle_days = 400
    programme.save()
    check(programme)


# Changes recorded ---------------------------------------------------------------------------


def test_with_no_change_recorded_the_kept_totals_are_read_in_one_query(
    world, monkeypatch, django_assert_num_queries
):
    programme = world["programme"]
    kept(programme)
    assert not TotalsChange.objects.filter(programme_id=programme.pk).exists()
    monkeypatch.setattr(totals, "_out_of_date", lambda *a: pytest.fail("checked every practice"))
    fresh = totals.fresh_counts(programme, now=timezone.now())
    with django_assert_num_queries(1):
        assert kept(programme) == fresh


def test_a_write_records_a_change_which_the_refresh_takes_in(world):
    programme = world["programme"]
    kept(programme)
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, start_date=date(2026, 11, 2))
    assert TotalsChange.objects.filter(programme_id=programme.pk).exists()
    check(programme)
    assert not TotalsChange.objects.filter(programme_id=programme.pk).exists()


def test_a_change_recorded_while_a_refresh_counts_is_left_for_the_next(world, monkeypatch):
    # A write that commits after the refresh read the changes may be missed by its counts:
    # its change must stay, so the next request counts it.
    programme = world["programme"]
    real = totals._out_of_date

    def a_write_lands_meanwhile(programme, now, among=None):
        with write_guard.unmarked_writes("the practice's write itself is beside the point"):
            TotalsChange.objects.create(programme_id=programme.pk, practice_id=None)
        return real(programme, now, among)

    monkeypatch.setattr(totals, "_out_of_date", a_write_lands_meanwhile)
    kept(programme)
    assert TotalsChange.objects.filter(programme_id=programme.pk).count() == 1


def test_a_refresh_compares_only_the_practices_written_to(world, monkeypatch):
    programme = world["programme"]
    kept(programme)
    compared = []
    real = totals._out_of_date

    def spy(programme, now, among=None):
        compared.append(among)
        return real(programme, now, among)

    monkeypatch.setattr(totals, "_out_of_date", spy)
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, start_date=date(2026, 11, 2))
    check(programme)
    assert compared[0] == {world["practice"].pk}
    # A new stale threshold changes every practice's part: every practice is compared.
    compared.clear()
    programme.stale_cycle_days = 400
    programme.save()
    check(programme)
    assert compared[0] is None


def test_a_change_to_another_programme_leaves_these_totals_as_they_are(world, monkeypatch):
    programme, elsewhere = world["programme"], ProgrammeFactory()
    kept(programme)
    PDSACycleFactory(plan__practice=PracticeFactory(programme=elsewhere))
    monkeypatch.setattr(totals, "_out_of_date", lambda *a: pytest.fail("checked every practice"))
    kept(programme)


def test_a_programme_deleted_leaves_no_change_behind(db):
    # Its practices go first (a programme's practices protect it); their changes go with it.
    programme = ProgrammeFactory()
    PracticeFactory(programme=programme).delete()
    assert TotalsChange.objects.filter(programme_id=programme.pk).exists()
    programme.delete()
    assert not TotalsChange.objects.filter(programme_id=programme.pk).exists()


def test_the_hourly_refresh_takes_in_every_kept_programmes_changes(world):
    programme = world["programme"]
    kept(programme)
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, start_date=date(2026, 11, 2))
    never_viewed = ProgrammeFactory()
    PracticeFactory(programme=never_viewed)
    assert programme_totals_refresh() == 1
    assert not TotalsChange.objects.exists()
    assert not ProgrammeTotals.objects.filter(programme=never_viewed).exists()
    check(programme)
    spec = SCHEDULES["Dashboards: bring programme totals up to date"]
    assert spec.task == "dashboards.tasks.programme_totals_refresh"
    assert spec.crontab == {"minute": 20}


# Time passing ------------------------------------------------------------------------------


def test_a_cycle_going_stale_shows_in_the_totals_with_no_write(world, frozen):
    programme = world["programme"]
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, title="Quiet cycle")
    check(programme)
    before = kept(programme)["attention"].get("stale_cycles", 0)
    frozen.move_to(datetime(2026, 12, 10, 23, 59, tzinfo=UTC))
    check(programme)
    frozen.move_to(datetime(2026, 12, 11, 0, 1, tzinfo=UTC))
    check(programme)
    assert kept(programme)["attention"]["stale_cycles"] > before


def test_an_action_falling_overdue_shows_in_the_totals_at_midnight(world, frozen):
    programme = world["programme"]
    AgreedActionFactory(visit=world["visit"], owner=world["member"], due_on=date(2026, 11, 26))
    check(programme)
    before = kept(programme)["attention"]["overdue_actions"]
    frozen.move_to(datetime(2026, 11, 26, 23, 59, tzinfo=UTC))
    assert kept(programme)["attention"]["overdue_actions"] == before
    frozen.move_to(datetime(2026, 11, 27, 0, 1, tzinfo=UTC))
    check(programme)
    assert kept(programme)["attention"]["overdue_actions"] == before + 1


def test_a_clock_set_back_does_not_keep_counts_taken_for_a_later_time(world, frozen):
    programme = world["programme"]
    frozen.move_to(NOW + timedelta(days=40))
    later = kept(programme)
    frozen.move_to(NOW)
    check(programme)
    assert kept(programme) != later


def test_the_page_shows_the_kept_totals_and_why_practices_need_attention(login, world):
    from django.urls import reverse

    programme = world["programme"]
    response = login(world["lead"]).get(reverse("dashboards:programme", args=[programme.pk]))
    attention = response.context["summary"].totals.attention
    expected = scanned(programme)["attention"]
    assert (attention.practices, attention.needing) == (2, expected["needing"])
    assert attention.overdue_actions == expected["overdue_actions"]
    page = response.content.decode()
    assert f"{expected['needing']} of 2 practices need" in page
    assert ", ".join(attention.reasons) + " in all" in page
