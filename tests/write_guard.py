"""The dashboard cache's safety net: no write to what a row shows goes unmarked.

A cached dashboard row (dashboards.row_cache) is read for as long as its practice's token
and its programme's are unchanged, so every write to a table a row reads must replace the
token of the practice (or programme) it affects, in the same transaction. The receivers in
dashboards.freshness do this for saves and deletes; a write that bypasses them (a
`qs.update()`, a `bulk_create()`, a cascade's SET NULL, raw SQL) must call
practices_changed() itself.

This guard checks that promise by watching the database instead of reading the source, so it
cannot be fooled by how the write is spelt. The autouse fixture in tests/conftest.py wraps the
connection (`connection.execute_wrapper`) for every test that uses the database. Each INSERT,
UPDATE or DELETE on a tracked table is bracketed by a look at the table, which tells exactly
which rows it changed and so which practices; the test fails if one of those practices'
tokens does not change in the same transaction (a receiver that marks before a delete
counts) or, outside a transaction, after the write. A savepoint rolled back takes its writes
and marks with it. A mark queued with `transaction.on_commit` counts once it runs (use
`django_capture_on_commit_callbacks(execute=True)`): until then the old token still serves.

A row keeps nothing about a user (its facilitator's name is read with the list of
practices), so the users table is not watched. Of a programme, a row keeps its stale
threshold (in every practice part's key) and its workshops' part (keyed on its token), so a
programme's columns are watched as a practice's are: any change must replace its token.

The programme dashboard's kept totals (dashboards.totals) are read as they are while their
programme has no TotalsChange left, so every change to a practice's own row (its new token
included, which is how every write above shows) and to a programme's row must also record a
TotalsChange for the programme (both programmes, when a practice moves), in the same
transaction: practices.freshness does it, and the guard checks it as it checks the tokens.

A test that writes behind the cache's back on purpose says so:

    with write_guard.unmarked_writes("a row built before the write is the point of the test"):
        Visit.objects.filter(...).update(...)
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Max

WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[`"]?(\w+)[`"]?', re.I
)
SAVEPOINT = re.compile(r'^\s*SAVEPOINT\s+[`"]?(\w+)[`"]?', re.I)
ROLLBACK_TO = re.compile(r'^\s*ROLLBACK\s+TO\s+SAVEPOINT\s+[`"]?(\w+)[`"]?', re.I)

PRACTICE, PROGRAMME = "practice", "programme"
# A need met by a TotalsChange of the programme (dashboards.models), not by a token.
TOTALS = "totals of (programme, practice)"

_active: list[WriteGuard] = []


class UnmarkedWrite(AssertionError):
    pass


@contextlib.contextmanager
def unmarked_writes(why: str):
    """Writes inside this block are not checked: the test means to bypass the cache's marks."""
    if not why.strip():
        raise ValueError("say why these writes may leave the dashboard tokens alone")
    guards = list(_active)
    for guard in guards:
        guard.paused += 1
    try:
        yield
    finally:
        for guard in guards:
            guard.paused -= 1


@dataclass
class Table:
    """A table a dashboard row reads: its model, and how a row of it finds its owner."""

    model: type
    owner: str  # PRACTICE or PROGRAMME
    path: str | None  # lookup from the model to its owner's id; None for the owner itself
    columns: tuple[str, ...]

    def pks(self, alias) -> set:
        return set(self.model._default_manager.db_manager(alias).values_list("pk", flat=True))

    def snapshot(self, alias, pks=None):
        """pk -> (owner ids, watched values) for every row (or those in `pks`)."""
        rows = self.model._default_manager.db_manager(alias).all()
        if pks is not None:
            rows = rows.filter(pk__in=pks)
        path = self.path or "pk"
        return {
            pk: ({owner}, values)
            for pk, owner, *values in rows.values_list("pk", path, *self.columns)
        }


def _columns(model, *, skip=()):
    return tuple(
        f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip
    )


