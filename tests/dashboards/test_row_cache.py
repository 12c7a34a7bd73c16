"""The facilitator dashboard's row cache: a cached row is always the row that would be built now.

Every kind of write to what a row shows, made the way the product makes it (services, and
saves and deletes as the admin makes them), must replace a token, after which the cached rows
equal rows built afresh. Rows must also change as time passes with no write (midnight, a cycle
going stale, a workshop starting). And no write may bypass the receivers unseen: every model
is either tracked or says why not, and tests/write_guard.py fails any test in which a write
to a tracked table leaves its practice's token unchanged.
"""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from dashboards import freshness, row_cache, selectors, totals, views
from followup import services as followup_services
from followup.factors import FACTOR_KEYS
from followup.models import Survey
from messaging.models import Message
from pdsa import services as pdsa_services
from pdsa.models import Stage
from practices import services as practice_services
from practices.models import Practice, Programme, Role
from tests.dashboards.conftest import add_work, check_kept_totals
from tests.followup.conftest import token_in
from tests.followup.factories import SurveyFactory
from tests.pdsa.factories import DriverFactory, PDSACycleFactory
from tests.practices.factories import AgreedActionFactory, MembershipFactory, UserFactory
from tests.workshops.factories import (
    InvitationFactory,
    LearningTopicFactory,
    WorkshopSessionFactory,
)
from workshops import services as workshop_services
from workshops.models import Attendance, Round

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
APPS = ("practices", "pdsa", "evidence", "workshops", "followup", "messaging", "dashboards")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(programme, practice_a, practice_b, facilitator, member_a, lead):
    """Two practices with plans, cycles, measures, visits, actions, attendance and a survey."""
    add_work(practice_a, facilitator=facilitator, survey=SurveyFactory(programme=programme))
    add_work(practice_b, facilitator=facilitator, plans=1)
    plan = practice_a.improvement_plans.order_by("pk").first()
    plan.team.add(member_a)
    return {
        "programme": programme,
        "practice": practice_a,
        "other": practice_b,
        "facilitator": facilitator,
        "member": member_a,
        "lead": lead,
        "plan": plan,
        "cycle": plan.cycles.filter(stage=Stage.DO).first(),
        "measure": plan.measures.first(),
        "visit": practice_a.visits.order_by("visited_on").first(),
        "action": practice_a.visit_actions.order_by("due_on").first(),
    }


def _listed(world):
    return list(
        selectors.listed(
            Practice.objects.filter(pk__in=[world["practice"].pk, world["other"].pk]).order_by(
                "name", "pk"
            )
        )
    )


def _shown(rows):
    # When a row was built is bookkeeping: a row read back later may equal one built now.
    return [replace(row, built_at=None) for row in rows]


def cached(world):
    return _shown(row_cache.cached_rows(_listed(world), now=timezone.now()))


def fresh(world):
    built = row_cache.build_rows([pk for pk, *_ in _listed(world)], now=timezone.now())
    return _shown([built[pk] for pk, *_ in _listed(world)])


def tokens(world):
    return [values[:-1] for values in _listed(world)]  # without the facilitator's name


# Every kind of write -----------------------------------------------------------------------


def _rename_plan(w):
    plan = w["plan"]
    pdsa_services.plan_update(plan=plan, version=plan.version, title="Renamed plan")


def _score_plan(w):
    pdsa_services.plan_set_progress_score(plan=w["plan"], score=Decimal("3.0"))


def _team_from_the_users_side(w):
    w["member"].improvement_plans.remove(w["plan"])


def _clear_team(w):
    w["plan"].team.clear()


def _add_driver(w):
    pdsa_services.driver_add(plan=w["plan"], text="A new primary driver")


def _delete_drivers(w):
    for driver in w["plan"].drivers.filter(parent__isnull=True):
        pdsa_services.driver_delete(driver=driver)


def _start_cycle(w):
    pdsa_services.cycle_create(plan=w["plan"], user=w["member"], title="A new test")


