"""The facilitator's and the lead's dashboards, and the programme's data export."""

import hashlib
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import mark_safe

from dashboards import exports, row_cache, selectors
from dashboards import totals as kept_totals
from practices.access import access_facilitator_pages
from practices.models import Programme

PRACTICES_PER_PAGE = 50
PROGRAMME_PRACTICES_PER_PAGE = 25
# Up to this many practices, the facilitator dashboard reads its rows from the row cache and
# sorts them itself; beyond it (a lead's or staff member's view of everything) the database
# sorts and paginates, and only a page of rows is built.
ROW_CACHE_LIMIT = 200
SORT_LABELS = {
    "attention": "Needs attention first",
    "name": "Name",
    "last_visit": "Longest since a visit",
}


def _options(request, *, facilitators=()):
    """The sort and filters asked for, checked against what is offered."""
    sort = request.GET.get("sort", "attention")
    facilitator = request.GET.get("facilitator", "")
    allowed = {str(person.pk) for person in facilitators}
    return {
        "sort": sort if sort in selectors.SORTS else "attention",
        "facilitator": facilitator if facilitator in allowed else "",
        "attention_only": request.GET.get("attention") == "1",
    }


def _people_key(people) -> str:
    """What the facilitator filter's cached options depend on: who is offered, by name."""
    offered = "\n".join(f"{person.pk}:{person.full_name}" for person in people)
    return hashlib.sha256(offered.encode()).hexdigest()


def _filtered(practices, options):
    if options["facilitator"]:
        practices = selectors.facilitated_by(practices, options["facilitator"])
    return practices


def _query(options) -> str:
    query = {
        "sort": options["sort"],
        "facilitator": options["facilitator"],
        "attention": "1" if options["attention_only"] else "",
    }
    return urlencode({k: v for k, v in query.items() if v})


class _KeptPaginator(Paginator):
    """A paginator told how many rows there are (from the kept totals) instead of counting."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.count = count


def _page(request, practices, options, per_page, *, now=None, kept_in=None, kept=None, people=()):
    """A page of rows sorted and paginated by the database; the rows from the row cache."""
    now = now or timezone.now()
    if (
        kept_in is not None
        and not options["facilitator"]
        and options["sort"] in selectors.KEPT_SORTS
    ):
        # The programme's practices in order from their kept sort keys: a page of ids from an
        # index, then those practices; how many there are is in the kept totals too.
        ordered = selectors.kept_order(
            kept_in, sort=options["sort"], attention_only=options["attention_only"]
        )
        count = selectors.kept_count(kept, attention_only=options["attention_only"])
        ordered = selectors.FromEitherEnd(ordered, count)
        page = _KeptPaginator(ordered, per_page, count=count).get_page(request.GET.get("page"))
        listed = selectors.listed_in_order([pk for pk, _ in page.object_list], people=people)
        return _listing(page, row_cache.cached_rows(listed, now=now), options)
    ordered = selectors.dashboard_practices(
        _filtered(practices, options),
        today=timezone.localdate(now),
        now=now,
        sort=options["sort"],
        # Sorting by name or last visit needs the counts only to filter on them.
        counts=options["attention_only"],
        kept_in=kept_in,
    )
    if options["attention_only"]:
        ordered = selectors.needing_attention(ordered)
    ordered = selectors.with_facilitator_name(ordered)
    page = Paginator(ordered, per_page).get_page(request.GET.get("page"))
    listed = [
        (
            p.pk,
            p.dashboard_token,
            p.programme_id,
            p.programme.dashboard_token,
            p.programme.stale_cycle_days,
            p.facilitator_name,
        )
        for p in page
    ]
    return _listing(page, row_cache.cached_rows(listed, now=now), options)


def _listing(page, rows, options) -> dict:
    """What both dashboards show of their page of practices (the context of _rows.html)."""
    return {
        "page": page,
        "rows": rows,
        "rows_html": mark_safe("".join(row.html for row in rows)),  # built by dashboards.rows
        "query": _query(options),
        "options": options,
        "sort_labels": SORT_LABELS,
    }


def _cached_page(request, practices, options, per_page):
    """The same listing as _page, sorted here from cached rows; None above ROW_CACHE_LIMIT."""
    rows = row_cache.sorted_rows(
        _filtered(practices, options),
        now=timezone.now(),
        sort=options["sort"],
        attention_only=options["attention_only"],
        limit=ROW_CACHE_LIMIT,
    )
    if rows is None:
        return None
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    return _listing(page, list(page), options)


@login_required
def facilitator_dashboard(request):
    sees_all = access_facilitator_pages(request)
    practices = selectors.dashboard_practices_of(user=request.user, sees_all=sees_all)
    facilitators = selectors.facilitators_of(practices) if sees_all else []
    options = _options(request, facilitators=facilitators)
    listing = _cached_page(request, practices, options, PRACTICES_PER_PAGE)
    if listing is None:  # a lead or staff viewing many practices: sorted by the database
        listing = _page(request, practices, options, PRACTICES_PER_PAGE)
    context = {**listing, "facilitators": facilitators, "people_key": _people_key(facilitators)}
    return render(request, "dashboards/facilitator.html", context)


@login_required
def programme_dashboard(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    practices = selectors.programme_practices(programme)
    now = timezone.now()
    # The kept totals first: refreshed, they also give each practice's attention to sort by
    # and the facilitators to filter by.
    counts = kept_totals.kept_counts(programme, now=now)
    facilitators = selectors.kept_facilitators(counts)
    options = _options(request, facilitators=facilitators)
    listing = _page(
        request,
        practices,
        options,
        PROGRAMME_PRACTICES_PER_PAGE,
        now=now,
        kept_in=programme,
        kept=counts,
        people=facilitators,
    )
    columns, matrix = selectors.measure_matrix(listing["rows"])
    context = {
        **listing,
        "columns": columns,
        "matrix": matrix,
        "programme": programme,
        "facilitators": facilitators,
        "people_key": _people_key(facilitators),
        # Built only when the page's cached fragment of it is missing.
        "summary": selectors.ProgrammeSummary(programme, counts),
    }
    return render(request, "dashboards/programme.html", context)


@login_required
def programme_export(request, pk):
    programme = get_object_or_404(Programme.objects.run_by(request.user), pk=pk)
    stamp = timezone.localdate().isoformat()
    return FileResponse(
        exports.programme_export(programme),
        as_attachment=True,
        filename=f"programme-{programme.pk}-data-{stamp}.zip",
        content_type="application/zip",
    )
