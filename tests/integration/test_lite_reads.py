"""SQLite's read path without SQLAlchemy (``rsgm_core.plugins.sql.lite``) and the fast record
builder (``rows._trusted``): the same results as the record path, on random data, on every
backend; the tables' layout computed without SQLAlchemy equal to the SQLAlchemy tables; and a
command that reads a current database (``rsgm census report``, TER-6) importing no SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App
from rsgm_core.domain.members import DepartureReason, Function, Lifecycle, Member, Position, Status
from rsgm_core.domain.territory import Commune
from rsgm_core.plugins.sql import tables
from rsgm_core.plugins.sql.layout import layout_of
from rsgm_core.plugins.sql.rows import row_reader, trusted_reader
from rsgm_core.ports import COLLECTIONS, matches
from rsgm_core.serialization import unstructure
from rsgm_core.slot_builder import slot_builder
from tests.helpers import BACKENDS_WITH_LITE, backend_url

SRC = Path(rsgm_core.__file__).resolve().parents[1]


@pytest.fixture(params=BACKENDS_WITH_LITE)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every backend, and a SQLite file opened at the current schema (read without SQLAlchemy)."""
    return backend_url(request, tmp_path)


def test_the_layout_without_sqlalchemy_is_the_tables_one() -> None:
    for collection in COLLECTIONS:
        table = tables.metadata.tables[collection.name]
        layout = layout_of(collection)
        assert layout.columns == tuple(table.c.keys()), collection.name
        json_columns = {c.name for c in table.c if isinstance(c.type, tables.sa.JSON)}
        assert layout.json_columns == json_columns, collection.name


def test_every_record_class_is_built_by_its_builder() -> None:
    """The fast builder applies to every collection's record class (none falls back)."""
    for collection in COLLECTIONS:
        assert slot_builder(collection.record) is not None, collection.name


COMMUNES = [
    Commune("79060", "Caunay", "79", "75", postcodes=("79190",)),
    Commune("79049", "Brioux-sur-Boutonne", "79", "75", postcodes=("79170",)),
    Commune("2A004", "Ajaccio", "2A", "94", postcodes=("20000",)),
]
DAYS = st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31)))
NAMES = st.sampled_from(["Élodie", "Jean", "Zoé", "a", "É", "z"])


@st.composite
def members(draw: st.DrawFn) -> list[Member]:
    ids = draw(st.lists(st.sampled_from([f"m-{i}" for i in range(12)]), unique=True, max_size=8))
    return [
        Member(
            i,
            draw(NAMES),
            draw(NAMES),
            email=draw(st.one_of(st.none(), st.sampled_from(["a@b.fr", "c@d.fr"]))),
            lifecycle=draw(st.sampled_from(Lifecycle)),
            arrival=draw(DAYS),
            departure_reason=draw(st.one_of(st.none(), st.sampled_from(DepartureReason))),
            helper=draw(st.booleans()),
            platform_access=draw(st.booleans()),
            birth_year=draw(st.one_of(st.none(), st.integers(1950, 2000))),
        )
        for i in ids
    ]


@st.composite
def positions(draw: st.DrawFn, people: list[Member]) -> list[Position]:
    if not people:
        return []
    ids = draw(st.lists(st.sampled_from([f"p-{i}" for i in range(12)]), unique=True, max_size=8))
    return [
        Position(
            i,
            draw(st.sampled_from([m.id for m in people])),
            draw(st.sampled_from([c.code for c in COMMUNES])),
            draw(st.sampled_from(Function)),
            draw(st.sampled_from([Decimal("0.5"), Decimal("0.50"), Decimal(1), Decimal("0.3")])),
            draw(st.sampled_from(Status)),
            permanent=draw(st.booleans()),
            start=draw(DAYS),
        )
        for i in ids
    ]


FILTERS: dict[str, dict[str, Any]] = {
    "members": {
        "lifecycle": list(Lifecycle),
        "helper": [True, False],
        "email": [None, "a@b.fr", "c@d.fr"],
        "birth_year": [None, 1960, 1980],
        "departure_reason": [None, *DepartureReason],
        "first_name": ["Jean", "É", "nobody"],
    },
    "positions": {
        "function": list(Function),
        "work_time": [Decimal("0.5"), Decimal(1)],  # compared by value
        "permanent": [True, False],
        "commune": [c.code for c in COMMUNES],
        "start": [None, dt.date(2000, 1, 1)],
        "member_id": ["m-1", "m-2"],
    },
}


@st.composite
def wheres(draw: st.DrawFn, name: str) -> dict[str, Any]:
    fields = FILTERS[name]
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, max_size=2))
    where: dict[str, Any] = {}
    for field in chosen:
        values = fields[field]
        if draw(st.booleans()):
            where[field] = draw(st.sampled_from(values))
        else:
            kind = draw(st.sampled_from([tuple, list, set, frozenset]))
            where[field] = kind(draw(st.lists(st.sampled_from(values), max_size=3)))
    return where