def tracked_tables() -> dict[str, Table]:
    """db table -> Table, from dashboards.freshness's own lists."""
    from dashboards import freshness

    tables = {}
    for labels, owner in (
        (freshness.PRACTICE_PATHS, PRACTICE),
        (freshness.PROGRAMME_PATHS, PROGRAMME),
    ):
        for label, path in labels.items():
            model = apps.get_model(label)
            tables[model._meta.db_table] = Table(model, owner, path, _columns(model))
    team = apps.get_model("pdsa", "ImprovementPlan").team.through
    tables[team._meta.db_table] = Table(
        team, PRACTICE, "improvementplan__practice_id", _columns(team)
    )
    for label, owner in zip(freshness.SELF_TOKENED, (PRACTICE, PROGRAMME), strict=True):
        model = apps.get_model(label)
        tables[model._meta.db_table] = Table(model, owner, None, _columns(model))
    return tables


OWNER_TABLES = {PRACTICE: "practices_practice", PROGRAMME: "practices_programme"}


@dataclass
class Need:
    owner: str
    owner_id: int
    since: int  # a token change at or after this point satisfies it
    seq: int
    what: str


@dataclass
class WriteGuard:
    """Wraps one connection for one test; `failures()` lists writes left unmarked."""

    connection: object
    baseline: int  # atomic blocks opened by the test harness, not by the code under test
    tables: dict[str, Table] = field(default_factory=tracked_tables)
    changes: type = field(default_factory=lambda: apps.get_model("dashboards", "TotalsChange"))
    paused: int = 0
    seq: int = 0
    needs: list[Need] = field(default_factory=list)
    marks: list[tuple[str, int, int]] = field(default_factory=list)  # (owner, id, seq)
    savepoints: dict[str, int] = field(default_factory=dict)
    _busy: bool = False
    _outer: object = None
    _outer_since: int = 0

    def __call__(self, execute, sql, params, many, context):
        if self._busy or not isinstance(sql, str):
            return execute(sql, params, many, context)
        self.seq += 1
        since = self._scope_start()
        if (match := SAVEPOINT.match(sql)) is not None:
            self.savepoints[match[1]] = self.seq
        elif (match := ROLLBACK_TO.match(sql)) is not None and match[1] in self.savepoints:
            self._forget_after(self.savepoints[match[1]])
        match = WRITE.match(sql)
        if (
            match
            and match[1] == self.changes._meta.db_table
            and sql.lstrip().upper().startswith("INSERT")
            and not self.paused
        ):
            return self._changes_recorded(execute, sql, params, many, context)
        table = self.tables.get(match[1]) if match else None
        if table is None or self.paused:
            return execute(sql, params, many, context)
        kind = sql.split(None, 1)[0].upper()
        if kind == "INSERT":  # only the new rows matter: compare ids, then read those rows
            before_pks = self._look(table.pks)
            result = execute(sql, params, many, context)
            new = self._look(table.pks) - before_pks
            self._record(table, kind, {}, self._look(table.snapshot, new), since, sql)
            return result
        before = self._look(table.snapshot)
        result = execute(sql, params, many, context)
        self._record(table, kind, before, self._look(table.snapshot), since, sql)
        return result

    def _changes_recorded(self, execute, sql, params, many, context):
        """A TotalsChange insert: a mark for its programme's kept totals."""
        last = self._look(self._last_change)
        result = execute(sql, params, many, context)
        for change in self._look(self._changes_after, last):
            self.marks.append((TOTALS, change, self.seq))
        return result

    def _last_change(self, alias) -> int:
        manager = self.changes._default_manager.db_manager(alias)
        return manager.aggregate(last=Max("pk"))["last"] or 0

    def _changes_after(self, alias, last: int) -> set[int]:
        manager = self.changes._default_manager.db_manager(alias)
        return set(manager.filter(pk__gt=last).values_list("programme_id", "practice_id"))

    def _scope_start(self) -> int:
        """Where the transaction opened by the code under test began (marks from then count)."""
        blocks = self.connection.atomic_blocks
        outer = blocks[self.baseline] if len(blocks) > self.baseline else None
        if outer is None:
            self._outer = None
            return self.seq
        if outer is not self._outer:
            self._outer, self._outer_since = outer, self.seq
        return self._outer_since

    def _look(self, read, *args):
        self._busy = True
        try:
            return read(self.connection.alias, *args)
        finally:
            self._busy = False

    def _record(self, table, kind, before, after, since, sql):
        affected: set[int] = set()
        for pk, (owners, values) in after.items():
            if pk not in before:
                if table.path is not None:
                    affected |= owners  # a new row (a new practice brings its own token)
                elif table.owner == PRACTICE:  # a new practice: its programme counts it
                    self._totals_need(pk, values, since, kind, sql)
                continue
            old = before[pk]
            if old[1] != values:
                if table.path is None:
                    self._owner_row_changed(table, pk, old, values, since, sql)
                else:
                    affected |= owners | old[0]
        for pk, old in before.items():
            if pk not in after:
                if table.path is not None:
                    affected |= old[0]
                elif table.owner == PRACTICE:
                    self._totals_need(pk, old[1], since, kind, sql)
        for owner_id in affected - {None}:
            self.needs.append(Need(table.owner, owner_id, since, self.seq, _what(table, kind, sql)))

    def _totals_need(self, practice_pk, practice_values, since, kind, sql, *, programme_id=None):
        """A practice's row written (or, practice_pk None, a programme's): its programme's
        totals must record a change of that practice (or of the whole programme)."""
        if practice_pk is not None:
            table = self.tables[OWNER_TABLES[PRACTICE]]
            programme_id = practice_values[table.columns.index("programme_id")]
        what = f"{kind} {' '.join(sql.split())[:120]}"
        self.needs.append(Need(TOTALS, (programme_id, practice_pk), since, self.seq, what))

    def _owner_row_changed(self, table, pk, old, values, since, sql):
        token = table.columns.index("dashboard_token")
        if table.owner == PRACTICE:  # any change, its new token included
            for row in (old[1], values):
                self._totals_need(pk, row, since, "UPDATE", sql)
        if old[1][token] != values[token]:
            self.marks.append((table.owner, pk, self.seq))
        others = [v for i, v in enumerate(values) if i != token]
        if others != [v for i, v in enumerate(old[1]) if i != token]:
            self.needs.append(Need(table.owner, pk, since, self.seq, _what(table, "UPDATE", sql)))
            if table.owner == PROGRAMME:  # its stale threshold, say (not its token alone)
                self._totals_need(None, None, since, "UPDATE", sql, programme_id=pk)

    def _forget_after(self, seq: int) -> None:
        self.needs = [need for need in self.needs if need.seq <= seq]
        self.marks = [mark for mark in self.marks if mark[2] <= seq]

    def failures(self) -> list[str]:
        found = []
        for need in self.needs:
            if not any(
                _meets(owner, pk, need) and seq >= need.since for owner, pk, seq in self.marks
            ):
                found.append(f"{need.what}: {need.owner} {need.owner_id} {_unmet(need.owner)}")
        return list(dict.fromkeys(found))


