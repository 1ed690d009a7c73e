"""The SQLAlchemy engine of the SQL storage, and how its transactions begin.

SQLite is opened with foreign keys on (WAL mode is set by the storage once the schema checks pass).
pysqlite's own transaction handling is switched off and every unit of work starts with an explicit
``BEGIN IMMEDIATE`` (``BEGIN`` when read-only), as SQLAlchemy's documentation recommends: the write
lock is taken at the start, so two writers are serialised instead of failing half-way, and DDL is
transactional for migrations. On PostgreSQL a writing unit of work takes a transaction-level
advisory lock first, to the same effect.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from rsgm_core.errors import StorageError
from rsgm_core.plugins.sql.lite import normalise_url
from rsgm_core.plugins.sql.rows import json_loads

__all__ = ["make_engine", "normalise_url"]


def make_engine(url: str) -> sa.Engine:
    """The engine for ``url``, its transactions begun as the module docstring says."""
    if url.startswith("sqlite"):
        database = sa.engine.make_url(url).database
        if database and database != ":memory:" and not Path(database).parent.exists():
            raise StorageError(
                f"le dossier de la base n'existe pas : {Path(database).parent}", value=url
            )
        engine = sa.create_engine(url, connect_args={"timeout": 30}, json_deserializer=json_loads)
        sa.event.listen(engine, "connect", _sqlite_on_connect)
        sa.event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    try:
        # READ COMMITTED whatever the role's default: the writer lock relies on it.
        engine = sa.create_engine(url, pool_pre_ping=True, isolation_level="READ COMMITTED")
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise StorageError(
            f"URL de base de données inutilisable {url!r} : {exc}", value=url
        ) from exc
    if engine.dialect.name == "postgresql":
        sa.event.listen(engine, "begin", _postgresql_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _: Any) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see module docstring
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; safe with WAL
    cursor.close()


def _sqlite_on_begin(conn: sa.Connection) -> None:
    driver = cast(sqlite3.Connection, conn.connection.driver_connection)  # a SQLite engine
    if driver.in_transaction:
        return  # a unit of work began it on the driver (plugins/sql/backend.py)
    read_only = conn.get_execution_options().get("rsgm_read_only", False)
    # On the driver's connection: a statement through SQLAlchemy costs more than the BEGIN itself.
    driver.execute("BEGIN" if read_only else "BEGIN IMMEDIATE")


# Any constant will do: advisory locks are per database and this one is only taken here.
_WRITER_LOCK = int.from_bytes(b"rsgm")


def _postgresql_on_begin(conn: sa.Connection) -> None:
    """PostgreSQL's counterpart of ``BEGIN IMMEDIATE``: a writer takes the database's writer lock
    (a transaction-level advisory lock, released at commit or rollback) before anything else, so
    a unit of work that reads then writes (the seats left, then a registration) cannot interleave
    with another writer. Readers take no lock. Under READ COMMITTED (set on the engine), every
    statement after the lock sees what the previous writer committed."""
    if conn.get_execution_options().get("rsgm_read_only", False):
        return
    conn.exec_driver_sql("SET LOCAL lock_timeout = '30s'")  # SQLite's busy timeout
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITER_LOCK})")
