"""``rsgm tutors …`` and ``rsgm local-networks …`` (MEM-13, NET-7): French output that names
people and communes, exit code 2 and nothing written on bad input."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

import rsgm_core
from tests.conftest import SAMPLE
from tests.helpers import CDG79, cli_administrator, new_database, run


def test_tutors_and_local_networks_on_the_command_line_MEM_13_NET_7(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_database(tmp_path / "rsgm.db")
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
        newcomer = app.members.add("Inès", "Garnier", email="ines.garnier@example.org")
        tutor = app.members.add("Nadia", "Girard", email="nadia.girard@example.org")
        for member, commune in ((newcomer, "79030"), (tutor, "79018")):
            app.members.add_position(member.id, commune, "sgm", work_time=Decimal(1))
    cli_administrator(monkeypatch, db)
    code, out, err = run(capsys, "tutors", "candidates", "ines.garnier@example.org", "--db", db)
    assert code == 0, err
    assert "Tuteurs possibles pour Inès Garnier (limite : 2 arrivants par tuteur)" in out
    assert "Nadia Girard" in out and "même EPCI" in out
    code, out, err = run(capsys, "tutors", "pair", "ines.garnier@example.org",
                         "nadia.girard@example.org", "--db", db)  # fmt: skip
    assert code == 0, err
    assert out.startswith("Nadia Girard accompagne Inès Garnier depuis le ")
    code, out, err = run(capsys, "tutors", "list", "--en-cours", "--db", db)
    assert "Nadia Girard" in out and "Inès Garnier" in out and "1 tutorat" in out
    code, out, err = run(capsys, "local-networks", "add", "Amicale du Thouarsais", "--porteur",
                         "Amicale", "--relation", "absorbé", "--epci", "247900798", "--db", db)  # fmt: skip
    assert code == 2 and "relation avec le CDG inconnue : 'absorbé'" in err and "[NET-7]" in err
    code, out, err = run(capsys, "local-networks", "add", "Amicale du Thouarsais", "--porteur",
                         "Amicale", "--relation", "soutenu", "--epci", "247900798", "--db", db)  # fmt: skip
    assert code == 0, err
    assert "réseau local enregistré : « Amicale du Thouarsais », porté par Amicale, soutenu" in out
    code, out, err = run(capsys, "local-networks", "epcis", "--sans-reseau", "--db", db)
    assert code == 0 and "CC du Thouarsais" not in out and "7 EPCI sans aucun réseau" in out
