"""An élu who is not a member of the network is erased on request (MEM-11, MEM-12): every mandate
of theirs removed, their name, e-mail and phone cut from the letters and messages that held them,
nothing of them left in the SQLite file; the letters' count stays."""

from __future__ import annotations

from pathlib import Path

import pytest

import rsgm_core
from rsgm_core.errors import NotFoundError, RsgmError
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import CDG79, administrator, snapshot
from tests.integration.test_elus import ROWS, sheet


def test_an_elu_is_erased_from_every_record_and_the_database_file_MEM_11_MEM_12(
    sqlite_url: str, rsgm_clock: Clock, tmp_path: Path
) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
        by = administrator(app)
        app.elus.import_elus(sheet(tmp_path, ROWS), by=by, dry_run=False)
        app.elus.send_letters("lancement", by=by)  # a message to maire@aubigny79.fr queued
        bonnet = app.elus.get_elu("Martine Bonnet")
        letters = len(app.elus.list_letters(kind="lancement"))
        assert b"aubigny79" in path.read_bytes() + _wal(path)
        report = app.rgpd.erase_elu(bonnet.id, by=by)
        assert report.anonymised and report.removed >= 1 and report.checkpointed
        raw = path.read_bytes() + _wal(path)
        for trace in (b"Bonnet", b"maire@aubigny79.fr", b"Martine"):
            assert trace not in raw, trace
        assert [e.full_name for e in app.elus.list_elus(role="maire")] == ["Jean Roux"]
        assert len(app.elus.list_letters(kind="lancement")) == letters  # counted still


def test_erasing_an_elu_needs_an_administrator_and_an_elu_on_record_MEM_11(
    app: rsgm_core.App, tmp_path: Path
) -> None:
    app.census.import_(SAMPLE, ["79"])
    by = administrator(app)
    app.elus.import_elus(sheet(tmp_path, ROWS), by=by, dry_run=False)
    roux = app.elus.get_elu("Jean Roux").id
    before = snapshot(app)
    with pytest.raises(NotFoundError, match="inconnu"):
        app.rgpd.erase_elu("inconnu", by=by)
    assert snapshot(app) == before
    stranger = app.members.add("Léo", "Petit", email="leo@example.org").id
    with pytest.raises(RsgmError):
        app.rgpd.erase_elu(roux, by=stranger)
    assert app.elus.get_elu("Jean Roux").id == roux


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""
