"""The SQLite engine's JSON reader: short arrays of scalars parsed once, never shared; the column
type map the tables are derived with; the generated row writer."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs
import pytest
import sqlalchemy as sa

from rsgm_core.domain.members import Lifecycle, Member
from rsgm_core.plugins.sql import tables
from rsgm_core.plugins.sql.rows import json_loads, row_writer
from rsgm_core.ports import Collection


def test_repeated_arrays_are_parsed_once_and_never_shared() -> None:
    first, second = json_loads('["79000", "79180"]'), json_loads('["79000", "79180"]')
    assert first == second == ["79000", "79180"]
    assert first is not second  # each row gets its own list
    first.append("changed")
    assert json_loads('["79000", "79180"]') == ["79000", "79180"]


def test_other_json_is_parsed_as_usual() -> None:
    assert json_loads('{"a": [1, 2]}') == {"a": [1, 2]}
    assert json_loads('[{"a": 1}]') == [{"a": 1}]  # not scalars: parsed each time
    nested = json_loads("[[1], [2]]")
    assert nested == [[1], [2]] and nested is not json_loads("[[1], [2]]")
    assert json_loads("[]") == [] and json_loads("null") is None
    long = "[" + ", ".join(['"x"'] * 100) + "]"
    assert json_loads(long) == ["x"] * 100


class Colour(enum.Enum):
    RED = "rouge"


@attrs.frozen
class Nested:
    name: str


@pytest.mark.parametrize(
    ("hint", "column"),
    [
        (str, sa.Text),
        (int, sa.Integer),
        (bool, sa.Boolean),
        (Decimal, sa.Text),
        (dt.date, sa.Text),
        (dt.datetime, sa.Text),
        (dt.time, sa.Text),
        (Colour, sa.Text),
        (Lifecycle, sa.Text),
        (tuple[str, ...], sa.JSON),
        (tuple[Nested, ...], sa.JSON),
        (dict[str, int], sa.JSON),
        (Nested, sa.JSON),
    ],
)
def test_the_column_of_each_field_type(hint: object, column: type) -> None:
    assert tables.column_type(hint) is column


def test_a_type_without_a_column_is_refused_naming_the_field() -> None:
    @attrs.frozen
    class Odd:
        id: str
        ratio: float

    with pytest.raises(TypeError, match=r"odds\.ratio"):
        tables.table_for(Collection("odds", Odd, "id"), sa.MetaData())


def test_a_derived_table_keys_first_optional_nullable_appended_last_with_defaults() -> None:
    @attrs.frozen
    class Thing:
        label: str
        id: str
        note: str | None = None
        active: bool = True
        tags: tuple[str, ...] = ()

    table = tables.table_for(
        Collection("things", Thing, "id", appended=("tags", "active"), indexes=("label",)),
        sa.MetaData(),
    )
    assert list(table.c.keys()) == ["id", "label", "note", "tags", "active"]
    assert [c.name for c in table.primary_key] == ["id"]
    assert (table.c.note.nullable, table.c.label.nullable) == (True, False)
    assert table.c.tags.server_default.arg == "[]"
    assert str(table.c.active.server_default.arg) == "true"
    assert table.c.label.server_default is None and table.c.label.index


def test_an_appended_not_null_field_needs_a_default() -> None:
    @attrs.frozen
    class Thing:
        id: str
        added: str

    with pytest.raises(TypeError, match="valeur par défaut"):
        tables.table_for(Collection("things", Thing, "id", appended=("added",)), sa.MetaData())


def test_the_row_writer_gives_stored_values_in_column_order() -> None:
    member = Member("m-1", "Élodie", "Rousseau", arrival=dt.date(2025, 3, 1))
    columns = tuple(tables.metadata.tables["members"].c.keys())
    row = row_writer(Member, columns, frozenset())(member)
    stored = dict(zip(columns, row, strict=True))
    assert stored["id"] == "m-1" and stored["arrival"] == "2025-03-01"
    assert stored["lifecycle"] == member.lifecycle.value and stored["departed_on"] is None
    # Booleans as the integers SQLite stores (bound without the driver's adapter lookup).
    assert type(stored["helper"]) is int and stored["helper"] == 0
    assert type(stored["platform_access"]) is int and stored["platform_access"] == 1


def test_a_registry_entry_naming_no_field_is_refused() -> None:
    with pytest.raises(ValueError, match="nope"):
        Collection("members", Member, "id", indexes=("nope",))
    with pytest.raises(ValueError, match="nope"):
        Collection("members", Member, "id", references={"nope": "communes"})
