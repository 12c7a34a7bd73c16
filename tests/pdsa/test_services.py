from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from pdsa import services
from pdsa.models import DataPoint, Measure, PDSACycle, Stage
from tests.pdsa.factories import (
    DataPointFactory,
    DriverFactory,
    LibraryMeasureFactory,
    MeasureFactory,
)
from tests.practices.factories import UserFactory


def _fill_and_advance(cycle, user, *, to):
    """Fill each stage properly and advance until the cycle reaches `to`."""
    order = [Stage.PLAN, Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]
    while cycle.stage != to:
        if cycle.stage == Stage.DO:
            services.cycle_update(
                cycle=cycle, user=user, version=cycle.version, fields={"what_happened": "Done."}
            )
        elif cycle.stage == Stage.STUDY:
            services.cycle_update(
                cycle=cycle,
                user=user,
                version=cycle.version,
                fields={"learning": "It worked."},
                results={q.pk: "As predicted." for q in cycle.questions.all()},
            )
        elif cycle.stage == Stage.ACT:
            services.cycle_update(
                cycle=cycle,
                user=user,
                version=cycle.version,
                fields={"decision": "adapt", "next_changes": "Try it with the nurses."},
            )
        services.cycle_advance(cycle=cycle, user=user, version=cycle.version)
        assert order.index(cycle.stage) <= order.index(to)
    return cycle


# Plans and driver diagrams ------------------------------------------------------------------


def test_a_plan_team_must_be_members_of_the_practice(practice_a, member_b):
    with pytest.raises(ValidationError, match="members of the practice"):
        services.plan_create(practice=practice_a, title="Plan", aim_what="Aim", team=[member_b])


def test_a_stale_plan_edit_is_refused_and_the_newer_text_kept(plan):
    services.plan_update(plan=plan, version=1, title="First save")
    with pytest.raises(services.StaleEditError) as stale:
        services.plan_update(plan=plan, version=1, title="Second save from an old form")
    plan.refresh_from_db()
    assert plan.title == "First save"
    assert stale.value.current.title == "First save"
    assert plan.version == 2


def test_a_secondary_driver_sits_under_a_primary_driver_of_the_same_plan(plan, driver):
    secondary = services.driver_add(plan=plan, text="Template", parent=driver)
    assert secondary.level == "secondary"
    other = DriverFactory()
    with pytest.raises(ValidationError, match="same improvement plan"):
        services.driver_add(plan=plan, text="Wrong", parent=other)


def test_a_change_idea_must_use_a_driver_of_the_same_plan(plan):
    with pytest.raises(ValidationError, match="same improvement plan"):
        services.change_idea_add(plan=plan, driver=DriverFactory(), title="Idea")


# Measures and data --------------------------------------------------------------------------


def test_adopting_a_library_measure_copies_it_into_the_plan(plan):
    library = LibraryMeasureFactory(name="Advice given", suggested_target=80)
    measure = services.measure_adopt(plan=plan, library_measure=library)
    assert measure.library_measure == library
    assert measure.target == 80
    assert measure.definition == library.definition
    with pytest.raises(ValidationError, match="already has a measure"):
        services.measure_adopt(plan=plan, library_measure=library)


def test_a_period_cannot_hold_two_values(measure):
    services.data_point_record(measure=measure, period=date(2026, 3, 1), numerator=1, denominator=2)
    with pytest.raises(ValidationError, match="already has a value"):
        services.data_point_record(
            measure=measure, period=date(2026, 3, 17), numerator=2, denominator=2
        )


def test_a_monthly_period_is_stored_as_the_first_of_the_month(measure):
    point = services.data_point_record(
        measure=measure, period=date(2026, 3, 17), numerator=1, denominator=2
    )
    assert point.period == date(2026, 3, 1)


def test_a_weekly_period_is_stored_as_its_monday(plan):
    measure = MeasureFactory(plan=plan, frequency="weekly", data_type="count", numerator="")
    point = services.data_point_record(measure=measure, period=date(2026, 3, 19), value=4)
    assert point.period == date(2026, 3, 16)


def test_a_numerator_cannot_exceed_its_denominator(measure):
    with pytest.raises(ValidationError, match="more than the denominator"):
        services.data_point_record(
            measure=measure, period=date(2026, 3, 1), numerator=5, denominator=4
        )


def test_a_count_must_be_a_whole_number(plan):
    measure = MeasureFactory(plan=plan, data_type="count")
    with pytest.raises(ValidationError, match="whole number"):
        services.data_point_record(measure=measure, period=date(2026, 3, 1), value=2.5)


CSV_GOOD = "period,numerator,denominator\n2026-01,5,20\n2026-02,7,21\n2026-03-15,9,22\n"


