"""A measure's chart on a 390 px phone: text at least 11 px, no two texts overlapping."""

from datetime import date

import pytest

from tests.pdsa.factories import (
    DataPointFactory,
    ImprovementPlanFactory,
    MeasureFactory,
    PDSACycleFactory,
)

# Each text's drawn size (font size times the SVG's scale) and its box on the page.
TEXTS = """() => [...document.querySelectorAll('svg.qi-chart text')].map(t => {
  const box = t.getBoundingClientRect();
  const px = parseFloat(t.getAttribute('font-size')) * t.getScreenCTM().a;
  return {text: t.textContent, px, left: box.left, right: box.right, top: box.top,
          bottom: box.bottom};
})"""


def _overlaps(a, b) -> bool:
    slack = 0.5
    return (
        a["left"] < b["right"] - slack
        and b["left"] < a["right"] - slack
        and a["top"] < b["bottom"] - slack
        and b["top"] < a["bottom"] - slack
    )


@pytest.mark.parametrize("tab", ["run", "spc"])
def test_chart_text_is_readable_and_never_overlaps_on_a_phone(
    page, sign_in, member_a, practice_a, tab
):
    plan = ImprovementPlanFactory(practice=practice_a, title="Advice")
    plan.team.add(member_a)
    measure = MeasureFactory(plan=plan, data_type="count", numerator="", denominator="", target=8)
    for i in range(48):
        DataPointFactory(
            measure=measure,
            period=date(2022 + i // 12, i % 12 + 1, 1),
            value=5 + (i % 5) + (4 if i > 30 else 0),
            numerator=None,
            denominator=None,
        )
    for month in (30, 31, 32):  # three cycles in a row, and one after the data
        PDSACycleFactory(plan=plan, title=f"Cycle {month}", start_date=date(2024, month - 23, 3))
    PDSACycleFactory(plan=plan, title="Later", start_date=date(2027, 1, 3))
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(member_a)
    page.goto(f"/pdsa/measures/{measure.pk}/chart/?chart={tab}")
    texts = page.evaluate(TEXTS)
    assert len(texts) > 10
    assert min(t["px"] for t in texts) >= 11
    assert max(t["right"] for t in texts) <= 390
    clashes = [
        (a["text"], b["text"])
        for i, a in enumerate(texts)
        for b in texts[i + 1 :]
        if _overlaps(a, b)
    ]
    assert clashes == []
    assert "Later" not in page.locator("svg.qi-chart").inner_html()
