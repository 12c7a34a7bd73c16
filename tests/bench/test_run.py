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
