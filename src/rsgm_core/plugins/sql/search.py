"""SQLite FTS5 indexes for the collections searched by words (``Collection.search_fields``).

Each such collection has a virtual table ``<collection>_search``: its key columns, unindexed, then
one column per search field. It holds one row per record, for a versioned collection the row of
its highest version (``Collection.version_field``), so that the index's statistics are those of
:meth:`rsgm_core.ports.Repository.search`. The SQL repository rewrites the rows of the records it
writes, in the same transaction; :func:`rebuild` (migration 9, ``rsgm db reindex``) drops the table
and fills a new one from the collection.

The index holds the tokens of :func:`rsgm_core.domain.text.document`, joined by spaces, rather
than the raw text, and SQLite's ``ascii`` tokenizer splits them back on the spaces alone (it keeps
every non-ASCII character inside a token, whatever SQLite's Unicode tables say): SQLite's
``bm25()``, given the same field weights, then computes the very scores of
:func:`rsgm_core.domain.text.rank`. A query token ``t`` becomes the prefix query ``"t"*``.

An index row's rowid is a 64-bit hash of the record's key without its version: rewriting a
record's row needs no lookup, and, unlike the implicit rowid of the collection's own table, it
survives ``VACUUM``. Two keys with the same hash (odds about 1 in 10¹¹ for 2,000 records) would
make the second write fail with a ``StorageError`` rather than mix their rows.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa

from rsgm_core.domain.text import document
from rsgm_core.errors import StorageError
from rsgm_core.plugins.sql.rows import row_reader
from rsgm_core.records import COLLECTIONS, Collection
from rsgm_core.serialization import converter

log = logging.getLogger(__name__)

__all__ = [
    "INDEXED",
    "existing",
    "index_name",
    "name_of_key",
    "names_of",
    "rebuild",
    "select",
    "sync",
]

#: The collections with a text index, by name.
INDEXED: dict[str, Collection[Any]] = {c.name: c for c in COLLECTIONS if c.search_fields}
_CHUNK = 500


def index_name(collection: Collection[Any]) -> str:
    return f"{collection.name}_search"


def fts5_available(conn: sa.Connection) -> bool:
    try:
        conn.exec_driver_sql("SELECT fts5_source_id()")
    except sa.exc.OperationalError:
        return False
    return True


def existing(conn: sa.Connection) -> frozenset[str]:
    """The collections whose index exists in this SQLite database (none elsewhere). An index
    this SQLite cannot use (built without FTS5) is a ``StorageError``: writing the collection
    without its index would leave the index behind."""
    if conn.dialect.name != "sqlite":
        return frozenset()
    names = {index_name(c): c.name for c in INDEXED.values()}
    found = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
        f"({', '.join('?' * len(names))})",
        tuple(names),
    )
    indexed = frozenset(names[name] for (name,) in found)
    if indexed and not fts5_available(conn):
        raise StorageError(
            "cette base a des index de recherche FTS5 que ce SQLite ne sait pas lire (compilé sans "
            "FTS5) : utilisez un Python dont le SQLite a FTS5",
            value=sorted(indexed),
        )
    return indexed


def missing(conn: sa.Connection) -> bool:
    """Does this SQLite, which has FTS5, lack the index of a searchable collection?"""
    if conn.dialect.name != "sqlite" or not fts5_available(conn):
        return False
    return existing(conn) != frozenset(INDEXED)


def _row_id(name: tuple[Any, ...]) -> int:
    digest = hashlib.blake2b(json.dumps(name).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _name(collection: Collection[Any], record: Any) -> tuple[Any, ...]:
    """The record's key without its version, as stored."""
    return tuple(converter.unstructure(getattr(record, f)) for f in collection.record_fields)


def _index_row(collection: Collection[Any], record: Any) -> tuple[Any, ...]:
    key = tuple(converter.unstructure(getattr(record, f)) for f in collection.key_fields)
    texts = (" ".join(tokens) for tokens in document(record, collection.search_fields))
    return (_row_id(_name(collection, record)), *key, *texts)


def _insert_sql(collection: Collection[Any]) -> str:
    columns = [*collection.key_fields, *(name for name, _ in collection.search_fields)]
    quoted = ", ".join(f'"{c}"' for c in ["rowid", *columns])
    marks = ", ".join("?" * (len(columns) + 1))
    return f'INSERT INTO "{index_name(collection)}" ({quoted}) VALUES ({marks})'


def names_of(collection: Collection[Any], records: Iterable[Any]) -> set[tuple[Any, ...]]:
    """What names each record across its versions: its key without the version, as stored."""
    return {_name(collection, r) for r in records}


def name_of_key(collection: Collection[Any], plain_key: tuple[Any, ...]) -> tuple[Any, ...]:
    """The same from a stored key (all the key's fields, in order)."""
    kept = [i for i, f in enumerate(collection.key_fields) if f != collection.version_field]
    return tuple(plain_key[i] for i in kept)