def test_a_csv_import_adds_every_row(measure):
    result = services.data_import_csv(measure=measure, text=CSV_GOOD)
    assert result.created == 3
    periods = list(measure.data_points.values_list("period", flat=True))
    assert periods == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def test_a_csv_file_with_one_bad_row_changes_nothing_and_names_every_bad_row(measure):
    text = (
        "period,numerator,denominator\n2026-01,5,20\n2026-02,30,21\nnot a date,1,2\n2026-01,1,2\n"
    )
    with pytest.raises(services.CsvImportError) as error:
        services.data_import_csv(measure=measure, text=text)
    rows = [row for row, _ in error.value.errors]
    assert rows == [3, 4, 5]
    assert "more than the denominator" in error.value.errors[0][1]
    assert "is also on row 2" in error.value.errors[2][1]
    assert not DataPoint.objects.exists()


def test_a_csv_import_refuses_periods_already_entered_unless_asked_to_replace(measure):
    DataPointFactory(measure=measure, period=date(2026, 2, 1), numerator=1, denominator=20)
    with pytest.raises(services.CsvImportError) as error:
        services.data_import_csv(measure=measure, text=CSV_GOOD)
    assert error.value.errors == [
        (3, "Feb 2026 already has a value (tick “replace” to overwrite).")
    ]
    assert measure.data_points.count() == 1
    result = services.data_import_csv(measure=measure, text=CSV_GOOD, replace_existing=True)
    assert (result.created, result.replaced) == (2, 1)
    assert measure.data_points.get(period=date(2026, 2, 1)).numerator == 7


def test_a_csv_without_the_right_columns_is_refused(measure):
    with pytest.raises(services.CsvImportError, match="1 error"):
        services.data_import_csv(measure=measure, text="month,value\n2026-01,3\n")


def test_the_csv_export_can_be_imported_again(measure, plan):
    services.data_import_csv(measure=measure, text=CSV_GOOD)
    exported = services.data_export_csv(measure=measure)
    assert exported.splitlines()[1] == "2026-01-01,5,20,"
    copy = MeasureFactory(plan=plan, name="Copy")
    assert services.data_import_csv(measure=copy, text=exported).created == 3


def test_a_value_measure_imports_and_exports_values(plan):
    measure = MeasureFactory(plan=plan, data_type="continuous", numerator="", denominator="")
    services.data_import_csv(measure=measure, text="period,value\n2026-01,3.5\n2026-02,4\n")
    assert services.data_export_csv(measure=measure).splitlines()[1:] == [
        "2026-01-01,3.5,",
        "2026-02-01,4.0,",
    ]


def test_the_data_type_cannot_change_once_there_is_data(measure):
    DataPointFactory(measure=measure)
    with pytest.raises(ValidationError, match="cannot change"):
        services.measure_update(measure=measure, version=measure.version, data_type="count")


def test_a_rebase_needs_a_period_with_data_and_a_reason(measure):
    DataPointFactory(measure=measure, period=date(2026, 1, 1))
    with pytest.raises(ValidationError, match="has data"):
        services.measure_rebase(
            measure=measure, version=measure.version, period=date(2026, 5, 1), reason="Change"
        )
    with pytest.raises(ValidationError, match="what changed"):
        services.measure_rebase(
            measure=measure, version=measure.version, period=date(2026, 1, 1), reason=""
        )
    measure.refresh_from_db()
    services.measure_rebase(
        measure=measure, version=measure.version, period=date(2026, 1, 9), reason="Adopted"
    )
    assert Measure.objects.get(pk=measure.pk).rebased_from == date(2026, 1, 1)


# PDSA cycles --------------------------------------------------------------------------------


def test_a_cycle_cannot_leave_plan_without_an_objective_and_a_prediction(cycle, member_a):
    with pytest.raises(ValidationError, match="at least one question"):
        services.cycle_advance(cycle=cycle, user=member_a, version=cycle.version)
    assert PDSACycle.objects.get(pk=cycle.pk).stage == Stage.PLAN


def test_study_needs_do_filled_in(cycle, question, member_a):
    services.cycle_advance(cycle=cycle, user=member_a, version=cycle.version)
    assert cycle.stage == Stage.DO
    with pytest.raises(ValidationError, match="what actually happened"):
        services.cycle_advance(cycle=cycle, user=member_a, version=cycle.version)


def test_act_needs_study_filled_in(cycle, question, member_a):
    _fill_and_advance(cycle, member_a, to=Stage.STUDY)
    with pytest.raises(ValidationError, match="result for every prediction"):
        services.cycle_advance(cycle=cycle, user=member_a, version=cycle.version)


