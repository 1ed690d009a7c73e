"""Reading SQLite rows: a row the record cannot be built from is a clear error naming its key."""

from __future__ import annotations

import sqlite3

import pytest

import rsgm_core
from rsgm_core import StorageError
from rsgm_core.domain.messages import OutboxMessage
from tests.conftest import NOW

MESSAGE = OutboxMessage("o-1", NOW, "member_welcome", "elodie.rousseau@caunay.fr", "Objet", "Texte")


def test_an_unreadable_row_names_its_key(sqlite_url: str) -> None:
    with rsgm_core.open(sqlite_url) as app, app.storage.unit_of_work() as uow:
        uow.outbox.add_all([MESSAGE, OutboxMessage("o-2", NOW, "t", "a@b.fr", "S", "T")])
        uow.commit()
    with sqlite3.connect(sqlite_url.removeprefix("sqlite:///")) as conn:  # another tool's write
        conn.execute("UPDATE outbox SET status = 'perdu' WHERE id = 'o-2'")
    conn.close()
    with rsgm_core.open(sqlite_url) as app, app.storage.unit_of_work(read_only=True) as uow:
        assert uow.outbox.get("o-1") == MESSAGE
        with pytest.raises(StorageError, match="illisible") as caught:
            uow.outbox.list()
        assert caught.value.value == "o-2" and "perdu" in str(caught.value)