def _meets(owner: str, pk, need: Need) -> bool:
    if owner != need.owner:
        return False
    if owner == TOTALS:  # a change of the whole programme covers each of its practices
        return pk == need.owner_id or (pk[0] == need.owner_id[0] and pk[1] is None)
    return pk == need.owner_id


def _unmet(owner: str) -> str:
    if owner == TOTALS:
        return "recorded no TotalsChange (practices.freshness.totals_changed)"
    return "kept its dashboard token"


def _what(table, kind, sql):
    return f"{kind} {table.model._meta.db_table} ({' '.join(sql.split())[:120]})"


@contextlib.contextmanager
def guarding(connection, *, baseline: int):
    """Wrap `connection` for the block; raise UnmarkedWrite at the end if a write went unmarked."""
    guard = WriteGuard(connection, baseline)
    outer = list(_active)  # a guard inside another (the guard's own tests) answers alone
    for other in outer:
        other.paused += 1
    _active.append(guard)
    try:
        with connection.execute_wrapper(guard):
            yield guard
    finally:
        _active.remove(guard)
        for other in outer:
            other.paused -= 1
    if failures := guard.failures():
        raise UnmarkedWrite(
            "a write to what a dashboard row shows left the practice's token unchanged, so a "
            "cached row would show old data: mark it with practices_changed() in the same "
            "transaction (or, if the test means it, wrap it in write_guard.unmarked_writes)\n"
            + "\n".join(failures)
        )
