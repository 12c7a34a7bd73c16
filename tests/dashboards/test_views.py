"""The facilitator and programme dashboards and the export: access, contents, order, budgets."""

import csv
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dashboards import rows as row_html
from dashboards import selectors
from pdsa import services as pdsa_services
from pdsa.models import Stage
from pdsa.selectors import measure_analysis
from tests.dashboards.conftest import add_work
from tests.pdsa.factories import (
    ImprovementPlanFactory,
    MeasureFactory,
    PDSACycleFactory,
)
from tests.practices.factories import (
    AgreedActionFactory,
    FacilitatorAssignmentFactory,
    ProgrammeFactory,
    UserFactory,
    VisitFactory,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def shown(response):
    """The pks of the practices on the page, in order."""
    return [row.pk for row in response.context["rows"]]


def facilitator_url():
    return reverse("dashboards:facilitator")


def programme_url(programme):
    return reverse("dashboards:programme", args=[programme.pk])


def export_url(programme):
    return reverse("dashboards:export", args=[programme.pk])


# Access ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_from_every_dashboard(client, programme):
    for url in (facilitator_url(), programme_url(programme), export_url(programme)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["member_a", "member_b", "patient_rep"])
def test_practice_members_get_404_from_the_facilitator_dashboard(request, login, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get(facilitator_url()).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator", "member_a", "member_b", "patient_rep"])
def test_only_leads_and_staff_see_the_programme_dashboard(request, login, programme, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get(programme_url(programme)).status_code == 404


@pytest.mark.parametrize("persona", ["facilitator", "member_a", "member_b", "patient_rep"])
def test_only_leads_and_staff_may_export_the_programme(request, login, programme, persona):
    user = request.getfixturevalue(persona)
    assert login(user).get(export_url(programme)).status_code == 404


def test_the_lead_of_another_programme_gets_404(login, programme):
    other_lead = UserFactory()
    ProgrammeFactory(name="Other programme").leads.add(other_lead)
    client = login(other_lead)
    assert client.get(programme_url(programme)).status_code == 404
    assert client.get(export_url(programme)).status_code == 404


def test_the_facilitator_sees_only_their_assigned_practices(
    login, facilitator, practice_a, practice_b
):
    response = login(facilitator).get(facilitator_url())
    assert response.status_code == 200
    assert shown(response) == [practice_a.pk]
    assert reverse("pdsa:practice_dashboard", args=[practice_a.pk]) in response.content.decode()


def test_the_lead_sees_every_practice_and_filters_by_facilitator(
    login, lead, facilitator, practice_a, practice_b
):
    client = login(lead)
    response = client.get(facilitator_url())
    assert set(shown(response)) == {practice_a.pk, practice_b.pk}
    assert [p.pk for p in response.context["facilitators"]] == [facilitator.pk]
    response = client.get(facilitator_url(), {"facilitator": facilitator.pk})
    assert shown(response) == [practice_a.pk]


def test_a_facilitator_cannot_filter_to_see_someone_elses_practices(login, facilitator, practice_b):
    other = UserFactory()
    FacilitatorAssignmentFactory(practice=practice_b, facilitator=other)
    response = login(facilitator).get(facilitator_url(), {"facilitator": other.pk})
    assert practice_b.pk not in shown(response)


def test_the_lead_and_staff_see_the_programme_dashboard(login, lead, staff, programme, practice_a):
    for user in (lead, staff):
        response = login(user).get(programme_url(programme))
        assert response.status_code == 200
        assert shown(response) == [practice_a.pk]


def test_a_handed_over_practice_leaves_the_old_facilitators_dashboard(
    login, facilitator, practice_a
):
    assignment = practice_a.facilitator_assignments.get()
    assignment.ended_on = date(2026, 11, 1)
    assignment.save()
    FacilitatorAssignmentFactory(practice=practice_a, started_on=date(2026, 11, 1))
    assert login(facilitator).get(facilitator_url()).status_code == 404


# Contents ----------------------------------------------------------------------------------


def _row(response, practice):
    """The practice's row as built now; the page must show it, in the same HTML."""
    now = timezone.now()
    (row,) = selectors.build_practice_rows([practice.pk], now=now)
    (html,) = row_html.row_htmls([row], today=timezone.localdate(now))
    assert html in response.content.decode()
    return row


def test_a_cycle_with_no_update_for_15_days_is_flagged_stale_and_at_13_days_not(
    login, facilitator, practice_a, frozen
):
    plan = ImprovementPlanFactory(practice=practice_a)
    cycle = PDSACycleFactory(plan=plan, stage=Stage.DO, title="Leaflet test")
    # Signed in after each jump: a session does not last two weeks.
    frozen.move_to(NOW + timedelta(days=13))
    response = login(facilitator).get(facilitator_url())
    assert _row(response, practice_a).stale_cycles == []
    assert "1 stale" not in response.content.decode()
    frozen.move_to(NOW + timedelta(days=15))
    response = login(facilitator).get(facilitator_url())
    assert [c.pk for c in _row(response, practice_a).stale_cycles] == [cycle.pk]
    assert "1 stale" in response.content.decode()


def test_the_stale_threshold_is_the_programmes_setting(
    login, facilitator, programme, practice_a, frozen
):
    programme.stale_cycle_days = 20
    programme.save()
    PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_a), stage=Stage.STUDY)
    frozen.move_to(NOW + timedelta(days=15))
    response = login(facilitator).get(facilitator_url())
    assert _row(response, practice_a).stale_cycles == []
    frozen.move_to(NOW + timedelta(days=21))
    response = login(facilitator).get(facilitator_url())
    assert len(_row(response, practice_a).stale_cycles) == 1


def test_finished_cycles_are_never_stale(login, facilitator, practice_a, frozen):
    plan = ImprovementPlanFactory(practice=practice_a)
    PDSACycleFactory(plan=plan, stage=Stage.COMPLETE)
    PDSACycleFactory(plan=plan, stage=Stage.ABANDONED, abandoned_reason="Not feasible")
    frozen.move_to(NOW + timedelta(days=60))
    response = login(facilitator).get(facilitator_url())
    assert _row(response, practice_a).stale_cycles == []


def test_an_overdue_action_is_flagged_and_one_due_later_is_not(
    login, facilitator, practice_a, member_a
):
    visit = VisitFactory(practice=practice_a, facilitator=facilitator, visited_on=date(2026, 11, 2))
    AgreedActionFactory(
        visit=visit, owner=member_a, description="Audit notes", due_on=date(2026, 11, 25)
    )
    AgreedActionFactory(
        visit=visit, owner=member_a, description="Print leaflets", due_on=date(2026, 12, 1)
    )
    response = login(facilitator).get(facilitator_url())
    page = response.content.decode()
    assert "1 overdue" in page
    assert "Due 25 Nov 2026 (overdue): Audit notes" in page
    assert "Due 1 Dec 2026: Print leaflets" in page
    assert "2 Nov 2026" in page  # the last visit
    assert _row(response, practice_a).practice.overdue_actions == 1


def test_the_measure_icons_match_the_chart_analysis(login, facilitator, practice_a):
    plan = ImprovementPlanFactory(practice=practice_a)
    measure = MeasureFactory(plan=plan, name="Advice given", kind="outcome", target=50)
    for i, numerator in enumerate([5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 15, 16, 17, 18, 17, 18]):
        pdsa_services.data_point_record(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            numerator=numerator,
            denominator=20,
        )
    analysis = measure_analysis(
        type(measure).objects.prefetch_related("data_points").get(pk=measure.pk)
    )
    assert analysis.variation == "improvement_high"
    response = login(facilitator).get(facilitator_url())
    shown = _row(response, practice_a).measures
    assert [(m.variation, m.assurance) for m in shown] == [(analysis.variation, analysis.assurance)]
    page = response.content.decode()
    assert 'aria-label="Special cause: improvement (high)"' in page
    assert f'aria-label="{analysis.assurance_label}"' in page


def test_a_measure_of_concern_puts_the_practice_first(login, lead, practice_a, practice_b):
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_b), kind="outcome")
    for i, numerator in enumerate([15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 4, 3, 2, 3]):
        pdsa_services.data_point_record(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            numerator=numerator,
            denominator=20,
        )
    response = login(lead).get(facilitator_url())
    assert shown(response) == [practice_b.pk, practice_a.pk]
    assert _row(response, practice_b).practice.measures_of_concern == 1


