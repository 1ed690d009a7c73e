"""Versioned SQL schema: creation, upgrade, refusal of newer or foreign databases, and the
guarantee that the migrations build exactly what `tables.py` describes, on SQLite and (through the
`sql_url` fixture) PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import Settings, StorageError, UnsupportedSchemaError
from rsgm_core.domain.census import MetaEntry
from rsgm_core.domain.messages import OutboxMessage
from rsgm_core.plugins.sql import migrations, search, tables
from rsgm_core.plugins.sql.backend import SqlStorage
from rsgm_core.serialization import unstructure
from rsgm_core.testing import Clock
from tests.conftest import NOW

MESSAGE = OutboxMessage("o-1", NOW, "member_welcome", "elodie.rousseau@caunay.fr", "Objet", "Texte")


def db_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def versions(url: str) -> list[int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            query = "SELECT version FROM rsgm_schema_migrations ORDER BY version"
            return list(conn.scalars(sa.text(query)))
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def make_version_1(url: str) -> None:
    """A database as rsgm_core's first release left it, with some data."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert [m.version for m in migrations.upgrade(conn, target=1)] == [1]
        conn.execute(tables.meta.insert(), {"key": "territory", "value": '["79"]'})
        # Only the columns migration 1 created: the later outbox fields came with migrations 4
        # and 15.
        later = {"next_attempt_at", "list_unsubscribe", "attachments", "resent_by"}
        row = {k: v for k, v in unstructure(MESSAGE).items() if k not in later}
        conn.execute(tables.outbox.insert(), row)
    engine.dispose()


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_an_empty_file_gets_the_current_schema_in_wal_mode(
    sqlite_url: str, rsgm_clock: Clock
) -> None:
    with rsgm_core.open(sqlite_url, clock=rsgm_clock) as app:
        assert app.storage.info()["schema_version"] == migrations.SCHEMA_VERSION
        assert isinstance(app.storage, SqlStorage)
        assert [m.version for m in app.storage.applied] == [
            m.version for m in migrations.MIGRATIONS
        ]
        with app.storage.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    path = db_path(sqlite_url)
    with sqlite3.connect(path) as raw:  # WAL is a property of the file, seen by any client
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert versions(sqlite_url) == list(range(1, migrations.SCHEMA_VERSION + 1))


@pytest.mark.postgresql
def test_an_empty_postgresql_database_gets_the_current_schema(
    postgres_url: str, rsgm_clock: Clock
) -> None:
    with rsgm_core.open(postgres_url, clock=rsgm_clock) as app:
        assert app.storage.info()["backend"] == "postgresql"
        assert app.storage.info()["schema_version"] == migrations.SCHEMA_VERSION
        assert [m.version for m in app.storage.applied] == [  # type: ignore[attr-defined]
            m.version for m in migrations.MIGRATIONS
        ]
    assert versions(postgres_url) == list(range(1, migrations.SCHEMA_VERSION + 1))


def test_reopening_a_current_database_applies_nothing(sql_url: str) -> None:
    rsgm_core.open(sql_url).close()
    with rsgm_core.open(sql_url) as app:
        assert app.storage.applied == []  # type: ignore[attr-defined]
    assert versions(sql_url) == list(range(1, migrations.SCHEMA_VERSION + 1))


def test_a_version_1_database_is_upgraded_and_keeps_its_data(
    sql_url: str, rsgm_clock: Clock
) -> None:
    make_version_1(sql_url)
    with rsgm_core.open(sql_url, clock=rsgm_clock) as app:
        assert app.storage.info()["schema_version"] == migrations.SCHEMA_VERSION
        applied = [m.version for m in app.storage.applied]  # type: ignore[attr-defined]
        assert applied == list(range(2, migrations.SCHEMA_VERSION + 1))
        with app.storage.unit_of_work(read_only=True) as uow:
            assert uow.meta.list() == [MetaEntry("territory", '["79"]')]
            assert uow.outbox.get("o-1") == MESSAGE
            assert uow.communes.count() == 0
    assert versions(sql_url) == list(range(1, migrations.SCHEMA_VERSION + 1))


def test_an_old_database_is_refused_when_upgrade_is_off(sql_url: str) -> None:
    make_version_1(sql_url)
    settings = Settings(plugins={"sql": {"upgrade": False}})
    with pytest.raises(StorageError, match="rsgm db upgrade") as caught:
        rsgm_core.open(sql_url, settings=settings)
    assert caught.value.value == 1
    assert versions(sql_url) == [1]


