"""Shared fixtures: opened apps on both storage backends, a fixed clock, the real census data."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import rsgm_core
from rsgm_core.app import App

# Tests run on the built-in plugins alone unless a test registers more.
os.environ.setdefault("RSGM_DISABLE_PLUGIN_AUTOLOAD", "1")

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2025, 3, 14, 10, 30, tzinfo=PARIS)
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "decoupage-administratif"
OLD_VINTAGE = DATA / "4.1.0"
NEW_VINTAGE = DATA / "6.0.0"
SAMPLE = Path(rsgm_core.__file__).parent / "data" / "sample" / "79"


def fixed_clock() -> dt.datetime:
    return NOW


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Outside CI, a checkout without the shared census data skips the tests that need it; in CI
    # the data must be there, so the tests run and fail loudly if it is not.
    if not OLD_VINTAGE.is_dir() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=f"census data not found at {DATA}")
        for item in items:
            if "census_data" in getattr(item, "fixturenames", ()):
                item.add_marker(skip)


@pytest.fixture
def census_data() -> Path:
    """The folder holding the Etalab vintages 4.1.0 and 6.0.0."""
    return DATA


@pytest.fixture(params=["memory", "sqlite"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend in turn: the same tests prove the same contract."""
    if request.param == "memory":
        return "memory://"
    return f"sqlite:///{tmp_path / 'rsgm.db'}"


@pytest.fixture
def app(url: str) -> Iterator[App]:
    with rsgm_core.open(url, clock=fixed_clock) as opened:
        yield opened


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rsgm.db'}"