AGGREGATE_BY = {"members": ["lifecycle", "helper", "birth_year"], "positions": ["function"]}
VALUES = {"members": ("id", "lifecycle", "arrival"), "positions": ("id", "work_time", "start")}
#: text and integers only: the driver's rows are the values as they come
PLAIN = {"members": ("id", "last_name", "email"), "positions": ("id", "member_id", "commune")}
SUMS = {"members": ("helper",), "positions": ("permanent",)}


def _expected_aggregate(
    records: list[Any], by: list[str], where: dict[str, Any], sums: tuple[str, ...]
) -> dict[tuple[Any, ...], tuple[int, tuple[int, ...]]]:
    found: dict[tuple[Any, ...], list[int]] = {}
    for record in records:
        if not matches(record, where):
            continue
        key = tuple(getattr(record, name) for name in by)
        tally = found.setdefault(key, [0] * (1 + len(sums)))
        tally[0] += 1
        for index, name in enumerate(sums):
            tally[1 + index] += int(getattr(record, name))
    return {k: (v[0], tuple(v[1:])) for k, v in found.items()}


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_reads_give_what_the_record_path_gives_on_random_data(
    app: App, data: st.DataObject
) -> None:
    """list, count, values, aggregate and find on each backend (SQLite's on the driver alone)
    equal the records filtered in Python (``matches``) in key order."""
    people = data.draw(members())
    held = data.draw(positions(people))
    with app.storage.unit_of_work() as uow:
        if not uow.communes.count():
            uow.communes.add_all(COMMUNES)
        for position in uow.positions.list():
            uow.positions.remove(position.id)
        for member in uow.members.list():
            uow.members.remove(member.id)
        uow.members.add_all(people)
        uow.positions.add_all(held)
        uow.commit()
    stored = {
        "members": sorted(people, key=lambda m: m.id),
        "positions": sorted(held, key=lambda p: p.id),
    }
    with app.storage.unit_of_work(read_only=True) as uow:
        for name, records in stored.items():
            repo = uow.repository(name)
            where = data.draw(wheres(name))
            expected = [r for r in records if matches(r, where)]
            assert repo.list(where) == expected
            assert [unstructure(r) for r in repo.list(where)] == [unstructure(r) for r in expected]
            assert repo.count(where) == len(expected)
            fields = VALUES[name]
            assert repo.values(fields, where) == [
                tuple(getattr(r, f) for f in fields) for r in expected
            ]
            plain = PLAIN[name]
            assert repo.values(plain, where) == [
                tuple(getattr(r, f) for f in plain) for r in expected
            ]
            by = data.draw(st.lists(st.sampled_from(AGGREGATE_BY[name]), unique=True, max_size=2))
            for sums in (SUMS[name], ()):  # without sums, groups of one count share a Tally
                tallies = repo.aggregate(by, where=where, sums=sums)
                assert {k: (t.count, t.sums) for k, t in tallies.items()} == _expected_aggregate(
                    records, by, where, sums
                )
            for record in records[:3]:
                assert repo.get(record.id) == record


@settings(max_examples=60, deadline=None)
@given(people=members())
def test_the_builder_makes_the_records_the_constructor_makes(people: list[Member]) -> None:
    """The trusted reader (a builder subclass, then the record's class) and the validating
    reader give equal records of the record's own class."""
    layout = layout_of(next(c for c in COLLECTIONS if c.record is Member))
    trusted = trusted_reader(Member, layout.columns, layout.json_columns)
    checked = row_reader(Member, layout.columns, layout.json_columns)
    for person in people:
        values = unstructure(person)
        row = tuple(values[c] for c in layout.columns)
        built = trusted(row)
        assert type(built) is Member
        assert built == checked(row) == person
        assert attrs.asdict(built) == attrs.asdict(person)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            built.id = "other"  # type: ignore[misc]


def test_census_report_on_a_current_file_imports_no_sqlalchemy_TER_6(tmp_path: Path) -> None:
    """``rsgm census report`` on an existing database: the whole process without SQLAlchemy."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "RSGM_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("RSGM_DB", None)
    database = tmp_path / "d79.db"
    run = [sys.executable, "-c", "import sys; from rsgm_core.cli import main; sys.exit(main())"]
    for argv in (["db", "init"], ["census", "import", "--departement", "79", "-q"]):
        subprocess.run([*run, *argv, "--db", str(database)], env=env, check=True, cwd=tmp_path, capture_output=True)  # fmt: skip
    probe = (
        "import json, sys\n"
        "from rsgm_core.cli import main\n"
        f"code = main(['census', 'report', '--db', {str(database)!r}])\n"
        "loaded = sorted(n for n in sys.modules if n.split('.')[0] == 'sqlalchemy')\n"
        "print(json.dumps({'code': code, 'sqlalchemy': loaded[:3]}))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=env, check=True, cwd=tmp_path, capture_output=True, text=True)  # fmt: skip
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"code": 0, "sqlalchemy": []}
    assert "communes" in done.stdout
