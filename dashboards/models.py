"""Kept programme totals: what the programme dashboard shows above its practices, kept up to
date per practice so that no request scans every cycle of a programme (dashboards.totals)."""

from django.db import models


class ProgrammeTotals(models.Model):
    """A programme's totals: the sum of its practices' kept counts (PracticeTotals)."""

    programme = models.OneToOneField(
        "practices.Programme", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # {"started": {"2026-01-01": 5}, "completed": {...}, "decided": {"adopt": 2},
    #  "matrix": {"improvement|pass": 1}, "attention": {"stale_cycles": 3, "needing": 1, ...}}
    counts = models.JSONField(default=dict)
    # {"attendees": {"gp|12": 3}}: who took part in its workshops and how often, from which
    # a refresh counts the distinct people (counts["people"]); never read by a page.
    attendees = models.JSONField(default=dict)
    # When the last refresh counted, and when the first of the practices' parts it kept would
    # change with no write (their earliest valid_until); with no TotalsChange left for the
    # programme, the totals are up to date until then (dashboards.totals.kept_counts). Null
    # until a refresh has checked every practice.
    built_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "programme totals"

    def __str__(self):
        return f"Totals of programme {self.programme_id}"


class PracticeTotals(models.Model):
    """One practice's part of its programme's totals, and what it was counted from.

    `practice_id` is a plain number, not a foreign key: when a practice is deleted or moves to
    another programme its kept row stays until the programme's next refresh takes its counts
    away from the programme's totals.
    """

    programme = models.ForeignKey("practices.Programme", on_delete=models.CASCADE, related_name="+")
    practice_id = models.BigIntegerField()
    token = models.UUIDField()  # the practice's dashboard token the counts were taken at
    stale_days = models.PositiveSmallIntegerField()  # the programme's threshold then
    built_at = models.DateTimeField()
    # When the counts would first change with no write (an action falls overdue, a cycle
    # goes stale); null when nothing waits.
    valid_until = models.DateTimeField(null=True, blank=True)
    attention = models.PositiveIntegerField(default=0)
    # The practice's name when counted (a rename gives the practice a new token): with
    # `attention`, the programme dashboard's sort keys, so a page of practices is read from
    # an index rather than by sorting every practice of the programme.
    name = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "practice totals"
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "practice_id"], name="one_kept_total_per_practice"
            )
        ]
        indexes = [
            models.Index(
                fields=["programme", "-attention", "name", "practice_id"],
                name="kept_total_by_attention",
            ),
            # With the attention it reads last, so a page by name is read from the index alone
            # (a key column rather than INCLUDE, which SQLite lacks).
            models.Index(
                fields=["programme", "name", "practice_id", "attention"],
                name="kept_total_by_name_covering",
            ),
            # Everything the out-of-date check reads (dashboards.totals._out_of_date), so it
            # scans an index rather than the rows with their counts.
            # The parts whose time has come (an action falls overdue, a cycle goes stale).
            models.Index(fields=["programme", "valid_until"], name="kept_total_by_expiry"),
            models.Index(
                fields=[
                    "programme",
                    "practice_id",
                    "token",
                    "stale_days",
                    "built_at",
                    "valid_until",
                ],
                name="kept_total_currency",
            ),
        ]

    def __str__(self):
        return f"Totals of practice {self.practice_id} in programme {self.programme_id}"


class TotalsChange(models.Model):
    """A write that may change a programme's kept totals, not yet taken in by a refresh.

    Every new practice token (practices.freshness.practices_changed, and a practice's own save
    or delete) adds one naming the practice, and a programme's own save one for the whole
    programme, in the same transaction as the write; a refresh deletes those it read before
    counting. So "none left" means the kept totals have counted every committed write (one
    indexed read), and a refresh compares only the practices named (and the parts whose time
    has come) with their kept parts, not every practice of the programme. Rows are only ever
    added or deleted, never updated, so concurrent writes to a programme's practices never
    wait for one another here.
    """

    programme = models.ForeignKey("practices.Programme", on_delete=models.CASCADE, related_name="+")
    # The practice written to (a plain number: it may since have been deleted or moved); none
    # for a change to the whole programme, such as its stale threshold.
    practice_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "totals changes"

    def __str__(self):
        return f"Change to the totals of programme {self.programme_id}"
