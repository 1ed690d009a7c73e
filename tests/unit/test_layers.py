"""The layers of docs/architecture.md, as pyproject.toml's import-linter contracts state them:
every module has a place, and the contracts hold (``lint-imports``, also run by ``.ci/run``)."""

from __future__ import annotations

import os
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import rsgm_core

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
CONTRACTS = CONFIG["tool"]["importlinter"]["contracts"]
# Outside the layers: what every layer may import (the ports, the errors, the settings, the
# hooks and their manager, serialization, the slot builder) and what no layer imports (the test
# helpers, the ``python -m rsgm_core`` entry, the deprecation helpers).
CORE_MODULES = {
    "rsgm_core.ports",
    "rsgm_core.records",
    "rsgm_core.errors",
    "rsgm_core.settings",
    "rsgm_core.profile_file",
    "rsgm_core.profile_reader",
    "rsgm_core.hookspecs",
    "rsgm_core.plugin_manager",
    "rsgm_core.serialization",
    "rsgm_core.slot_builder",
    "rsgm_core.plugins",
    "rsgm_core.testing",
    "rsgm_core._compat",
    "rsgm_core.__main__",
}


def _layers() -> list[str]:
    [contract] = [c for c in CONTRACTS if c["type"] == "layers"]
    return list(contract["layers"])


def test_every_module_is_in_a_layer_or_a_core_module() -> None:
    """A new package must be given a place in the contracts, not slip between them."""
    top = {
        f"rsgm_core.{m.name}"
        for m in pkgutil.iter_modules(rsgm_core.__path__)
        if m.name not in {"data", "templates", "profiles"}
    }
    assert top - set(_layers()) - CORE_MODULES == set()
    assert set(_layers()) | CORE_MODULES >= top


def test_the_layers_run_from_the_faces_down_to_the_domain() -> None:
    assert _layers() == [
        "rsgm_core.cli",
        "rsgm_core.web",
        "rsgm_core.demo",
        "rsgm_core.app",
        "rsgm_core.services",
        "rsgm_core.render",
        "rsgm_core.domain",
    ]
    forbidden = {
        c["name"]: set(c["forbidden_modules"]) for c in CONTRACTS if c["type"] == "forbidden"
    }
    assert any(
        {"babel", "sqlalchemy", "pluggy", "rsgm_core.render"} <= f for f in forbidden.values()
    )
    assert any({"rsgm_core.services", "rsgm_core.app"} <= f for f in forbidden.values())


def _lint_imports() -> tuple[int, str]:
    pytest.importorskip("importlinter", reason="import-linter comes with the dev extra")
    source = str(Path(rsgm_core.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            "--no-cache",
            "--config",
            str(ROOT / "pyproject.toml"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return done.returncode, done.stdout + done.stderr


def test_no_import_breaks_the_contracts() -> None:
    code, output = _lint_imports()
    broken = set(re.findall(r"^-\s+(rsgm_core[\w.]*) -> ([\w.]+) \(l\.", output, re.MULTILINE))
    assert broken == set(), output
    assert code == 0, output
