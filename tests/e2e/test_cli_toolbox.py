"""``rsgm toolbox``, ``rsgm advice`` and ``rsgm software map`` (KNB-1..KNB-5, CNS-1, CNS-2):
French output, one-line errors naming the rule, nothing written on a refusal."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import rsgm_core
from tests.conftest import SAMPLE
from tests.helpers import run, snapshot
from tests.integration.test_toolbox_service import setup


@pytest.fixture
def db(tmp_path: Path) -> str:
    assert SAMPLE.is_dir()
    path = str(tmp_path / "cdg.db")
    with rsgm_core.open(f"sqlite:///{path}") as app:
        net = setup(app)
        app.directory.set_software(net.paul, mastered=["Cosoluce"])
        app.directory.give_consent(net.paul, "annuaire")
    return path


def counts(db: str) -> dict[str, list[object]]:
    with rsgm_core.open(f"sqlite:///{db}") as app:
        return snapshot(app)


def test_toolbox_from_the_command_line_KNB_1_KNB_2_KNB_3_KNB_4(
    capsys: pytest.CaptureFixture[str], db: str, tmp_path: Path
) -> None:
    note = tmp_path / "note.txt"
    note.write_text("memo", encoding="utf-8")
    add = ("toolbox", "add", "Tenir l'état civil", "--type", "fiche pratique", "--theme",
           "etat civil", "--auteur", "paul.roy@example.org", "--texte", "Les actes pas à pas.",
           "--piece-jointe", str(note), "--db", db)  # fmt: skip
    code, out, _ = run(capsys, *add)
    assert code == 0 and "brouillon" in out
    resource = re.search(r"ressource (\S+) :", out).group(1)  # type: ignore[union-attr]
    before = counts(db)
    code, _, err = run(capsys, "toolbox", "add", "Sans thème", "--type", "modèle", "--auteur", "paul.roy@example.org", "--db", db)  # fmt: skip
    assert code == 2 and "[KNB-1]" in err and "Traceback" not in err
    code, _, err = run(capsys, "toolbox", "publish", resource, "--par", "claire.martin@example.org", "--revue", "2099-01-01", "--db", db)  # fmt: skip
    assert code == 2 and "[KNB-2]" in err
    code, _, err = run(capsys, "toolbox", "publish", resource, "--par", "paul.roy@example.org", "--revue", "2000-01-01", "--db", db)  # fmt: skip
    assert code == 2 and "[KNB-3]" in err and "01/01/2000" in err
    assert counts(db) == before
    code, out, _ = run(capsys, "toolbox", "publish", resource, "--par", "paul.roy@example.org", "--revue", "2099-01-01", "--db", db)  # fmt: skip
    assert code == 0 and "publiée, version 1" in out
    code, out, _ = run(capsys, "toolbox", "search", "ETAT", "--db", db)
    assert code == 0 and "Tenir l'état civil" in out
    assert "pertinence" in out and "100 %" in out  # scores shown as a share of the best
    code, out, _ = run(capsys, "toolbox", "stale", "--au", "2100-01-01", "--db", db)
    assert code == 0 and resource in out
    code, out, _ = run(capsys, "toolbox", "history", resource, "--db", db)
    assert code == 0 and "publiée" in out
    code, out, _ = run(capsys, "toolbox", "export", "--dossier", str(tmp_path / "export"), "--db", db)  # fmt: skip
    assert code == 0 and "1 ressource publiée exportée" in out
    assert "Pièces jointes" in "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "export").rglob("fiche-pratique/*.md")
    )
    code, out, _ = run(capsys, "toolbox", "archive", resource, "--par", "paul.roy@example.org", "--db", db)  # fmt: skip
    assert code == 0 and "archivée" in out


def test_advice_and_software_map_from_the_command_line_CNS_1_CNS_2_KNB_5(
    capsys: pytest.CaptureFixture[str], db: str
) -> None:
    code, out, _ = run(capsys, "advice", "log", "Jean Dupont demande un acte.", "--commune", "79307", "--demandeur", "Jean Dupont", "--canal", "courriel", "--theme", "État civil", "--db", db)  # fmt: skip
    assert code == 0 and "enregistrée" in out
    request = re.search(r"demande (\S+) ", out).group(1)  # type: ignore[union-attr]
    before = counts(db)
    code, _, err = run(capsys, "advice", "to-faq", request, "--par", "paul.roy@example.org", "--db", db)  # fmt: skip
    assert code == 2 and "[CNS-2]" in err and counts(db) == before
    code, out, _ = run(capsys, "advice", "answer", request, "Voir le guide.", "--minutes", "15", "--db", db)  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "advice", "to-faq", request, "--par", "paul.roy@example.org", "--db", db)  # fmt: skip
    assert code == 0 and "brouillon" in out and "Dupont" not in out
    code, out, _ = run(capsys, "advice", "stats", "--format", "json", "--db", db)
    assert code == 0 and json.loads(out)["repondues"] == 1
    code, out, _ = run(capsys, "advice", "stats", "--du", "2000-01-01", "--format", "json", "--db", db)  # fmt: skip
    assert code == 0 and json.loads(out)["repondues"] == 1
    code, out, _ = run(capsys, "advice", "stats", "--au", "2000-01-01", "--format", "json", "--db", db)  # fmt: skip
    assert code == 0 and json.loads(out)["repondues"] == 0
    code, _, err = run(capsys, "advice", "stats", "--du", "2026-01-01", "--au", "2025-01-01", "--db", db)  # fmt: skip
    assert code == 2 and "[CNS-2]" in err and "à l'envers" in err
    code, out, _ = run(capsys, "software", "map", "--format", "json", "--db", db)
    rows = json.loads(out)
    assert (
        code == 0
        and rows[0]["Logiciel"] == "Cosoluce"
        and rows[0]["Membres qui le maîtrisent"] == "Paul Roy"
    )
    code, out, _ = run(capsys, "software", "map", "--format", "csv", "--db", db)
    assert code == 0 and "Cosoluce" in out
