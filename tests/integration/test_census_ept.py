"""The établissements publics territoriaux of the Métropole du Grand Paris (issue #17, item 1):
``ept.json`` is read where a release has it, each member commune keeps its EPT's SIREN and name,
shown by ``app.census.communes`` and ``rsgm census communes``. A tiny release cut from the real
6.0.0 package (``tests/fixtures/decoupage/grand-paris``: Antony, Bagneux, Asnières-sur-Seine,
Gennevilliers) for the fast tests; the real 6.0.0 data for Hauts-de-Seine, Seine-Saint-Denis and
Val-de-Marne, with the package's ``ept.json`` (``tests/fixtures/decoupage/ept-6.0.0.json``, as
``npm pack @etalab/decoupage-administratif@6.0.0`` gives it) when the data folder lacks it."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import App, SourceDataError
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE
from tests.helpers import CDG79, nothing_written, run

FIXTURES = Path(__file__).parent.parent / "fixtures" / "decoupage"
TINY = FIXTURES / "grand-paris"
VALLEE_SUD, BOUCLE_NORD = "200057966", "200057990"
GRAND_PARIS = attrs.evolve(CDG79, departements=("92", "93", "94"))


@pytest.fixture
def paris(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend whose territory is the Petite Couronne (92, 93, 94)."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=GRAND_PARIS) as opened:
        yield opened


def _by_code(app: App, **filters: str) -> dict[str, tuple[str | None, str | None]]:
    return {e.code: (e.ept, e.ept_name) for e in app.census.communes(**filters)}


def test_each_commune_keeps_its_ept_from_a_tiny_release_TER_1(paris: App) -> None:
    paris.census.import_(TINY, ["92"])
    assert _by_code(paris, departement="92") == {
        "92002": (VALLEE_SUD, "Vallée Sud-Grand Paris"),
        "92004": (BOUCLE_NORD, "Boucle Nord de Seine"),
        "92007": (VALLEE_SUD, "Vallée Sud-Grand Paris"),
        "92036": (BOUCLE_NORD, "Boucle Nord de Seine"),
    }
    commune = paris.census.list_communes(departement="92")[0]
    assert (commune.ept, commune.ept_name) == (VALLEE_SUD, "Vallée Sud-Grand Paris")


def test_a_release_without_ept_json_leaves_it_empty_TER_1(paris: App, tmp_path: Path) -> None:
    folder = shutil.copytree(TINY, tmp_path / "6.0.0")
    (folder / "ept.json").unlink()
    paris.census.import_(folder, ["92"])
    assert set(_by_code(paris).values()) == {(None, None)}
    # A later release that has it fills it in on re-import.
    paris.census.import_(TINY, ["92"])
    assert _by_code(paris)["92036"] == (BOUCLE_NORD, "Boucle Nord de Seine")


def test_a_bad_ept_json_is_refused_naming_the_file_and_value_TER_1(
    paris: App, tmp_path: Path
) -> None:
    folder = shutil.copytree(TINY, tmp_path / "6.0.0")
    epts = json.loads((folder / "ept.json").read_text(encoding="utf-8"))
    epts[0]["membres"].append({"code": "92999", "nom": "Nulle-Part"})
    (folder / "ept.json").write_text(json.dumps(epts), encoding="utf-8")
    error = nothing_written(paris, lambda: paris.census.import_(folder, ["92"]), "TER-1")
    assert isinstance(error, SourceDataError)
    assert "ept.json" in str(error) and "92999" in str(error)
    epts[0]["code"] = "200057967"  # a wrong check digit
    (folder / "ept.json").write_text(json.dumps(epts), encoding="utf-8")
    error = nothing_written(paris, lambda: paris.census.import_(folder, ["92"]), "TER-1")
    assert "200057967" in str(error)


def test_rsgm_census_communes_shows_the_ept_only_where_there_is_one_TER_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "rsgm.db"
    with rsgm_core.open(f"sqlite:///{db}", settings=GRAND_PARIS) as app:
        app.census.import_(TINY, ["92"])
    code, out, _ = run(capsys, "census", "communes", "--db", f"sqlite:///{db}", "--annee", "2026")
    assert code == 0
    assert "EPT" in out.splitlines()[0] and "Boucle Nord de Seine" in out
    code, out, _ = run(capsys, "census", "communes", "--db", f"sqlite:///{db}", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert {(r["code_insee"], r["ept"], r["ept_nom"]) for r in rows} >= {
        ("92004", BOUCLE_NORD, "Boucle Nord de Seine")
    }
    with rsgm_core.open(f"sqlite:///{tmp_path / 'other.db'}", settings=CDG79) as app:
        app.census.import_(FIXTURES / "6.0.0", ["79"])
    code, out, _ = run(capsys, "census", "communes", "--db", f"sqlite:///{tmp_path / 'other.db'}")
    assert code == 0 and "EPT" not in out.splitlines()[0]


def _with_ept(census_data: Path, tmp_path: Path) -> Path:
    """The 6.0.0 release with its ``ept.json``: the data folder's, else the package's copy."""
    source = census_data / NEW_VINTAGE.name
    if any((source / f"ept.json{gz}").is_file() for gz in ("", ".gz")):
        return source
    folder = tmp_path / NEW_VINTAGE.name
    folder.mkdir()
    for file in source.iterdir():
        (folder / file.name).symlink_to(file)
    shutil.copyfile(FIXTURES / "ept-6.0.0.json", folder / "ept.json")
    return folder


def test_the_real_petite_couronne_has_its_eleven_epts_TER_1_TER_7(
    paris: App, census_data: Path, tmp_path: Path
) -> None:
    result = paris.census.import_(_with_ept(census_data, tmp_path))
    assert result.imported.departements == ("92", "93", "94")
    entries = paris.census.communes()
    inside = [e for e in entries if not e.hors_ressort and e.situation.name == "ACTUELLE"]
    assert {e.departement for e in inside} == {"92", "93", "94"}
    assert all(e.ept for e in inside)  # every commune of the three belongs to an EPT
    names = {e.ept_name for e in entries if e.ept}
    assert len(names) == 11 and "Plaine Commune" in names
    by_code = {e.code: e for e in entries}
    assert (by_code["93066"].ept, by_code["93066"].ept_name) == ("200057867", "Plaine Commune")
    assert by_code["92012"].ept_name == "Grand Paris Seine Ouest"  # Boulogne-Billancourt
    # Paris is in the Métropole (imported whole, hors ressort) but in no EPT.
    assert by_code["75056"].hors_ressort and by_code["75056"].ept is None
    # Communes of the EPTs straddling into 91 and 95 are known too, hors ressort.
    assert any(e.ept and e.hors_ressort for e in entries)