def test_the_needs_attention_counts_are_the_same_whichever_the_sort(
    login, lead, facilitator, practice_a, practice_b, member_a, frozen
):
    """Sorting by name or last visit counts from the page's rows, not in the database."""
    add_work(practice_a, facilitator=facilitator, plans=2, cycles=6, measures=2)
    add_work(practice_b, facilitator=facilitator, plans=1, cycles=2, measures=1)
    measure = MeasureFactory(plan=ImprovementPlanFactory(practice=practice_a), kind="outcome")
    for i, numerator in enumerate([15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 15, 16, 4, 3, 2, 3]):
        pdsa_services.data_point_record(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            numerator=numerator,
            denominator=20,
        )
    visit = VisitFactory(practice=practice_a, facilitator=facilitator, visited_on=date(2026, 11, 2))
    AgreedActionFactory(visit=visit, owner=member_a, due_on=date(2026, 12, 10))
    AgreedActionFactory(visit=visit, owner=member_a, due_on=date(2026, 12, 30))
    frozen.move_to(NOW + timedelta(days=20))

    def counts(**params):
        # The programme dashboard sorts in the database, as the facilitator dashboard does
        # above its row cache's limit; its rows come from the row cache.
        response = login(lead).get(programme_url(practice_a.programme), params)
        return {row.pk: row.attention for row in response.context["rows"]}

    by_attention = counts()
    response = login(lead).get(programme_url(practice_a.programme))
    # The kept counts, which decided the order, are the cached rows' counts.
    in_database = dict(response.context["page"].object_list)
    assert in_database == by_attention
    fresh = _row(login(lead).get(facilitator_url()), practice_a).practice
    assert fresh.overdue_actions >= 1 and fresh.stale_cycles >= 1
    assert fresh.measures_of_concern == 1
    assert by_attention[practice_a.pk] == fresh.attention
    assert counts(sort="name") == by_attention
    assert counts(sort="last_visit") == by_attention
    assert counts(sort="name", attention="1") == by_attention


