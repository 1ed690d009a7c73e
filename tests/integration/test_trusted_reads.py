"""Bulk reads build records without re-running their validators (issue 24): the records they give
are equal to the validated ones, field by field and type by type, on every collection the demo
fills, and a value that does not convert is still an error naming the row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import StorageError
from rsgm_core.cli import main
from rsgm_core.plugins.sql.repository import SqlRepository
from rsgm_core.plugins.sql.rows import trusted_reader
from rsgm_core.ports import COLLECTIONS


def _same(a: object, b: object) -> bool:
    """Equal and of the same types, field by field (``1 == True`` would hide a wrong type)."""
    return a == b and all(
        type(getattr(a, f.name)) is type(getattr(b, f.name))
        for f in attrs.fields(type(a))  # type: ignore[arg-type]
    )


def test_trusted_and_validated_reads_agree_on_every_collection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    capsys.readouterr()
    filled = 0
    with rsgm_core.open(f"sqlite:///{db}") as app, app.storage.unit_of_work() as uow:
        for collection in COLLECTIONS:
            repo = uow.repository(collection.name)
            assert isinstance(repo, SqlRepository)
            listed = repo.list()
            validated = [repo.get(repo.collection.key_of(r)) for r in listed]  # find validates
            assert len(listed) == repo.count()
            for trusted, checked in zip(listed, validated, strict=True):
                assert _same(trusted, checked), (collection.name, trusted, checked)
            filled += bool(listed)
    assert filled >= 25  # the demo fills most collections


def test_a_trusted_read_still_refuses_a_value_that_does_not_convert(sqlite_url: str) -> None:
    from rsgm_core.domain.members import Member

    with rsgm_core.open(sqlite_url) as app, app.storage.unit_of_work() as uow:
        uow.members.add_all([Member("m-1", "Élodie", "Rousseau"), Member("m-2", "Paul", "Roy")])
        uow.commit()
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:  # another tool's write
        conn.execute("UPDATE members SET lifecycle = 'perdu' WHERE id = 'm-2'")
    conn.close()
    with rsgm_core.open(sqlite_url) as app, app.storage.unit_of_work(read_only=True) as uow:
        with pytest.raises(StorageError, match="illisible") as caught:
            uow.members.list()
        assert caught.value.value == "m-2"


def test_a_class_without_slots_is_read_through_its_constructor() -> None:
    @attrs.frozen(slots=False)
    class Loose:
        id: str = attrs.field(validator=attrs.validators.min_len(1))

    read = trusted_reader(Loose, ("id",))
    assert read(("ab",)) == Loose("ab")
    with pytest.raises(ValueError):  # its validator ran
        read(("",))
