"""A busy SQLite file (issue 18, part 6): in WAL mode, opening and reading never wait on a writer;
a writer that cannot get the lock within the busy timeout gets :class:`DatabaseBusyError`, a
French "base occupée" saying what is busy and what to do, never the driver's message; nothing is
written. Two real connections on one file: a writer holding the lock and the app under test."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import DatabaseBusyError, StorageError
from rsgm_core.plugins.sql.backend import is_busy
from tests.helpers import run, snapshot

TIMEOUT = 1.0  # seconds a writer waits for the lock in these tests (30 by default)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cdg79.db"
    with rsgm_core.open(f"sqlite:///{path}") as app:
        app.members.add("Élodie", "Rousseau", email="elodie.rousseau@caunay.fr")
    return path


@pytest.fixture
def writer(db: Path) -> Iterator[sqlite3.Connection]:
    """Another connection in the middle of a long write (an import), holding the write lock."""
    connection = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO meta (key, value) VALUES ('import.en_cours', '1')")
    yield connection
    if connection.in_transaction:
        connection.rollback()
    connection.close()


def url(db: Path) -> str:
    return f"sqlite:///{db}?timeout={TIMEOUT}"


def test_the_file_is_in_wal_mode(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_opening_and_reading_never_wait_on_a_writer(db: Path, writer: sqlite3.Connection) -> None:
    started = time.monotonic()
    with rsgm_core.open(url(db)) as app:
        members = app.members.list_members()
        messages = app.outbox.list_messages()
    assert time.monotonic() - started < TIMEOUT / 2  # no wait for the writer's lock
    assert [m.last_name for m in members] == ["Rousseau"] and messages == []


def test_a_writer_kept_waiting_gets_base_occupee_and_writes_nothing(
    db: Path, writer: sqlite3.Connection
) -> None:
    with rsgm_core.open(url(db)) as app:
        before = snapshot(app)
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError) as caught:
            app.members.add("Jean", "Péroux", email="jean.peroux@caunay.fr")
        assert time.monotonic() - started >= TIMEOUT * 0.9  # it did wait the busy timeout
        message = str(caught.value)
        assert message.startswith("base occupée : une autre opération écrit dans sqlite:///")
        assert "rien n'a été enregistré" in message and "Relancez la commande" in message
        for raw in ("database is locked", "OperationalError", "sqlite3", "sqlalche.me"):
            assert raw not in message
        assert isinstance(caught.value, StorageError)
        writer.rollback()  # the import is over: the same write now goes through
        assert snapshot(app) == before
        app.members.add("Jean", "Péroux", email="jean.peroux@caunay.fr")
        assert len(app.members.list_members()) == 2


def test_a_writer_waits_for_a_short_write_instead_of_failing(
    db: Path, writer: sqlite3.Connection
) -> None:
    releaser = threading.Timer(TIMEOUT / 4, writer.commit)
    releaser.start()
    try:
        with rsgm_core.open(url(db)) as app:
            app.members.add("Jean", "Péroux", email="jean.peroux@caunay.fr")
            assert len(app.members.list_members()) == 2
    finally:
        releaser.join()


def test_the_command_line_reads_while_busy_and_says_base_occupee_for_a_write(
    db: Path, writer: sqlite3.Connection, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "members", "list", "--db", url(db))
    assert code == 0 and "Rousseau" in out and err == ""
    code, out, err = run(capsys, "members", "add", "Jean", "Péroux", "--db", url(db))
    assert code == 2 and err.startswith("rsgm : erreur : base occupée :")
    assert "Traceback" not in err and "database is locked" not in err


def test_a_bad_busy_timeout_is_refused(db: Path) -> None:
    with pytest.raises(StorageError, match="délai d'attente illisible"):
        rsgm_core.open(f"sqlite:///{db}?timeout=bientot")


def test_busy_errors_are_recognised_on_both_databases() -> None:
    class LockTimeout(Exception):
        sqlstate = "55P03"  # PostgreSQL's lock_not_available, raised by lock_timeout

    assert is_busy(sqlite3.OperationalError("database is locked"))
    assert is_busy(LockTimeout("canceling statement due to lock timeout"))
    assert not is_busy(sqlite3.OperationalError("no such table: members"))
    assert not is_busy(None)