def test_a_practice_needing_attention_says_why(login, facilitator, practice_a, member_a, frozen):
    visit = VisitFactory(practice=practice_a, facilitator=facilitator, visited_on=date(2026, 11, 2))
    for day in (20, 24):
        AgreedActionFactory(visit=visit, owner=member_a, due_on=date(2026, 11, day))
    PDSACycleFactory(plan=ImprovementPlanFactory(practice=practice_a), stage=Stage.DO)
    frozen.move_to(NOW + timedelta(days=15))
    response = login(facilitator).get(facilitator_url())
    row = _row(response, practice_a)
    assert row.practice.attention_reasons == ["2 overdue actions", "1 stale cycle"]
    assert 'Needs attention</span><div class="small">2 overdue actions, 1 stale cycle</div>' in (
        response.content.decode()
    )


def test_the_reasons_are_the_attention_counts_in_words(practice_a):
    from types import SimpleNamespace

    counts = SimpleNamespace(overdue_actions=1, stale_cycles=0, measures_of_concern=3)
    assert selectors.attention_reasons(counts) == ["1 overdue action", "3 measures of concern"]
    none = SimpleNamespace(overdue_actions=0, stale_cycles=0, measures_of_concern=0)
    assert selectors.attention_reasons(none) == []


def test_a_practice_needing_no_attention_gives_no_reasons(login, facilitator, practice_a):
    page = login(facilitator).get(facilitator_url()).content.decode()
    assert "Needs attention</span>" not in page


