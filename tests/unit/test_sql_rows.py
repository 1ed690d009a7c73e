"""The SQLite engine's JSON reader: short arrays of scalars parsed once, never shared."""

from __future__ import annotations

from rsgm_core.plugins.sql.rows import json_loads


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
