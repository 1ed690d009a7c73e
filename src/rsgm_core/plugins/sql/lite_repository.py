"""Reading a SQLite table on the ``sqlite3`` driver alone, without SQLAlchemy.

:class:`LiteRepository` answers every read of the repository port (``find``, ``list``, ``count``,
``values``, ``aggregate``, ``instants``, ``search``) with SQL text built from the table's
:class:`~rsgm_core.plugins.sql.layout.Layout` and run on the driver's connection: the read-only
units of work of :mod:`rsgm_core.plugins.sql.lite` use it alone, and the SQLAlchemy repository of
:mod:`rsgm_core.plugins.sql.repository` hands it every read on SQLite, so that both read alike.

Filters SQL compares as stored text go into the ``WHERE``; those compared by value (``Decimal``,
zoned datetimes) or on a JSON column are applied to the records in Python, as the memory backend
applies them all. A read-only unit of work writes nothing: its writes are refused.
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from rsgm_core.errors import NotFoundError, RsgmError, StorageError
from rsgm_core.plugins.sql.instants import epoch_sql
from rsgm_core.plugins.sql.layout import Layout, layout_of
from rsgm_core.plugins.sql.rows import RowReader, row_reader, trusted_reader, values_reader
from rsgm_core.ports import Collection, Repository, Tally, Where, matches, value_compared_fields
from rsgm_core.serialization import converter

__all__ = ["LiteRepository", "collector_paused", "records_of", "tallies"]

R = TypeVar("R")

_FETCH = 5_000  # rows fetched from the driver at a time by list()
_ONE_OF = (tuple, list, set, frozenset)


def records_of(
    rows: Sequence[Sequence[Any]],
    read: RowReader,
    one: Callable[[Sequence[Any], RowReader], Any],
) -> builtins.list[Any]:
    """Every row's record by ``read``; when a row cannot be read, ``one`` (which reads a single row
    and raises the ``StorageError`` naming its key) finds it for the message."""
    try:
        return [read(row) for row in rows]  # the hot path: no call per row but the reader's
    except RsgmError:
        raise
    except (TypeError, ValueError):
        for row in rows:  # find the row at fault, for the message
            one(row, read)
        raise


class LiteRepository(Repository[R]):
    """One collection's records read on a ``sqlite3`` connection inside its transaction."""

    def __init__(
        self, collection: Collection[R], driver: sqlite3.Connection, indexed: bool
    ) -> None:
        self.collection = collection
        self.driver = driver
        self.indexed = indexed  # an FTS5 text index exists (plugins/sql/search.py)
        self.layout: Layout = layout_of(collection)
        self.record: Any = collection.record  # the key of the cached row readers
        self.by_value = value_compared_fields(collection.record)

    # SQL text, by filters.

    def _split(self, where: Where | None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Filters SQL compares as stored text, and those applied to the records in Python."""
        self.check_fields(where)
        in_sql: dict[str, Any] = {}
        in_python: dict[str, Any] = {}
        for name, wanted in (where or {}).items():
            python = name in self.by_value or name in self.layout.json_columns
            (in_python if python else in_sql)[name] = wanted
        return in_sql, in_python

    def _where(self, where: Mapping[str, Any], table: str = "") -> tuple[str, list[Any]]:
        """`` WHERE …`` and its parameters for equality and one-of filters (columns prefixed by
        ``table.`` when given), values bound as the converter unstructures them."""
        if not where:
            return "", []
        clauses: list[str] = []
        params: list[Any] = []
        for name, wanted in where.items():
            column = f'{table}"{name}"'
            if isinstance(wanted, _ONE_OF):
                values = [  # text as is: an id list holds thousands
                    v if type(v) is str else converter.unstructure(v)
                    for v in wanted
                    if v is not None
                ]
                one_of = f"{column} IN ({', '.join('?' * len(values))})" if values else "0"
                if None in wanted:  # as in memory: None among the values matches a NULL
                    one_of = f"({column} IS NULL OR {one_of})" if values else f"{column} IS NULL"
                clauses.append(one_of)
                params.extend(values)
            elif wanted is None:
                clauses.append(f"{column} IS NULL")
            else:
                clauses.append(f"{column} = ?")
                params.append(converter.unstructure(wanted))
        return " WHERE " + " AND ".join(clauses), params

    def _select(self, table: str = "") -> str:
        return ", ".join(f'{table}"{name}"' for name in self.layout.columns)

    def _order(self) -> str:
        """SQLite's default collation, BINARY, orders text by code point as Python does."""
        return " ORDER BY " + ", ".join(f'"{name}"' for name in self.layout.key)

    # Rows into records.

    @property
    def read_row(self) -> RowReader:
        """One record read to be changed: its validators run (``find``)."""
        return row_reader(self.record, self.layout.columns, self.layout.json_columns)

    @property
    def read_rows(self) -> RowReader:
        """Records read in bulk, built without re-running their validators
        (:func:`~rsgm_core.plugins.sql.rows.trusted_reader` says why that is safe)."""
        return trusted_reader(self.record, self.layout.columns, self.layout.json_columns)

    def _record(self, row: Sequence[Any], read: RowReader) -> Any:
        try:
            return read(row)
        except RsgmError:
            raise
        except (TypeError, ValueError) as exc:
            key = tuple(row[: len(self.layout.key)])
            raise StorageError(
                f"{self.collection.name} : enregistrement illisible en base ({exc})",
                value=key[0] if len(key) == 1 else key,
            ) from exc

    def _records(self, rows: Sequence[Sequence[Any]], read: RowReader) -> builtins.list[Any]:
        """Every row's record; a row that cannot be read is a ``StorageError`` naming its key."""
        return records_of(rows, read, self._record)

    # The reads of the port.

    def find(self, key: Any) -> Any | None:
        values = key if isinstance(self.collection.key, tuple) else (key,)
        if len(values) != len(self.layout.key):
            raise NotFoundError(f"{self.collection.name} : clé mal formée {key!r}", value=key)
        where = " AND ".join(f'"{name}" = ?' for name in self.layout.key)
        statement = f'SELECT {self._select()} FROM "{self.layout.name}" WHERE {where}'
        params = [converter.unstructure(v) for v in values]
        row = self.driver.execute(statement, params).fetchone()
        return None if row is None else self._record(row, self.read_row)

    def list(self, where: Where | None = None) -> builtins.list[Any]:
        in_sql, in_python = self._split(where)
        clause, params = self._where(in_sql)
        statement = f'SELECT {self._select()} FROM "{self.layout.name}"{clause}{self._order()}'
        read = self.read_rows
        records: builtins.list[Any] = []
        with collector_paused():
            cursor = self.driver.execute(statement, params)
            # By slices: the driver's rows are let go as their records are built (a census
            # re-import reads back some 100,000 rows).
            while chunk := cursor.fetchmany(_FETCH):
                records.extend(self._records(chunk, read))
        return [r for r in records if matches(r, in_python)] if in_python else records

    def count(self, where: Where | None = None) -> int:
        in_sql, in_python = self._split(where)
        if in_python:
            return len(self.list(where))
        clause, params = self._where(in_sql)
        statement = f'SELECT count(*) FROM "{self.layout.name}"{clause}'
        return int(self.driver.execute(statement, params).fetchone()[0])

    def values(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[Any, ...]]:
        in_sql, in_python = self._split(where)
        self.check_fields(dict.fromkeys(fields))
        if in_python:  # compared by value: read the records
            return super().values(fields, where)
        fields = tuple(fields)
        read = values_reader(self.record, fields, self.layout.json_columns.intersection(fields))
        clause, params = self._where(in_sql)
        columns = ", ".join(f'"{name}"' for name in fields)
        statement = f'SELECT {columns} FROM "{self.layout.name}"{clause}{self._order()}'
        with collector_paused():  # as list(): every tuple built stays alive until returned
            rows = self.driver.execute(statement, params).fetchall()
            return rows if read is tuple else [read(row) for row in rows]

    def aggregate(
        self, by: Sequence[str], *, where: Where | None = None, sums: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], Tally]:
        """One ``SELECT by…, count(*), sum(…) … GROUP BY by…``; groups on values compared by
        value or on JSON columns are counted in Python, as :meth:`Repository.aggregate` does."""
        in_sql, in_python = self._split(where)
        self.check_fields(dict.fromkeys([*by, *sums]))
        self.check_sums(sums)
        if in_python or any(n in self.by_value or n in self.layout.json_columns for n in by):
            return super().aggregate(by, where=where, sums=sums)
        read = values_reader(self.record, tuple(by)) if by else tuple
        clause, params = self._where(in_sql)
        keys = [f'"{name}"' for name in by]
        totals = [f'coalesce(sum("{name}"), 0)' for name in sums]  # booleans are 0 and 1 there
        statement = (
            f'SELECT {", ".join([*keys, "count(*)", *totals])} FROM "{self.layout.name}"{clause}'
            + (f" GROUP BY {', '.join(keys)}" if keys else "")
        )
        with collector_paused():
            rows = self.driver.execute(statement, params).fetchall()
            return tallies(rows, len(by), read, bool(sums))

    def instants(
        self, fields: Sequence[str], where: Where | None = None
    ) -> builtins.list[tuple[float | None, ...]]:
        in_sql, in_python = self._split(where)
        self.check_datetimes(fields)
        if in_python:
            return super().instants(fields, where)
        clause, params = self._where(in_sql)
        columns = ", ".join(epoch_sql(self.layout.name, name) for name in fields)
        statement = f'SELECT {columns} FROM "{self.layout.name}"{clause}{self._order()}'
        try:
            # int / int: one correctly rounded division, as datetime.timestamp() computes it.
            return [
                tuple([None if us is None else us / 1_000_000 for us in row])
                for row in self.driver.execute(statement, params).fetchall()
            ]
        except TypeError:  # UNREADABLE: text SQLite cannot read exactly, read in Python
            return super().instants(fields, where)

    def search(self, words: str, where: Where | None = None) -> builtins.list[tuple[Any, float]]:
        """FTS5's ``bm25()`` over the collection's text index (see ``search.py``), best first,
        equal scores in key order; without an index, :meth:`Repository.search` in Python."""
        if not self.indexed:
            return super().search(words, where)
        query = self.check_search(words, where)
        if not query:
            return []
        in_sql, in_python = self._split(where)
        table = f'"{self.layout.name}".'
        index = f"{self.collection.name}_search"
        weights = [0.0] * len(self.layout.key) + [
            float(w) for _, w in self.collection.search_fields
        ]
        score = f'bm25("{index}", {", ".join(repr(w) for w in weights)})'
        join = " AND ".join(f'{table}"{k}" = "{index}"."{k}"' for k in self.layout.key)
        clause, params = self._where(in_sql, table)
        match = " ".join(f'"{token}"*' for token in query)  # tokens: letters and digits only
        statement = (
            f'SELECT {self._select(table)}, {score} FROM "{index}" JOIN "{self.layout.name}" '
            f'ON {join}{clause or " WHERE 1"} AND "{index}" MATCH ?'
        )
        rows = self.driver.execute(statement, [*params, match]).fetchall()
        # Best first (bm25() is negative), equal scores in key order as rank() gives them: sorted
        # on the stored values, which order as the key's own for text and integers.
        at = range(len(self.layout.key))  # the key's columns come first
        ordered = sorted(rows, key=lambda row: (row[-1], *(row[i] for i in at)))
        found = zip(
            self._records(ordered, self.read_rows), (-row[-1] for row in ordered), strict=True
        )
        return [(record, score) for record, score in found if matches(record, in_python)]

    # A read-only unit of work writes nothing.

    def _refuse(self) -> StorageError:
        return StorageError(
            f"{self.collection.name} : écriture refusée, cette unité de travail est en lecture "
            "seule",
            value=self.collection.name,
        )

    def add_all(self, records: Iterable[Any]) -> None:
        raise self._refuse()

    def update_all(self, records: Iterable[Any]) -> None:
        raise self._refuse()

    def update_if(self, record: Any, expected: Mapping[str, Any]) -> bool:
        raise self._refuse()

    def remove(self, key: Any) -> None:
        raise self._refuse()

    def reassign(self, field: str, old: Any, new: Any) -> int:
        raise self._refuse()


