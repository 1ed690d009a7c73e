"""``rsgm budget|venues|speakers|animation-time|means`` as an animator uses them (NET-8, MEM-10):
French output, amounts through Babel, one-line French errors with exit status 2, nothing written
on a refusal."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core import SessionPlan, example_profile
from rsgm_core.testing import Clock
from tests.conftest import NOW
from tests.helpers import CDG79, cli_administrator, new_database, run

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def cdg79_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RSGM_CONFIG", str(example_profile("cdg79")))


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A database with one event of 40 seats planned in June 2026 and a partner; its path and
    the session's id."""
    path = new_database(tmp_path / "cdg79.db")
    cli_administrator(monkeypatch, path)
    with rsgm_core.open(f"sqlite:///{path}", clock=Clock(NOW), settings=CDG79) as app:
        planned = app.events.plan(
            "Journée réseau", "journée réseau", "présentiel",
            [SessionPlan(dt.date(2025, 6, 12), "Niort", capacity=40)],
        )  # fmt: skip
        app.partners.add("Mme Laurent", "DDFiP", "administration")
    return path, planned.sessions[0].id


def test_the_means_commands_NET_8_MEM_10(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str], tmp_path: Path
) -> None:
    path, session = db
    with rsgm_core.open(f"sqlite:///{path}") as app:
        event = app.events.list_events()[0].event.id
    code, out, err = run(capsys, "budget", "add", "salle", "Location de la salle", "150,50",
                         "--annee", "2025", "--evenement", event[:8], "--db", path)  # fmt: skip
    assert code == 0, err
    assert out.startswith("ligne ") and f"150,50{NBSP}€ prévus" in out
    assert f"coût de « Journée réseau » : 150,50{NBSP}€" in out
    line = out.split()[1]
    code, out, err = run(capsys, "budget", "actual", line, "142", "--db", path)
    assert code == 0 and f"142,00{NBSP}€ dépensés" in out, err
    code, out, err = run(capsys, "venues", "add", "Salle des fêtes", "--adresse-lieu",
                         "1 place de la Mairie", "--places", "60", "--ouverture",
                         "M. Roux", "--equipement", "vidéoprojecteur", "--db", path)  # fmt: skip
    assert code == 0 and "Salle des fêtes, 60 places" in out, err
    code, out, err = run(capsys, "venues", "choose", session[:8], "salle des fêtes", "--db", path)
    assert code == 0 and "lieu « Salle des fêtes » (60 places)" in out, err
    code, out, err = run(capsys, "speakers", "add", session[:8], "Mme Laurent", "--db", path)
    assert code == 0 and "Mme Laurent (DDFiP) (partenaire)" in out, err
    code, out, err = run(capsys, "speakers", "years", "--db", path)
    assert code == 0 and "2025" in out, err
    code, out, err = run(capsys, "animation-time", "log", "administratrice.tests@cdg.example.fr",
                         "--duree", "90", "--activite", "preparation", "--le", "2025-03-10",
                         "--db", path)  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "means", "summary", "--annee", "2025", "--db", path)
    assert code == 0, err
    assert "Moyens : budget" in out and "Salle des fêtes" in out and "1,5 h" in out
    target = tmp_path / "budget.csv"
    code, out, err = run(capsys, "budget", "export", "--annee", "2025", "--sortie", str(target),
                         "--db", path)  # fmt: skip
    assert code == 0, err
    assert "Location de la salle;« Journée réseau »" not in target.read_text(encoding="utf-8")
    assert ";150,50;142,00;-8,50" in target.read_text(encoding="utf-8")


def test_bad_input_exits_2_naming_the_value_and_rule_NET_8(
    capsys: pytest.CaptureFixture[str], db: tuple[str, str]
) -> None:
    path, session = db
    for argv, said in (
        (("budget", "add", "salle", "Salle", "-10", "--annee", "2025"), "'-10'"),
        (("budget", "add", "fleurs", "Salle", "10", "--annee", "2025"), "choix invalide"),
        (("speakers", "add", session[:8], "Jean Inconnu"), "« Jean Inconnu » n'est ni"),
    ):
        code, out, err = run(capsys, *argv, "--db", path)
        assert code == 2 and out == "", err
        assert said in err and err.count("\n") == 1, err
    run(capsys, "venues", "add", "Bureau", "--adresse-lieu", "CDG", "--places", "10", "--db", path)
    code, out, err = run(capsys, "venues", "choose", session[:8], "Bureau", "--db", path)
    assert code == 2 and "prévoit 40 places" in err and "[NET-8]" in err
    code, out, err = run(capsys, "budget", "list", "--annee", "2025", "--db", path)
    assert code == 0 and out == "aucune ligne de budget en 2025\n"
