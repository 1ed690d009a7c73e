"""The columns of a collection's table, derived from its record class without SQLAlchemy.

The SQLAlchemy tables of :mod:`rsgm_core.plugins.sql.tables` give the same (a test compares
them for every collection): the key's columns first, in key order, then the other fields in class
order, then the ``appended`` ones; a field is a JSON column when its type is a tuple, a list, a
set, a dict or a nested attrs record. The SQLite read path (:mod:`rsgm_core.plugins.sql.lite`)
needs nothing more, and computes it for the collections it touches only, on first use.
"""

from __future__ import annotations

import enum
import types
import typing
from typing import Any

import attrs

from rsgm_core.records import Collection

__all__ = ["Layout", "layout_of"]

_JSON_ORIGINS = (tuple, list, frozenset, set, dict)


@attrs.frozen
class Layout:
    """A table's name, its columns in order, those holding JSON text, its key's columns."""

    name: str
    columns: tuple[str, ...]
    json_columns: frozenset[str]
    key: tuple[str, ...]


def _inner(hint: Any) -> Any:
    """``X | None`` → X; anything else as is."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0]
    return hint


def is_json(hint: Any) -> bool:
    """Whether a field annotated ``hint`` is stored as JSON (as ``tables.column_type`` says)."""
    inner = _inner(hint)
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return False
    return bool(
        typing.get_origin(inner) in _JSON_ORIGINS or inner in _JSON_ORIGINS or attrs.has(inner)
    )


def layout_of(collection: Collection[Any]) -> Layout:
    """The layout of ``collection``'s table (built once per collection, on first use)."""
    found = _LAYOUTS.get(collection.name)
    if found is None:
        found = _LAYOUTS[collection.name] = _layout(collection)
    return found


_LAYOUTS: dict[str, Layout] = {}


def _layout(collection: Collection[Any]) -> Layout:
    record = collection.record
    hints = typing.get_type_hints(record)
    fields = [f.name for f in attrs.fields(record)]
    key = collection.key_fields
    columns = (
        *key,
        *(n for n in fields if n not in key and n not in collection.appended),
        *collection.appended,
    )
    json_columns = frozenset(name for name in columns if is_json(hints[name]))
    return Layout(collection.name, columns, json_columns, key)
