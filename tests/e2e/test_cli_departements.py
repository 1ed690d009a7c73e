"""``rsgm census|report|network`` as the CIG Grande Couronne runs them from its own profile:
three departments, hors ressort communes, reports by department (TER-7, NET-1, NET-2, IND-2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import rsgm_core
from tests.conftest import NEW_VINTAGE
from tests.helpers import CIG, PROFILES, administrator, new_database, run

CONFIG = str(PROFILES / "cig_grande_couronne.toml")


def test_cig_census_report_and_networks_by_department_TER_7_NET_1_NET_2_IND_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, census_data: Path
) -> None:
    db = new_database(tmp_path / "cig.db")
    code, out, err = run(capsys, "census", "import", "--config", CONFIG, "--db", db,
                         "--source", str(NEW_VINTAGE))  # fmt: skip
    assert code == 0, err
    assert "départements 78, 91, 95" in out
    assert "communes hors ressort (EPCI à cheval sur le territoire), comptées à part" in out
    code, out, err = run(capsys, "census", "report", "--config", CONFIG, "--db", db,
                         "--departement", "95")  # fmt: skip
    assert code == 0, err
    assert "hors ressort de ses EPCI à cheval sur le territoire" in out and "dans le 77" in out
    with rsgm_core.open(f"sqlite:///{db}", settings=CIG) as app:
        for code_ in ("78", "91", "95"):
            app.network.create_departmental_network(
                f"Réseau {code_}", by=administrator(app), departement=code_
            )
        app.network.create_community_network(
            "200055655", by=administrator(app)
        )  # Roissy, in the 95's network
    code, out, err = run(capsys, "network", "status", "--config", CONFIG, "--db", db,
                         "--departement", "95")  # fmt: skip
    assert code == 0, err
    assert "Réseau 95 (départemental, 95)" in out and "Réseau 78" not in out
    assert "Comité de suivi (95) :" in out
    assert "CA Roissy Pays de France : référent communautaire" in out
    code, out, err = run(capsys, "report", "annual", "--config", CONFIG, "--db", db,
                         "--year", "2025", "--format", "md", "--departement", "95")  # fmt: skip
    assert code == 0, err
    assert out.startswith(
        "# Rapport d'activité 2025 du réseau des SGM — CIG Grande Couronne (Val-d'Oise)"
    )
    code, out, err = run(capsys, "indicators", "show", "--config", CONFIG, "--db", db,
                         "--year", "2025", "--departement", "77")  # fmt: skip
    assert code == 2 and "[TER-7]" in err
