"""Admin changelists for the large tables: no count of the whole table, no join to sort.

A changelist counts its rows twice by default (the filtered rows for the paginator, and the
whole table for "N results (M total)"), and sorts by the model's Meta.ordering, which for a
data point joins every row to its measure. On tables that grow with every practice (data
points, cycles and their parts, outgoing messages) that is most of the page's cost.
`LargeTableAdmin` shows them newest first by primary key (an index scan that stops at the
page) and counts through `LargeTablePaginator`.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    """Counts at most `count_cap` rows; an unfiltered PostgreSQL table uses the planner's
    estimate (pg_class.reltuples, kept by autovacuum) once it is larger than that."""

    count_cap = 10_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query"):
            return super().count
        if not queryset.query.has_filters():
            estimate = _estimated_rows(queryset)
            if estimate is not None and estimate > self.count_cap:
                return estimate
        # Past the cap the list shows `count_cap` rows' worth of pages; a filter narrows it.
        return queryset.order_by()[: self.count_cap].count()


def _estimated_rows(queryset) -> int | None:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [queryset.model._meta.db_table],
        )
        row = cursor.fetchone()
    # -1 (never analysed) or nothing: count instead.
    return row[0] if row and row[0] >= 0 else None


class LargeTableAdmin:
    """Mix into a ModelAdmin of a table that grows with the programme (before ModelAdmin)."""

    show_full_result_count = False
    paginator = LargeTablePaginator
    # The primary key's index gives the newest rows first without a join or a sort.
    ordering = ("-pk",)