def test_the_next_planned_visit_has_its_own_column(login, facilitator, practice_a):
    VisitFactory(practice=practice_a, facilitator=facilitator, visited_on=date(2026, 11, 2))
    VisitFactory(
        practice=practice_a,
        facilitator=facilitator,
        visited_on=date(2026, 12, 14),
        duration_minutes=None,
        travel_minutes=0,
        notes="",
    )
    response = login(facilitator).get(facilitator_url())
    page = response.content.decode()
    assert '<th scope="col">Next planned visit</th>' in page
    assert _row(response, practice_a).visits.next_visit_on == date(2026, 12, 14)
    assert ">14 Dec 2026</a></td>" in page and ">2 Nov 2026</a></td>" in page


def test_measure_icons_have_a_visible_key_and_name_their_measure(
    login, lead, programme, facilitator, practice_a
):
    add_work(practice_a, facilitator=facilitator, plans=1, measures=1)
    measure = practice_a.improvement_plans.get().measures.get()
    for url in (facilitator_url(), programme_url(programme)):
        page = login(lead).get(url).content.decode()
        assert "Key to the measure icons" in page
        assert "Common cause variation" in page and "consistently misses the target" in page
        # A link (so it takes keyboard focus) carrying its measure's name for hover and focus.
        chart = reverse("pdsa:measure_chart", args=[measure.pk])
        assert f'<a class="qi-m" href="{chart}" data-label="Measure 0">' in page
        assert '<span class="visually-hidden">Measure 0: </span>' in page


def test_progress_scores_show_set_and_suggested(login, facilitator, practice_a, member_a):
    plan = ImprovementPlanFactory(practice=practice_a, title="Advice plan")
    plan.team.add(member_a)
    pdsa_services.plan_set_progress_score(plan=plan, score=Decimal("2.0"))
    MeasureFactory(plan=plan)
    response = login(facilitator).get(facilitator_url())
    (shown,) = _row(response, practice_a).plans
    assert shown.score_set == Decimal("2.0")
    assert shown.suggestion.score == 1.5
    assert "Advice plan</a>: 2.0 / 1.5" in response.content.decode()


def test_the_suggested_score_agrees_with_the_plan_page(login, facilitator, practice_a):
    add_work(practice_a, facilitator=facilitator, plans=1, cycles=5, measures=2)
    from pdsa.selectors import plan_detail, plan_suggestion

    plan = practice_a.improvement_plans.get()
    _, expected = plan_suggestion(plan_detail(user=facilitator, pk=plan.pk))
    response = login(facilitator).get(facilitator_url())
    assert _row(response, practice_a).plans[0].suggestion == expected


def test_a_row_shows_cycles_by_stage_workshops_and_the_survey_response_rate(
    login, facilitator, programme, practice_a, upcoming_workshop
):
    from tests.followup.factories import SurveyFactory

    add_work(practice_a, facilitator=facilitator, survey=SurveyFactory(programme=programme))
    response = login(facilitator).get(facilitator_url())
    row = _row(response, practice_a)
    assert dict(row.stage_counts) == {"Plan": 2, "Do": 2, "Study": 2, "Act": 0}
    assert row.next_workshop == upcoming_workshop
    assert (row.people_attended, row.sessions_attended, row.sessions_held) == (1, 1, 1)
    assert (row.survey_invited, row.survey_responded) == (1, 0)
    page = response.content.decode()
    assert "20 Jan 2027" in page
    assert "0% (0 of 1)" in page


def test_before_the_follow_up_the_response_rate_says_so(login, facilitator, practice_a):
    response = login(facilitator).get(facilitator_url())
    assert "No survey yet" in response.content.decode()


