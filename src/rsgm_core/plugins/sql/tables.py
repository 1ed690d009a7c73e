"""The current SQL schema, as SQLAlchemy Core tables derived from the records; repositories read
and write through these.

Each table is derived from its :class:`~rsgm_core.ports.Collection` entry: one column per field of
the record class, named after it, typed by :func:`column_type` from the field's annotation
(``X | None`` is nullable, anything else NOT NULL), the key's columns first (in key order) and
forming the primary key, the other fields in class order, then the fields the entry lists as
``appended`` (added by later migrations: ``ALTER TABLE`` puts them last), a NOT NULL one with the
record's default as its server default. The entry's ``indexes`` and ``references`` add indexes
(``ix_<table>_<column>``) and foreign keys to the key of another collection. Values are stored as
the converter unstructures them (ISO text for dates, text for ``Decimal``, JSON for tuples and
nested records), so both backends and every export see the same representation.

The migrations in ``migrations.py`` are the history that builds this schema; a test checks that a
database migrated from nothing matches these definitions exactly, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import types
import typing
from decimal import Decimal
from typing import Any

import attrs
import sqlalchemy as sa

from rsgm_core.records import COLLECTION_NAMED, COLLECTIONS, Collection
from rsgm_core.serialization import converter

__all__ = ["column_type", "metadata", "schema_migrations", "table_for"]

metadata = sa.MetaData()

schema_migrations = sa.Table(
    "rsgm_schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.Text, nullable=False),
)

#: Types stored as text: ISO 8601 for dates and times (with the zone for datetimes), the exact
#: digits for ``Decimal`` (TAR-7).
_TEXT = (str, Decimal, dt.date, dt.datetime, dt.time)
_JSON_ORIGINS = (tuple, list, frozenset, set, dict)


def _optional(hint: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (hint, False)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0], True
    return hint, False


def column_type(hint: Any) -> type[sa.types.TypeEngine[Any]]:
    """The column type of a field annotated ``hint`` (without its ``| None``): enums as their
    value's text, ``bool`` as a boolean, ``int`` as an integer, ``str``, ``Decimal``, dates and
    times as text, tuples, lists, dicts and nested attrs records as JSON. Any other type is a
    ``TypeError``: add it here (and to the converter) before storing it."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return sa.Text  # before str and int: a str or int enum is stored as its value
    if hint is bool:
        return sa.Boolean
    if hint is int:
        return sa.Integer
    if hint in _TEXT:
        return sa.Text
    if typing.get_origin(hint) in _JSON_ORIGINS or hint in _JSON_ORIGINS or attrs.has(hint):
        return sa.JSON
    raise TypeError(f"pas de type de colonne SQL pour {hint!r}")


def _server_default(collection: Collection[Any], field: attrs.Attribute[Any]) -> Any:
    """What ``ALTER TABLE … ADD COLUMN … NOT NULL DEFAULT`` gave the rows already there: the
    record's default, as stored."""
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]  # a class, typed as a function
        default = default.factory()
    elif default is attrs.NOTHING:
        raise TypeError(
            f"{collection.name}.{field.name} : une colonne NOT NULL ajoutée par une migration "
            "demande une valeur par défaut dans l'enregistrement"
        )
    value = converter.unstructure(default)
    if isinstance(value, bool):
        return sa.true() if value else sa.false()
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def table_for(collection: Collection[Any], into: sa.MetaData) -> sa.Table:
    """The table of ``collection`` in ``into``, derived as the module docstring says."""
    hints = typing.get_type_hints(collection.record)
    fields = attrs.fields_dict(collection.record)
    key = collection.key_fields
    order = [
        *key,
        *(n for n in fields if n not in key and n not in collection.appended),
        *collection.appended,
    ]
    references = dict(collection.references)
    columns = []
    for name in order:
        inner, nullable = _optional(hints[name])
        try:
            kind = column_type(inner)
        except TypeError as exc:
            raise TypeError(f"{collection.name}.{name} : {exc}") from None
        extra: list[Any] = []
        if name in references:
            target = COLLECTION_NAMED[references[name]]
            (target_key,) = target.key_fields  # a reference names a single-field key
            extra.append(sa.ForeignKey(f"{target.name}.{target_key}"))
        options: dict[str, Any] = {}
        if name in key:  # an integer key is a value of the record, never a generated number
            options.update(primary_key=True)
            if kind is sa.Integer:
                options.update(autoincrement=False)
        else:
            options.update(nullable=nullable)
            if name in collection.indexes:
                options.update(index=True)
            if name in collection.appended and not nullable:
                options.update(server_default=_server_default(collection, fields[name]))
        columns.append(sa.Column(name, kind, *extra, **options))
    return sa.Table(collection.name, into, *columns)


for _collection in COLLECTIONS:
    table_for(_collection, metadata)
del _collection

#: Indexes on several columns, by name (migration 29): each covers a grouped count of the
#: aggregate read (``Repository.aggregate``), which then reads the index alone, already in
#: order, instead of sorting every row of the table.
COMPOSITE_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    # the tracking table and the indicators: registrations by session, status and sign-in
    "ix_registrations_session_status": ("registrations", ("session_id", "status", "attended")),
    # the survey rates, the indicators and the report (migration 31): answers by survey and score
    "ix_survey_answers_survey_score": ("survey_answers", ("survey_id", "score")),
}
for _name, (_table, _columns) in COMPOSITE_INDEXES.items():
    sa.Index(_name, *(metadata.tables[_table].c[c] for c in _columns))
del _name, _table, _columns


def __getattr__(name: str) -> sa.Table:
    """``tables.members`` and so on: each collection's table."""
    try:
        return metadata.tables[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