def test_a_cycle_moves_through_every_stage_in_order(cycle, question, member_a):
    seen = [cycle.stage]
    for stage in [Stage.DO, Stage.STUDY, Stage.ACT, Stage.COMPLETE]:
        _fill_and_advance(cycle, member_a, to=stage)
        seen.append(cycle.stage)
    assert seen == ["plan", "do", "study", "act", "complete"]
    assert cycle.end_date is not None


def test_a_later_stage_cannot_be_filled_in_early(cycle, member_a):
    with pytest.raises(ValidationError, match="before its stage"):
        services.cycle_update(
            cycle=cycle, user=member_a, version=cycle.version, fields={"learning": "Early"}
        )


def test_a_cycle_can_be_abandoned_at_any_stage_with_a_reason(cycle, question, member_a):
    _fill_and_advance(cycle, member_a, to=Stage.STUDY)
    with pytest.raises(ValidationError, match="Say why"):
        services.cycle_abandon(cycle=cycle, user=member_a, reason=" ")
    services.cycle_abandon(cycle=cycle, user=member_a, reason="The practice closed for a refit.")
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.abandoned_at_stage) == (Stage.ABANDONED, Stage.STUDY)


def test_a_finished_cycle_cannot_be_changed(cycle, member_a):
    services.cycle_abandon(cycle=cycle, user=member_a, reason="Stopped.")
    with pytest.raises(ValidationError, match="no longer be changed"):
        services.cycle_update(
            cycle=cycle, user=member_a, version=cycle.version, fields={"title": "New"}
        )


@time_machine.travel(date(2026, 4, 2))
def test_starting_the_next_cycle_from_act_numbers_links_and_prefills_it(cycle, question, member_a):
    _fill_and_advance(cycle, member_a, to=Stage.ACT)
    services.cycle_update(
        cycle=cycle,
        user=member_a,
        version=cycle.version,
        fields={"decision": "adapt", "next_changes": "Try it with the nurses."},
    )
    new = services.cycle_start_next(cycle=cycle, user=member_a)
    cycle.refresh_from_db()
    assert cycle.stage == Stage.COMPLETE
    assert new.previous == cycle
    assert new.number == 2
    assert new.stage == Stage.PLAN
    assert new.change_idea == cycle.change_idea
    assert new.title == "Leaflet (cycle 2)"
    assert "Try it with the nurses." in new.objective
    assert new.start_date == date(2026, 4, 2)
    with pytest.raises(ValidationError, match="already been started"):
        services.cycle_start_next(cycle=cycle, user=member_a)


def test_the_next_cycle_needs_a_decision(cycle, question, member_a):
    _fill_and_advance(cycle, member_a, to=Stage.STUDY)
    with pytest.raises(ValidationError, match="from the Act stage"):
        services.cycle_start_next(cycle=cycle, user=member_a)


def test_the_second_save_of_a_stale_cycle_form_is_refused_and_the_first_kept(cycle, member_a):
    colleague = UserFactory()
    opened_at = cycle.version
    first = PDSACycle.objects.get(pk=cycle.pk)
    second = PDSACycle.objects.get(pk=cycle.pk)
    services.cycle_update(
        cycle=first, user=member_a, version=opened_at, fields={"objective": "Mine, saved first"}
    )
    with pytest.raises(services.StaleEditError) as stale:
        services.cycle_update(
            cycle=second, user=colleague, version=opened_at, fields={"objective": "Theirs, stale"}
        )
    assert stale.value.current.objective == "Mine, saved first"
    assert PDSACycle.objects.get(pk=cycle.pk).objective == "Mine, saved first"


def test_the_edit_history_records_who_changed_what(cycle, member_a):
    from pdsa.selectors import cycle_history

    services.cycle_update(
        cycle=cycle, user=member_a, version=cycle.version, fields={"objective": "A new aim"}
    )
    services.cycle_question_add(cycle=cycle, user=member_a, question="Q?", prediction="P")
    history = cycle_history(cycle)
    assert history[0]["changes"] == ["added question: Q?"]
    assert history[1]["who"] == member_a
    assert history[1]["changes"] == ["objective of this cycle: A new aim"]


def test_questions_are_set_at_the_plan_stage_only(cycle, question, member_a):
    services.cycle_advance(cycle=cycle, user=member_a, version=cycle.version)
    with pytest.raises(ValidationError, match="Plan stage"):
        services.cycle_question_add(cycle=cycle, user=member_a, question="Q", prediction="P")


def test_a_cycle_can_only_use_measures_of_its_plan(plan, member_a):
    with pytest.raises(ValidationError, match="same plan"):
        services.cycle_create(plan=plan, user=member_a, title="T", measures=[MeasureFactory()])


# The summary kept on a measure for the dashboards ------------------------------------------

