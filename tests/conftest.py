"""Shared fixtures: opened apps on every storage backend, the real census data.

The storage backends are memory, a SQLite file and, when ``RSGM_TEST_POSTGRES_URL`` names a
PostgreSQL server (``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``, a role allowed to
create databases), a fresh database on that server for each test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import rsgm_core
from rsgm_core import App
from rsgm_core.testing import DEFAULT_MOMENT, Clock
from tests.helpers import CDG77, CDG79, CIG

# Tests run on the built-in plugins alone unless a test registers more.
os.environ.setdefault("RSGM_DISABLE_PLUGIN_AUTOLOAD", "1")

PARIS = ZoneInfo("Europe/Paris")
NOW = DEFAULT_MOMENT
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "decoupage-administratif"
OLD_VINTAGE = DATA / "4.1.0"
NEW_VINTAGE = DATA / "6.0.0"
SAMPLE = Path(rsgm_core.__file__).parent / "data" / "sample" / "79"
POSTGRES_URL = os.environ.get("RSGM_TEST_POSTGRES_URL", "")
CENSUS_DATA_MISSING = (
    f"needs the Etalab decoupage-administratif releases 4.1.0 and 6.0.0 in {DATA}/4.1.0 and "
    f"{DATA}/6.0.0: `npm pack @etalab/decoupage-administratif@4.1.0` (and @6.0.0), then put each "
    "package's package/data/*.json in its version's folder, gzipped (`gzip *.json`); the bundled "
    "sample covers the other census tests"
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Outside CI, a checkout without the shared census data skips the tests that need it; in CI
    # the data must be there, so the tests run and fail loudly if it is not.
    if not OLD_VINTAGE.is_dir() and not os.environ.get("CI"):
        skip = pytest.mark.skip(reason=CENSUS_DATA_MISSING)
        for item in items:
            if "census_data" in getattr(item, "fixturenames", ()):
                item.add_marker(skip)
    _select_postgresql(config, items)


_POSTGRESQL_MISSING = "RSGM_TEST_POSTGRES_URL is not set (no PostgreSQL server to test against)"
_deselected = pytest.StashKey[int]()  # how many, for the summary


def _select_postgresql(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a server, outside CI the PostgreSQL tests are deselected (the summary says why);
    in CI they must run, so the session stops before any test does."""
    for item in items:
        if "postgres_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgresql)
    if POSTGRES_URL:
        return
    on_postgresql = [item for item in items if item.get_closest_marker("postgresql")]
    if not on_postgresql:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"{_POSTGRESQL_MISSING}, yet {len(on_postgresql)} tests need one in CI: "
            ".ci/run starts a server and sets it"
        )
    items[:] = [item for item in items if not item.get_closest_marker("postgresql")]
    config.hook.pytest_deselected(items=on_postgresql)
    config.stash[_deselected] = len(on_postgresql)


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    if count := config.stash.get(_deselected, 0):
        terminalreporter.write_line(f"{count} PostgreSQL tests deselected: {_POSTGRESQL_MISSING}")


@pytest.fixture
def census_data() -> Path:
    """The folder holding the Etalab vintages 4.1.0 and 6.0.0."""
    return DATA


_POSTGRESQL = pytest.param("postgresql", marks=pytest.mark.postgresql)


@pytest.fixture(params=["memory", "sqlite", _POSTGRESQL])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each backend in turn: the same tests prove the same contract."""
    if request.param == "memory":
        return "memory://"
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'rsgm.db'}"


@pytest.fixture
def app(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend, on the ``rsgm_clock`` fixture (14 March 2025, 10:30 in Paris),
    as CDG 79 (its example profile)."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as opened:
        yield opened


@pytest.fixture
def cdg77(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend run as CDG 77 (tests/profiles/cdg77.toml): one department,
    target public under 2,000, self-service access requests, no pack, no grid."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG77) as opened:
        yield opened


@pytest.fixture
def cig(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app on every backend run as the CIG Grande Couronne (78, 91, 95; a network per
    department; access by invitation; no pack, no grid)."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=CIG) as opened:
        yield opened


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'rsgm.db'}"


@pytest.fixture(params=["sqlite", _POSTGRESQL])
def sql_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each SQL backend in turn."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'rsgm.db'}"


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Any]:
    """An engine on the server of ``RSGM_TEST_POSTGRES_URL``, to create and drop databases."""
    import sqlalchemy as sa

    url = sa.engine.make_url(POSTGRES_URL)
    if url.drivername == "postgresql":  # SQLAlchemy's default driver is psycopg2: use psycopg
        url = url.set(drivername="postgresql+psycopg")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def new_postgres_url(postgres_admin: Any) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the test server, each dropped at the end of the test."""
    made: list[str] = []

    def make() -> str:
        name = f"rsgm_test_{uuid.uuid4().hex[:16]}"
        with postgres_admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        made.append(name)
        return postgres_admin.url.set(database=name).render_as_string(hide_password=False)

    yield make
    with postgres_admin.connect() as conn:
        for name in made:  # FORCE: a connection the test left open does not keep it alive
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_url(new_postgres_url: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database, dropped after the test."""
    return new_postgres_url()
