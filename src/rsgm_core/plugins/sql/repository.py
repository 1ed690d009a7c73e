"""The SQL repositories: one collection's rows read, written and searched, inside a unit of work
of :mod:`rsgm_core.plugins.sql.backend`. On SQLite every read goes to the driver's connection
through :class:`~rsgm_core.plugins.sql.lite_repository.LiteRepository` (the read code of the
storage without SQLAlchemy), and the simple writes go to the driver directly."""

from __future__ import annotations

import builtins
import functools
import itertools
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs
import sqlalchemy as sa

from rsgm_core.errors import ConflictError, NotFoundError, RsgmError, StorageError
from rsgm_core.plugins.sql import search, tables
from rsgm_core.plugins.sql.lite_repository import (
    LiteRepository,
    collector_paused,
    records_of,
    tallies,
)
from rsgm_core.plugins.sql.rows import (
    RowReader,
    RowWriter,
    row_reader,
    row_writer,
    trusted_reader,
    values_reader,
)
from rsgm_core.ports import (
    Collection,
    Repository,
    Tally,
    Where,
    matches,
    value_compared_fields,
)
from rsgm_core.serialization import converter

if TYPE_CHECKING:
    from rsgm_core.plugins.sql.backend import SqlUnitOfWork

log = logging.getLogger(__name__)

R = TypeVar("R")

_CHUNK = 500  # bound parameters per IN (...) well under SQLite's limit
_FETCH = 5_000  # rows fetched from the driver at a time by list()


