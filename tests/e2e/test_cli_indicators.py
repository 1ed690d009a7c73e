"""``rsgm indicators|report|national`` as an animator and the ANDCDG use them (IND-1..IND-3)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import rsgm_core
from rsgm_core.testing import Clock
from tests.helpers import run
from tests.indicator_seed import YEAR, seed


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "cdg79.db"
    with rsgm_core.open(f"sqlite:///{path}", clock=Clock()) as app:
        seed(app)
    return str(path)


def refused(capsys: pytest.CaptureFixture[str], rule: str | None, *argv: str) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.count("\n") == 1, err
    if rule:
        assert f"[{rule}]" in err and err.startswith("rsgm : erreur : ")
    return err


def test_indicators_show_IND_1(capsys: pytest.CaptureFixture[str], db: str) -> None:
    code, out, err = run(
        capsys, "indicators", "show", "--db", db, "--year", str(YEAR), "--formules"
    )
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("Taux de participation (présents / in"))
    assert "55,0\xa0%" in line and "présents / invités" in line
    assert "Taux d'ouverture de la lettre d'information" in out and "non disponible" in out
    assert "présents / invités" in out  # the formula
    code, out, err = run(capsys, "indicators", "show", "--db", db, "--from", f"{YEAR}-01-01",
                         "--to", f"{YEAR}-06-30", "--scope", "departement:79")  # fmt: skip
    assert code == 0, err
    assert "Indicateurs du 01/01/2024 au 30/06/2024 (departement:79)" in out


def test_indicators_bad_input_IND_1(capsys: pytest.CaptureFixture[str], db: str) -> None:
    err = refused(capsys, "IND-1", "indicators", "show", "--db", db,
                  "--from", "2024-06-01", "--to", "2024-05-01")  # fmt: skip
    assert "période inversée" in err
    err = refused(capsys, "IND-1", "indicators", "show", "--db", db, "--scope", "canton:12")
    assert "périmètre inconnu" in err


def test_report_annual_and_projects_IND_2(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "report", "projects", "add", "--db", db, "--year", str(YEAR + 1),
                         "Créer une matinale mensuelle")  # fmt: skip
    assert code == 0 and "projet enregistré pour 2025" in out, err
    for fmt in ("md", "html", "pdf"):
        target = tmp_path / f"rapport.{fmt}"
        code, out, err = run(capsys, "report", "annual", "--db", db, "--year", str(YEAR),
                             "--format", fmt, "-o", str(target))  # fmt: skip
        assert code == 0, err
        assert f"écrit : {target}" in out
    assert "Créer une matinale mensuelle" in (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert "<svg" in (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert (tmp_path / "rapport.pdf").read_bytes().startswith(b"%PDF")


def test_national_export_and_merge_IND_3(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    files = []
    for cdg in ("CDG79", "CDG86"):
        target = tmp_path / f"{cdg}.json"
        code, out, err = run(capsys, "national", "export", "--db", db, "--year", str(YEAR),
                             "--cdg", cdg, "-o", str(target))  # fmt: skip
        assert code == 0, err
        files.append(str(target))
    code, out, err = run(capsys, "aggregate", "merge", *files)
    assert code == 0, err
    table = json.loads(out)
    assert table["cdgs"] == ["CDG79", "CDG86"] and table["schema"] == "rsgm-national/1"
    err = refused(capsys, "IND-3", "national", "merge", files[0], files[0])
    assert "figure deux fois" in err
    edited = json.loads(Path(files[0]).read_text(encoding="utf-8"))
    edited["tables"]["mouvements"]["cells"]["departs"] = 2  # a small count put back by hand
    (tmp_path / "edited.json").write_text(json.dumps(edited), encoding="utf-8")
    err = refused(capsys, "IND-3", "national", "merge", str(tmp_path / "edited.json"))
    assert "sous le seuil" in err
    edited = {**json.loads(Path(files[0]).read_text(encoding="utf-8")), "schema": "rsgm-national/9"}
    (tmp_path / "future.json").write_text(json.dumps(edited), encoding="utf-8")
    assert "schéma inconnu" in refused(
        capsys, "IND-3", "national", "merge", str(tmp_path / "future.json")
    )


def test_demo_ends_with_the_annual_report_IND_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "demo", "--db", str(tmp_path / "demo.db"))
    assert code == 0, err
    reports = sorted(tmp_path.glob("demo-rapport-*.html"))
    assert len(reports) == 1 and str(reports[0]) in out
    html = reports[0].read_text(encoding="utf-8")
    assert "3. Projets pour l'année à venir" in html
    # IND-2: every part with its own records shows real figures, and no rule id reaches readers
    for title in ("Pyramide des âges", "Réseaux locaux existants", "Moyens : budget",
                  "Information des élus", "Tutorat des arrivants", "Groupes de travail",
                  "Suggestions des membres"):  # fmt: skip
        assert f"<h3>{title}" in html, title
    markdown = reports[0].with_suffix(".md").read_text(encoding="utf-8")
    assert not re.search(r"\b[A-Z]{3}-\d+\b", markdown)
    assert "Rien à signaler" not in markdown
