"""SQL storage on SQLAlchemy Core: an embedded SQLite file by default, PostgreSQL for a server.

The engine and its transactions (one writer at a time, on either database) are set up in
:mod:`rsgm_core.plugins.sql.engine`; the schema and its migrations in ``tables.py`` and
``migrations.py``; the text indexes in ``search.py``; the repositories every collection shares in
``repository.py``. This module holds the storage and its units of work.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import sqlalchemy as sa

from rsgm_core.errors import DatabaseBusyError, StorageError
from rsgm_core.plugins.sql import migrations, search
from rsgm_core.plugins.sql.damage import damaged, unstorable_text
from rsgm_core.plugins.sql.directory_reads import SqlDirectoryReads
from rsgm_core.plugins.sql.engine import make_engine, normalise_url
from rsgm_core.plugins.sql.repository import SqlRepository
from rsgm_core.ports import (
    Collection,
    Storage,
    UnitOfWork,
)

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

__all__ = ["SqlStorage", "SqlUnitOfWork", "busy", "is_busy"]


def is_busy(error: BaseException | None) -> bool:
    """Whether a driver error says that another writer holds the lock: SQLite's ``database is
    locked`` (or ``busy``), PostgreSQL's ``lock_timeout`` (SQLSTATE 55P03)."""
    if error is None:
        return False
    if getattr(error, "sqlstate", None) == "55P03" or getattr(error, "pgcode", None) == "55P03":
        return True
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text or "lock timeout" in text


def busy(url: str) -> DatabaseBusyError:
    """The French error for a database another writer keeps: what is busy, what to do."""
    shown = sa.engine.make_url(url).render_as_string(hide_password=True)
    return DatabaseBusyError(
        f"base occupée : une autre opération écrit dans {shown} (un import, une autre commande "
        "rsgm) et ne l'a pas libérée à temps ; rien n'a été enregistré. Relancez la commande "
        "quand elle sera terminée ; les lectures, elles, restent possibles pendant ce temps",
        value=shown,
    )


R = TypeVar("R")


class SqlStorage(Storage):
    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = normalise_url(url)
        busy_timeout = _busy_timeout(self.url)  # checked first: the driver would only crash
        self.engine = make_engine(self.url)
        if busy_timeout is not None:
            _set_busy_timeout(self.engine, busy_timeout)
        if self.engine.dialect.name == "sqlite":
            _set_secure_delete(self.engine)
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
        except Exception as exc:
            self.engine.dispose()
            if damage := damaged(self.url, exc):  # a damaged file: which, and what to do
                raise damage from exc
            raise

    def _enable_wal(self) -> None:
        # Persistent in the file, so set only once the database is known to be ours and current:
        # a refused file is left byte-identical. Outside any transaction, as SQLite requires.
        # Only when not yet set: switching takes the database for itself, which a busy file
        # (a writer at work) refuses; a file in WAL mode already needs nothing.
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                raise busy(self.url) from exc
            raise
        finally:
            raw.close()

    def _prepare(self, upgrade: bool) -> tuple[int, list[migrations.Migration]]:
        # Read first, without the writer lock: opening a current database, which is every open
        # but the first after an upgrade, never waits for a writer (a long import).
        with self._connect() as conn:
            conn.execution_options(rsgm_read_only=True)
            with self._begun(conn):
                version = migrations.current_version(conn)
                migrations.check_supported(version, self.url)
                rebuild = version == migrations.SCHEMA_VERSION and upgrade and search.missing(conn)
                if version == migrations.SCHEMA_VERSION and not rebuild:
                    self.text_indexes = search.existing(conn)
                    return version, []
        if version != migrations.SCHEMA_VERSION and not upgrade:
            raise StorageError(
                f"la base {self.url} est au schéma {version} ; lancez « rsgm db upgrade » "
                f"pour la passer au schéma {migrations.SCHEMA_VERSION}",
                value=version,
            )
        with self._connect() as conn, self._begun(conn):
            version = migrations.current_version(conn)  # again, under the writer lock
            migrations.check_supported(version, self.url)
            applied: list[migrations.Migration] = []
            if version != migrations.SCHEMA_VERSION:
                applied = migrations.upgrade(conn)
                if version:
                    log.info(
                        "schéma de %s mis à jour de %s à %s", self.url, version, applied[-1].version
                    )
            elif search.missing(conn):  # made by a SQLite without FTS5
                search.rebuild(conn)
            self.text_indexes = search.existing(conn)
            return migrations.SCHEMA_VERSION, applied

    @contextmanager
    def _begun(self, conn: sa.Connection) -> Iterator[None]:
        """A transaction on ``conn``, committed at the end of the block; a writer lock that
        cannot be had in time is :class:`DatabaseBusyError`, not the driver's message."""
        try:
            with conn.begin():
                yield
        except sa.exc.OperationalError as exc:
            if is_busy(exc.orig):
                raise busy(self.url) from exc
            raise

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

    def checkpoint(self) -> bool:
        """MEM-11: old terms leave the text indexes (FTS5 ``optimize`` merges their segments,
        dropping deleted entries), then the write-ahead log goes into the file and is emptied
        (``wal_checkpoint(TRUNCATE)``). With ``secure_delete`` on every connection, deleted
        content was zeroed in the pages written: afterwards it is in neither file. False when a
        reader elsewhere kept the log from being emptied (run it again later). PostgreSQL: true
        (its files are the server's; deleted rows go with its VACUUM)."""
        if self.engine.dialect.name != "sqlite":
            return True
        with self._connect() as conn, self._begun(conn):
            for name in sorted(self.text_indexes):
                index = search.index_name(search.INDEXED[name])
                conn.exec_driver_sql(f'INSERT INTO "{index}"("{index}") VALUES (\'optimize\')')
        while self.idle:  # idle connections hold no snapshot, but close them to be sure
            self.idle.pop().close()
        raw = self.engine.raw_connection()
        try:
            busy_, _, _ = raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.OperationalError as exc:
            if is_busy(exc):
                return False
            raise
        finally:
            raw.close()
        return not busy_

    def close(self) -> None:
        self.keep_idle = False
        while self.idle:
            self.idle.pop().close()
        self.engine.dispose()


