import time
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pdsa.models import CycleComment, DataPoint, ImprovementPlan, Measure, PDSACycle, Stage
from tests import write_guard
from tests.pdsa.factories import (
    ChangeIdeaFactory,
    CycleQuestionFactory,
    DataPointFactory,
    DriverFactory,
    ImprovementPlanFactory,
    LibraryMeasureFactory,
    MeasureFactory,
    PDSACycleFactory,
)


@pytest.fixture
def point(measure):
    return DataPointFactory(measure=measure, period=date(2026, 1, 1))


@pytest.fixture
def library_measure(db):
    return LibraryMeasureFactory(name="Stratification recorded")


# Pages anyone who may see the practice may read.
READ_PAGES = [
    ("pdsa:practice_dashboard", "practice_a"),
    ("pdsa:plan_detail", "plan"),
    ("pdsa:measure_chart", "measure"),
    ("pdsa:measure_data", "measure"),
    ("pdsa:measure_export", "measure"),
    ("pdsa:cycle_detail", "cycle"),
    ("pdsa:cycle_print", "cycle"),
]
# Pages only editors (members, the current facilitator, staff) may open.
EDIT_PAGES = [
    ("pdsa:plan_create", "practice_a"),
    ("pdsa:plan_edit", "plan"),
    ("pdsa:plan_drivers", "plan"),
    ("pdsa:measure_create", "plan"),
    ("pdsa:measure_edit", "measure"),
    ("pdsa:measure_import", "measure"),
    ("pdsa:cycle_create", "plan"),
    ("pdsa:cycle_abandon", "cycle"),
    ("pdsa:data_point_edit", "point"),
]
# Changes made by POST, editors only.
EDIT_POSTS = [
    ("pdsa:plan_score", "plan"),
    ("pdsa:driver_delete", "driver"),
    ("pdsa:change_idea_delete", "change_idea"),
    ("pdsa:measure_rebase", "measure"),
    ("pdsa:data_point_delete", "point"),
    ("pdsa:cycle_edit", "cycle"),
    ("pdsa:cycle_advance", "cycle"),
    ("pdsa:cycle_next", "cycle"),
    ("pdsa:cycle_question_add", "cycle"),
    ("pdsa:cycle_question_delete", "question"),
    ("pdsa:cycle_task_add", "cycle"),
]


def _url(request, name, fixture):
    return reverse(name, args=[request.getfixturevalue(fixture).pk])


@pytest.mark.parametrize(("name", "fixture"), READ_PAGES + EDIT_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, request, name, fixture):
    response = client.get(_url(request, name, fixture))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(("name", "fixture"), READ_PAGES + EDIT_PAGES)
def test_an_outsider_gets_404(login, member_b, request, name, fixture):
    assert login(member_b).get(_url(request, name, fixture)).status_code == 404


@pytest.mark.parametrize(("name", "fixture"), READ_PAGES)
@pytest.mark.parametrize("persona", ["member_a", "facilitator", "patient_rep", "lead", "staff"])
def test_everyone_who_may_see_the_practice_reads_its_work(
    login, request, persona, name, fixture, question
):
    user = request.getfixturevalue(persona)
    assert login(user).get(_url(request, name, fixture)).status_code == 200


@pytest.mark.parametrize(("name", "fixture"), EDIT_PAGES)
@pytest.mark.parametrize("persona", ["member_a", "facilitator", "staff"])
def test_editors_open_the_editing_pages(login, request, persona, name, fixture):
    user = request.getfixturevalue(persona)
    assert login(user).get(_url(request, name, fixture)).status_code == 200


@pytest.mark.parametrize(("name", "fixture"), EDIT_PAGES)
@pytest.mark.parametrize("persona", ["patient_rep", "lead"])
def test_patient_reps_and_leads_cannot_open_editing_pages(login, request, persona, name, fixture):
    user = request.getfixturevalue(persona)
    assert login(user).get(_url(request, name, fixture)).status_code == 403


@pytest.mark.parametrize(("name", "fixture"), EDIT_POSTS)
def test_changes_need_an_editor(client, login, request, member_b, patient_rep, name, fixture):
    url = _url(request, name, fixture)
    assert client.post(url).status_code == 302  # anonymous: to sign in
    assert login(member_b).post(url).status_code == 404
    assert login(patient_rep).post(url).status_code == 403


def test_a_former_facilitator_no_longer_sees_the_practice(login, facilitator, plan):
    with write_guard.unmarked_writes("test data set behind the services"):
        facilitator.facilitations.update(ended_on=date(2026, 5, 1))
    assert login(facilitator).get(reverse("pdsa:plan_detail", args=[plan.pk])).status_code == 404


