"""The README's census examples run as written on a fresh clone (issue #17, item 5): its Python
block and its ``rsgm`` lines, each in an empty folder, on the bundled sample; the line that
fetches the national release with ``npm pack`` is replaced by the same package built from the
Etalab release beside the repository (``../shared``), since the tests reach no registry."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import rsgm_core

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
NPM_PACK = "npm pack @etalab/decoupage-administratif@6.0.0"
PACKAGE = "etalab-decoupage-administratif-6.0.0.tgz"
#: Lines of the command-line block that need what only the CDG has: they are not run here.
NOT_RUN = {"rsgm members import agents.xlsx --essai": "needs the CDG's own spreadsheet"}
ENV = {
    **os.environ,
    "PYTHONPATH": str(Path(rsgm_core.__file__).resolve().parents[1]),  # this checkout's code
    "PYTHONIOENCODING": "utf-8",
    "RSGM_DISABLE_PLUGIN_AUTOLOAD": "1",
}
ENV.pop("RSGM_DB", None)
ENV.pop("RSGM_CONFIG", None)


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README.read_text("utf-8"), re.M | re.S)


def _census_bash_blocks() -> list[str]:
    return [block for block in _blocks("bash") if "rsgm census" in block]


def _rsgm(line: str, cwd: Path) -> str:
    """One ``rsgm …`` line through the ``rsgm`` entry point (``rsgm_core.cli:main``), with its
    ``> file`` redirection if any; the line must succeed."""
    command = line.split("#", 1)[0].strip()
    target = None
    if ">" in command:
        command, target = (part.strip() for part in command.split(">", 1))
    args = shlex.split(command)
    assert args[0] == "rsgm", line
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from rsgm_core.cli import main; raise SystemExit(main())",
            *args[1:],
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=ENV,
        timeout=300,
    )
    assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    if target:
        (cwd / target).write_text(done.stdout, encoding="utf-8")
    return done.stdout


def _pack(release: Path, target: Path) -> None:
    """What ``npm pack @etalab/decoupage-administratif@6.0.0`` gives: the package already there
    if ``../shared`` holds one, else the same layout built from the extracted release."""
    for found in (release.parent / PACKAGE, release.parent.parent / PACKAGE):
        if found.is_file():
            target.write_bytes(found.read_bytes())
            return
    with tarfile.open(target, "w:gz") as archive:
        package = target.parent / "package.json"
        package.write_text(
            '{"name": "@etalab/decoupage-administratif", "version": "6.0.0"}', encoding="utf-8"
        )
        archive.add(package, "package/package.json")
        for file in sorted(release.glob("*.json*")):
            archive.add(file, f"package/data/{file.name}")
        package.unlink()


def test_the_entry_point_is_the_cli_main_run_here() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert scripts["rsgm"] == "rsgm_core.cli:main"


def test_the_readme_python_example_runs_as_written_on_the_bundled_sample(tmp_path: Path) -> None:
    (block,) = [b for b in _blocks("python") if "app.census.import_" in b]
    assert "rsgm_core.sample_census()" in block  # the sample, not a folder the reader lacks
    script = tmp_path / "readme_example.py"
    script.write_text(block + "\nprint(len(report.rows), claire.id)\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, env=ENV
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "cdg79.db").is_file()
    rows, _ = done.stdout.split()
    assert int(rows) > 200  # the Deux-Sèvres communes under 3,500 of the sample


def test_the_readme_sample_lines_run_as_written_and_say_it_is_the_sample_TER_1(
    tmp_path: Path,
) -> None:
    (block,) = [b for b in _census_bash_blocks() if NPM_PACK not in b]
    outputs = [_rsgm(line, tmp_path) for line in block.splitlines() if line.startswith("rsgm ")]
    imported = next(out for out in outputs if "importé" in out)
    assert imported.startswith(
        "aucune --source : échantillon fourni avec rsgm_core importé, le département 79 "
        "(Deux-Sèvres) seulement (pas la publication nationale d'Etalab)"
    )
    assert f"pour la publication nationale : {NPM_PACK}, puis" in imported
    assert "Deux-Sèvres" in outputs[-1]  # the report by department


def test_the_readme_national_lines_run_with_the_package_npm_pack_gives_TER_1(
    tmp_path: Path, census_data: Path
) -> None:
    """The ``npm pack`` line needs the registry: the same ``.tgz`` is built from the release in
    ``../shared`` (or copied, when a package is there); every other line runs as written, but
    ``rsgm members import agents.xlsx`` (the CDG's own spreadsheet)."""
    (block,) = [b for b in _census_bash_blocks() if NPM_PACK in b]
    ran = []
    for line in block.splitlines():
        command = line.split("#", 1)[0].strip()
        if command == NPM_PACK:
            _pack(census_data / "6.0.0", tmp_path / PACKAGE)
        elif command in NOT_RUN:
            continue
        elif command:
            ran.append(_rsgm(line, tmp_path))
    imported = next(out for out in ran if "importé" in out)
    assert imported.startswith("millésime 6.0.0 importé : 507 communes")
    assert "échantillon" not in imported
    csv = (tmp_path / "recensement.csv").read_text("utf-8-sig").splitlines()
    assert csv[0].startswith("code_insee;commune;departement")
    assert len(csv) > 400 and all(row.split(";")[2] == "77" for row in csv[1:])


def test_without_source_a_department_the_sample_lacks_is_refused_naming_npm_pack_TER_1(
    tmp_path: Path,
) -> None:
    _rsgm("rsgm init --cdg 'CDG 77' --departements 77 --administrateur a.b@cdg77.fr", tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "rsgm_core", "census", "import"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "qui ne couvre que le département 79 (Deux-Sèvres) : pour le département 77" in (
        done.stderr
    )
    assert NPM_PACK in done.stderr and "[TER-1]" in done.stderr
    assert "census_imports" not in done.stdout
    with rsgm_core.open(f"sqlite:///{tmp_path / 'rsgm.db'}") as app:
        assert app.census.territory() is None  # nothing written
