"""Turn a stored row back into its record, fast.

Reading is the hot path of every report: a generic ``converter.structure(dict)`` per row costs about
ten times the SQLite fetch itself. For each record class this module generates, once, a function
that calls the class with the row's values in field order, converting only the fields whose stored
form differs from the Python one (dates, ``Decimal``, enums, tuples, booleans); anything it does not
know how to convert directly goes through the one converter. The record's own validators still run
in :func:`row_reader` (one record, read to be changed: ``find``).

:func:`trusted_reader` builds the same record without running its validators, for bulk reads
(``list``, ``search``): each value still gets the conversion to its declared type (a value that
does not convert — an unknown enum member, a malformed date — is still an error naming the row),
but the checks on values (a non-empty name, an INSEE code's shape, bounds, cross-field rules of
``__attrs_post_init__``) are not run again. Why that is safe: a row only gets into a table from a
record, and a record only exists once its constructor has accepted it (``add_all`` and
``update_all`` take records; ``attrs.evolve`` runs the constructor again); so a stored row already
passed the very checks the read would repeat. A record read in bulk and then changed goes through
the constructor again (``attrs.evolve``) before it is written, so a row edited behind the library's
back cannot be written back unchecked. ``tests/integration/test_trusted_reads.py`` checks, on every
backend and every collection of the demo's database, that both readers give equal records.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import types
import typing
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import attrs

from rsgm_core.serialization import converter, structure_datetime
from rsgm_core.slot_builder import slot_builder

RowReader = Callable[[Sequence[Any]], Any]

_PASSTHROUGH = (str, int)


def _optional_inner(hint: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, True); anything else → (hint, False)."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(hint)) == 2:
            return args[0], True
    return hint, False


def _converter_for(hint: Any) -> Callable[[Any], Any] | None:
    """``None`` when the stored value is already the Python value."""
    if hint in _PASSTHROUGH:
        return None
    if hint is bool:
        return bool  # SQLite hands booleans back as 0 and 1
    if hint is dt.date:
        return dt.date.fromisoformat
    if hint is dt.time:
        return dt.time.fromisoformat  # stored as text by every backend (serialization)
    if hint is dt.datetime:
        return functools.partial(structure_datetime, _=dt.datetime)
    if hint is Decimal:
        return Decimal
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_reader(hint)
    if typing.get_origin(hint) is tuple and typing.get_args(hint)[1:] == (Ellipsis,):
        item = _converter_for(typing.get_args(hint)[0])
        if item is None:
            return tuple
        return lambda values: tuple(item(v) for v in values)
    return functools.partial(converter.structure, cl=hint)


class _EnumValues(dict[Any, Any]):
    """Enum members by value, read by subscription (no Python call per row); a value that is
    not a member's calls the enum class, which raises the ``ValueError`` naming it."""

    def __init__(self, kind: type[enum.Enum]) -> None:
        super().__init__((member.value, member) for member in kind)
        self.kind = kind

    def __missing__(self, value: Any) -> Any:
        return self.kind(value)


def _enum_reader(kind: type[enum.Enum]) -> Callable[[Any], Any]:
    # A dict lookup: calling the enum class costs ten times more, on every row.
    members = {member.value: member for member in kind}

    def read(value: Any) -> Any:
        found = members.get(value)
        return found if found is not None else kind(value)  # kind() names a bad value

    return read


def _reader(
    record: type,
    fields: Sequence[str],
    columns: tuple[str, ...],
    make: str,
    json_columns: frozenset[str] = frozenset(),
) -> RowReader:
    """Generate ``read(row)`` returning ``make`` applied to ``fields``' values converted from the
    row, whose values come in ``columns`` order; the values of ``json_columns`` are JSON text
    (rows straight from the driver) rather than the values SQLAlchemy decodes."""
    hints = typing.get_type_hints(record)
    position = {name: index for index, name in enumerate(columns)}
    # A record with a ``checked`` class method (Commune, PopulationFigure: the census's tens of
    # thousands) is built through it: the constructor's checks, without the attrs machinery.
    namespace: dict[str, Any] = {"record": getattr(record, "checked", record), "j": _json_or_null}
    arguments = []
    for name in fields:
        index = position[name]
        value = f"j(row[{index}])" if name in json_columns else f"row[{index}]"
        inner, optional = _optional_inner(hints[name])
        if isinstance(inner, type) and issubclass(inner, enum.Enum):
            # a subscription rather than a call per row (a member's lifecycle, an event's kind)
            namespace[f"c{index}"] = _EnumValues(inner)
            convert_text = f"c{index}[{{}}]"
        elif (convert := _converter_for(inner)) is not None:
            namespace[f"c{index}"] = convert
            convert_text = f"c{index}({{}})"
        else:
            arguments.append(value)
            continue
        if optional and name in json_columns:
            converted = convert_text.format(f"v{index}")
            arguments.append(f"(None if (v{index} := {value}) is None else {converted})")
        elif optional:
            arguments.append(f"(None if {value} is None else {convert_text.format(value)})")
        else:
            arguments.append(convert_text.format(value))
    source = f"def read(row):\n    return {make}({', '.join(arguments)},)\n"
    exec(compile(source, f"<row reader for {record.__name__}>", "exec"), namespace)
    return namespace["read"]


