"""What the public-surface fuzzing found, each reproduced: a year or a period the calendar cannot
compute, a spreadsheet path that cannot be read, and a command-line argument that is not UTF-8.
Each now ends in a typed French error (exit 2 in the CLI) and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rsgm_core import App, NotFoundError, Period, ValidationError
from tests.helpers import nothing_written, run


@pytest.mark.parametrize("year", [0, 1, 1899, 2201, 2**31, 10**18])
def test_a_year_outside_1900_2200_is_refused_IND_1(app: App, year: int) -> None:
    with pytest.raises(ValidationError, match="années prises en charge") as info:
        Period.year(year)
    assert info.value.rule == "IND-1"
    nothing_written(app, lambda: app.indicators.national_export(year=year), "IND-1")
    nothing_written(app, lambda: app.indicators.annual_report(year=year), "IND-1")


def test_indicators_of_a_period_ending_at_the_calendars_edge_are_refused_IND_1(app: App) -> None:
    edge = Period(dt.date(1, 1, 1), dt.date(1, 1, 1))
    nothing_written(app, lambda: app.indicators.compute(period=edge), "IND-1")
    open_start = Period(dt.date.min, dt.date(2025, 12, 31))
    assert app.indicators.compute(period=open_start)


@pytest.mark.parametrize("name", ["absent.csv", "", "dossier", "a\x00b.csv"])
def test_a_spreadsheet_that_cannot_be_read_is_a_typed_error_MEM_1(
    app: App, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dossier").mkdir()
    with pytest.raises((NotFoundError, ValidationError), match=r"introuvable|illisible"):
        app.members.import_members(name)


def test_an_argument_that_is_not_utf8_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "members", "list", "--db", str(tmp_path / "x.db"), "--etape", "\udcff"
    )
    assert code == 2 and "pas de l'UTF-8" in err and "Traceback" not in err
    assert not (tmp_path / "x.db").exists()


def test_text_that_is_not_utf8_is_a_typed_error_on_every_backend(app: App) -> None:
    """A lone surrogate (bytes that were not UTF-8) crashed SQLite's driver with
    ``UnicodeEncodeError`` in every lookup and write; it is now refused like any bad text."""
    with pytest.raises((ValidationError, NotFoundError)):
        app.members.get("\udcff")
    with pytest.raises((ValidationError, NotFoundError)):
        app.access.list_grants(member_id="\udcff")


@pytest.mark.parametrize(("on", "months"), [(dt.date(1, 1, 1), 12), (None, 2**31), (None, 2**70)])
def test_a_disengagement_window_beyond_the_calendar_is_refused_MEM_7(
    app: App, on: dt.date | None, months: int
) -> None:
    nothing_written(app, lambda: app.network.list_disengaged(on=on, silent_months=months), "MEM-7")
