"""The demo network (``rsgm demo``), built once per session, that the fuzzing and its findings
start from: census sample, members, events, access, toolbox, conventions."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from rsgm_core.cli import main


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo network, built once by ``rsgm demo``; copy it before writing."""
    folder = tmp_path_factory.mktemp("fuzz-demo")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["demo", "--db", str(folder / "demo.db")]) == 0
    return folder / "demo.db"
