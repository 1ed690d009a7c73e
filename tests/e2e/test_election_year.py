"""An election year, end to end (MEM-12, CHA-1, NET-3): the élus imported from a spreadsheet, the
mayor signs the charter, the next municipal election's import renews the mayors (history kept),
the old mayor's signature lapses, the new mayor signs again; then the same with ``rsgm elus``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import App, Capacity, SpaceKind
from rsgm_core.profile_file import example_profile
from rsgm_core.testing import Clock
from tests.conftest import SAMPLE
from tests.helpers import (
    CDG79,
    administrator,
    cli_administrator,
    new_database,
    nothing_written,
    run,
)

AUBIGNY, SAUZE = "79019", "79307"
HEADER = "Prénom;Nom;Fonction;Commune;Date d'élection;Courriel;Adresse postale"
FIRST = [
    "Martine;Bonnet;Maire;Aubigny;23/05/2020;maire@aubigny79.fr;1 place de la Mairie",
    "Paul;Girard;Adjoint;Aubigny;23/05/2020;;",
    "Jean;Roux;Maire;Sauzé-entre-Bois;23/05/2020;jean.roux@example.org;",
    "Luc;Faure;Membre du CA;;01/10/2020;luc.faure@example.org;",
]
ELECTED = [  # the municipal election of March 2026: Aubigny changes its mayor, Sauzé keeps his
    "Nadia;Lemoine;Maire;Aubigny;;nadia.lemoine@aubigny79.fr;1 place de la Mairie",
    "Jean;Roux;Maire;Sauzé-entre-Bois;;jean.roux@example.org;",
]
ELECTION = dt.date(2026, 3, 22)


def sheet(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_election_year_MEM_12_CHA_1_NET_3(app: App, rsgm_clock: Clock, tmp_path: Path) -> None:
    app.census.import_(SAMPLE, ["79"])
    by = administrator(app)
    first = app.elus.import_elus(sheet(tmp_path / "elus-2020.csv", FIRST), by=by, dry_run=False)
    assert first.ok and first.written and first.members == 4
    app.charters.publish("Charte d'utilisation", "Texte", by=by, on=dt.date(2025, 1, 6))
    bonnet = app.charters.sign(AUBIGNY, "Martine Bonnet", Capacity.MAYOR)
    roux = app.charters.sign(SAUZE, "jean.roux@example.org", "maire")
    seats = app.elus.steering_seats(["Luc Faure", "Jean Roux"])
    app.network.set_committee("pilotage", seats, by=by)

    rsgm_clock.set(dt.datetime(2026, 4, 2, 10, 0, tzinfo=CDG79.zone))
    path = sheet(tmp_path / "elus-2026.csv", ELECTED)
    dry = app.elus.import_elus(path, by=by, election=ELECTION)
    assert dry.ok and not dry.written and dry.ended == 3  # Bonnet, Girard and Roux's mandates
    done = app.elus.import_elus(path, by=by, election=ELECTION, dry_run=False)
    assert done.written and done.members == 2
    assert set(done.ended_mandates) == {"Martine Bonnet (maire)", "Paul Girard (adjoint)",
                                        "Jean Roux (maire)"}  # fmt: skip
    mayors = app.elus.list_elus(role="maire")
    assert [(e.full_name, e.start) for e in mayors] == [
        ("Nadia Lemoine", ELECTION), ("Jean Roux", ELECTION),
    ]  # fmt: skip
    history = app.elus.list_elus(role="maire", history=True, commune=AUBIGNY)
    assert [(e.full_name, e.end) for e in history] == [
        ("Martine Bonnet", dt.date(2026, 3, 21)), ("Nadia Lemoine", None),
    ]  # fmt: skip

    status = app.charters.status(AUBIGNY)
    assert status.lapsed[bonnet.id] == "mandat terminé le 21/03/2026 (Martine Bonnet)"
    assert any(Capacity.MAYOR in group for group in status.missing[SpaceKind.DEPARTMENTAL])
    assert roux.id in app.charters.status(SAUZE).lapsed  # re-elected: a new mandate, signed anew
    error = nothing_written(
        app, lambda: app.charters.sign(AUBIGNY, "Martine Bonnet", "maire"), "CHA-1"
    )
    assert "Nadia Lemoine" in error.message
    renewed = app.charters.sign(AUBIGNY, "Nadia Lemoine", "maire")
    assert renewed.elu_id == app.elus.get_elu("Nadia Lemoine").id
    assert not any(
        Capacity.MAYOR in g
        for groups in app.charters.status(AUBIGNY).missing.values()
        for g in groups
    )
    app.charters.sign(SAUZE, "Jean Roux", "maire")

    with app.deps.read() as uow:  # NET-3: Jean Roux's old mandate left its seat
        [committee] = uow.committees.list()
    assert [s.kind.value for s in committee.seats] == ["elu_cdg"]


def test_the_elus_commands_MEM_12(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = new_database(tmp_path / "rsgm.db")
    with rsgm_core.open(f"sqlite:///{db}", settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
    cli_administrator(monkeypatch, db)
    path = sheet(tmp_path / "elus.csv", FIRST)
    code, out, _ = run(capsys, "elus", "import", str(path), "--db", db)
    assert code == 0 and "essai : rien n'a été importé" in out and "4 nouveaux mandats" in out
    assert "« Date d'élection » → début" in out
    code, out, _ = run(capsys, "elus", "import", str(path), "--db", db, "--enregistrer")
    assert code == 0 and "enregistré : 4 nouveaux mandats" in out
    code, out, _ = run(capsys, "elus", "import", str(path), "--db", db, "--enregistrer")
    assert code == 1 and "mandat déjà enregistré" in out and "rien n'a été importé" in out
    code, out, _ = run(capsys, "elus", "list", "--db", db)
    assert code == 0 and "Martine Bonnet, maire, Aubigny (79019), du 23/05/2020" in out
    code, out, _ = run(capsys, "network", "committee", "pilotage", "--siege", "elu_cdg:Luc Faure",
                       "--siege", "elu_epci:Jean Roux", "--db", db)  # fmt: skip
    assert code == 0 and "élu du CDG : Luc Faure" in out  # NET-3: seats held by élus records
    assert "élu de l'EPCI : Jean Roux, CC Mellois en Poitou (200069755)" in out
    code, _, err = run(
        capsys, "network", "committee", "pilotage", "--siege", "elu_cdg:Jean Maire", "--db", db
    )
    assert code == 2 and "élu inconnu : « Jean Maire »" in err
    code, out, _ = run(capsys, "elus", "letters", "lancement", "--db", db)
    assert code == 0 and "2 courriels" in out
    code, out, _ = run(capsys, "elus", "letters", "lancement", "--db", db)
    assert code == 0 and "0 courriel" in out and "déjà écrit : 2" in out
    output = tmp_path / "lancement.html"
    code, _, err = run(
        capsys, "elus", "print", "lancement", "--tous", "--db", db, "-o", str(output)
    )
    assert code == 2 and "[cdg]" in err  # no profile: no sender, no letter
    monkeypatch.setenv("RSGM_CONFIG", str(example_profile("cdg79")))
    code, out, _ = run(
        capsys, "elus", "print", "lancement", "--tous", "--db", db, "-o", str(output)
    )
    assert code == 0 and "2 pages écrites" in out
    assert output.read_text(encoding="utf-8").count('<section class="letter">') == 2
    code, out, err = run(capsys, "elus", "end", "Martine Bonnet", "--le", "2020-01-01", "--db", db)
    assert code == 2 and "[MEM-12]" in err
    bad = sheet(tmp_path / "bad.csv", ["Ana;Lopez;Maire;Nulle-Part;23/05/2020;;"])
    code, out, _ = run(capsys, "elus", "import", str(bad), "--db", db, "--enregistrer")
    assert code == 1 and "commune introuvable" in out and "rien n'a été importé" in out
    code, out, _ = run(capsys, "elus", "erase", "Martine Bonnet", "--oui", "--db", db)
    assert code == 0 and "effacement de Martine Bonnet (maire)" in out  # MEM-11
    assert "point de contrôle fait" in out
    code, out, _ = run(capsys, "elus", "list", "--historique", "--db", db)
    assert code == 0 and "Bonnet" not in out