@pytest.mark.parametrize("journal_mode", ["wal", "delete"])
def test_a_newer_database_is_refused_and_left_byte_identical(
    sqlite_url: str, journal_mode: str
) -> None:
    rsgm_core.open(sqlite_url).close()
    path = db_path(sqlite_url)
    with sqlite3.connect(path) as raw:  # as a later rsgm_core (or a backup copy) left it
        raw.execute(f"PRAGMA journal_mode={journal_mode}")
        raw.execute("INSERT INTO rsgm_schema_migrations VALUES (99, 'futur', '2031-01-01')")
    raw.close()
    before = files_of(path.parent)
    with pytest.raises(UnsupportedSchemaError, match="99") as caught:
        rsgm_core.open(sqlite_url)
    assert caught.value.value == 99
    assert files_of(path.parent) == before


def test_a_database_holding_foreign_tables_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "compta.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE factures (id INTEGER PRIMARY KEY, montant TEXT)")
    raw.close()
    before = files_of(tmp_path)
    with pytest.raises(StorageError, match="factures"):
        rsgm_core.open(f"sqlite:///{path}")
    assert files_of(tmp_path) == before  # someone else's file: not even switched to WAL


@pytest.mark.postgresql
def test_a_newer_or_foreign_postgresql_database_is_refused_untouched(
    new_postgres_url: Callable[[], str],
) -> None:
    newer = new_postgres_url()
    rsgm_core.open(newer).close()
    engine = sa.create_engine(newer)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO rsgm_schema_migrations VALUES (99, 'futur', '2031')")
    engine.dispose()
    before = table_names(newer)
    with pytest.raises(UnsupportedSchemaError, match="99"):
        rsgm_core.open(newer)
    assert (table_names(newer), versions(newer)[-2:]) == (before, [migrations.SCHEMA_VERSION, 99])

    foreign = new_postgres_url()
    engine = sa.create_engine(foreign)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE factures (id INTEGER PRIMARY KEY, montant TEXT)")
    engine.dispose()
    with pytest.raises(StorageError, match="factures"):
        rsgm_core.open(foreign)
    assert table_names(foreign) == {"factures"}


def test_a_missing_parent_folder_is_a_storage_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="dossier"):
        rsgm_core.open(f"sqlite:///{tmp_path / 'absent' / 'rsgm.db'}")
    with pytest.raises(StorageError):
        rsgm_core.open(str(tmp_path / "absent" / "rsgm.db"))  # a bare path means SQLite too
    assert not (tmp_path / "absent").exists()


_SAME_DEFAULT = {"FALSE": "0", "TRUE": "1"}  # SQLite keeps a default as written: FALSE, or 0


def describe(inspector: sa.Inspector, table: str) -> dict[str, Any]:
    return {
        "columns": {
            c["name"]: (str(c["type"]).upper(), c["nullable"]) for c in inspector.get_columns(table)
        },
        # In order (ALTER TABLE appends), with the server defaults that filled existing rows.
        "column_order": [c["name"] for c in inspector.get_columns(table)],
        "defaults": {
            c["name"]: _SAME_DEFAULT.get(c["default"], c["default"])
            for c in inspector.get_columns(table)
            if c["default"] is not None
        },
        "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
        "foreign_keys": sorted(
            (tuple(fk["constrained_columns"]), fk["referred_table"], tuple(fk["referred_columns"]))
            for fk in inspector.get_foreign_keys(table)
        ),
        "indexes": sorted(
            (i["name"], tuple(i["column_names"])) for i in inspector.get_indexes(table)
        ),
    }


def test_the_migrated_schema_equals_tables_py(
    sql_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    rsgm_core.open(sql_url).close()
    migrated = sa.create_engine(sql_url)
    if migrated.dialect.name == "sqlite":
        reference = sa.create_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    else:  # a second empty database on the same server
        reference = sa.create_engine(request.getfixturevalue("new_postgres_url")())
    tables.metadata.create_all(reference)
    try:
        got, want = sa.inspect(migrated), sa.inspect(reference)
        # The FTS5 text indexes are virtual tables (and their shadow tables), not in tables.py.
        indexes = tuple(f"{name}_search" for name in search.INDEXED)
        names = set(got.get_table_names())
        assert {n for n in names if not n.startswith(indexes)} == set(tables.metadata.tables)
        if migrated.dialect.name == "sqlite":  # FTS5 is SQLite's
            assert {n for n in names if n.startswith(indexes)} >= set(indexes)
        for name, table in tables.metadata.tables.items():
            assert describe(got, name) == describe(want, name), name
            assert set(describe(got, name)["columns"]) == {c.name for c in table.columns}
            assert {i.name for i in table.indexes} == {i for i, _ in describe(got, name)["indexes"]}
    finally:
        migrated.dispose()
        reference.dispose()


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in migrations.MIGRATIONS] == list(
        range(1, migrations.SCHEMA_VERSION + 1)
    )
    assert all(m.description and (m.statements or m.rebuild_indexes) for m in migrations.MIGRATIONS)