def _busy_timeout(url: str) -> int | None:
    """``sqlite:///cdg79.db?timeout=5``: how many seconds a writer waits for the lock before
    :class:`DatabaseBusyError` (30 by default, as the engine sets it), in milliseconds."""
    if not url.startswith("sqlite"):
        return None
    value = sa.engine.make_url(url).query.get("timeout")
    if value is None:
        return None
    try:
        seconds = float(str(value))
    except ValueError:
        seconds = float("nan")
    if not 0 <= seconds <= 86_400:  # NaN fails this too
        raise StorageError(
            f"délai d'attente illisible dans l'URL de la base : timeout={value!r} (en secondes, "
            "de 0 à 86400)",
            value=value,
        )
    return int(seconds * 1000)


def _set_busy_timeout(engine: sa.Engine, milliseconds: int) -> None:
    def on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout = {milliseconds}")

    sa.event.listen(engine, "connect", on_connect)


def _set_secure_delete(engine: sa.Engine) -> None:
    # MEM-11: SQLite overwrites deleted content with zeros rather than leave it in free space,
    # so an erased person's data leaves the file (with the checkpoint, the log too).
    def on_connect(dbapi_connection: Any, _: Any) -> None:
        dbapi_connection.execute("PRAGMA secure_delete = ON")

    sa.event.listen(engine, "connect", on_connect)


# At most the pool's own size. The idle connections stay checked out of SQLAlchemy's pool while
# the storage keeps them: ``pool.status()`` counts them as checked out though nothing runs.
_IDLE_MAX = 5


class SqlUnitOfWork(SqlDirectoryReads, UnitOfWork):
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

    def __exit__(self, *exc_info: Any) -> None:
        # A damaged file read inside the unit of work: the French error, never the driver's.
        try:
            super().__exit__(*exc_info)
        except Exception as exc:
            if damage := damaged(self.storage.url, exc):
                raise damage from exc
            if refusal := unstorable_text(exc):
                raise refusal from None
            raise
        if damage := damaged(self.storage.url, exc_info[1]):
            raise damage from exc_info[1]
        if refusal := unstorable_text(exc_info[1]):  # rolled back above: bad input, in French
            raise refusal from None

    def _build_repository(self, collection: Collection[R]) -> SqlRepository[R]:
        return SqlRepository(collection, self)

    def refresh_name_keys(self) -> int:  # the directory's name keys written in SQL (MEM-2)
        from rsgm_core.plugins.sql import directory

        return directory.refresh_name_keys(self)

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
            if is_busy(exc.orig):
                raise busy(self.storage.url) from exc
            raise StorageError(
                f"base illisible {self.storage.url} : {exc.orig}", value=self.storage.url
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
            if is_busy(exc):
                raise busy(self.storage.url) from exc
            raise StorageError(
                f"base illisible {self.storage.url} : {exc}", value=self.storage.url
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
