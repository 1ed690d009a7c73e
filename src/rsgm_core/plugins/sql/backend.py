"""SQL storage on SQLAlchemy Core: an embedded SQLite file by default, PostgreSQL for a server.

The engine and its transactions (one writer at a time, on either database) are set up in
:mod:`rsgm_core.plugins.sql.engine`; the schema and its migrations in ``tables.py`` and
``migrations.py``; the text indexes in ``search.py``; the repositories every collection shares in
``repository.py``. This module holds the storage and its units of work.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any, TypeVar

import sqlalchemy as sa

from rsgm_core.errors import StorageError
from rsgm_core.plugins.sql import migrations, search
from rsgm_core.plugins.sql.engine import make_engine, normalise_url
from rsgm_core.plugins.sql.repository import SqlRepository
from rsgm_core.ports import (
    Collection,
    Storage,
    UnitOfWork,
)

log = logging.getLogger(__name__)

R = TypeVar("R")


class SqlStorage(Storage):
    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        #: SQLite: pooled connections kept by the storage between units of work (see
        #: SqlUnitOfWork), so that a small one pays no pool checkout and checkin. Only with a
        #: pool that hands connections across threads (a file; not ``:memory:``'s one per thread).
        #: The pool counts them as checked out: they are, until the storage closes.
        self.idle: list[Any] = []
        self.keep_idle = isinstance(self.engine.pool, sa.pool.QueuePool) and (
            self.engine.dialect.name == "sqlite"
        )
        try:
            self.schema_version, self.applied = self._prepare(upgrade)
            if self.engine.dialect.name == "sqlite":
                self._enable_wal()
        except Exception:
            self.engine.dispose()
            raise

    def _enable_wal(self) -> None:
        # Persistent in the file, so set only once the database is known to be ours and current:
        # a refused file is left byte-identical. Outside any transaction, as SQLite requires.
        raw = self.engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA journal_mode=WAL")
        finally:
            raw.close()

    def _prepare(self, upgrade: bool) -> tuple[int, list[migrations.Migration]]:
        with self._connect() as conn, conn.begin():
            version = migrations.current_version(conn)
            migrations.check_supported(version, self.url)
            applied: list[migrations.Migration] = []
            if version != migrations.SCHEMA_VERSION:
                if not upgrade:
                    raise StorageError(
                        f"la base {self.url} est au schéma {version} ; lancez « rsgm db upgrade » "
                        f"pour la passer au schéma {migrations.SCHEMA_VERSION}",
                        value=version,
                    )
                applied = migrations.upgrade(conn)
                if version:
                    log.info(
                        "schéma de %s mis à jour de %s à %s", self.url, version, applied[-1].version
                    )
            elif upgrade and search.missing(conn):  # made by a SQLite without FTS5
                search.rebuild(conn)
            self.text_indexes = search.existing(conn)
            return migrations.SCHEMA_VERSION, applied

    def _connect(self) -> sa.Connection:
        try:
            return self.engine.connect()
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"impossible d'ouvrir la base {self.url} : {exc.orig}", value=self.url
            ) from exc

    def unit_of_work(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self, read_only=read_only)

    def info(self) -> dict[str, Any]:
        return {
            "backend": self.engine.dialect.name,
            "url": self.engine.url.render_as_string(hide_password=True),
            "schema_version": self.schema_version,
        }

    def reindex(self) -> list[str]:
        """Drop and build again the text indexes from their collections (a damaged index, rows
        written by another tool); the collections indexed, none on a SQLite without FTS5."""
        with self._connect() as conn, conn.begin():
            rebuilt = search.rebuild(conn)
            self.text_indexes = search.existing(conn)
        return rebuilt

    def close(self) -> None:
        self.keep_idle = False
        while self.idle:
            self.idle.pop().close()
        self.engine.dispose()


# At most the pool's own size. The idle connections stay checked out of SQLAlchemy's pool while
# the storage keeps them: ``pool.status()`` counts them as checked out though nothing runs.
_IDLE_MAX = 5


class SqlUnitOfWork(UnitOfWork):
    """One transaction on one pooled connection.

    On SQLite the unit of work drives the transaction on the driver's own connection
    (:attr:`driver`: ``BEGIN IMMEDIATE``, ``COMMIT``), and the repositories run their simple
    statements on it directly (see :class:`SqlRepository`): SQLAlchemy's work per connection and
    per statement costs several times what SQLite spends on a one-row insert or lookup. The
    SQLAlchemy connection (:attr:`conn`), for the statements SQLAlchemy builds, is made on first
    use over the same pooled connection, inside the transaction already begun. On PostgreSQL,
    everything goes through SQLAlchemy (:attr:`driver` is ``None``).
    """

    driver: sqlite3.Connection | None = None

    def __init__(self, storage: SqlStorage, *, read_only: bool) -> None:
        self.storage = storage
        self.read_only = read_only
        self._conn: sa.Connection | None = None

    def _build_repository(self, collection: Collection[R]) -> SqlRepository[R]:
        return SqlRepository(collection, self)

    @property
    def conn(self) -> sa.Connection:
        """The SQLAlchemy connection of this unit of work (on SQLite, made on first use)."""
        if self._conn is None:
            # The transaction is already begun on the driver: the engine's "begin" listener sees
            # it and emits no second BEGIN when SQLAlchemy begins its own on the first statement.
            self._conn = sa.Connection(self.storage.engine, connection=self._pooled)
            if self.read_only:
                self._conn.execution_options(rsgm_read_only=True)
        return self._conn

    def begin(self) -> None:
        if self.storage.engine.dialect.name == "sqlite":
            self._begin_on_driver()
            return
        conn = self._conn = self.storage._connect()
        if self.read_only:
            conn.execution_options(rsgm_read_only=True)
        try:
            self.transaction = conn.begin()
        except sa.exc.OperationalError as exc:
            conn.close()
            raise StorageError(
                f"base occupée ou illisible : {exc.orig}", value=self.storage.url
            ) from exc

    def _begin_on_driver(self) -> None:
        try:
            self._pooled = self.storage.idle.pop()  # atomic: no lock needed
        except IndexError:
            self._pooled = None
        try:
            if self._pooled is None:
                self._pooled = self.storage.engine.raw_connection()
        except sa.exc.OperationalError as exc:
            raise StorageError(
                f"impossible d'ouvrir la base {self.storage.url} : {exc.orig}",
                value=self.storage.url,
            ) from exc
        driver: sqlite3.Connection = self._pooled.driver_connection
        try:
            driver.execute("BEGIN" if self.read_only else "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._pooled.close()
            raise StorageError(
                f"base occupée ou illisible : {exc}", value=self.storage.url
            ) from exc
        self.driver = driver

    def _commit(self) -> None:
        if self.driver is None:
            self.transaction.commit()
            return
        if self._conn is not None and self._conn.in_transaction():
            self._conn.commit()  # SQLAlchemy's transaction over the driver's: one COMMIT
        if self.driver.in_transaction:
            self.driver.commit()

    def rollback(self) -> None:
        if self.driver is None:
            if self.transaction.is_active:
                self.transaction.rollback()
            return
        if self._conn is not None and self._conn.in_transaction():
            self._conn.rollback()
        if self.driver.in_transaction:
            self.driver.rollback()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()  # gives the pooled connection back to the pool
        elif self.driver is not None:
            storage = self.storage
            if (
                storage.keep_idle
                and len(storage.idle) < _IDLE_MAX
                and not self.driver.in_transaction
            ):
                storage.idle.append(self._pooled)
            else:
                self._pooled.close()