# Plans and driver diagrams ------------------------------------------------------------------


def test_a_member_starts_a_plan(login, member_a, practice_a):
    response = login(member_a).post(
        reverse("pdsa:plan_create", args=[practice_a.pk]),
        {
            "title": "Fewer scans",
            "aim_what": "Image only with red flags",
            "status": "planning",
            "start_date": "2026-02-01",
            "team": [member_a.pk],
        },
    )
    plan = ImprovementPlan.objects.get(title="Fewer scans")
    assert response.url == reverse("pdsa:plan_detail", args=[plan.pk])
    assert list(plan.team.all()) == [member_a]


def test_a_stale_plan_form_is_refused_with_the_newer_text_shown(login, member_a, plan):
    url = reverse("pdsa:plan_edit", args=[plan.pk])
    form = {
        "title": "Renamed by me",
        "aim_what": "My aim",
        "status": "active",
        "start_date": "2026-01-05",
        "version": 1,
    }
    with write_guard.unmarked_writes("test data set behind the services"):
        ImprovementPlan.objects.filter(pk=plan.pk).update(title="Renamed by a colleague", version=2)
    response = login(member_a).post(url, form)
    assert response.status_code == 409
    assert "saved this after you opened it" in response.content.decode()
    assert "Renamed by a colleague" in response.content.decode()
    assert 'value="Renamed by me"' in response.content.decode()
    assert ImprovementPlan.objects.get(pk=plan.pk).title == "Renamed by a colleague"


def test_the_driver_diagram_is_edited_in_the_browser(login, member_a, plan):
    client = login(member_a)
    url = reverse("pdsa:plan_drivers", args=[plan.pk])
    client.post(url, {"driver-text": "Clinicians know the guidance"})
    primary = plan.drivers.get()
    client.post(url, {"driver-text": "Training", "driver-parent": primary.pk})
    secondary = plan.drivers.get(level="secondary")
    client.post(url, {"idea-driver": secondary.pk, "idea-title": "Lunch session"})
    page = client.get(reverse("pdsa:plan_detail", args=[plan.pk])).content.decode()
    assert "Clinicians know the guidance" in page and "Lunch session" in page


def test_the_plan_page_shows_the_suggested_score_and_why(login, member_a, plan):
    response = login(member_a).get(reverse("pdsa:plan_detail", args=[plan.pk]))
    assert response.context["suggestion"].score == 1.0
    assert "an aim is written and a team is named" in response.content.decode()


def test_the_team_sets_its_progress_score(login, member_a, plan):
    login(member_a).post(reverse("pdsa:plan_score", args=[plan.pk]), {"progress_score": "2.5"})
    assert str(ImprovementPlan.objects.get(pk=plan.pk).progress_score) == "2.5"


# Measures and data --------------------------------------------------------------------------


def test_a_library_measure_is_adopted_in_one_click(login, member_a, plan, library_measure):
    login(member_a).post(reverse("pdsa:measure_adopt", args=[plan.pk, library_measure.pk]))
    assert plan.measures.get().library_measure == library_measure


def test_only_curators_edit_the_library(login, lead, member_a, library_measure):
    assert login(member_a).get(reverse("pdsa:library_create")).status_code == 403
    assert login(member_a).get(reverse("pdsa:library_list")).status_code == 200
    client = login(lead)
    assert client.get(reverse("pdsa:library_edit", args=[library_measure.pk])).status_code == 200
    response = client.post(
        reverse("pdsa:library_create"),
        {
            "clinical_topic": "Low back pain",
            "name": "Opioids",
            "kind": "outcome",
            "definition": "People on opioids",
            "data_type": "count",
            "frequency": "monthly",
            "improvement": "decrease",
            "is_active": "on",
        },
    )
    assert response.status_code == 302


def test_a_value_is_entered_for_a_period(login, member_a, measure):
    url = reverse("pdsa:measure_data", args=[measure.pk])
    login(member_a).post(url, {"period": "2026-03-09", "numerator": 4, "denominator": 9})
    assert measure.data_points.get().period == date(2026, 3, 1)
    response = login(member_a).post(url, {"period": "2026-03-20", "numerator": 5, "denominator": 9})
    assert "already has a value" in response.content.decode()