SHIFT_UP = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 15, 16, 17, 18]


def _month(i):
    return date(2025 + i // 12, i % 12 + 1, 1)


def test_recording_data_keeps_the_measures_icons_and_latest_value(measure):
    for i, numerator in enumerate(SHIFT_UP):
        services.data_point_record(
            measure=measure, period=_month(i), numerator=numerator, denominator=20
        )
    measure.refresh_from_db()
    assert measure.latest_variation == "improvement_high"
    assert measure.point_count == 16
    assert measure.latest_period == _month(15)
    assert measure.latest_value == pytest.approx(0.9)
    assert measure.shows_improvement and not measure.improvement_sustained


def test_correcting_deleting_importing_and_retargeting_refresh_the_summary(measure):
    for i, numerator in enumerate(SHIFT_UP):
        DataPointFactory(measure=measure, period=_month(i), numerator=numerator, denominator=20)
    last = measure.data_points.get(period=_month(15))
    services.data_point_update(point=last, version=last.version, numerator=1, denominator=20)
    measure.refresh_from_db()
    assert measure.latest_value == pytest.approx(0.05)
    services.data_point_delete(point=last)
    measure.refresh_from_db()
    assert measure.point_count == 15 and measure.latest_period == _month(14)
    assert measure.latest_assurance == ""  # no target yet
    services.measure_update(measure=measure, version=measure.version, target=10.0)
    measure.refresh_from_db()
    assert measure.latest_assurance == "inconsistent"
    services.data_import_csv(measure=measure, text="period,numerator,denominator\n2026-04,2,20\n")
    measure.refresh_from_db()
    assert measure.point_count == 16 and measure.latest_value == pytest.approx(0.1)


def test_a_measure_without_enough_data_has_no_icons(measure):
    services.data_point_record(measure=measure, period=_month(0), numerator=5, denominator=20)
    measure.refresh_from_db()
    assert (measure.latest_variation, measure.latest_assurance, measure.point_count) == ("", "", 1)
    assert measure.variation is None
    assert measure.variation_label == "Not enough data for SPC"


def test_the_csv_export_does_not_let_a_note_run_as_a_formula(measure):
    DataPointFactory(measure=measure, note='=HYPERLINK("http://evil.test","x")')
    note = services.data_export_csv(measure=measure).splitlines()[1].split(",", 3)[3]
    assert note.startswith("\"'=HYPERLINK")


# Batches of data keyed by period (the API's upsert) ------------------------------------------


def test_a_batch_upsert_creates_updates_and_leaves_equal_periods_alone(measure, member_a):
    services.data_point_record(measure=measure, period=date(2026, 1, 1), numerator=1, denominator=2)
    services.data_point_record(measure=measure, period=date(2026, 2, 1), numerator=1, denominator=2)

    result = services.data_points_upsert(
        measure=measure,
        items=[
            {"period": date(2026, 1, 1), "numerator": 1, "denominator": 2},
            {"period": date(2026, 2, 1), "numerator": 2, "denominator": 2},
            {"period": date(2026, 3, 1), "numerator": 3, "denominator": 4},
        ],
        replace=True,
        user=member_a,
        reason="API token Nightly",
    )

    assert (result.created, result.updated, result.unchanged) == (
        [date(2026, 3, 1)],
        [date(2026, 2, 1)],
        [date(2026, 1, 1)],
    )
    assert Measure.objects.get(pk=measure.pk).point_count == 3
    changed = DataPoint.history.filter(history_change_reason="API token Nightly")
    assert sorted(changed.values_list("history_type", "period")) == [
        ("+", date(2026, 3, 1)),
        ("~", date(2026, 2, 1)),
    ]
    assert {record.history_user for record in changed} == {member_a}


def test_a_batch_with_errors_from_its_caller_saves_nothing_and_reports_them_with_its_own(measure):
    with pytest.raises(services.BatchError) as refused:
        services.data_points_upsert(
            measure=measure,
            items=[None, {"period": date(2026, 3, 1), "numerator": 5, "denominator": 4}],
            errors=[(0, {"period": ["Not a month."]})],
        )

    assert refused.value.errors == [
        (0, {"period": ["Not a month."]}),
        (1, {"numerator": ["The numerator cannot be more than the denominator."]}),
    ]
    assert not measure.data_points.exists()


def test_the_web_data_entry_is_in_the_history_too(measure):
    point = services.data_point_record(
        measure=measure, period=date(2026, 1, 1), numerator=1, denominator=2
    )
    services.data_point_delete(point=point)
    history = DataPoint.history.filter(measure_id=measure.pk).order_by("history_date")
    assert list(history.values_list("history_type", flat=True)) == ["+", "-"]
