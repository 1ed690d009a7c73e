"""A SQLite file whose schema is current, read without SQLAlchemy.

Opening a database is most often opening one that is already there at the current schema, to read
it (``rsgm census report``, a listing, a page). Importing SQLAlchemy costs more than such a
command's whole work, so :func:`open_lite` checks the file with the ``sqlite3`` driver alone (the
schema's version, its text indexes, WAL mode) and, when nothing needs doing, returns a
:class:`LiteStorage`: its read-only units of work (``Deps.read()``) run on the driver with
:class:`~rsgm_core.plugins.sql.lite_repository.LiteRepository`, the very read code the SQLAlchemy
storage uses on SQLite. The first unit of work that writes builds the SQLAlchemy storage
(:class:`~rsgm_core.plugins.sql.backend.SqlStorage`) on the same file, and every write goes
through it. A file to create, to migrate or to repair, or a URL with options other than
``timeout``, is opened by ``SqlStorage`` straight away (:func:`open_lite` returns ``None``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import parse_qsl

from rsgm_core.errors import DatabaseBusyError, MissingExtraError, StorageError
from rsgm_core.plugins.sql.damage import damaged, sqlite_path
from rsgm_core.plugins.sql.directory_reads import SqlDirectoryReads
from rsgm_core.plugins.sql.lite_repository import LiteRepository
from rsgm_core.plugins.sql.migrations import SCHEMA_VERSION
from rsgm_core.ports import Collection, Storage, UnitOfWork
from rsgm_core.records import COLLECTIONS

if TYPE_CHECKING:
    from rsgm_core.plugins.sql.backend import SqlStorage

__all__ = ["LiteStorage", "LiteUnitOfWork", "normalise_url", "open_lite"]

R = TypeVar("R")

_DEFAULT_TIMEOUT = 30.0  # seconds a statement waits for a lock, as the SQLAlchemy engine's
_IDLE_MAX = 5  # connections kept between units of work, as SqlStorage keeps


def normalise_url(url: str) -> str:
    """``sqlite:///x.db`` and ``postgresql…`` pass through; a bare path means a SQLite file."""
    if "://" in url:
        return url
    return f"sqlite:///{Path(url).expanduser()}"


def _timeout(url: str) -> float | None:
    """The seconds of ``?timeout=`` (30 without), ``None`` for any other option or a value
    out of bounds: the SQLAlchemy storage reads those, and refuses what it must."""
    query = url.partition("?")[2]
    if not query:
        return _DEFAULT_TIMEOUT
    options = dict(parse_qsl(query, keep_blank_values=True))
    if set(options) != {"timeout"}:
        return None
    try:
        seconds = float(options["timeout"])
    except ValueError:
        return None
    return seconds if 0 <= seconds <= 86_400 else None


def _indexed_names() -> dict[str, str]:
    """The FTS5 index table of each collection searched by words, by collection name."""
    return {c.name: f"{c.name}_search" for c in COLLECTIONS if c.search_fields}