def test_a_value_is_corrected(login, member_a, point):
    url = reverse("pdsa:data_point_edit", args=[point.pk])
    response = login(member_a).post(url, {"numerator": 30, "denominator": 20, "version": 1})
    assert "more than the denominator" in response.content.decode()
    data = {"numerator": 9, "denominator": 20, "note": "Recount", "version": 1}
    login(member_a).post(url, data)
    point.refresh_from_db()
    assert (point.numerator, point.note) == (9, "Recount")


def test_a_patient_rep_cannot_enter_data(login, patient_rep, measure):
    url = reverse("pdsa:measure_data", args=[measure.pk])
    response = login(patient_rep).post(
        url, {"period": "2026-03-09", "numerator": 4, "denominator": 9}
    )
    assert response.status_code == 403
    assert not DataPoint.objects.exists()


def test_a_bad_csv_lists_each_bad_row_and_imports_nothing(login, member_a, measure):
    upload = SimpleUploadedFile(
        "data.csv", b"period,numerator,denominator\n2026-01,5,20\n2026-02,25,20\n"
    )
    response = login(member_a).post(
        reverse("pdsa:measure_import", args=[measure.pk]), {"file": upload}
    )
    page = response.content.decode()
    assert "Row 3: The numerator cannot be more than the denominator." in page
    assert "Nothing was imported" in page
    assert not DataPoint.objects.exists()


def test_a_good_csv_is_imported_and_exported(login, member_a, measure):
    upload = SimpleUploadedFile("data.csv", b"period,numerator,denominator\n2026-01,5,20\n")
    client = login(member_a)
    client.post(reverse("pdsa:measure_import", args=[measure.pk]), {"file": upload})
    export = client.get(reverse("pdsa:measure_export", args=[measure.pk]))
    assert export["Content-Type"].startswith("text/csv")
    assert export.content.decode().splitlines()[1] == "2026-01-01,5,20,"


def test_the_chart_page_shows_the_spc_chart_with_flags_explained_and_a_table(
    login, member_a, plan, cycle
):
    measure = MeasureFactory(plan=plan, data_type="continuous", numerator="", denominator="")
    values = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10, 11, 9, 15, 16, 15, 17, 16, 15, 16, 17]
    for i, value in enumerate(values):
        DataPointFactory(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            value=value,
            numerator=None,
            denominator=None,
        )
    with write_guard.unmarked_writes("test data set behind the services"):
        PDSACycle.objects.filter(pk=cycle.pk).update(start_date=date(2026, 1, 10))
    url = reverse("pdsa:measure_chart", args=[measure.pk])
    run_page = login(member_a).get(url).content.decode()
    assert "Run chart of" in run_page and "Median" in run_page
    page = login(member_a).get(url + "?chart=spc").content.decode()
    assert "XmR chart of" in page
    assert "<svg" in page and 'fill="#00b0f0"' in page
    assert "Special cause: improvement (high)" in page
    assert "This point is" in page  # each flag explained in words
    assert "PDSA 1: Leaflet" in page
    assert '<th scope="row">Aug 2026</th>' in page
    # The form to recalculate the limits belongs with the limits: on the SPC tab only.
    assert "Recalculate the limits" in page and "Recalculate the limits" not in run_page
    assert "Edit the measure" in run_page
    # No target: the legend names none.
    assert ">Target<" not in page


def test_a_p_chart_baseline_freezes_the_limits_and_the_page_says_how(login, member_a, plan):
    measure = MeasureFactory(plan=plan, baseline_end=date(2025, 12, 1))
    assert measure.is_proportion
    for i in range(16):
        DataPointFactory(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            numerator=5 if i < 12 else 10,
            denominator=20,
        )
    url = reverse("pdsa:measure_chart", args=[measure.pk])
    page = login(member_a).get(url + "?chart=spc").content.decode()
    assert "Limits frozen from the first 12 periods" in page
    assert "total numerator divided by their total denominator (25.0%)" in page
    assert page.count("<td>25.0%</td>") >= 16  # the centre stays on the baseline's


def test_a_rebase_is_set_by_the_team(login, member_a, measure, point):
    url = reverse("pdsa:measure_rebase", args=[measure.pk])
    data = {"rebased_from": "2026-01-01", "rebase_reason": "Leaflet adopted", "version": 1}
    login(member_a).post(url, data)
    assert Measure.objects.get(pk=measure.pk).rebased_from == date(2026, 1, 1)


# PDSA cycles --------------------------------------------------------------------------------


