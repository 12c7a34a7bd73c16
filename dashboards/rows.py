"""Dashboard rows built in Python: 50 rows of 10 columns cost too much through the template engine.

Every text value goes through `_e` (the standard library's html.escape, which is what
Django's escape() calls, without its lazy-string checks: a page escapes ~5,000 values).
URLs come from one reverse() per kind with the pk put in place, and dates are formatted as
the `date:"j M Y"` filter formats them (local time, English month abbreviations).
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from pdsa.charts import ASSURANCE_LABELS, VARIATION_LABELS
from qiproject import charts

PLACEHOLDER = 999999999
MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _e(value) -> str:
    return escape(str(value))


def _url_pattern(name: str) -> str:
    # reverse() once per page, then the pk goes in by str.format (pks are integers).
    return reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")


def _day(value) -> str:
    """A date or an aware datetime as "3 Mar 2027" in local time (like the date filter)."""
    if hasattr(value, "tzinfo") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.day} {MONTHS[value.month]} {value.year}"


@lru_cache(maxsize=64)
def _icons(variation: str, assurance: str) -> str:
    # Only a handful of (variation, assurance) pairs exist, so each is drawn once per process.
    # Drawn from the sprite the dashboard templates include once (charts.icon_sprite).
    return charts.variation_use(
        variation or None, VARIATION_LABELS.get(variation, "Not enough data for SPC")
    ) + charts.assurance_use(assurance or None, ASSURANCE_LABELS.get(assurance, ""))


def _link(measure, chart_url: str) -> str:
    # qiproject.charts escapes the icons' labels. The measure's name shows on hover and on keyboard
    # focus (static/css/app.css draws data-label), and is read out from the hidden text.
    name = _e(measure.name)
    return (
        f'<a class="qi-m" href="{chart_url.format(measure.pk)}" data-label="{name}">'
        f'<span class="visually-hidden">{name}: </span>'
        f"{_icons(measure.latest_variation, measure.latest_assurance)}</a>"
    )


def measure_icons(measures, chart_url: str) -> SafeString:
    """Each measure's latest variation and assurance icons, linked to its chart."""
    if not measures:
        return mark_safe('<span class="text-body-secondary">No measures</span>')
    return mark_safe("".join(_link(m, chart_url) for m in measures))


def measure_icon(measure, chart_url: str) -> SafeString:
    """One measure's icons linked to its chart, or a dash when the practice lacks it."""
    if measure is None:
        return mark_safe('<span class="visually-hidden">No such measure</span>–')
    return mark_safe(_link(measure, chart_url))


class _Urls:
    def __init__(self):
        self.practice = _url_pattern("pdsa:practice_dashboard")
        self.plan = _url_pattern("pdsa:plan_detail")
        self.cycle = _url_pattern("pdsa:cycle_detail")
        self.actions = _url_pattern("action_list")
        self.visits = _url_pattern("visit_list")
        self.chart = _url_pattern("pdsa:measure_chart")


def _practice_cell(row, urls) -> tuple[str, str]:
    """The practice's heading cell, in two pieces around its facilitator's name (which is not
    kept in the cached row: it is read with the list of practices, so renaming a facilitator
    changes no row)."""
    practice = row.practice
    badge = (
        '<span class="badge text-bg-danger">Needs attention</span>'
        f'<div class="small">{_e(", ".join(practice.attention_reasons))}</div>'
        if practice.attention
        else ""
    )
    return (
        f'<th scope="row">\n        <a href="{urls.practice.format(practice.pk)}">'
        f"{_e(practice.name)}</a>\n"
        f'        <div class="small text-body-secondary">{_e(practice.ods_code)} · ',
        f"</div>\n        {badge}\n      </th>",
    )


def facilitator_text(facilitator) -> str:
    """The facilitator's name as a row shows it (str(user): full name, else email)."""
    return _e(facilitator) if facilitator else "No facilitator"


def workshop_cell(starts_at) -> str:
    """The next workshop's cell (shared by every practice of a programme)."""
    if starts_at is None:
        return '<td class="text-nowrap">None planned</td>'
    return f'<td class="text-nowrap">{_day(starts_at)}</td>'


def _plans_cell(row, urls) -> str:
    if not row.plans:
        return '<td><span class="text-body-secondary">No plans</span></td>'
    plans = "".join(
        f'<div><a href="{urls.plan.format(plan.pk)}">{_e(plan.title)}</a>: '
        f"{_e(localize(plan.score_set)) if plan.score_set else 'not set'} / "
        f"{_e(localize(plan.suggestion.score))}</div>"
        for plan in row.plans
    )
    return f"<td>{plans}</td>"


