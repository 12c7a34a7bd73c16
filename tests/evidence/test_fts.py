"""The SQLite full-text index (evidence.fts), on a SQLite database of its own.

The suite runs on SQLite locally and on PostgreSQL in CI; these tests use the `search_sqlite`
database (tests/settings.py), migrated like the default one, so the FTS5 table, its triggers
and the SQLite half of `evidence_matching` are tested on every run, whatever DATABASE_URL says.
"""

import importlib
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from evidence import fts, search_query
from evidence.models import EvidenceItem, Kind, Status
from evidence.selectors import evidence_matching, search_results
from practices.models import User

ALIAS = settings.SEARCH_SQLITE
pytestmark = pytest.mark.django_db(databases=["default", ALIAS])


@pytest.fixture
def sqlite():
    return connections[ALIAS]


@pytest.fixture
def add(sqlite):
    """Create an item on the SQLite database straight through the ORM (no services)."""
    curator = User.objects.db_manager(ALIAS).create_user(
        email="curator@example.test", password=None, full_name="Cora Curator"
    )

    def add(title, summary="A summary.", **fields):
        fields.setdefault("status", Status.PUBLISHED)
        return EvidenceItem.objects.using(ALIAS).create(
            kind=fields.pop("kind", Kind.SYSTEMATIC_REVIEW),
            title=title,
            summary=summary,
            citation=fields.pop("citation", "Author 2020"),
            url="https://example.org/s",
            curator=curator,
            **fields,
        )

    return add


def _found(q):
    return {item.title for item in evidence_matching(EvidenceItem.objects.using(ALIAS), q=q)}


def _indexed(sqlite):
    with sqlite.cursor() as cursor:
        cursor.execute(f"SELECT rowid, title FROM {fts.TABLE} ORDER BY rowid")
        return cursor.fetchall()


def _items(sqlite):
    with sqlite.cursor() as cursor:
        cursor.execute(f"SELECT id, title FROM {fts.ITEMS} ORDER BY id")
        return cursor.fetchall()


def _drop_triggers(sqlite):
    # SQLite's DDL is transactional: the test's rollback puts the triggers back.
    with sqlite.cursor() as cursor:
        for name in fts.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")


def test_the_index_names_the_item_table_and_stems_with_porter(sqlite):
    assert EvidenceItem._meta.db_table == fts.ITEMS
    with sqlite.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [fts.TABLE])
        (sql,) = cursor.fetchone()
    assert "fts5" in sql and "porter" in sql


def test_writes_that_bypass_the_services_keep_the_index_in_step(sqlite, add):
    item = add("Myth: bed rest helps")
    assert _found("myths") == {"Myth: bed rest helps"}

    EvidenceItem.objects.using(ALIAS).filter(pk=item.pk).update(title="Keep active")
    assert _found("myths") == set()
    assert _found("active") == {"Keep active"}

    with sqlite.cursor() as cursor:
        cursor.execute(
            f"UPDATE {fts.ITEMS} SET summary = 'Physiotherapy helps' WHERE id = %s", [item.pk]
        )
    assert _found("physio") == {"Keep active"}

    EvidenceItem.objects.using(ALIAS).filter(pk=item.pk).delete()
    assert _found("active") == set()
    assert _indexed(sqlite) == []


def test_the_index_holds_exactly_the_items_after_every_kind_of_write(sqlite, add):
    first, second, third = add("One"), add("Two"), add("Three")
    second.title = "Two, edited"
    second.save(using=ALIAS)
    EvidenceItem.objects.using(ALIAS).filter(pk=third.pk).delete()
    EvidenceItem.objects.using(ALIAS).filter(pk=first.pk).update(summary="Bulk edit")
    assert _indexed(sqlite) == _items(sqlite)


def test_sync_indexes_an_item_the_triggers_missed(sqlite, add):
    item = add("Walking for everyone")
    _drop_triggers(sqlite)
    EvidenceItem.objects.using(ALIAS).filter(pk=item.pk).update(title="Cycling for nobody")
    assert _found("cycling") == set()
    fts.sync(sqlite, [item.pk])
    assert _found("cycling") == {"Cycling for nobody"}
    assert _found("walking") == set()
    EvidenceItem.objects.using(ALIAS).filter(pk=item.pk).delete()
    fts.sync(sqlite, [item.pk])
    assert _indexed(sqlite) == []


