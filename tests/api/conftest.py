"""An API client that sends a bearer token, and the world its tests read and write."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.api.factories import make_token
from tests.audits.factories import make_round, make_template
from tests.pdsa.factories import (
    DataPointFactory,
    ImprovementPlanFactory,
    MeasureFactory,
    PDSACycleFactory,
)


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """The rate limit counts in the cache, by token id: each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


class Api:
    """A test client speaking JSON with `Authorization: Bearer <token>` (or none)."""

    def __init__(self, token: str | None):
        self.client = Client(raise_request_exception=False)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, url, params=None):
        return self.client.get(url, params or {}, headers=self.headers)

    def post(self, url, body):
        return self.client.post(url, body, content_type="application/json", headers=self.headers)


@pytest.fixture
def api():
    """`api(user)` is a client with a write token of the user; `api(user, "read")` reads only;
    `api(None)` sends no token."""

    def _api(user, scope="write"):
        return Api(make_token(user, scope=scope) if user is not None else None)

    return _api


@pytest.fixture
def work(practice_a, practice_b, member_a, member_b):
    """Practice A's plan with a monthly proportion measure, a weekly count measure, data, a
    cycle and an audit round; practice B's plan and measure (what A's people may not see)."""
    plan = ImprovementPlanFactory(practice=practice_a, title="Self-management advice")
    monthly = MeasureFactory(plan=plan, name="Advice given")
    weekly = MeasureFactory(
        plan=plan,
        name="Scans requested",
        data_type="count",
        frequency="weekly",
        numerator="",
        denominator="",
        improvement="decrease",
    )
    DataPointFactory(measure=monthly)
    cycle = PDSACycleFactory(plan=plan, title="Leaflet")
    cycle.measures.add(monthly)
    audit_round = make_round(practice_a, make_template())
    plan_b = ImprovementPlanFactory(practice=practice_b, title="Stratify first")
    measure_b = MeasureFactory(plan=plan_b, name="Stratified")
    DataPointFactory(measure=measure_b)
    return {
        "plan": plan,
        "monthly": monthly,
        "weekly": weekly,
        "cycle": cycle,
        "round": audit_round,
        "plan_b": plan_b,
        "measure_b": measure_b,
        "cycle_b": PDSACycleFactory(plan=plan_b),
    }