# Sorting and filters ------------------------------------------------------------------------


def test_practices_needing_attention_come_first_and_can_be_filtered(
    login, lead, practice_a, practice_b, member_b
):
    visit = VisitFactory(practice=practice_b, visited_on=date(2026, 10, 1))
    AgreedActionFactory(visit=visit, owner=member_b, due_on=date(2026, 11, 1))
    client = login(lead)
    by_attention = client.get(facilitator_url())
    assert shown(by_attention) == [practice_b.pk, practice_a.pk]
    by_name = client.get(facilitator_url(), {"sort": "name"})
    assert shown(by_name) == [practice_a.pk, practice_b.pk]
    by_visit = client.get(facilitator_url(), {"sort": "last_visit"})
    assert shown(by_visit) == [practice_a.pk, practice_b.pk]
    only = client.get(facilitator_url(), {"attention": "1"})
    assert shown(only) == [practice_b.pk]


def test_a_planned_visit_is_never_the_last_visit_on_the_dashboard(
    login, lead, practice_a, practice_b
):
    VisitFactory(practice=practice_a, visited_on=date(2026, 10, 1))
    VisitFactory(
        practice=practice_b,
        visited_on=date(2026, 12, 1),
        duration_minutes=None,
        travel_minutes=0,
        notes="",
    )

    response = login(lead).get(facilitator_url(), {"sort": "last_visit"})

    rows = response.context["rows"]
    assert [r.pk for r in rows] == [practice_b.pk, practice_a.pk]
    assert [r.last_visit_on for r in rows] == [None, date(2026, 10, 1)]


def test_an_unknown_sort_falls_back_to_needs_attention(login, lead, practice_a):
    response = login(lead).get(facilitator_url(), {"sort": "drop table"})
    assert response.context["options"]["sort"] == "attention"


def test_the_programme_dashboard_sorts_filters_and_keeps_them_across_pages(
    login, lead, programme, facilitator, practice_a, practice_b
):
    response = login(lead).get(
        programme_url(programme), {"sort": "name", "facilitator": facilitator.pk}
    )
    assert shown(response) == [practice_a.pk]
    assert response.context["query"] == f"sort=name&facilitator={facilitator.pk}"


# Programme totals ---------------------------------------------------------------------------


def test_the_programme_dashboard_shows_totals_the_chart_and_the_icon_matrix(
    login, lead, programme, facilitator, practice_a
):
    from tests.workshops.factories import LearningTopicFactory

    add_work(practice_a, facilitator=facilitator, plans=1, cycles=5, measures=1)
    plan = practice_a.improvement_plans.get()
    for decision in ("adopt", "adopt", "adapt", "abandon"):
        PDSACycleFactory(
            plan=plan,
            stage=Stage.COMPLETE,
            decision=decision,
            start_date=date(2026, 9, 1),
            end_date=date(2026, 10, 2),
        )
    LearningTopicFactory(programme=programme, name="Red flags")
    response = login(lead).get(programme_url(programme))
    assert response.status_code == 200
    totals = response.context["summary"].totals
    months = {m.month: (m.started, m.completed) for m in totals.months}
    assert months[date(2026, 9, 1)] == (4, 0)
    assert months[date(2026, 10, 1)] == (0, 4)
    assert months[date(2026, 1, 1)] == (5, 0)
    assert [(label, count) for label, count, _ in totals.decisions] == [
        ("Adopt", 2),
        ("Adapt", 1),
        ("Abandon", 1),
    ]
    assert ("Practice nurse", 1, 1) in totals.professions
    improvement_row = next(cells for key, _, cells in totals.matrix if key == "improvement")
    assert sum(count for _, _, count in improvement_row) == 1
    assert response.context["columns"] == ["Measure 0"]
    page = response.content.decode()
    assert "<svg" in page and "Cycles started and completed per month" in page
    assert '<th scope="row">Sep 2026</th>' in page
    assert "50%" in page  # the share adopted
    assert "Red flags" in page