def _stages_cell(row) -> str:
    stages = "<br>".join(f"{_e(label)} {count}" for label, count in row.stage_counts)
    return f'<td class="text-nowrap">{stages}</td>'


def _stale_cell(row, urls) -> str:
    stale = row.stale_cycles
    if not stale:
        return "<td>None</td>"
    items = "".join(
        f'<li><a href="{urls.cycle.format(cycle.pk)}">{_e(cycle.title)}</a> '
        f"(last updated {_day(cycle.updated_at)})</li>"
        for cycle in stale[:3]
    )
    if len(stale) > 3:
        items += f"<li>and {len(stale) - 3} more, longest untouched first</li>"
    return (
        f'<td><span class="badge text-bg-warning">{len(stale)} stale</span>'
        f'<ul class="list-unstyled small mb-0">{items}</ul></td>'
    )


def _actions_cell(row, urls, today) -> str:
    summary = row.visits
    overdue = summary.overdue_count(today)
    badge = f'<span class="badge text-bg-danger">{overdue} overdue</span>' if overdue else ""
    items = "".join(
        f"<li>Due {_day(action.due_on)}{' (overdue)' if action.due_on < today else ''}: "
        f"{_e(action.description)}</li>"
        for action in summary.open_actions[:3]
    )
    return (
        f'<td><a href="{urls.actions.format(row.practice.pk)}">'
        f"{len(summary.open_actions)} open</a> {badge}"
        f'<ul class="list-unstyled small mb-0">{items}</ul></td>'
    )


def _response_cell(row) -> str:
    if row.response_rate is None:
        return "<td>No survey yet</td>"
    percent = round(row.survey_responded / row.survey_invited * 100)
    return f"<td>{percent}% ({row.survey_responded} of {row.survey_invited})</td>"


@dataclass(frozen=True)
class RowParts:
    """A row's HTML without what other writes than the practice's own change: its
    facilitator's name goes between `head` and `mid`, the programme's next workshop cell
    between `mid` and `measures`, the number of sessions held between `measures` and `tail`."""

    head: str
    mid: str
    measures: str
    tail: str

    def join(self, *, facilitator: str, workshop: str, held: int) -> str:
        return self.head + facilitator + self.mid + workshop + self.measures + str(held) + self.tail


def row_parts(rows, *, today) -> list[RowParts]:
    """The pieces of each dashboard row's <tr> (every text value goes through _e)."""
    urls = _Urls()
    parts = []
    for row in rows:
        practice = row.practice
        last = row.visits.last_visit_on
        planned = row.visits.next_visit_on
        head, after_name = _practice_cell(row, urls)
        mid = (
            after_name
            + _plans_cell(row, urls)
            + _stages_cell(row)
            + _stale_cell(row, urls)
            + _actions_cell(row, urls, today)
            + (
                f'<td class="text-nowrap"><a href="{urls.visits.format(practice.pk)}">'
                f"{_day(last)}</a></td>"
                if last
                else '<td class="text-nowrap">None yet</td>'
            )
            + (
                f'<td class="text-nowrap"><a href="{urls.visits.format(practice.pk)}">'
                f"{_day(planned)}</a></td>"
                if planned
                else '<td class="text-nowrap">None planned</td>'
            )
        )
        measures = (
            f"<td>{measure_icons(row.measures, urls.chart)}</td>"
            f"<td>{row.people_attended} people; {row.sessions_attended} of "
        )
        tail = " sessions held</td>" + _response_cell(row) + "</tr>\n"
        parts.append(RowParts("<tr>" + head, mid, measures, tail))
    return parts


def row_htmls(rows, *, today) -> list[str]:
    """The <tr> of each dashboard row, whole, from the rows' own data."""
    return [
        parts.join(
            facilitator=facilitator_text(row.practice.current_facilitator),
            workshop=workshop_cell(row.next_workshop.starts_at if row.next_workshop else None),
            held=row.sessions_held,
        )
        for row, parts in zip(rows, row_parts(rows, today=today), strict=True)
    ]


def matrix_rows_html(lines) -> SafeString:
    """The icon matrix's rows: each practice's measures by name, a dash where it lacks one."""
    chart_url = _url_pattern("pdsa:measure_chart")
    return mark_safe(
        "".join(
            f'<tr><th scope="row">{_e(name)}</th>'
            + "".join(
                f'<td class="text-nowrap">{measure_icon(measure, chart_url)}</td>'
                for measure in cells
            )
            + "</tr>"
            for name, cells in lines
        )
    )
