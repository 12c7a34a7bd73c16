"""The API's contract, endpoint by endpoint and persona by persona."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from tests.api.conftest import Api
from tests.api.factories import make_token
from tests.pdsa.factories import DataPointFactory, MeasureFactory, PDSACycleFactory

LISTS = ["practice", "plan", "measure", "data_point", "cycle", "audit_round"]


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def detail(name: str, obj) -> str:
    return reverse(f"api:{name}_detail", args=[obj.pk])


def a_objects(work, practice_a):
    return {
        "practice": practice_a,
        "plan": work["plan"],
        "measure": work["monthly"],
        "data_point": work["monthly"].data_points.get(),
        "cycle": work["cycle"],
        "audit_round": work["round"],
    }


def b_objects(work, practice_b):
    return {
        "practice": practice_b,
        "plan": work["plan_b"],
        "measure": work["measure_b"],
        "data_point": work["measure_b"].data_points.get(),
        "cycle": work["cycle_b"],
    }


# Who sees what: the web pages' rules ---------------------------------------------------------


READERS_OF_A = ["member_a", "facilitator", "patient_rep", "lead", "staff"]


@pytest.mark.parametrize("name", LISTS)
def test_everyone_who_may_see_practice_a_reads_its_work(request, api, work, practice_a, name):
    obj = a_objects(work, practice_a)[name]
    for persona in READERS_OF_A:
        client = api(request.getfixturevalue(persona), "read")

        assert obj.pk in ids(client.get(reverse(f"api:{name}_list"))), persona
        response = client.get(detail(name, obj))
        assert response.status_code == 200, persona
        assert response.json()["id"] == obj.pk


@pytest.mark.parametrize("name", LISTS)
def test_an_outsider_gets_404_for_practice_a_and_does_not_see_it_listed(
    api, work, practice_a, member_b, name
):
    client = api(member_b)
    obj = a_objects(work, practice_a)[name]

    assert obj.pk not in ids(client.get(reverse(f"api:{name}_list")))
    assert client.get(detail(name, obj)).status_code == 404


def test_practice_a_people_get_404_for_practice_b(request, api, work, practice_b):
    for persona in ["member_a", "facilitator", "patient_rep"]:
        client = api(request.getfixturevalue(persona))
        for name, obj in b_objects(work, practice_b).items():
            assert client.get(detail(name, obj)).status_code == 404, (persona, name)


def test_a_programme_lead_and_staff_see_both_practices(api, work, lead, staff, practice_a):
    for person in (lead, staff):
        assert len(ids(api(person, "read").get(reverse("api:practice_list")))) == 2


def test_the_measure_carries_its_latest_analysis(api, work, member_a):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    api(member_a).post(url, [{"period": "2026-02", "numerator": 9, "denominator": 20}])

    latest = api(member_a).get(detail("measure", work["monthly"])).json()["latest"]

    assert latest["period"] == "2026-02"
    assert latest["value"] == pytest.approx(0.45)
    assert latest["point_count"] == 2
    assert latest["variation"] is None
    assert latest["variation_label"] == "Not enough data for SPC"


def test_weekly_data_points_are_named_by_iso_week(api, work, member_a):
    DataPointFactory(
        measure=work["weekly"], period=date(2026, 10, 19), value=3, numerator=None, denominator=None
    )
    rows = api(member_a).get(reverse("api:data_point_list"), {"measure": work["weekly"].pk})
    assert [row["period"] for row in rows.json()["results"]] == ["2026-W43"]
    assert rows.json()["results"][0]["period_start"] == "2026-10-19"


# Filters and pages --------------------------------------------------------------------------


def test_lists_filter_by_practice_plan_measure_and_period(api, work, staff, practice_b):
    client = api(staff, "read")
    monthly = work["monthly"]
    DataPointFactory(measure=monthly, period=date(2026, 3, 1))

    assert ids(client.get(reverse("api:plan_list"), {"practice": practice_b.pk})) == {
        work["plan_b"].pk
    }
    assert ids(client.get(reverse("api:measure_list"), {"plan": work["plan"].pk})) == {
        monthly.pk,
        work["weekly"].pk,
    }
    points = client.get(
        reverse("api:data_point_list"),
        {"measure": monthly.pk, "period_from": "2026-02-01", "period_to": "2026-12-31"},
    )
    assert [row["period"] for row in points.json()["results"]] == ["2026-03"]
    assert ids(client.get(reverse("api:cycle_list"), {"measure": monthly.pk})) == {work["cycle"].pk}
    rounds = reverse("api:audit_round_list")
    assert ids(client.get(rounds, {"period_from": "2026-03-01"})) == {work["round"].pk}
    assert ids(client.get(rounds, {"period_from": "2026-04-01"})) == set()


def test_a_bad_filter_is_a_400_naming_it(api, work, member_a):
    response = api(member_a).get(reverse("api:measure_list"), {"plan": "abc"})
    assert response.status_code == 400
    assert "plan" in response.json()


def test_lists_are_paginated(api, work, member_a):
    for n in range(3):
        MeasureFactory(plan=work["plan"], name=f"Extra {n}")
    page = api(member_a).get(reverse("api:measure_list"), {"page_size": 2}).json()
    assert page["count"] == 5
    assert len(page["results"]) == 2
    assert "page=2" in page["next"]


@pytest.mark.parametrize("name", LISTS)
def test_each_list_holds_a_query_budget(
    api, work, staff, practice_a, name, django_assert_max_num_queries
):
    for n in range(6):
        measure = MeasureFactory(plan=work["plan"], name=f"Budget {n}")
        DataPointFactory(measure=measure)
        PDSACycleFactory(plan=work["plan"]).measures.add(measure)
    client = api(staff, "read")
    client.get(reverse(f"api:{name}_list"))  # the token's last use is written once a minute
    # token, count, page, one prefetch at most, and the access subqueries run inside them
    with django_assert_max_num_queries(5):
        response = client.get(reverse(f"api:{name}_list"))
    assert response.status_code == 200


# Tokens: 401, 403, 429 ---------------------------------------------------------------------


def test_no_token_is_a_401_that_asks_for_a_bearer_token(work):
    response = Api(None).get(reverse("api:practice_list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("token", ["qi_nothing", "qi_0123456789ab_wrong", "", "Bearer x y"])
def test_a_bad_token_is_a_401(work, token):
    client = Api(None)
    client.headers = {"Authorization": f"Bearer {token}"}
    assert client.get(reverse("api:practice_list")).status_code == 401


def test_a_right_prefix_with_a_wrong_secret_is_a_401(work, member_a):
    token = make_token(member_a)
    assert Api(token[:-2] + "xx").get(reverse("api:practice_list")).status_code == 401


def test_a_signed_in_browser_session_does_not_open_the_api(login, member_a, work):
    assert login(member_a).get(reverse("api:practice_list")).status_code == 401


def test_an_expired_token_is_a_401(work, member_a):
    long_ago = timezone.now() - timedelta(days=10)
    token = make_token(member_a, days=7, now=long_ago)
    assert Api(token).get(reverse("api:practice_list")).status_code == 401


def test_a_revoked_token_is_a_401(work, member_a):
    token = make_token(member_a)
    services.token_revoke(api_token=ApiToken.objects.get())
    assert Api(token).get(reverse("api:practice_list")).status_code == 401


def test_a_deactivated_persons_token_is_a_401(work, member_a):
    token = make_token(member_a)
    member_a.is_active = False
    member_a.save()
    assert Api(token).get(reverse("api:practice_list")).status_code == 401


def test_a_read_token_writing_is_a_403_and_saves_nothing(api, work, member_a):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    response = api(member_a, "read").post(url, [{"period": "2026-10", "value": 1}])
    assert response.status_code == 403
    assert work["monthly"].data_points.count() == 1


def test_who_may_see_but_not_change_a_measure_gets_403_for_writing(api, work, patient_rep, lead):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    body = [{"period": "2026-10", "numerator": 1, "denominator": 2}]
    for person in (patient_rep, lead):
        assert api(person).post(url, body).status_code == 403, person


def test_who_may_change_the_measure_writes_its_data(api, work, member_a, facilitator, staff):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    for month, person in enumerate((member_a, facilitator, staff), start=10):
        body = [{"period": f"2026-{month}", "numerator": 1, "denominator": 2}]
        response = api(person).post(url, body)
        assert response.status_code == 200, person
        assert response.json()["created"] == [f"2026-{month}"]


def test_an_outsider_writing_gets_404(api, work, member_b):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    response = api(member_b).post(url, [{"period": "2026-10", "numerator": 1, "denominator": 2}])
    assert response.status_code == 404
    assert work["monthly"].data_points.count() == 1


def test_no_token_writing_is_a_401(work):
    url = reverse("api:measure_data", args=[work["monthly"].pk])
    assert Api(None).post(url, [{"period": "2026-10", "value": 1}]).status_code == 401


def test_past_the_rate_limit_a_token_gets_429_with_retry_after(api, work, member_a, settings):
    settings.API_RATE_LIMIT = "3/min"
    client, other = api(member_a), api(member_a, "read")
    statuses = [client.get(reverse("api:practice_list")).status_code for _ in range(3)]
    refused = client.get(reverse("api:practice_list"))

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert other.get(reverse("api:practice_list")).status_code == 200  # counted per token


def test_a_use_is_recorded_at_most_once_a_minute(api, work, member_a, time_machine):
    time_machine.move_to(timezone.now())
    client = api(member_a)
    client.get(reverse("api:practice_list"))
    first = ApiToken.objects.get().last_used_at
    client.get(reverse("api:practice_list"))
    assert ApiToken.objects.get().last_used_at == first
    time_machine.shift(timedelta(seconds=61))
    client.get(reverse("api:practice_list"))
    assert ApiToken.objects.get().last_used_at > first


def test_api_answers_are_never_cached(api, work, member_a):
    response = api(member_a).get(reverse("api:practice_list"))
    assert "no-store" in response["Cache-Control"]
