"""The benchmark's data builders and page list, at a tiny size, so `make bench` keeps working."""

import importlib.util
import random
import sys
from datetime import date
from pathlib import Path

import pytest

from practices.models import AgreedAction, FacilitatorAssignment, Practice, Visit

spec = importlib.util.spec_from_file_location(
    "bench_run", Path(__file__).resolve().parents[2] / "bench" / "run.py"
)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up while it loads
spec.loader.exec_module(bench)


@pytest.fixture
def world(db):
    world = bench.World(practices_count=4, rng=random.Random(1), today=date(2026, 11, 26))
    for builder in bench.BUILDERS:
        builder(world)
    return world


def test_the_builders_make_a_programme_of_the_asked_size(world):
    assert Practice.objects.count() == 4
    assert len(world.facilitators) == 2
    assert Visit.objects.count() == 80
    assert AgreedAction.objects.exists()
    # One practice in ten has a handover in its history.
    assert FacilitatorAssignment.objects.filter(ended_on__isnull=False).count() == 1


def test_every_timed_page_answers_for_its_user(world, client):
    for page in bench.pages(world):
        if page.user is not None:
            client.force_login(page.user, backend="django.contrib.auth.backends.ModelBackend")
        else:
            client.logout()
        assert client.get(page.path).status_code == 200, page.name


def test_the_improvement_work_has_the_issues_proportions(world):
    from pdsa.models import DataPoint, ImprovementPlan, Measure, PDSACycle

    assert ImprovementPlan.objects.count() == 4 * bench.PLANS_PER_PRACTICE
    assert PDSACycle.objects.count() == 4 * bench.PLANS_PER_PRACTICE * bench.CYCLES_PER_PLAN
    measures = 4 * bench.PLANS_PER_PRACTICE * bench.MEASURES_PER_PLAN
    assert Measure.objects.count() == measures
    assert DataPoint.objects.count() == measures * bench.PERIODS
    # The kept summaries are filled in, as the services would have done.
    assert not Measure.objects.filter(point_count=0).exists()
    assert Measure.objects.exclude(latest_variation="").exists()


def test_the_dashboard_pages_are_timed(world):
    names = [page.name for page in bench.pages(world)]
    for expected in ("facilitator dashboard", "programme dashboard", "measure chart", "PDSA cycle"):
        assert any(name.startswith(expected) for name in names), expected


class FakeServer:
    """Stands in for the PostgreSQL server: records statements, knows some databases."""

    def __init__(self, existing):
        self.existing = set(existing)
        self.statements = []
        self.connected_to = []

    def connect(self, url):
        self.connected_to.append(url)
        server = self

        class Cursor:
            result = None

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

            def execute(self, sql, params=None):
                server.statements.append(sql)
                if sql.startswith("SELECT 1 FROM pg_database"):
                    self.result = (1,) if params[0] in server.existing else None
                elif sql.startswith("SHOW"):
                    self.result = ("15",)
                elif sql.startswith("CREATE DATABASE"):
                    server.existing.add(sql.split()[-1])

            def fetchone(self):
                return self.result

        class Connection:
            def cursor(self):
                return Cursor()

            def close(self):
                pass

        return Connection()


def _args(**overrides):
    import argparse

    values = {"database_url": None, "database_name": "qi_bench", "keep": False, "reuse": False}
    return argparse.Namespace(**{**values, **overrides})


def test_the_bench_refuses_a_database_it_did_not_create(monkeypatch):
    server = FakeServer(existing={"qi_bench"})
    monkeypatch.setattr(bench, "_admin_connection", server.connect)

    with pytest.raises(SystemExit, match="already exists"):
        bench.fresh_database(_args())

    assert not any(s.startswith(("DROP", "CREATE")) for s in server.statements)


def test_the_bench_drops_only_the_database_it_created(monkeypatch):
    server = FakeServer(existing=set())
    monkeypatch.setattr(bench, "_admin_connection", server.connect)

    url, drop, _ = bench.fresh_database(_args(database_name="qi_bench_two"))
    drop()

    assert url.endswith("/qi_bench_two")
    assert server.statements[-1] == "DROP DATABASE IF EXISTS qi_bench_two WITH (FORCE)"


def test_the_bench_creates_its_database_on_the_server_database_url_names(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://bench:secret@db.example:6543/app")
    server = FakeServer(existing=set())
    monkeypatch.setattr(bench, "_admin_connection", server.connect)

    url, _, _ = bench.fresh_database(_args())

    assert server.connected_to == ["postgres://bench:secret@db.example:6543/app"]
    assert url == "postgres://bench:secret@db.example:6543/qi_bench"


def test_a_database_given_by_url_is_filled_and_never_dropped(monkeypatch):
    monkeypatch.setattr(bench, "_admin_connection", lambda url: pytest.fail("no server needed"))

    url, drop, _ = bench.fresh_database(_args(database_url="postgres://h/given"))
    drop()

    assert url == "postgres://h/given"


def test_the_sections_follow_the_page_table_and_a_new_one_is_a_function():
    assert bench.statistics_section in bench.SECTIONS
    assert bench.load_section in bench.SECTIONS
    assert bench.time_demo_report in bench.SECTIONS
