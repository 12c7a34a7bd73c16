"""Dashboard selectors: the light measure rows agree with the model."""

import pytest

from dashboards.selectors import MeasureCell
from pdsa.models import Measure


@pytest.mark.parametrize(
    ("data_type", "improvement", "target", "latest_value"),
    [
        ("proportion", "increase", 50, 0.6),
        ("proportion", "increase", 50, 0.4),
        ("proportion", "decrease", 20, 0.1),
        ("count", "decrease", 5, 7.0),
        ("count", "increase", None, 7.0),
        ("count", "increase", 5, None),
    ],
)
def test_a_measure_cell_judges_the_target_as_the_measure_does(
    data_type, improvement, target, latest_value
):
    values = {
        "pk": 1,
        "name": "Advice given",
        "kind": "outcome",
        "data_type": data_type,
        "improvement": improvement,
        "target": target,
        "plan_id": 1,
        "latest_variation": "concern_low",
        "latest_assurance": "fail",
        "latest_value": latest_value,
        "point_count": 20,
        "shows_improvement": True,
        "improvement_sustained": False,
    }
    measure = Measure(**values)
    cell = MeasureCell(practice_id=1, **values)
    assert cell.target_met == measure.target_met
    assert (cell.variation, cell.assurance) == (measure.variation, measure.assurance)