def test_ensure_puts_back_lost_triggers_and_rebuilds(sqlite, add):
    add("Opioids")
    _drop_triggers(sqlite)
    add("Physiotherapy first")
    assert _found("physio") == set()

    assert fts.ensure(sqlite) is True
    assert _found("physio") == {"Physiotherapy first"}
    assert fts.ensure(sqlite) is False  # nothing left to repair
    add("MRI later")
    assert _found("imaging") == {"MRI later"}


def test_migrate_repairs_the_index_after_a_table_is_remade(sqlite, add):
    add("Painkillers")
    _drop_triggers(sqlite)
    add("Analgesics")
    fts.repair_after_migrate(using=ALIAS)
    assert _found("painkillers") == {"Painkillers", "Analgesics"}


def test_the_rebuild_command_indexes_every_item(sqlite, add, capsys):
    add("One")
    add("Two")
    with sqlite.cursor() as cursor:
        cursor.execute(f"DELETE FROM {fts.TABLE}")
    call_command("rebuild_evidence_search", database=ALIAS)
    assert "Indexed 2 evidence items." in capsys.readouterr().out
    assert _indexed(sqlite) == _items(sqlite)


def test_sqlite_search_stems_widens_ranks_and_marks(sqlite, add):
    add(
        "Myth: an X-ray finds the cause",
        "Imaging rarely helps.",
        kind=Kind.MYTH,
        myth="x",
        myth_evidence="y",
    )
    add("Early MRI and work absence", "Findings on MRI are common without pain.")
    add("Cognitive behavioural therapy by telephone", "CBT at home.")
    add("A slipped disc", "Herniated discs shrink.")

    assert _found("myths") == {"Myth: an X-ray finds the cause"}
    assert _found("imaging") == {"Myth: an X-ray finds the cause", "Early MRI and work absence"}
    assert _found("cbt") == {"Cognitive behavioural therapy by telephone"}
    assert _found("disc herniation") == {"A slipped disc"}

    # "imaging" is typed: the item that says it ranks above the one saying only "MRI".
    ranked = list(evidence_matching(EvidenceItem.objects.using(ALIAS), q="imaging"))
    assert [item.title for item in ranked] == [
        "Myth: an X-ray finds the cause",
        "Early MRI and work absence",
    ]
    assert ranked[0].rank > ranked[1].rank > 0

    results = search_results(ranked, terms=search_query.parse("imaging"))
    assert ("X-ray", True) in results[0].title
    assert results[0].matched == ["title", "summary"]
    assert ("Imaging", True) in results[0].snippet
    assert ("MRI", True) in results[1].title


def test_sqlite_search_reads_search_syntax_as_words(add):
    add("NEAR and NOT and OR", 'Says "quoted" * things - here.')
    for q in ['"', "NEAR(", "*", "OR", '"quoted', "-here", "title:near", "near*"]:
        _found(q)
    assert _found("near") == {"NEAR and NOT and OR"}
    assert _found('"quoted" things') == {"NEAR and NOT and OR"}


def test_the_migration_builds_the_index_on_sqlite_and_its_reverse_removes_it(sqlite, add):
    migration = importlib.import_module("evidence.migrations.0003_sqlite_search_index")
    add("Physiotherapy first")
    on_sqlite = SimpleNamespace(connection=sqlite)

    migration.drop_index(None, on_sqlite)
    with sqlite.cursor() as cursor:
        assert fts.TABLE not in sqlite.introspection.table_names(cursor)
    migration.create_index(None, on_sqlite)
    assert _found("physio") == {"Physiotherapy first"}

    elsewhere = SimpleNamespace(connection=SimpleNamespace(vendor="postgresql"))
    migration.create_index(None, elsewhere)  # touches nothing: no cursor on this connection
    migration.drop_index(None, elsewhere)