class SqlRepository(Repository[R]):
    def __init__(self, collection: Collection[R], uow: SqlUnitOfWork) -> None:
        self.collection = collection
        self.uow = uow
        self.record: Any = collection.record  # the key of the cached row readers and writers
        self.table: sa.Table = tables.metadata.tables[collection.name]
        self.key_columns = _key_columns(self.table, collection.key_fields)
        self.by_value = value_compared_fields(collection.record)
        self.indexed = collection.name in uow.storage.text_indexes  # FTS5 (plugins/sql/search)
        #: SQLite: every read, on the driver's connection, inside this unit of work's transaction.
        self.lite: LiteRepository[R] | None = (
            None if uow.driver is None else LiteRepository(collection, uow.driver, self.indexed)
        )

    # Built on first use (and cached per record class): most units of work touch few collections.

    @property
    def read_row(self) -> RowReader:
        return row_reader(self.record, _columns(self.table))

    @property
    def read_rows(self) -> RowReader:
        """For bulk reads through SQLAlchemy: records built without re-running their validators
        (:func:`~rsgm_core.plugins.sql.rows.trusted_reader` says why that is safe)."""
        return trusted_reader(self.record, _columns(self.table))

    @property
    def write_row(self) -> RowWriter:
        return row_writer(self.record, _columns(self.table), _json_columns(self.table))

    @property
    def insert_sql(self) -> str:
        return _insert_sql(self.table)

    @property
    def key_order(self) -> tuple[sa.ColumnElement[Any], ...]:
        return _key_order(self.table, self.collection.key_fields, self.uow.conn.dialect.name)

    # Mapping between records and rows: the converter's plain values, column for field.

    def _row(self, record: Any) -> dict[str, Any]:
        return converter.unstructure(record)

    def _record(self, row: Sequence[Any], read: RowReader | None = None) -> Any:
        try:
            return (read or self.read_row)(row)
        except RsgmError:
            raise
        except (TypeError, ValueError) as exc:
            raise StorageError(
                f"{self.collection.name} : enregistrement illisible en base ({exc})",
                value=self._row_key(dict(zip(self.table.c.keys(), row, strict=False))),
            ) from exc

    def _records(self, rows: Sequence[Sequence[Any]], read: RowReader) -> list[Any]:
        """Every row's record; a row that cannot be read is a ``StorageError`` naming its key
        (callers building many records pause the cyclic collector: see collector_paused)."""
        return records_of(rows, read, self._record)

    # Reads: SQLite's in LiteRepository (self.lite), PostgreSQL's through SQLAlchemy below.
    # Values are bound as the converter unstructures them, as SQLAlchemy binds them.

    def _key_clause(self, key: Any) -> sa.ColumnElement[bool]:
        values = key if isinstance(self.collection.key, tuple) else (key,)
        if len(values) != len(self.key_columns):
            raise NotFoundError(f"{self.collection.name} : clé mal formée {key!r}", value=key)
        return sa.and_(
            *(
                col == converter.unstructure(v)
                for col, v in zip(self.key_columns, values, strict=True)
            )
        )

    def _split(self, where: Where | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Filters SQL can compare as stored text, and those compared by value in Python
        (``Decimal("0.5")`` equals ``Decimal("0.50")``, a UTC time equals its Paris twin)."""
        self.check_fields(where)
        in_sql = {k: v for k, v in (where or {}).items() if k not in self.by_value}
        in_python = {k: v for k, v in (where or {}).items() if k in self.by_value}
        return in_sql, in_python

    def _where(self, where: Where | None) -> list[sa.ColumnElement[bool]]:
        clauses: list[sa.ColumnElement[bool]] = []
        for name, wanted in (where or {}).items():
            column = self.table.c[name]
            if isinstance(wanted, tuple | list | set | frozenset):
                one_of: sa.ColumnElement[bool] = column.in_(
                    [converter.unstructure(v) for v in wanted if v is not None]
                )
                if None in wanted:  # IN never matches NULL; memory's one-of does
                    one_of = sa.or_(column.is_(None), one_of)
                clauses.append(one_of)
            elif wanted is None:
                clauses.append(column.is_(None))
            else:
                clauses.append(column == converter.unstructure(wanted))
        return clauses

    def _execute(self, statement: Any, params: Any = None) -> sa.CursorResult[Any]:
        try:
            if self.uow.conn.dialect.name == "sqlite":
                return self.uow.conn.execute(statement, params)
            with self.uow.conn.begin_nested():  # see add_all
                return self.uow.conn.execute(statement, params)
        except sa.exc.IntegrityError as exc:
            raise ConflictError(
                f"{self.collection.name} : écriture refusée par la base ({exc.orig})",
                value=self.collection.name,
            ) from exc

    def add_all(self, records: Iterable[Any]) -> None:
        records = list(records)
        if not records:
            return
        if self.uow.driver is not None:
            self._driver_add_all(records, self.uow.driver)
            return
        try:
            # All the rows or none: a refused row undoes those before it (and their index rows),
            # and a refused statement would abort a PostgreSQL transaction; the savepoint keeps
            # the caller's transaction usable, to name the existing key or to go on.
            with self.uow.conn.begin_nested():
                if self.uow.conn.dialect.name == "sqlite":
                    # SQLAlchemy's per-row parameter handling costs more than the insert itself.
                    write = self.write_row
                    self.uow.conn.exec_driver_sql(self.insert_sql, [write(r) for r in records])
                else:
                    self.uow.conn.execute(self.table.insert(), [self._row(r) for r in records])
                if self.indexed:
                    search.sync(
                        self.uow.conn, self.collection, search.names_of(self.collection, records)
                    )
        except sa.exc.IntegrityError as exc:
            keys = [self.collection.key_of(r) for r in records]
            existing = self._existing_keys([_plain_key(k) for k in keys])
            detail = f"la clé {next(iter(existing))!r} existe déjà" if existing else str(exc.orig)
            raise ConflictError(
                f"{self.collection.name} : {detail}", value=existing or None
            ) from exc

    def _driver_add_all(self, records: list[Any], driver: sqlite3.Connection) -> None:
        """SQLite: the rows with one ``executemany`` on the driver's connection. All or none: a
        refused row undoes those before it (and their index rows) by a savepoint, which one row
        without an index does without (SQLite undoes a refused statement by itself)."""
        write = self.write_row
        rows = [write(r) for r in records]
        savepoint = len(rows) > 1 or self.indexed
        name = f"rsgm_add_{next(_SAVEPOINTS)}"
        if savepoint:
            driver.execute(f"SAVEPOINT {name}")
        try:
            driver.executemany(self.insert_sql, rows)
            if self.indexed:
                search.sync(
                    self.uow.conn, self.collection, search.names_of(self.collection, records)
                )
        except (sqlite3.IntegrityError, sa.exc.IntegrityError) as exc:
            if savepoint:
                driver.execute(f"ROLLBACK TO {name}")
                driver.execute(f"RELEASE {name}")
            keys = [self.collection.key_of(r) for r in records]
            existing = self._existing_keys([_plain_key(k) for k in keys])
            detail = f"la clé {next(iter(existing))!r} existe déjà" if existing else str(exc)
            raise ConflictError(
                f"{self.collection.name} : {detail}", value=existing or None
            ) from exc
        except BaseException:
            if savepoint:
                driver.execute(f"ROLLBACK TO {name}")
                driver.execute(f"RELEASE {name}")
            raise
        if savepoint:
            driver.execute(f"RELEASE {name}")

    def _row_key(self, row: dict[str, Any]) -> Any:
        values = tuple(row[c.name] for c in self.key_columns)
        return values[0] if len(values) == 1 else values

    def _existing_keys(self, keys: list[Any]) -> set[Any]:
        found: set[Any] = set()
        if len(self.key_columns) == 1:
            column = self.key_columns[0]
            for chunk in _chunks(keys):
                found.update(self.uow.conn.scalars(sa.select(column).where(column.in_(chunk))))
            return found
        wanted = set(keys)
        first = self.key_columns[0]
        for chunk in _chunks(sorted({k[0] for k in wanted})):
            rows = self.uow.conn.execute(sa.select(*self.key_columns).where(first.in_(chunk)))
            found.update(tuple(r) for r in rows if tuple(r) in wanted)
        return found

    def update_all(self, records: Iterable[Any]) -> None:
        records = list(records)
        if not records:
            return
        if self.uow.driver is not None and not self.indexed:
            self._driver_update_all(records, self.uow.driver)
            return
        rows = [self._row(r) for r in records]
        key_names = {c.name for c in self.key_columns}
        statement = (
            self.table.update()
            .where(*(c == sa.bindparam(f"k_{c.name}") for c in self.key_columns))
            .values({name: sa.bindparam(name) for name in rows[0] if name not in key_names})
        )
        keys = [self._row_key(r) for r in rows]
        for row in rows:
            for name in key_names:
                row[f"k_{name}"] = row.pop(name)
        # One executemany, checked by its row count; only a short count pays for finding the key.
        # The savepoint undoes the partial update, so the caller's transaction stays usable.
        with self.uow.conn.begin_nested() as savepoint:
            result = self._execute(statement, rows)
            complete = result.rowcount == len(rows)
            if not (complete and self.uow.conn.dialect.supports_sane_multi_rowcount):
                missing = set(keys) - self._existing_keys(keys)
                complete = not missing
            if complete:
                if self.indexed:
                    search.sync(
                        self.uow.conn, self.collection, search.names_of(self.collection, records)
                    )
                return
            savepoint.rollback()
        key = sorted(missing, key=str)[0]
        raise NotFoundError(f"{self.collection.name} : clé inconnue {key!r}", value=key)

    def _driver_update_all(self, records: list[Any], driver: sqlite3.Connection) -> None:
        """SQLite: one ``executemany`` of ``UPDATE … WHERE key`` on the driver's connection, with
        the rows as tuples (a census re-import updates tens of thousands); all or none, checked
        by the row count, as :meth:`update_all`."""
        sql, columns = _update_sql(self.table, tuple(c.name for c in self.key_columns))
        write = row_writer(self.record, columns, _json_columns(self.table))
        name = f"rsgm_update_{next(_SAVEPOINTS)}"
        driver.execute(f"SAVEPOINT {name}")
        try:
            cursor = driver.executemany(sql, [write(r) for r in records])
            if cursor.rowcount != len(records):
                keys = [self.collection.key_of(r) for r in records]
                missing = {_plain_key(k) for k in keys} - self._existing_keys(
                    [_plain_key(k) for k in keys]
                )
                if missing:
                    key = sorted(missing, key=str)[0]
                    raise NotFoundError(f"{self.collection.name} : clé inconnue {key!r}", value=key)
        except BaseException:
            driver.execute(f"ROLLBACK TO {name}")
            driver.execute(f"RELEASE {name}")
            raise
        driver.execute(f"RELEASE {name}")

    def update_if(self, record: Any, expected: Mapping[str, Any]) -> bool:
        """One ``UPDATE … WHERE key AND expected`` (compare and set, atomic on any database):
        whether the stored row still had the expected values and was replaced."""
        self.check_fields(expected)
        row = self._row(record)
        key_names = {c.name for c in self.key_columns}
        statement = (
            self.table.update()
            .where(self._key_clause(self.collection.key_of(record)))
            .where(*self._where(dict(expected)))
            .values({name: value for name, value in row.items() if name not in key_names})
        )
        if int(self._execute(statement).rowcount) != 1:
            return False
        if self.indexed:
            search.sync(self.uow.conn, self.collection, search.names_of(self.collection, [record]))
        return True

    def find(self, key: Any) -> Any | None:
        if self.lite is not None:
            return self.lite.find(key)
        row = self.uow.conn.execute(sa.select(self.table).where(self._key_clause(key))).first()
        return None if row is None else self._record(row)

    def list(self, where: Where | None = None) -> list[Any]:
        if self.lite is not None:
            return self.lite.list(where)
        in_sql, in_python = self._split(where)
        query = sa.select(self.table).where(*self._where(in_sql)).order_by(*self.key_order)
        with collector_paused():
            records = self._records(self.uow.conn.execute(query).fetchall(), self.read_rows)
        return [r for r in records if matches(r, in_python)] if in_python else records

    def values(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[Any, ...]]:
        if self.lite is not None:
            return self.lite.values(fields, where)
        in_sql, in_python = self._split(where)
        self.check_fields(dict.fromkeys(fields))
        if in_python:  # compared by value: read the records
            return super().values(fields, where)
        read = values_reader(self.record, tuple(fields))
        query = (
            sa.select(*(self.table.c[name] for name in fields))
            .where(*self._where(in_sql))
            .order_by(*self.key_order)
        )
        return [read(row) for row in self.uow.conn.execute(query).fetchall()]

    def aggregate(
        self, by: Sequence[str], *, where: Where | None = None, sums: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], Tally]:
        """One ``SELECT by…, count(*), sum(…) … GROUP BY by…``; filters or groups on values whose
        stored text is not canonical (``Decimal``, zoned datetimes) or on JSON columns are read
        in Python, as :meth:`Repository.aggregate` does."""
        if self.lite is not None:
            return self.lite.aggregate(by, where=where, sums=sums)
        in_sql, in_python = self._split(where)
        self.check_fields(dict.fromkeys([*by, *sums]))
        self.check_sums(sums)
        json_columns = _json_columns(self.table)
        if in_python or any(n in self.by_value or n in json_columns for n in (*by, *in_sql)):
            return super().aggregate(by, where=where, sums=sums)
        read = values_reader(self.record, tuple(by)) if by else tuple
        keys = [self.table.c[name] for name in by]
        totals: builtins.list[sa.ColumnElement[Any]] = []
        for name in sums:
            column = self.table.c[name]
            if isinstance(column.type, sa.Boolean):
                totals.append(sa.func.sum(sa.case((column.is_(True), 1), else_=0)))
            else:
                totals.append(sa.func.coalesce(sa.func.sum(column), 0))
        query = (
            sa.select(*keys, sa.func.count(), *totals)
            .select_from(self.table)
            .where(*self._where(in_sql))
            .group_by(*keys)
        )
        return tallies(self.uow.conn.execute(query).fetchall(), len(by), read, bool(sums))

    def instants(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[float | None, ...]]:
        if self.lite is not None:  # SQLite computes them (plugins/sql/instants.py)
            return self.lite.instants(fields, where)
        return super().instants(fields, where)

    def count(self, where: Where | None = None) -> int:
        if self.lite is not None:
            return self.lite.count(where)
        in_sql, in_python = self._split(where)
        if in_python:
            return len(self.list(where))
        query = sa.select(sa.func.count()).select_from(self.table).where(*self._where(in_sql))
        return int(self.uow.conn.execute(query).scalar_one())

    def remove(self, key: Any) -> None:
        result = self._execute(self.table.delete().where(self._key_clause(key)))
        if result.rowcount == 0:
            raise NotFoundError(f"{self.collection.name} : clé inconnue {key!r}", value=key)
        if self.indexed:
            plain = _plain_key(key)
            name = search.name_of_key(
                self.collection, plain if isinstance(plain, tuple) else (plain,)
            )
            search.sync(self.uow.conn, self.collection, {name})

    def search(self, words: str, where: Where | None = None) -> builtins.list[tuple[Any, float]]:
        if self.lite is not None:
            return self.lite.search(words, where)
        if not self.indexed:
            return super().search(words, where)
        query = self.check_search(words, where)
        if not query:
            return []
        in_sql, in_python = self._split(where)
        statement = search.select(self.collection, self.table, query, self._where(in_sql))
        rows, read = self.uow.conn.execute(statement).fetchall(), self.read_rows
        # Best first (bm25() is negative), equal scores in key order as rank() gives them: sorted
        # on the stored values, which order as the key's own for text and integers.
        at = [self.table.c.keys().index(name) for name in self.collection.key_fields]
        ordered = sorted(rows, key=lambda row: (row[-1], *(row[i] for i in at)))
        found = zip(self._records(ordered, read), (-row[-1] for row in ordered), strict=True)
        return [(record, score) for record, score in found if matches(record, in_python)]

    def reassign(self, field: str, old: Any, new: Any) -> int:
        self.check_fields({field: old})
        column = self.table.c[field]
        statement = (
            self.table.update()
            .where(column == converter.unstructure(old))
            .values({field: converter.unstructure(new)})
        )
        reindexed = field in self.collection.key_fields or field in dict(
            self.collection.search_fields
        )
        moved = self.list({field: old}) if self.indexed and reindexed else []
        count = int(self._execute(statement).rowcount)
        if moved:  # the records' rows before the move, and after
            after = [attrs.evolve(r, **{field: new}) for r in moved]
            names = search.names_of(self.collection, moved) | search.names_of(
                self.collection, after
            )
            search.sync(self.uow.conn, self.collection, names)
        return count


def _plain_key(key: Any) -> Any:
    """A record's key as stored: each part unstructured, composite keys staying tuples."""
    if isinstance(key, tuple):
        return tuple(converter.unstructure(part) for part in key)
    return converter.unstructure(key)


@functools.cache
def _key_order(
    table: sa.Table, key: tuple[str, ...], dialect: str
) -> tuple[sa.ColumnElement[Any], ...]:
    """The key columns to sort by, text in code point order as Python and SQLite sort it,
    whatever the collation of a PostgreSQL database (a French one puts "é" before "f")."""
    columns = [table.c[name] for name in key]
    if dialect != "postgresql":
        return tuple(columns)
    return tuple(c.collate("C") if isinstance(c.type, sa.String) else c for c in columns)


@functools.cache
def _columns(table: sa.Table) -> tuple[str, ...]:
    return tuple(table.c.keys())


@functools.cache
def _key_columns(table: sa.Table, key: tuple[str, ...]) -> tuple[sa.Column[Any], ...]:
    return tuple(table.c[name] for name in key)


@functools.cache
def _json_columns(table: sa.Table) -> frozenset[str]:
    return frozenset(c.name for c in table.c if isinstance(c.type, sa.JSON))


@functools.cache
def _insert_sql(table: sa.Table) -> str:
    columns = ", ".join(f'"{name}"' for name in table.c.keys())  # noqa: SIM118 - column order
    marks = ", ".join("?" * len(table.c))
    return f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'


@functools.cache
def _update_sql(table: sa.Table, key: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """``UPDATE … SET … WHERE key`` and the columns its parameters come in (the others, then
    the key's)."""
    others = tuple(name for name in table.c.keys() if name not in key)  # noqa: SIM118
    sets = ", ".join(f'"{name}" = ?' for name in others)
    where = " AND ".join(f'"{name}" = ?' for name in key)
    return f'UPDATE "{table.name}" SET {sets} WHERE {where}', others + key


_SAVEPOINTS = itertools.count()  # names of the savepoints taken on the driver's connection


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]