def _advance_cycle(w):
    cycle = w["cycle"]  # at Do: what happened is all it needs to move on
    cycle.what_happened = "We tried it for a week."
    cycle.save()
    cycle.refresh_from_db()
    pdsa_services.cycle_advance(cycle=cycle, user=w["member"], version=cycle.version)


def _abandon_cycle(w):
    pdsa_services.cycle_abandon(cycle=w["cycle"], user=w["member"], reason="Not feasible")


def _delete_cycle(w):
    w["cycle"].delete()


def _record_data(w):
    pdsa_services.data_point_record(
        measure=w["measure"], period=date(2026, 9, 1), numerator=1, denominator=20
    )


def _delete_measure(w):
    w["measure"].delete()


def _move_plan(w):
    plan = w["plan"]
    plan.practice = w["other"]
    plan.save()


def _delete_plan(w):
    w["plan"].delete()


def _record_visit(w):
    practice_services.visit_record(
        practice=w["practice"],
        facilitator=w["facilitator"],
        visited_on=date(2026, 11, 25),
        mode="phone",
        topics="Data",
        duration_minutes=30,
        actions=[
            practice_services.ActionInput(
                description="Run the audit", owner=w["member"], due_on=date(2026, 11, 20)
            )
        ],
    )


def _delete_visit(w):
    w["visit"].delete()


def _mark_action_done(w):
    practice_services.action_mark_done(action=w["action"], user=w["member"])


def _mark_action_not_done(w):
    practice_services.action_mark_done(action=w["action"], user=w["member"])
    practice_services.action_mark_done(action=w["action"], user=w["member"], done=False)


def _record_attendance(w):
    session = WorkshopSessionFactory(
        programme=w["programme"], starts_at=datetime(2026, 11, 1, 13, tzinfo=UTC)
    )
    InvitationFactory(session=session, user=w["member"], practice=w["practice"], role=Role.GP)
    workshop_services.attendance_record(session=session, by=w["lead"], user_ids={w["member"].pk})


def _untick_attendance(w):
    Attendance.objects.filter(practice=w["practice"]).first().delete()


def _answer_learning_needs(w):
    topic = LearningTopicFactory(programme=w["programme"])
    workshop_services.learning_needs_answer(
        user=w["member"], practice=w["practice"], round=Round.BEFORE, answers={topic.pk: 2}
    )


def _delete_a_rated_topic(w):
    _answer_learning_needs(w)
    totals.kept_counts(w["programme"], now=timezone.now())  # kept with the answer, then:
    w["programme"].learning_topics.last().delete()


def _send_the_survey(w):
    survey = Survey.objects.get(programme=w["programme"])
    followup_services.survey_send(survey=survey, today=date(2026, 11, 26))


def _answer_the_survey(w):
    _send_the_survey(w)
    message = Message.objects.filter(recipient=w["member"]).latest("pk")
    followup_services.response_submit(
        token=token_in(message.body), changes=[], factor_scores=dict.fromkeys(FACTOR_KEYS, 4)
    )


def _hand_over(w):
    practice_services.facilitator_assign(
        practice=w["practice"], facilitator=UserFactory(full_name="New Facilitator")
    )


def _rename_facilitator(w):
    w["facilitator"].full_name = "Frances Facilitator"
    w["facilitator"].save()


def _rename_practice(w):
    w["practice"].name = "Practice A (renamed)"
    w["practice"].save()


def _plan_a_workshop(w):
    workshop_services.session_create(
        programme=w["programme"],
        title="An earlier workshop",
        starts_at=datetime(2026, 12, 2, 13, tzinfo=UTC),
        ends_at=datetime(2026, 12, 2, 16, tzinfo=UTC),
        venue="Library",
    )


def _change_the_stale_threshold(w):
    programme = w["programme"]
    programme.stale_cycle_days = 3
    programme.save()


WRITES = [
    _rename_plan,
    _score_plan,
    _team_from_the_users_side,
    _clear_team,
    _add_driver,
    _delete_drivers,
    _start_cycle,
    _advance_cycle,
    _abandon_cycle,
    _delete_cycle,
    _record_data,
    _delete_measure,
    _move_plan,
    _delete_plan,
    _record_visit,
    _delete_visit,
    _mark_action_done,
    _mark_action_not_done,
    _record_attendance,
    _untick_attendance,
    _answer_learning_needs,
    _delete_a_rated_topic,
    _send_the_survey,
    _answer_the_survey,
    _hand_over,
    _rename_facilitator,
    _rename_practice,
    _plan_a_workshop,
    _change_the_stale_threshold,
]