def test_a_member_takes_a_cycle_through_every_stage(login, member_a, plan, change_idea):
    client = login(member_a)
    client.post(
        reverse("pdsa:cycle_create", args=[plan.pk]),
        {"title": "Leaflet", "change_idea": change_idea.pk, "objective": "Try it for a week"},
    )
    cycle = PDSACycle.objects.get()
    detail = reverse("pdsa:cycle_detail", args=[cycle.pk])
    client.post(
        reverse("pdsa:cycle_question_add", args=[cycle.pk]),
        {"question": "Will GPs use it?", "prediction": "Yes"},
    )
    base = {"title": "Leaflet", "objective": "Try it for a week"}

    def save(**fields):
        cycle.refresh_from_db()
        data = {**base, "version": cycle.version, **fields}
        return client.post(reverse("pdsa:cycle_edit", args=[cycle.pk]), data)

    def advance():
        cycle.refresh_from_db()
        client.post(
            reverse("pdsa:cycle_advance", args=[cycle.pk]),
            {"version": cycle.version, "stage": cycle.stage},
        )
        cycle.refresh_from_db()
        return cycle.stage

    assert advance() == Stage.DO
    assert advance() == Stage.DO  # Study needs Do filled in
    save(what_happened="We did it")
    assert advance() == Stage.STUDY
    question = cycle.questions.get()
    save(what_happened="We did it", learning="It works", **{f"result_{question.pk}": "Yes"})
    assert advance() == Stage.ACT
    save(what_happened="We did it", learning="It works", decision="adopt", next_changes="More")
    response = client.post(reverse("pdsa:cycle_next", args=[cycle.pk]))
    new = PDSACycle.objects.get(previous=cycle)
    assert response.url == reverse("pdsa:cycle_detail", args=[new.pk])
    assert client.get(detail).status_code == 200


@pytest.mark.parametrize("version", ["", "abc", "99999999999999999999", None])
def test_advancing_with_a_missing_or_bad_version_says_so_and_changes_nothing(
    login, member_a, cycle, version
):
    data = {"stage": "plan"} if version is None else {"version": version, "stage": "plan"}
    client = login(member_a)
    response = client.post(reverse("pdsa:cycle_advance", args=[cycle.pk]), data, follow=True)
    assert response.status_code == 200
    assert "reload the page" in response.content.decode()
    assert PDSACycle.objects.get(pk=cycle.pk).stage == Stage.PLAN


def test_a_stale_move_to_do_click_says_the_cycle_has_moved_on(login, member_a, cycle):
    opened_at = cycle.version
    with write_guard.unmarked_writes("a colleague's move set up behind the services"):
        PDSACycle.objects.filter(pk=cycle.pk).update(
            stage=Stage.DO, start_date=date(2026, 2, 2), version=opened_at + 1
        )
    response = login(member_a).post(
        reverse("pdsa:cycle_advance", args=[cycle.pk]),
        {"version": opened_at, "stage": "plan"},
        follow=True,
    )
    [message] = [str(m) for m in response.context["messages"]]
    assert message.startswith("Someone else changed this cycle after you opened the page")
    assert "It is now at the Do stage." in message
    assert PDSACycle.objects.get(pk=cycle.pk).stage == Stage.DO