def sync(conn: sa.Connection, collection: Collection[Any], names: set[tuple[Any, ...]]) -> None:
    """Rewrite the index rows of the records ``names`` names (see :func:`names_of`) from what
    the collection's table now holds: deleted if the record is gone, else its highest version."""
    if not names:
        return
    _check_hashes(conn, collection, names)
    conn.exec_driver_sql(
        f'DELETE FROM "{index_name(collection)}" WHERE rowid = ?',
        [(_row_id(name),) for name in names],
    )
    current = collection.latest(_read(conn, collection, sorted(names, key=json.dumps)))
    if current:
        conn.exec_driver_sql(_insert_sql(collection), [_index_row(collection, r) for r in current])


def _check_hashes(
    conn: sa.Connection, collection: Collection[Any], names: set[tuple[Any, ...]]
) -> None:
    # Two keys hashing alike would share one row: refuse rather than drop the other's row.
    by_id = {_row_id(name): name for name in names}
    fields = ", ".join(f'"{f}"' for f in collection.record_fields)
    ids = list(by_id)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = conn.exec_driver_sql(
            f'SELECT rowid, {fields} FROM "{index_name(collection)}" '
            f"WHERE rowid IN ({', '.join('?' * len(chunk))})",
            tuple(chunk),
        )
        for row_id, *name in found:
            if tuple(name) != by_id[row_id]:
                raise StorageError(
                    f"{collection.name} : deux clés de même empreinte dans l'index de recherche "
                    f"({by_id[row_id]!r} et {tuple(name)!r}) ; signalez-le",
                    value=by_id[row_id],
                )


def _read(
    conn: sa.Connection, collection: Collection[Any], names: list[tuple[Any, ...]] | None = None
) -> Iterator[Any]:
    """The stored records of ``collection``: those ``names`` names, or all of them."""
    from rsgm_core.plugins.sql import tables

    table = tables.metadata.tables[collection.name]
    columns = [table.c[f] for f in collection.record_fields]
    clauses: list[sa.ColumnElement[bool] | None] = [None]
    if names is not None:
        chunks = [names[start : start + _CHUNK] for start in range(0, len(names), _CHUNK)]
        clauses = [
            columns[0].in_([name[0] for name in chunk])
            if len(columns) == 1
            else sa.tuple_(*columns).in_(chunk)
            for chunk in chunks
        ]
    for clause in clauses:
        query = sa.select(table) if clause is None else sa.select(table).where(clause)
        rows = conn.execute(query).fetchall()
        if rows:
            record: Any = collection.record  # a cache key
            read = row_reader(record, tuple(rows[0]._fields))
            yield from (read(row) for row in rows)


def select(
    collection: Collection[Any],
    table: sa.Table,
    query: Sequence[str],
    where: Sequence[sa.ColumnElement[bool]],
) -> sa.Select[Any]:
    """The rows of ``table`` matching ``where`` and holding every token of ``query``, each with
    its BM25 score as the last column (FTS5's sign: lower is better), in no particular order:
    sorting whole rows in SQLite costs more than sorting the records afterwards."""
    name = index_name(collection)
    index = sa.table(name, *(sa.column(k) for k in collection.key_fields))
    weights = [0.0] * len(collection.key_fields) + [w for _, w in collection.search_fields]
    whole: sa.ColumnClause[Any] = sa.literal_column(f'"{name}"')
    score = sa.func.bm25(whole, *(sa.literal(w) for w in weights)).label("score")
    match = " ".join(f'"{token}"*' for token in query)  # tokens: letters and digits only
    return (
        sa.select(table, score)
        .join_from(
            index, table, sa.and_(*(table.c[k] == index.c[k] for k in collection.key_fields))
        )
        .where(whole.op("MATCH")(match), *where)
    )


def rebuild(conn: sa.Connection) -> list[str]:
    """Drop and create again the index of every searchable collection, filled from the
    collection (migration 9, a damaged index, a changed tokenizer); the collections indexed.
    Nothing on a SQLite without FTS5 (a warning): the search then ranks in Python."""
    if conn.dialect.name != "sqlite":
        return []
    if not fts5_available(conn):
        log.warning("SQLite sans FTS5 : pas d'index de recherche, la recherche classe en Python")
        return []
    for collection in INDEXED.values():
        name = index_name(collection)
        keys = ", ".join(f'"{k}" UNINDEXED' for k in collection.key_fields)
        texts = ", ".join(f'"{field}"' for field, _ in collection.search_fields)
        conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE \"{name}\" USING fts5({keys}, {texts}, tokenize = 'ascii')"
        )
        current = collection.latest(_read(conn, collection))
        if current:
            conn.exec_driver_sql(
                _insert_sql(collection), [_index_row(collection, r) for r in current]
            )
        log.info("index de recherche de %s construit", collection.name)
    return sorted(INDEXED)