# Export -------------------------------------------------------------------------------------


def test_the_lead_downloads_a_zip_of_the_programmes_data(
    login, lead, programme, facilitator, practice_a, practice_b
):
    add_work(practice_a, facilitator=facilitator, plans=1, cycles=2, measures=1)
    ImprovementPlanFactory(practice=practice_b, title='=HYPERLINK("x")')
    response = login(lead).get(export_url(programme))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "cycles.csv",
        "data.csv",
        "measures.csv",
        "plans.csv",
        "practices.csv",
    ]

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))

    practices = rows("practices.csv")
    assert {p["ods_code"] for p in practices} == {"A00001", "B00002"}
    assert next(p for p in practices if p["ods_code"] == "A00001")["facilitator"] == (
        facilitator.full_name
    )
    plans = rows("plans.csv")
    assert len(plans) == 2
    assert '\'=HYPERLINK("x")' in {p["title"] for p in plans}
    assert len(rows("cycles.csv")) == 2
    (measure,) = rows("measures.csv")
    assert measure["latest_variation"] == "improvement_high"
    data = rows("data.csv")
    assert len(data) == 20
    assert data[0]["measure_id"] == measure["measure_id"] and data[0]["numerator"] == "5"


def test_staff_may_export_any_programme(login, staff, programme, practice_a):
    assert login(staff).get(export_url(programme)).status_code == 200


# Query budgets ------------------------------------------------------------------------------

FACILITATOR_BUDGET = 18  # building every row (the row cache is empty)
FACILITATOR_CACHED_BUDGET = 4  # rows from the row cache: session, user, roles, the list
PROGRAMME_BUDGET = 42  # building rows and recounting kept totals (all of them, or after a write)
PROGRAMME_CACHED_BUDGET = (
    8  # session, user, programme, kept totals, facilitators, a page: ids, rows
)


@pytest.mark.parametrize("practices", [2, 8])
def test_the_facilitator_dashboard_has_a_fixed_query_budget(
    login, facilitator, grow, practices, django_assert_max_num_queries
):
    grow(practices)
    client = login(facilitator)
    with django_assert_max_num_queries(FACILITATOR_BUDGET):
        response = client.get(facilitator_url())
    assert len(response.context["rows"]) == practices + 1
    with django_assert_max_num_queries(FACILITATOR_CACHED_BUDGET):
        again = client.get(facilitator_url())
    assert again.context["rows_html"] == response.context["rows_html"]


@pytest.mark.parametrize("practices", [2, 8])
def test_the_programme_dashboard_has_a_fixed_query_budget(
    login, lead, programme, grow, practices, django_assert_max_num_queries
):
    grow(practices)
    client = login(lead)
    with django_assert_max_num_queries(PROGRAMME_BUDGET):
        response = client.get(programme_url(programme))
    assert len(response.context["rows"]) == practices + 1
    with django_assert_max_num_queries(PROGRAMME_CACHED_BUDGET):
        again = client.get(programme_url(programme))
    assert again.context["rows_html"] == response.context["rows_html"]
    # One practice written to: its row and its part of the kept totals are rebuilt.
    PDSACycleFactory(plan=ImprovementPlanFactory(practice=practices_of(programme)[0]))
    with django_assert_max_num_queries(PROGRAMME_BUDGET):
        client.get(programme_url(programme))


def practices_of(programme):
    return list(programme.practices.order_by("pk"))