def fts5_available(conn: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 (``search.fts5_available``, on the driver)."""
    try:
        conn.execute("SELECT fts5_source_id()")
    except sqlite3.OperationalError:
        return False
    return True


def open_lite(url: str, *, upgrade: bool = True) -> LiteStorage | None:
    """A :class:`LiteStorage` on the SQLite file of ``url`` when it exists and needs nothing
    (current schema, every text index this SQLite can use, WAL mode), else ``None``."""
    url = normalise_url(url)
    path = sqlite_path(url) if url.startswith("sqlite:") else None
    timeout = _timeout(url)
    if path is None or timeout is None or not Path(path).is_file():
        return None
    storage = LiteStorage(url, path, timeout=timeout, upgrade=upgrade)
    try:
        conn = storage.connect()
    except sqlite3.Error:
        return None
    try:
        conn.execute("BEGIN")
        ready = storage.check(conn)
        conn.rollback()
    except sqlite3.Error:  # damaged, locked, foreign: SqlStorage says so in French
        conn.close()
        return None
    if not ready:
        conn.close()
        return None
    storage.idle.append(conn)
    return storage


class LiteStorage(Storage):
    """Read-only units of work on the driver; writing ones through the SQLAlchemy storage,
    built on first use (see the module's docstring)."""

    def __init__(self, url: str, path: str, *, timeout: float, upgrade: bool) -> None:
        self.url = url
        self.path = path
        self.timeout = timeout
        self.upgrade = upgrade
        self.schema_version = SCHEMA_VERSION
        self.text_indexes: frozenset[str] = frozenset()
        #: Connections kept between units of work (not in a transaction), at most _IDLE_MAX.
        self.idle: list[sqlite3.Connection] = []
        self._full: SqlStorage | None = None

    def connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
        )
        # As the SQLAlchemy engine sets them (plugins/sql/engine.py, backend.py).
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA secure_delete = ON")  # MEM-11
        return conn

    def check(self, conn: sqlite3.Connection) -> bool:
        """Whether the file needs nothing from the SQLAlchemy storage; notes its text indexes."""
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return False
        found = conn.execute("SELECT max(version) FROM rsgm_schema_migrations").fetchone()
        if found is None or found[0] != SCHEMA_VERSION:
            return False
        names = _indexed_names()
        marks = ", ".join("?" * len(names))
        present = {
            name
            for (name,) in conn.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})",
                tuple(names.values()),
            )
        }
        if not fts5_available(conn):  # SqlStorage refuses the file, or ranks in Python
            return False
        if present != set(names.values()):
            return False  # an index to build
        self.text_indexes = frozenset(names)
        return True

    @property
    def full(self) -> SqlStorage:
        """The SQLAlchemy storage on the same file, built on first use (a write, a tool)."""
        if self._full is None:
            try:
                from rsgm_core.plugins.sql.backend import SqlStorage
            except ModuleNotFoundError as exc:
                if exc.name and exc.name.startswith("sqlalchemy"):
                    raise MissingExtraError("Le stockage SQL", "sql", "sqlalchemy") from exc
                raise
            self._full = SqlStorage(self.url, upgrade=self.upgrade)
        return self._full

    @property
    def engine(self) -> Any:
        return self.full.engine

    @property
    def applied(self) -> list[Any]:
        """The migrations applied by this opening: none, the schema was current."""
        return []

    def unit_of_work(self, *, read_only: bool = False) -> UnitOfWork:
        if read_only:
            return LiteUnitOfWork(self)
        return self.full.unit_of_work()

    def info(self) -> dict[str, Any]:
        return {"backend": "sqlite", "url": self.url, "schema_version": self.schema_version}

    def _close_idle(self) -> None:
        while self.idle:
            self.idle.pop().close()

    def reindex(self) -> list[str]:
        rebuilt = self.full.reindex()
        self.text_indexes = self.full.text_indexes
        return rebuilt

    def checkpoint(self) -> bool:
        self._close_idle()  # idle connections hold no snapshot, but close them to be sure
        return self.full.checkpoint()

    def close(self) -> None:
        self._close_idle()
        if self._full is not None:
            self._full.close()


class LiteUnitOfWork(SqlDirectoryReads, UnitOfWork):
    """One read transaction (``BEGIN``: a snapshot, no lock) on a driver connection; the
    directory's reads run the same SQL as the SQLAlchemy unit of work's on SQLite."""

    def __init__(self, storage: LiteStorage) -> None:
        self.storage = storage
        self.driver: sqlite3.Connection | None = None

    def _build_repository(self, collection: Collection[R]) -> LiteRepository[R]:
        assert self.driver is not None, "a repository is reached inside the unit of work"
        return LiteRepository(collection, self.driver, collection.name in self.storage.text_indexes)

    def begin(self) -> None:
        storage = self.storage
        try:
            driver = storage.idle.pop()  # atomic: no lock needed
        except IndexError:
            driver = None
        try:
            if driver is None:
                driver = storage.connect()
            driver.execute("BEGIN")
        except sqlite3.Error as exc:
            if driver is not None:
                driver.close()
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                raise DatabaseBusyError(
                    f"base occupée : {storage.url} est tenue par une autre opération ; relancez "
                    "la commande quand elle sera terminée",
                    value=storage.url,
                ) from exc
            if damage := damaged(storage.url, exc):
                raise damage from exc
            raise StorageError(f"base illisible {storage.url} : {exc}", value=storage.url) from exc
        self.driver = driver

    def _commit(self) -> None:
        if self.driver is not None and self.driver.in_transaction:
            self.driver.commit()  # nothing written: ends the snapshot

    def rollback(self) -> None:
        if self.driver is not None and self.driver.in_transaction:
            self.driver.rollback()

    def close(self) -> None:
        driver, self.driver = self.driver, None
        if driver is None:
            return
        idle = self.storage.idle
        if len(idle) < _IDLE_MAX and not driver.in_transaction:
            idle.append(driver)
        else:
            driver.close()

    def __exit__(self, *exc_info: Any) -> None:
        # A damaged file read inside the unit of work: the French error, never the driver's.
        try:
            super().__exit__(*exc_info)
        except Exception as exc:
            if damage := damaged(self.storage.url, exc):
                raise damage from exc
            raise
        if damage := damaged(self.storage.url, exc_info[1]):
            raise damage from exc_info[1]
