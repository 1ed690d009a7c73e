"""rsgm_core.testing: the public test clock and the pytest fixtures a CDG's own tests use, and the
clock's contract with the app (a zoned time, else a configuration error)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import rsgm_core
from rsgm_core import App, ConfigurationError, RsgmError, ValidationError
from rsgm_core.testing import DEFAULT_MOMENT, Clock

PARIS = ZoneInfo("Europe/Paris")


def test_a_new_clock_stands_at_the_default_moment_until_moved() -> None:
    clock = Clock()
    assert clock() == clock.now() == DEFAULT_MOMENT
    assert clock() == DEFAULT_MOMENT  # reading it does not move it
    assert dt.datetime(2025, 3, 14, 10, 30, tzinfo=PARIS) == DEFAULT_MOMENT


def test_set_takes_a_date_at_half_past_ten_or_a_datetime_in_the_zone() -> None:
    clock = Clock()
    clock.set(dt.date(2025, 6, 1))
    assert clock() == dt.datetime(2025, 6, 1, 10, 30, tzinfo=PARIS)
    clock.set(dt.datetime(2025, 12, 24, 18, 0))  # naive: read in Paris
    assert clock() == dt.datetime(2025, 12, 24, 18, 0, tzinfo=PARIS)
    utc = dt.datetime(2025, 7, 14, 8, 0, tzinfo=dt.UTC)
    clock.set(utc)  # zoned: kept as it is
    assert clock() == utc


def test_a_clock_in_another_zone_reads_naive_times_there() -> None:
    clock = Clock(dt.datetime(2025, 1, 2, 9, 0), zone="America/Cayenne")
    assert clock().utcoffset() == dt.timedelta(hours=-3)
    assert clock().astimezone(dt.UTC).hour == 12


@pytest.mark.parametrize("bad", ["2025-03-14", 20250314, None])
def test_set_refuses_what_is_not_a_date(bad: object) -> None:
    clock = Clock()
    with pytest.raises(ValidationError, match="horloge"):
        clock.set(bad)  # type: ignore[arg-type]  # the refusal is the point
    assert clock() == DEFAULT_MOMENT
    with pytest.raises(ValidationError):
        Clock(bad)  # type: ignore[arg-type]  # the refusal is the point


def test_advance_moves_by_real_time_across_the_spring_clock_change() -> None:
    # Paris goes from UTC+1 to UTC+2 at 2:00 on Sunday 30 March 2025.
    clock = Clock(dt.datetime(2025, 3, 29, 12, 0))
    moved = clock.advance(days=1)
    assert moved == clock()
    assert moved.astimezone(dt.UTC) - dt.datetime(2025, 3, 29, 11, 0, tzinfo=dt.UTC) == (
        dt.timedelta(hours=24)
    )
    assert (moved.date(), moved.hour, moved.utcoffset()) == (
        dt.date(2025, 3, 30),
        13,  # an hour off the same wall-clock time, as a real clock
        dt.timedelta(hours=2),
    )
    clock.advance(hours=-24)
    assert clock() == dt.datetime(2025, 3, 29, 12, 0, tzinfo=PARIS)


def test_advance_across_the_autumn_change_and_in_small_steps() -> None:
    # Paris goes back from UTC+2 to UTC+1 at 3:00 on Sunday 26 October 2025: 2:30 happens twice.
    clock = Clock(dt.datetime(2025, 10, 26, 1, 30))
    first = clock.advance(hours=1)
    second = clock.advance(minutes=30, seconds=1800)
    assert (first.hour, first.minute, first.utcoffset()) == (2, 30, dt.timedelta(hours=2))
    assert (second.hour, second.minute, second.utcoffset()) == (2, 30, dt.timedelta(hours=1))
    # Python subtracts datetimes of one zone by wall clock: compare the instants in UTC.
    assert second.astimezone(dt.UTC) - first.astimezone(dt.UTC) == dt.timedelta(hours=1)


def test_the_app_reads_the_time_from_the_clock_it_was_opened_with() -> None:
    clock = Clock(dt.date(2025, 3, 14))
    with rsgm_core.open("memory://", clock=clock, autoload=False) as app:
        assert app.now() == dt.datetime(2025, 3, 14, 10, 30, tzinfo=PARIS)
        clock.advance(days=1)
        assert app.today() == dt.date(2025, 3, 15)
        clock.set(dt.datetime(2025, 12, 31, 23, 30))  # Paris: still the 31st
        assert app.today() == dt.date(2025, 12, 31)
        clock.set(dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC))  # Paris: already 2026
        assert app.today() == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    "reading",
    [dt.datetime(2025, 3, 14, 10, 30), dt.date(2025, 3, 14), "2025-03-14T10:30:00+01:00", None],
    ids=["naive datetime", "date", "text", "none"],
)
def test_a_clock_without_a_zone_is_a_configuration_error(reading: object) -> None:
    with rsgm_core.open("memory://", clock=lambda: reading, autoload=False) as app:  # type: ignore[arg-type,return-value]  # a wrong clock is the point
        with pytest.raises(ConfigurationError, match="fuseau") as caught:
            app.now()
        assert isinstance(caught.value, RsgmError)
        assert not isinstance(caught.value, ValueError)
        with pytest.raises(ConfigurationError):
            app.today()


def test_the_rsgm_app_fixture_is_open_in_memory_on_the_rsgm_clock(
    rsgm_app: App, rsgm_clock: Clock
) -> None:
    assert rsgm_app.now() == rsgm_clock() == DEFAULT_MOMENT
    assert rsgm_app.info()["backend"] == "memory"
    assert rsgm_app.hooks.plugin_names()  # the built-in plugins, and no entry point
    rsgm_clock.advance(days=2)
    assert rsgm_app.today() == dt.date(2025, 3, 16)
    assert rsgm_app.census.territory() is None  # a fresh, empty instance


def test_the_rsgm_clock_fixture_starts_afresh_for_each_test(rsgm_clock: Clock) -> None:
    assert rsgm_clock() == DEFAULT_MOMENT  # the test above moved its own clock only


def test_a_cdg_project_uses_the_fixtures_through_pytest_plugins(tmp_path: Path) -> None:
    """What the module's docstring promises: one line in a conftest.py, and the fixtures work."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        'pytest_plugins = ["rsgm_core.testing"]\n', encoding="utf-8"
    )
    (tmp_path / "test_cdg.py").write_text(
        textwrap.dedent(
            """
            import datetime as dt

            def test_welcome(rsgm_app, rsgm_clock):
                rsgm_clock.set(dt.date(2026, 1, 5))
                assert rsgm_app.today() == dt.date(2026, 1, 5)
                assert rsgm_app.census.territory() is None
            """
        ),
        encoding="utf-8",
    )
    source = str(Path(rsgm_core.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    env.pop("PYTEST_ADDOPTS", None)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