def tallies(
    rows: Sequence[Any],  # the driver's rows: tuples, or SQLAlchemy's (sliced into tuples)
    width: int,
    read: Callable[[Sequence[Any]], tuple[Any, ...]],
    sums: bool,
) -> dict[tuple[Any, ...], Tally]:
    """``{key: Tally}`` from the rows of an aggregate query (the ``width`` key columns, read by
    ``read``, then the count and the ``sums``): one entry per row and nothing else per row
    without sums (a survey list counts a thousand groups)."""
    if width == 0:  # no GROUP BY: one row, even when no record matched
        return {(): _tally(rows[0], 0)} if rows and rows[0][0] else {}
    if sums:
        return {read(row[:width]): _tally(row, width) for row in rows}
    counts = _Counts()  # one Tally per count, shared: Tally is frozen
    if read is tuple:  # the key's values as stored: the row's slice
        return {row[:width]: counts[row[width]] for row in rows}
    return {read(row[:width]): counts[row[width]] for row in rows}


class _Counts(dict[int, Tally]):
    """``Tally(n)`` by ``n``, made on first use: groups share the few counts they have."""

    def __missing__(self, count: int) -> Tally:
        made = self[count] = Tally(int(count))
        return made


def _tally(row: Sequence[Any], width: int) -> Tally:
    return Tally(int(row[width]), tuple([int(v or 0) for v in row[width + 1 :]]))


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many records are built: every record built
    stays alive until the read returns them, so each collection their allocations trigger walks
    them all and frees nothing (reference counting still frees what is let go). Turned back on
    after, unless it was off already (the application's choice, or another thread's read: the
    thread that found it on turns it back on)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
