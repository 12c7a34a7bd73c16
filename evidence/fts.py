"""The library's full-text index on SQLite: an FTS5 table with the porter stemmer.

PostgreSQL searches an expression index on the item table itself (migration 0002) and needs
nothing here. On SQLite the index is a separate FTS5 table holding a copy of the searched text,
keyed by the item's id, and kept in step three ways, each idempotent:

- triggers on the item table (created with the table, in migration 0003) update it on every
  insert, update and delete, including writes that bypass the services (admin deletes, shell,
  bulk updates, raw SQL);
- the evidence services re-index the item they saved (`sync`), so a write through them is
  indexed even if the triggers were lost;
- `ensure` recreates whatever is missing or out of date and rebuilds the index; it runs after
  every `migrate` (a later migration that remakes the item table on SQLite drops its triggers
  with the old table), and `manage.py rebuild_evidence_search` rebuilds on demand.
"""

from django.db import models
from django.db.migrations.recorder import MigrationRecorder

TABLE = "evidence_item_fts"
ITEMS = "evidence_evidenceitem"
MIGRATION = ("evidence", "0003_sqlite_search_index")
# The columns searched, in the FTS table's order, with their bm25 weights: the ratios of
# PostgreSQL's default A/B/C rank weights (1, 0.4, 0.2) that `models.search_vector` gives
# title, summary and myth text, and citation.
COLUMNS = ("title", "summary", "myth", "myth_evidence", "citation")
WEIGHTS = (5.0, 2.0, 2.0, 2.0, 1.0)
TOKENIZER = "porter unicode61 remove_diacritics 2"

_columns = ", ".join(COLUMNS)
_new = ", ".join(f"new.{name}" for name in COLUMNS)
CREATE_TABLE = f"CREATE VIRTUAL TABLE {TABLE} USING fts5({_columns}, tokenize = '{TOKENIZER}')"
TRIGGERS = {
    f"{TABLE}_insert": (
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON {ITEMS} BEGIN "
        f"INSERT INTO {TABLE} (rowid, {_columns}) VALUES (new.id, {_new}); END"
    ),
    f"{TABLE}_update": (
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE ON {ITEMS} BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; "
        f"INSERT INTO {TABLE} (rowid, {_columns}) VALUES (new.id, {_new}); END"
    ),
    f"{TABLE}_delete": (
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON {ITEMS} BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = old.id; END"
    ),
}


def _schema(cursor) -> dict[str, str]:
    names = [TABLE, *TRIGGERS]
    placeholders = ", ".join(["%s"] * len(names))
    cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE name IN ({placeholders})", names)
    return dict(cursor.fetchall())


def ensure(connection) -> bool:
    """Create or repair the FTS table and its triggers; rebuild the index when anything was.

    Returns whether it repaired (and so rebuilt) anything.
    """
    with connection.cursor() as cursor:
        schema = _schema(cursor)
        repaired = False
        if schema.get(TABLE) != CREATE_TABLE:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
            cursor.execute(CREATE_TABLE)
            repaired = True
        for name, sql in TRIGGERS.items():
            if schema.get(name) != sql:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(sql)
                repaired = True
    if repaired:
        rebuild(connection)
    return repaired


def drop(connection) -> None:
    """Remove the FTS table and its triggers (the migration's reverse)."""
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def rebuild(connection) -> int:
    """Index every item afresh; returns how many are indexed."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, {_columns}) SELECT id, {_columns} FROM {ITEMS}"
        )
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        return cursor.fetchone()[0]


def sync(connection, pks) -> None:
    """Index these items as they are saved now (a deleted one leaves the index)."""
    pks = [int(pk) for pk in pks]
    if connection.vendor != "sqlite" or not pks:
        return
    placeholders = ", ".join(["%s"] * len(pks))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({placeholders})", pks)
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, {_columns}) "
            f"SELECT id, {_columns} FROM {ITEMS} WHERE id IN ({placeholders})",
            pks,
        )


def repair_after_migrate(*, using: str, **_kwargs) -> None:
    """post_migrate: put back what a migration that remade the item table took away."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if MIGRATION not in MigrationRecorder(connection).applied_migrations():
        return
    ensure(connection)


class Matches(models.expressions.RawSQL):
    """The ids of the indexed items that match an FTS5 expression (for `pk__in`)."""

    def __init__(self, match: str):
        super().__init__(f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s", (match,))


class Rank(models.Expression):
    """How well an item matches an FTS5 expression (bm25 with the column weights, higher is
    better; 0 when it does not match), correlated with the item's own id."""

    def __init__(self, match: str, pk=None):
        super().__init__(output_field=models.FloatField())
        self.match = match
        self.pk = pk if pk is not None else models.F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, pk_params = compiler.compile(self.pk)
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"COALESCE((SELECT -bm25({TABLE}, {weights}) FROM {TABLE} "
            f"WHERE {TABLE} MATCH %s AND {TABLE}.rowid = {pk_sql}), 0)"
        )
        return sql, (self.match, *pk_params)


def highlights(connection, match: str, pks, *, start: str, stop: str) -> dict[int, dict]:
    """For each of these items: each column's text with the matches between start and stop
    (title and citation whole, the others as a snippet around the best match)."""
    pks = [int(pk) for pk in pks]
    if not pks:
        return {}
    parts = []
    params: list = []
    for index, name in enumerate(COLUMNS):
        if name in ("title", "citation"):
            parts.append(f"highlight({TABLE}, {index}, %s, %s)")
            params += [start, stop]
        else:
            parts.append(f"snippet({TABLE}, {index}, %s, %s, %s, 24)")
            params += [start, stop, "…"]
    placeholders = ", ".join(["%s"] * len(pks))
    sql = (
        f"SELECT rowid, {', '.join(parts)} FROM {TABLE} "
        f"WHERE {TABLE} MATCH %s AND rowid IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, match, *pks])
        return {row[0]: dict(zip(COLUMNS, row[1:], strict=True)) for row in cursor.fetchall()}