def _trustable(record: type) -> bool:
    """Can ``record`` be built by setting its slots? An attrs slotted class whose every field is
    an argument of its constructor (no ``init=False`` field to compute)."""
    return bool(
        attrs.has(record)
        and "__slots__" in record.__dict__
        and all(
            f.init and not isinstance(f.converter, attrs.Converter) for f in attrs.fields(record)
        )
    )


def _trusted(record: type, columns: tuple[str, ...], json_columns: frozenset[str]) -> RowReader:
    """Generate ``read(row)`` setting each slot of a new ``record`` to its row value, converted to
    the field's type as :func:`_reader` does (booleans and enums inline), converters applied:
    the slots of a :func:`~rsgm_core.slot_builder.slot_builder` instance, then its class; else through each slot's
    ``__set__``, past frozen's guard."""
    hints = typing.get_type_hints(record)
    position = {name: index for index, name in enumerate(columns)}
    builder = slot_builder(record)
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "record": record,
        "builder": builder,
        "j": _json_or_null,
    }
    lines = ["def read(row):", f"    o = new({'record' if builder is None else 'builder'})"]
    for field in attrs.fields(record):
        name = field.name
        index = position[name]
        value = f"j(row[{index}])" if name in json_columns else f"row[{index}]"
        inner, optional = _optional_inner(hints[name])
        if inner is bool:
            converted = "(not not v)"
        elif isinstance(inner, type) and issubclass(inner, enum.Enum):
            namespace[f"e{index}"] = _EnumValues(inner)
            converted = f"e{index}[v]"
        elif (convert := _converter_for(inner)) is not None:
            namespace[f"c{index}"] = convert
            converted = f"c{index}(v)"
        else:
            converted = "v"
        if field.converter is not None:  # idempotent on a stored value; kept for its type
            namespace[f"k{index}"] = field.converter
            converted = f"k{index}({converted})"
        if builder is None:
            namespace[f"s{index}"] = record.__dict__[name].__set__  # the slot, past frozen's guard
            store = f"    s{index}(o, {{}})"
        else:
            store = f"    o.{name} = {{}}"
        if converted == "v":
            lines.append(store.format(value))
        elif optional:
            lines.append(f"    v = {value}")
            lines.append(store.format(f"None if v is None else {converted}"))
        else:
            lines.append(f"    v = {value}")
            lines.append(store.format(converted))
    if builder is not None:
        lines.append("    o.__class__ = record")
    lines.append("    return o")
    source = "\n".join(lines) + "\n"
    exec(compile(source, f"<trusted row reader for {record.__name__}>", "exec"), namespace)
    return namespace["read"]


@functools.cache
def trusted_reader(
    record: type, columns: tuple[str, ...], json_columns: frozenset[str] = frozenset()
) -> RowReader:
    """A function building ``record`` from a row without re-running its validators (see the
    module's docstring for why that is safe); the validating :func:`row_reader` for a class
    whose slots cannot simply be set."""
    if not _trustable(record):
        return row_reader(record, columns, json_columns)
    return _trusted(record, columns, json_columns)


@functools.cache
def row_reader(
    record: type, columns: tuple[str, ...], json_columns: frozenset[str] = frozenset()
) -> RowReader:
    """A function building ``record`` from a row whose values come in ``columns`` order
    (``json_columns``: see :func:`_reader`)."""
    return _reader(record, [f.name for f in attrs.fields(record)], columns, "record", json_columns)


