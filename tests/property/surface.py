"""The public surface to fuzz, found by introspection, and the storage dumps compared around a
refused call.

- ``service_methods()``: every public method of every service attribute of :class:`App` (a new
  method, or a new service, is covered without touching the tests);
- ``cli_commands()``: every leaf command of the ``rsgm`` argparse tree with its actions;
- ``dump_app`` / ``dump_sqlite``: every record of every collection (memory), every row of every
  table (SQLite file, search indexes included).
"""

from __future__ import annotations

import argparse
import functools
import inspect
import sqlite3
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rsgm_core
from rsgm_core import App
from rsgm_core.cli import build_parser

#: Public methods not driven with generated values, and why (a test checks each still exists).
EXCLUDED: dict[tuple[str, str], str] = {
    ("directory", "replace_facts"): "runs inside the caller's unit of work (first parameter)",
    ("members", "add_in"): "runs inside the caller's unit of work; members.add is fuzzed",
    ("members", "add_position_in"): "runs inside the caller's unit of work; "
    "members.add_position is fuzzed",
}


@functools.cache
def service_names() -> tuple[str, ...]:
    """The attributes of :class:`App` that are services (objects of ``rsgm_core.services``)."""
    with rsgm_core.open("memory://") as app:
        names = []
        for name in dir(App):
            if name.startswith("_") or not isinstance(
                getattr(App, name), property | functools.cached_property
            ):
                continue
            if type(getattr(app, name)).__module__.startswith("rsgm_core.services."):
                names.append(name)
    return tuple(names)


@functools.cache
def service_methods() -> tuple[tuple[str, str], ...]:
    """``(service, method)`` for every public method of every service of :class:`App`."""
    with rsgm_core.open("memory://") as app:
        found = []
        for service in service_names():
            cls = type(getattr(app, service))
            for name, member in inspect.getmembers(cls):
                if not name.startswith("_") and inspect.isfunction(member):
                    found.append((service, name))
    return tuple(found)


def parameters(function: Callable[..., Any]) -> list[tuple[inspect.Parameter, Any]]:
    """The parameters after ``self`` with their resolved annotations."""
    target = inspect.unwrap(function)
    hints = typing.get_type_hints(target)
    signature = inspect.signature(target)
    return [(p, hints.get(p.name, Any)) for p in list(signature.parameters.values())[1:]]


def cli_commands() -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Every leaf command of ``rsgm`` (as tests/e2e/test_cli.py's help test walks the tree)."""

    def walk(
        parser: argparse.ArgumentParser, path: tuple[str, ...]
    ) -> list[tuple[tuple[str, ...], argparse.ArgumentParser]]:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            return [(path, parser)]
        found = []
        for action in subs:
            for name, sub in action.choices.items():
                found += walk(sub, (*path, name))
        return found

    return walk(build_parser(), ())


def dump_app(app: App) -> dict[str, list[Any]]:
    """Every record of every collection, through the storage's own repositories."""
    with app.storage.unit_of_work(read_only=True) as uow:
        return {repo.collection.name: repo.list() for repo in uow.repositories()}


def dump_sqlite(path: Path) -> dict[str, list[str]]:
    """Every row of every table of a SQLite file (records, search indexes, migrations)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{table}"'))
            for table in tables
        }
    finally:
        conn.close()


def known_ids(app: App, limit: int = 120) -> tuple[str, ...]:
    """Identifiers of existing records (ids, member ids, INSEE codes, SIREN, e-mails) to mix with
    unknown ones, so that calls reach past the "not found" checks."""
    found: set[str] = set()
    for records in dump_app(app).values():
        for record in records[:40]:
            for field in getattr(type(record), "__attrs_attrs__", ()):
                name = field.name
                if name in ("id", "insee", "code", "siren", "commune", "email") or name.endswith(
                    "_id"
                ):
                    value = getattr(record, name)
                    if isinstance(value, str) and value:
                        found.add(value)
    return tuple(sorted(found)[:limit])