@pytest.mark.parametrize("write", WRITES, ids=[w.__name__.strip("_") for w in WRITES])
def test_after_every_kind_of_write_the_cached_rows_and_kept_totals_are_the_fresh_ones(world, write):
    before = cached(world)
    assert before == fresh(world)
    old_tokens = tokens(world)

    check_kept_totals(world["programme"])

    write(world)

    if write is not _rename_facilitator:  # a name read with the list, kept in no row
        assert tokens(world) != old_tokens, "the write did not replace a token"
    assert cached(world) == fresh(world)
    # The programme's kept totals follow the same tokens (dashboards.totals).
    check_kept_totals(world["programme"])


def test_a_write_changes_what_the_cached_page_shows(login, world):
    client = login(world["facilitator"])
    assert "Renamed plan" not in client.get(reverse("dashboards:facilitator")).content.decode()
    _rename_plan(world)
    assert "Renamed plan" in client.get(reverse("dashboards:facilitator")).content.decode()


# Time passing ------------------------------------------------------------------------------


def test_a_cycle_goes_stale_in_the_cache_with_no_write(world, frozen):
    # Last updated on 26 November: fine through 14 whole days (10 December), stale from the
    # midnight that starts 11 December.
    PDSACycleFactory(plan=world["plan"], stage=Stage.DO, title="Quiet cycle")
    frozen.move_to(datetime(2026, 12, 10, 23, 59, tzinfo=UTC))
    assert cached(world) == fresh(world)
    assert " stale</span>" not in cached(world)[0].html
    frozen.move_to(datetime(2026, 12, 11, 0, 1, tzinfo=UTC))
    assert cached(world) == fresh(world)
    assert " stale</span>" in cached(world)[0].html


def test_an_action_becomes_overdue_in_the_cache_at_midnight(world, frozen):
    visit = world["visit"]
    visit.actions.all().delete()
    AgreedActionFactory(visit=visit, owner=world["member"], due_on=date(2026, 11, 26))
    frozen.move_to(datetime(2026, 11, 26, 23, 59, tzinfo=UTC))  # 23:59 in London
    assert "overdue" not in cached(world)[0].html
    frozen.move_to(datetime(2026, 11, 27, 0, 1, tzinfo=UTC))
    assert cached(world) == fresh(world)
    assert "1 overdue" in cached(world)[0].html


def test_a_planned_visit_leaves_the_next_visit_column_at_its_day(world, frozen):
    # add_work plans a visit for 1 December: the next planned visit until that day begins.
    frozen.move_to(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    assert ">1 Dec 2026</a></td>" in cached(world)[0].html
    frozen.move_to(datetime(2026, 12, 1, 0, 1, tzinfo=UTC))
    assert cached(world) == fresh(world)
    assert ">1 Dec 2026</a></td>" not in cached(world)[0].html


def test_the_next_workshop_moves_on_in_the_cache_when_it_starts(world, frozen):
    WorkshopSessionFactory(
        programme=world["programme"],
        title="Soon",
        starts_at=NOW + timedelta(hours=1),
        ends_at=NOW + timedelta(hours=3),
    )
    soon = cached(world)
    assert "26 Nov 2026" in soon[0].html
    frozen.move_to(NOW + timedelta(hours=2))
    assert cached(world) == fresh(world)
    assert cached(world) != soon


# The cached page is the page built without the cache ---------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"sort": "name"}, {"sort": "last_visit"}, {"attention": "1"}, {"sort": "name", "page": 2}],
)
def test_the_cached_page_equals_the_page_sorted_by_the_database(login, world, monkeypatch, params):
    _record_visit(world)  # practice A needs attention; B does not
    client = login(world["lead"])
    monkeypatch.setattr(views, "PRACTICES_PER_PAGE", 1)
    from_cache = client.get(reverse("dashboards:facilitator"), params)
    monkeypatch.setattr(views, "ROW_CACHE_LIMIT", 0)
    from_database = client.get(reverse("dashboards:facilitator"), params)
    assert [r.pk for r in from_cache.context["rows"]] == [
        r.pk for r in from_database.context["rows"]
    ]
    assert from_cache.context["rows_html"] == from_database.context["rows_html"]
    assert (
        from_cache.context["page"].paginator.count == from_database.context["page"].paginator.count
    )


