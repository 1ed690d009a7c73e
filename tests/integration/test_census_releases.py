"""Etalab releases read as published (issue #17, item 1): a ``.tgz`` package, its ``package/``
folder or a flat folder, the version from ``package.json``; tiny files cut from real releases
(``tests/fixtures/decoupage/<version>``: CC Airvaudais-Val du Thouet, Deux-Sèvres)."""

from __future__ import annotations

import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest

from rsgm_core import App
from rsgm_core.plugins.decoupage_releases import RELEASES
from tests.helpers import nothing_written

FIXTURES = Path(__file__).parent.parent / "fixtures" / "decoupage"
_FILES = ("communes", "epci", "departements")


def _package(
    tmp_path: Path,
    version: str,
    *,
    name: str = "@etalab/decoupage-administratif",
    files: tuple[str, ...] = _FILES,
    data: str | None = None,
) -> Path:
    """An npm package as ``npm pack`` gives it, built from the fixture of ``data``."""
    tgz = tmp_path / f"etalab-decoupage-administratif-{version}.tgz"
    with tarfile.open(tgz, "w:gz") as archive:

        def add(member: str, raw: bytes) -> None:
            info = tarfile.TarInfo(member)
            info.size = len(raw)
            archive.addfile(info, io.BytesIO(raw))

        add("package/package.json", json.dumps({"name": name, "version": version}).encode())
        for stem in files:
            add(
                f"package/data/{stem}.json",
                (FIXTURES / (data or version) / f"{stem}.json").read_bytes(),
            )
    return tgz


def _figures(app: App, commune: str) -> dict[int, tuple[int, int | None]]:
    with app.storage.unit_of_work(read_only=True) as uow:
        return {
            f.vintage: (f.municipale, f.totale) for f in uow.populations.list({"commune": commune})
        }


def test_a_tgz_package_imports_with_its_own_version_TER_1_TER_2(app: App, tmp_path: Path) -> None:
    result = app.census.import_(_package(tmp_path, "6.0.0"), ["79"])
    assert result.imported.vintage == "6.0.0"
    assert len(app.census.list_communes(epci="200041416")) == 9
    assert _figures(app, "79005")[RELEASES["6.0.0"].population_vintage] == (3306, None)
    assert _figures(app, "79005")[RELEASES["6.0.0"].epci_vintage or 0] == (3295, 3342)


def test_a_package_folder_of_a_release_not_shipped_imports_by_its_version_TER_2(
    app: App, tmp_path: Path
) -> None:
    data = tmp_path / "extracted" / "package" / "data"
    data.mkdir(parents=True)
    for stem in _FILES:
        shutil.copy(FIXTURES / "3.0.0" / f"{stem}.json", data)
    (data.parent / "package.json").write_text(
        json.dumps({"name": "@etalab/decoupage-administratif", "version": "3.0.0"})
    )
    result = app.census.import_(tmp_path / "extracted", ["79"])
    assert (result.imported.vintage, result.imported.cog_year) == ("3.0.0", 2023)
    # 3.0.0: communes.json and epci.json carry the same vintage (2020): one figure, with its totale
    assert _figures(app, "79005") == {2020: (3279, 3328)}


def test_a_flat_folder_imports_by_its_name_gzipped_or_not_TER_2(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "3.0.0"
    shutil.copytree(FIXTURES / "3.0.0", folder)
    import gzip

    (folder / "communes.json.gz").write_bytes(
        gzip.compress((folder / "communes.json").read_bytes())
    )
    (folder / "communes.json").unlink()
    assert app.census.import_(folder, ["79"]).imported.vintage == "3.0.0"


def test_metadata_json_overrides_the_version_TER_2(app: App, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    shutil.copytree(FIXTURES / "6.0.0", folder)
    (folder / "metadata.json").write_text(
        json.dumps({"cog_year": 2025, "population_vintage": 2023, "label": "perso"})
    )
    result = app.census.import_(folder, ["79"])
    assert (result.imported.vintage, result.imported.population_vintage) == ("perso", 2023)
    assert _figures(app, "79005")[2022] == (3295, 3342)  # epci.json disagrees: the vintage before


def test_a_tgz_that_is_not_an_etalab_package_is_refused_TER_1(app: App, tmp_path: Path) -> None:
    tgz = _package(tmp_path, "6.0.0", name="left-pad")
    error = nothing_written(app, lambda: app.census.import_(tgz, ["79"]), "TER-1")
    assert "n'est pas un paquet @etalab/decoupage-administratif" in str(error)
    assert "left-pad" in str(error) and "package.json" in str(error)
    garbage = tmp_path / "autre.tgz"
    garbage.write_bytes(b"pas une archive")
    error = nothing_written(app, lambda: app.census.import_(garbage, ["79"]), "TER-1")
    assert "autre.tgz" in str(error)


def test_a_release_with_a_missing_file_is_refused_naming_it_TER_1(app: App, tmp_path: Path) -> None:
    tgz = _package(tmp_path, "6.0.0", files=("communes", "departements"))
    error = nothing_written(app, lambda: app.census.import_(tgz, ["79"]), "TER-1")
    assert "fichier manquant : epci.json" in str(error)
    folder = tmp_path / "5.0.1"
    shutil.copytree(FIXTURES / "6.0.0", folder)
    (folder / "communes.json").unlink()
    error = nothing_written(app, lambda: app.census.import_(folder, ["79"]), "TER-1")
    assert "fichier manquant : communes.json" in str(error)


def test_an_unknown_version_is_refused_TER_2(app: App, tmp_path: Path) -> None:
    tgz = _package(tmp_path, "7.0.0", data="6.0.0")
    error = nothing_written(app, lambda: app.census.import_(tgz, ["79"]), "TER-2")
    assert "millésime inconnu" in str(error) and "'7.0.0'" in str(error)


def test_the_table_holds_every_published_release_TER_2() -> None:
    # npm view @etalab/decoupage-administratif versions --json (2026-12-07)
    published = [
        "0.3.0",
        "0.4.0",
        "0.5.0",
        "0.5.1",
        "0.6.2",
        "0.7.0",
        "0.8.0",
        "0.9.0-0",
        "0.9.0-5",
        "1.0.0",
        "1.1.1",
        "2.0.0",
        "2.1.0",
        "2.2.1",
        "2.3.1",
        "3.0.0",
        "3.1.1",
        "4.0.0",
        "4.1.0",
        "5.0.0",
        "5.0.1",
        "5.2.0",
        "5.3.0",
        "6.0.0",
    ]
    assert list(RELEASES) == published
    for release in RELEASES.values():
        assert release.population_vintage <= release.cog_year - 2
        assert release.epci_vintage is None or release.epci_vintage <= release.population_vintage


@pytest.mark.parametrize("version", ["6.0.0", "3.0.0"])
def test_fixtures_are_real_release_cuts(version: str) -> None:
    communes = json.loads((FIXTURES / version / "communes.json").read_text())
    assert {c["code"] for c in communes} >= {"79005", "79268"}
