"""Entry-point plugins are looked for without ``importlib.metadata`` first (issue 24, item 5): a
start-up where no installed distribution declares ``rsgm`` entry points does not import it; one
that does is loaded by pluggy as before (tests/unit/test_plugins.py loads one)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rsgm_core.plugin_manager import may_declare_entry_points

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _dist_info(folder: Path, name: str, entry_points: str | None) -> None:
    info = folder / f"{name}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    if entry_points is not None:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")


def test_only_a_distribution_declaring_the_group_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(tmp_path / "absent")])
    _dist_info(tmp_path, "bare", None)
    _dist_info(tmp_path, "tool", "[console_scripts]\ntool = tool:main\n")
    assert not may_declare_entry_points("rsgm")
    assert may_declare_entry_points("console_scripts")
    _dist_info(tmp_path, "extension", "[console_scripts]\nx = x:main\n\n[ rsgm ]\nx = x\n")
    assert may_declare_entry_points("rsgm")


def test_when_unsure_pluggy_reads_the_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"")
    monkeypatch.setattr(sys, "path", [str(archive)])
    assert may_declare_entry_points("rsgm")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "old.egg")])
    assert may_declare_entry_points("rsgm")

    class Finder:
        @staticmethod
        def find_distributions(*args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    monkeypatch.setattr(sys, "meta_path", [Finder, *sys.meta_path])
    assert may_declare_entry_points("rsgm")


def test_opening_without_entry_point_plugins_does_not_import_importlib_metadata() -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("RSGM_DISABLE_PLUGIN_AUTOLOAD", None)
    code = (
        "import json, sys, rsgm_core\n"
        "from rsgm_core.plugin_manager import may_declare_entry_points\n"
        "with rsgm_core.open('memory://') as app:\n"
        "    app.census.territory()\n"
        "print(json.dumps([may_declare_entry_points('rsgm'), 'importlib.metadata' in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    declared, imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert imported is declared  # imported exactly when some distribution declares plugins