def test_the_programme_summary_is_served_from_its_fragment_until_the_totals_change(
    login, lead, programme, facilitator, practice_a, monkeypatch
):
    add_work(practice_a, facilitator=facilitator, plans=1, cycles=0, measures=0)
    plan = practice_a.improvement_plans.get()
    PDSACycleFactory(plan=plan, stage=Stage.COMPLETE, decision="adopt")
    client = login(lead)
    first = client.get(programme_url(programme))
    assert "Share of the 1 tested change with a decision" in first.content.decode()
    built = []
    programme_totals = selectors.programme_totals
    monkeypatch.setattr(
        selectors, "programme_totals", lambda counts: built.append(1) or programme_totals(counts)
    )
    again = client.get(programme_url(programme))
    assert built == []  # the fragment, not the totals, made the page
    assert "Share of the 1 tested change with a decision" in again.content.decode()
    # A write that changes the totals: the next page counts it and shows it.
    PDSACycleFactory(plan=plan, stage=Stage.COMPLETE, decision="adapt")
    after = client.get(programme_url(programme)).content.decode()
    assert built == [1]
    assert "Share of the 2 tested changes with a decision" in after


def test_the_programme_dashboards_facilitator_filter_follows_a_new_assignment(
    login, lead, programme, facilitator, practice_a
):
    from practices import services as practice_services

    client = login(lead)
    assert [p.pk for p in client.get(programme_url(programme)).context["facilitators"]] == [
        facilitator.pk
    ]
    newcomer = UserFactory(full_name="Aaron Newcomer")
    practice_services.facilitator_assign(practice=practice_a, facilitator=newcomer)
    assert [p.pk for p in client.get(programme_url(programme)).context["facilitators"]] == [
        newcomer.pk
    ]


def test_the_facilitator_filter_shows_a_renamed_facilitator_and_the_choice_made(
    login, lead, programme, facilitator, practice_a
):
    client = login(lead)
    page = client.get(programme_url(programme), {"facilitator": facilitator.pk})
    assert f'<option value="{facilitator.pk}" selected>' in page.content.decode()
    assert f'<option value="{facilitator.pk}" selected>' not in (
        client.get(programme_url(programme)).content.decode()
    )
    facilitator.full_name = "Renamed Facilitator"
    facilitator.save()
    assert "Renamed Facilitator" in client.get(programme_url(programme)).content.decode()


def test_renaming_a_learning_topic_renews_the_programme_summary(login, lead, programme):
    from tests.workshops.factories import LearningTopicFactory

    topic = LearningTopicFactory(programme=programme, name="Red flags")
    client = login(lead)
    assert "Red flags" in client.get(programme_url(programme)).content.decode()
    topic.name = "Serious pathology"
    topic.save()
    page = client.get(programme_url(programme)).content.decode()
    assert "Serious pathology" in page and "Red flags" not in page


def test_the_learning_needs_change_matches_the_workshops_page(login, lead, programme, practice_a):
    from tests.workshops.factories import LearningTopicFactory
    from workshops.models import LearningNeed
    from workshops.selectors import learning_needs_results

    topic = LearningTopicFactory(programme=programme, name="Red flags")
    LearningTopicFactory(programme=programme, name="Imaging")
    for confidence, round_ in ((2, "before"), (3, "before"), (4, "after")):
        LearningNeed.objects.create(
            topic=topic,
            user=UserFactory(),
            practice=practice_a,
            round=round_,
            confidence=confidence,
        )
    response = login(lead).get(programme_url(programme))
    shown = response.context["summary"].learning
    assert shown == learning_needs_results(programme=programme)
    assert (shown[0].before, shown[0].after, shown[0].change) == (2.5, 4.0, 1.5)


def test_every_icon_on_the_dashboards_is_drawn_from_the_pages_own_sprite(
    login, lead, programme, facilitator, practice_a
):
    import re

    add_work(practice_a, facilitator=facilitator)
    for url in (facilitator_url(), programme_url(programme)):
        page = login(lead).get(url).content.decode()
        used = set(re.findall(r'<use href="#([\w-]+)"', page))
        defined = set(re.findall(r'<symbol id="([\w-]+)"', page))
        assert used and used <= defined
        assert page.count('class="qi-sprite"') == 1