@functools.cache
def values_reader(
    record: type, fields: tuple[str, ...], json_columns: frozenset[str] = frozenset()
) -> RowReader:
    """A function giving ``fields``' values of ``record`` from a row holding just those columns
    (``json_columns``: those of ``fields`` given as JSON text, see :func:`_reader`): ``tuple``
    itself when every value is stored as Python holds it (text, integers), which a caller may
    skip on the driver's rows, already tuples."""
    hints = typing.get_type_hints(record)
    if not json_columns and all(_optional_inner(hints[name])[0] in _PASSTHROUGH for name in fields):
        return tuple
    return _reader(record, fields, fields, "", json_columns)


def _json_or_null(text: str | None) -> Any:
    return None if text is None else json_loads(text)


RowWriter = Callable[[Any], tuple[Any, ...]]


@functools.cache
def row_writer(record: type, columns: tuple[str, ...], json_columns: frozenset[str]) -> RowWriter:
    """A function giving the row of ``record`` as a tuple in ``columns`` order, with the values
    the converter unstructures (JSON text for ``json_columns``), for a driver-level executemany."""

    hints = typing.get_type_hints(record)
    namespace: dict[str, Any] = {
        "unstructure": converter.unstructure,
        "dumps": json.dumps,
        "encode": json.JSONEncoder(ensure_ascii=False).encode,  # one encoder, not one per row
    }
    values = []
    for name in columns:
        inner, optional = _optional_inner(hints[name])
        if name in json_columns and _scalar_tuple(inner):  # postcodes: JSON takes them as is
            values.append(f"encode(r.{name})")
        elif name in json_columns:
            values.append(f"dumps(unstructure(r.{name}), ensure_ascii=False)")
        elif inner is bool:
            # The integer SQLite stores for it: the driver binds a bool (not exactly an int)
            # after a lookup for an adapter, which cost an import more than its checks.
            values.append(f"(1 if (v := r.{name}) is True else 0 if v is False else v)")
        elif inner in (str, int):
            values.append(f"r.{name}")
        elif (inline := _inline_writer(inner)) is not None:
            # The converter's own result for the declared type, without its dispatch per value
            # (a value of another type, which attrs does not forbid, still goes through it).
            namespace[f"t_{name}"] = inner
            value = f"(v.{inline} if type(v := r.{name}) is t_{name} else unstructure(v))"
            if inline == "str":
                value = f"(str(v) if type(v := r.{name}) is t_{name} else unstructure(v))"
            if optional:
                value = f"(None if r.{name} is None else {value})"
            values.append(value)
        elif optional:  # most optional fields are None: no converter call for them
            values.append(f"(None if (v := r.{name}) is None else unstructure(v))")
        else:
            values.append(f"unstructure(r.{name})")
    source = f"def write(r):\n    return ({', '.join(values)},)\n"
    exec(compile(source, f"<row writer for {record.__name__}>", "exec"), namespace)
    return namespace["write"]


def _inline_writer(hint: Any) -> str | None:
    """How the converter writes a value of exactly type ``hint``, when an attribute or ``str``
    says it: an enum's value (``_value_``, the attribute the ``value`` property reads, without
    the property's call per row), a date's ``isoformat()``, a ``Decimal``'s text."""
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return "_value_"
    if hint is dt.date:
        return "isoformat()"
    if hint is Decimal:
        return "str"
    return None


def _scalar_tuple(hint: Any) -> bool:
    """``tuple[str, ...]`` or ``tuple[int, ...]``: written as a JSON array without converting."""
    return typing.get_origin(hint) is tuple and typing.get_args(hint) in ((str, ...), (int, ...))


def json_loads(text: str) -> Any:
    """The JSON reader of the SQLite engine. Short arrays of scalars (themes, postcodes, topics)
    repeat from row to row: each distinct text is parsed once and every row gets its own list."""
    if len(text) <= 256 and text.startswith("["):
        found = _scalar_array(text)
        if found is not None:
            return list(found)
    return json.loads(text)


@functools.lru_cache(maxsize=4096)
def _scalar_array(text: str) -> tuple[Any, ...] | None:
    value = json.loads(text)
    if isinstance(value, list) and all(
        v is None or isinstance(v, str | int | float) for v in value
    ):
        return tuple(value)  # immutable: the cache never hands out a shared mutable list
    return None
