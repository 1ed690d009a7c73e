"""The former names of the event, toolbox, advice, partner and network areas are declared for type
checkers: a typed caller's mypy reports them as deprecated, never as missing."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

CALLER = """
import rsgm_core

def old_calls(app: rsgm_core.App) -> None:
    app.events.list()
    app.events.register("s", "m")
    app.events.tracking()
    app.surveys.due()
    app.toolbox.list()
    app.advice.list()
    app.partners.list()
    app.partners.stale()
    app.network.networks()
    app.network.activate("79019")
"""
OLD = [
    "list",
    "register",
    "tracking",
    "due",
    "list",
    "list",
    "list",
    "stale",
    "networks",
    "activate",
]


def test_a_typed_caller_sees_the_old_names_as_deprecated(tmp_path: Path) -> None:
    (tmp_path / "caller.py").write_text(CALLER, encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--enable-error-code", "deprecated",
            "--follow-imports", "silent", "--cache-dir", str(tmp_path / "cache"),
            "--config-file", "", "caller.py",
        ],
        cwd=tmp_path, env={"MYPYPATH": str(SRC), "PATH": ""},
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert "attr-defined" not in output, output
    reported = re.findall(r"function [\w.]+\.(\w+) is deprecated: use .*\[deprecated\]", output)
    assert reported == OLD, output