def test_a_stale_cycle_form_is_refused_with_both_versions_shown(login, member_a, cycle):
    with write_guard.unmarked_writes("test data set behind the services"):
        PDSACycle.objects.filter(pk=cycle.pk).update(objective="Saved by a colleague", version=2)
    response = login(member_a).post(
        reverse("pdsa:cycle_edit", args=[cycle.pk]),
        {"title": "Leaflet", "objective": "My stale text", "version": 1},
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "saved this after you opened it" in page
    assert "Saved by a colleague" in page and "My stale text" in page
    assert PDSACycle.objects.get(pk=cycle.pk).objective == "Saved by a colleague"


def test_the_cycle_page_shows_the_edit_history(login, member_a, cycle):
    login(member_a).post(
        reverse("pdsa:cycle_edit", args=[cycle.pk]),
        {
            "title": "Leaflet",
            "objective": "Sharper objective",
            "owner": member_a.pk,
            "change_idea": cycle.change_idea_id,
            "version": cycle.version,
        },
    )
    page = login(member_a).get(reverse("pdsa:cycle_detail", args=[cycle.pk])).content.decode()
    assert "Edit history" in page
    assert "Dr Amy A: objective of this cycle: Sharper objective" in page


def test_a_patient_rep_comments_on_a_cycle(login, patient_rep, cycle):
    url = reverse("pdsa:cycle_comment", args=[cycle.pk])
    login(patient_rep).post(url, {"body": "The leaflet reads well."})
    assert CycleComment.objects.get().author == patient_rep


def test_a_programme_lead_views_but_does_not_comment(login, lead, cycle):
    url = reverse("pdsa:cycle_comment", args=[cycle.pk])
    assert login(lead).post(url, {"body": "Hello"}).status_code == 403


def test_a_cycle_is_abandoned_with_a_reason(login, member_a, cycle):
    login(member_a).post(reverse("pdsa:cycle_abandon", args=[cycle.pk]), {"reason": "No staff"})
    assert PDSACycle.objects.get(pk=cycle.pk).stage == Stage.ABANDONED


# Query budgets ------------------------------------------------------------------------------


def _work(practice, plans):
    for p in range(plans):
        plan = ImprovementPlanFactory(practice=practice)
        driver = DriverFactory(plan=plan)
        idea = ChangeIdeaFactory(plan=plan, driver=driver)
        for m in range(3):
            measure = MeasureFactory(plan=plan, name=f"M{p}-{m}")
            for i in range(14):
                DataPointFactory(measure=measure, period=date(2025 + i // 12, i % 12 + 1, 1))
        for stage in ["plan", "do", "study", "act", "complete"]:
            cycle = PDSACycleFactory(plan=plan, change_idea=idea, stage=stage)
            CycleQuestionFactory(cycle=cycle)


@pytest.mark.parametrize("plans", [1, 4])
def test_the_practice_dashboard_has_a_fixed_query_budget(
    login, member_a, practice_a, plans, django_assert_max_num_queries
):
    _work(practice_a, plans)
    client = login(member_a)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("pdsa:practice_dashboard", args=[practice_a.pk]))
    assert len(response.context["dashboard"].measures) == 3 * plans


@pytest.mark.parametrize("plans", [1, 4])
def test_the_practice_page_summary_has_a_fixed_query_budget(
    login, member_a, practice_a, plans, django_assert_max_num_queries
):
    _work(practice_a, plans)
    client = login(member_a)
    # The same count for 1 and 4 plans; 17 since the page also shows the visit log's summary.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("practice_detail", args=[practice_a.pk]))
    assert "Improvement work" in response.content.decode()


@pytest.mark.parametrize("ideas", [1, 6])
def test_the_plan_page_has_a_fixed_query_budget(
    login, member_a, plan, ideas, django_assert_max_num_queries
):
    for _ in range(ideas):
        primary = DriverFactory(plan=plan)
        secondary = DriverFactory(plan=plan, level="secondary", parent=primary)
        idea = ChangeIdeaFactory(plan=plan, driver=secondary)
        PDSACycleFactory(plan=plan, change_idea=idea)
        measure = MeasureFactory(plan=plan)
        for i in range(13):
            DataPointFactory(measure=measure, period=date(2025 + i // 12, i % 12 + 1, 1))
    LibraryMeasureFactory.create_batch(ideas)
    client = login(member_a)
    with django_assert_max_num_queries(20):
        client.get(reverse("pdsa:plan_detail", args=[plan.pk]))


@pytest.mark.parametrize("count", [2, 12])
def test_the_cycle_page_has_a_fixed_query_budget(
    login, member_a, cycle, count, django_assert_max_num_queries
):
    for i in range(count):
        CycleQuestionFactory(cycle=cycle, question=f"Q{i}")
        CycleComment.objects.create(cycle=cycle, author=member_a, body=f"C{i}")
    client = login(member_a)
    with django_assert_max_num_queries(24):
        client.get(reverse("pdsa:cycle_detail", args=[cycle.pk]))


@pytest.mark.parametrize("count", [2, 20])
def test_the_library_list_has_a_fixed_query_budget(
    login, member_a, count, django_assert_max_num_queries
):
    LibraryMeasureFactory.create_batch(count)
    client = login(member_a)
    with django_assert_max_num_queries(8):
        client.get(reverse("pdsa:library_list"))


@pytest.mark.parametrize(("name", "fixture"), READ_PAGES[:-2] + EDIT_PAGES[1:4])
def test_pages_keep_to_the_content_security_policy(
    login, member_a, request, name, fixture, question
):
    """No inline styles, event handlers or inline scripts: the policy would block them."""
    page = login(member_a).get(_url(request, name, fixture)).content.decode()
    assert "style=" not in page
    assert " onclick=" not in page and " onchange=" not in page
    assert page.count("<script") == page.count("<script src=")


def test_the_library_pages_need_a_signed_in_user(client, library_measure):
    for url in [
        reverse("pdsa:library_list"),
        reverse("pdsa:library_create"),
        reverse("pdsa:library_edit", args=[library_measure.pk]),
    ]:
        assert client.get(url).url.startswith(reverse("login"))


def test_a_weekly_count_is_charted_with_week_labels(login, member_a, plan):
    measure = MeasureFactory(
        plan=plan, data_type="count", frequency="weekly", numerator="", denominator=""
    )
    for week in range(14):
        DataPointFactory(
            measure=measure,
            period=date(2026, 1, 5) + timedelta(weeks=week),
            value=week % 4,
            numerator=None,
            denominator=None,
        )
    page = login(member_a).get(reverse("pdsa:measure_chart", args=[measure.pk]) + "?chart=spc")
    assert page.context["analysis"].kind == "xmr"
    assert "5 Jan 2026" in page.content.decode() and "6 Apr 2026" in page.content.decode()


def test_a_patient_rep_sees_the_practice_work_without_edit_buttons(
    login, patient_rep, practice_a, plan, measure
):
    page = login(patient_rep).get(reverse("pdsa:practice_dashboard", args=[practice_a.pk]))
    assert plan.title in page.content.decode()
    assert "Start an improvement plan" not in page.content.decode()


def test_a_measures_numerator_text_is_shown_escaped_not_as_markup(login, facilitator, measure):
    planted = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    measure.numerator = planted
    measure.denominator = "<b>Patients</b>"
    measure.save()
    page = login(facilitator).get(reverse("pdsa:measure_data", args=[measure.pk]))
    html = page.content.decode()
    assert planted not in html and "<b>Patients</b>" not in html
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in html


HEADER = b"period,numerator,denominator,note\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (HEADER + b"2026-01,5,20,a\x00b\n", "NUL character"),
        (HEADER + b"2026-01,inf,20,\n", "not a number that can be charted"),
        (HEADER + b"2026-01,5,1e400,\n", "not a number that can be charted"),
        (HEADER + b"2026-01,nan,20,\n", "not a number that can be charted"),
        (HEADER + b"2026-01,5,20," + b"x" * 131_073 + b"\n", "could not be read as CSV"),
        (HEADER + b"2026-01,5,20\n" * 2001, "more than 2,000 rows"),
    ],
    ids=["nul", "inf", "1e400", "nan", "huge-field", "too-many-rows"],
)
def test_a_hostile_csv_gets_a_clear_message_and_imports_nothing(
    login, member_a, measure, body, message
):
    upload = SimpleUploadedFile("data.csv", body)
    response = login(member_a).post(
        reverse("pdsa:measure_import", args=[measure.pk]), {"file": upload}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "Nothing was imported" in page
    assert not DataPoint.objects.exists()


def test_a_70000_row_csv_is_refused_quickly_and_the_limit_is_on_the_form(login, member_a, measure):
    rows = b"".join(b"%d-%02d,5,20\n" % (2000 + n // 12, n % 12 + 1) for n in range(70_000))
    client = login(member_a)
    assert (
        "At most 2,000 rows"
        in client.get(reverse("pdsa:measure_import", args=[measure.pk])).content.decode()
    )
    started = time.monotonic()
    response = client.post(
        reverse("pdsa:measure_import", args=[measure.pk]),
        {"file": SimpleUploadedFile("data.csv", b"period,numerator,denominator\n" + rows)},
    )
    assert time.monotonic() - started < 5
    assert "more than 2,000 rows" in response.content.decode()
    assert not DataPoint.objects.exists()


def test_each_measure_on_the_practice_dashboard_has_a_sparkline_of_its_last_periods(
    login, member_a, practice_a
):
    plan = ImprovementPlanFactory(practice=practice_a)
    measure = MeasureFactory(plan=plan, name="Imaging <rate>", data_type="count")
    for i in range(14):
        DataPointFactory(
            measure=measure,
            period=date(2025 + i // 12, i % 12 + 1, 1),
            value=i,
            numerator=None,
            denominator=None,
        )
    MeasureFactory(plan=plan, name="No data yet")
    response = login(member_a).get(reverse("pdsa:practice_dashboard", args=[practice_a.pk]))
    assert response.context["dashboard"].recent[measure.pk] == [float(i) for i in range(2, 14)]
    page = response.content.decode()
    assert page.count('class="qi-spark"') == 2
    assert "Imaging &lt;rate&gt;, last 12 periods: 2, 3, 4" in page
    assert "No data yet: no data yet" in page