# Nothing bypasses the receivers unseen -----------------------------------------------------


def test_every_model_is_tracked_or_says_why_not():
    known = {
        *freshness.PRACTICE_PATHS,
        *freshness.PROGRAMME_PATHS,
        *freshness.UNTRACKED,
        *freshness.SELF_TOKENED,
    }
    ours = {model._meta.label for model in apps.get_models() if model._meta.app_label in APPS}
    assert ours - known == set(), "say whether a dashboard row shows these models"
    assert known - ours == set(), "these are not models"


# Narrow invalidation: a write rebuilds only the parts it changed ------------------------------


@pytest.fixture
def rebuilt(monkeypatch):
    """The practices whose parts are rebuilt (the facilitator's names are never rebuilt)."""
    built = []
    real = selectors.build_practice_rows

    def spy(ids, **kwargs):
        built.extend(ids)
        return real(ids, **kwargs)

    monkeypatch.setattr(selectors, "build_practice_rows", spy)
    return built


def _rename_programme(w):
    programme = w["programme"]
    programme.name = "Renamed programme"
    programme.save()


@pytest.mark.parametrize("write", [_plan_a_workshop, _rename_programme])
def test_a_workshop_or_programme_save_rebuilds_no_practices_part(world, rebuilt, write):
    cached(world)
    rebuilt.clear()
    write(world)
    rows = cached(world)
    assert rebuilt == []
    assert rows == fresh(world)


def test_the_new_workshop_shows_in_every_row_of_the_programme(world):
    cached(world)
    _plan_a_workshop(world)
    assert all('<td class="text-nowrap">2 Dec 2026</td>' in row.html for row in cached(world))


def test_renaming_a_facilitator_replaces_no_token_and_rebuilds_nothing(world, rebuilt):
    cached(world)
    rebuilt.clear()
    before = tokens(world)
    _rename_facilitator(world)
    rows = cached(world)
    assert tokens(world) == before and rebuilt == []
    assert rows == fresh(world)
    assert "Frances Facilitator" in rows[0].html  # practice A's facilitator


def test_a_practice_write_rebuilds_that_practice_only(world, rebuilt):
    cached(world)
    rebuilt.clear()
    _rename_plan(world)
    cached(world)
    assert rebuilt == [world["practice"].pk]


def test_signing_in_does_not_replace_a_facilitators_practice_tokens(world, client):
    before = tokens(world)
    client.force_login(world["facilitator"])
    assert tokens(world) == before


def test_a_programme_token_changes_with_its_workshops(world):
    before = Programme.objects.get(pk=world["programme"].pk).dashboard_token
    _plan_a_workshop(world)
    assert Programme.objects.get(pk=world["programme"].pk).dashboard_token != before


def test_a_membership_change_is_not_shown_and_keeps_the_tokens(world):
    before = tokens(world)
    MembershipFactory(practice=world["practice"], user=UserFactory(), role=Role.NURSE)
    assert tokens(world) == before
    assert cached(world) == fresh(world)


def test_drivers_added_below_the_primary_are_tracked_too(world):
    before = tokens(world)
    primary = world["plan"].drivers.filter(parent__isnull=True).first()
    DriverFactory(plan=world["plan"], parent=primary, level="secondary")
    assert tokens(world) != before


def test_a_clock_set_back_does_not_bring_back_a_row_built_for_a_later_time(world, frozen):
    frozen.move_to(NOW + timedelta(days=20))
    later = cached(world)
    frozen.move_to(NOW)
    assert cached(world) == fresh(world)
    assert [row.html for row in cached(world)] != [row.html for row in later]
