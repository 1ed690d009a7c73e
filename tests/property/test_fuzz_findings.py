"""What the public-surface fuzzing found, each reproduced: a year, a day or a number of days
the calendar cannot compute, a version no database stores, a path that cannot be read or
written, an attachment that is not base64, and text that is not UTF-8. Each now ends in a typed
French error (exit 2 in the CLI) naming the rule, writes nothing, and does so on every backend."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import (
    App,
    NotFoundError,
    Period,
    ResourceAttachment,
    SourceDataError,
    ValidationError,
)
from rsgm_core.domain.bounds import FIRST_DAY, LAST_DAY, MAX_DAYS, MAX_VERSION
from tests.helpers import CDG79, new_database, nothing_written, run, snapshot
from tests.property.surface import dump_sqlite


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


# -- Found with more examples (RSGM_FUZZ_EXAMPLES=30, several seeds): each is a bound of
# docs/limits.md (domain/bounds.py) checked at the entry of the public method.

DEMO_ADMIN = "anne.chevalier@cdg79.example.org"  # rsgm_core.demo.access.ADMIN_EMAIL


@pytest.mark.parametrize("days", [-1, MAX_DAYS + 1, 2**31, 2**63, 10**100])
def test_a_horizon_beyond_a_century_is_refused_TAR_4(app: App, days: int) -> None:
    """``days=2**31`` overflowed ``timedelta`` (exit 70 for ``rsgm convention due``)."""
    error = nothing_written(app, lambda: app.memberships.list_deadlines(days=days), "TAR-4")
    assert "horizon en jours" in error.message
    with pytest.warns(DeprecationWarning):
        nothing_written(app, lambda: app.tariffs.deadlines(days=days), "TAR-4")
    assert app.memberships.list_deadlines(days=MAX_DAYS) == []


@pytest.mark.parametrize("days", [-1, MAX_DAYS + 1, 2**31, 2**63])
def test_a_retention_beyond_a_century_is_refused_MEM_11(app: App, days: int) -> None:
    error = nothing_written(
        app, lambda: app.rgpd.purge(retention_days=days, by="quiconque"), "MEM-11"
    )
    assert "durée de conservation" in error.message


@pytest.mark.parametrize(
    "day", [dt.date.min, dt.date(1899, 12, 31), dt.date(2201, 1, 1), dt.date.max]
)
def test_a_day_outside_1900_2200_is_refused_where_days_are_counted_from_it(
    app: App, day: dt.date
) -> None:
    """``on=date(9999, 12, 31)`` plus 90 days, or ``date(1, 1, 1)`` minus a retention, left the
    calendar (``OverflowError``); a statistics period up to ``date.max`` too."""
    error = nothing_written(app, lambda: app.memberships.list_deadlines(on=day), "TAR-4")
    assert "années prises en charge (1900 à 2200)" in error.message
    with pytest.warns(DeprecationWarning):
        nothing_written(app, lambda: app.tariffs.deadlines(today=day), "TAR-4")
    nothing_written(app, lambda: app.rgpd.purge(on=day, by="quiconque"), "MEM-11")
    if day > FIRST_DAY:
        edge = Period(dt.date.min, day)
        nothing_written(app, lambda: app.advice.stats(period=edge), "CNS-2")


def test_advice_statistics_keep_an_open_start_and_an_open_end_CNS_2(app: App) -> None:
    assert app.advice.stats(period=Period(dt.date.min, LAST_DAY)).answered == 0
    with pytest.warns(DeprecationWarning):  # since= alone: the open end is the calendar's last day
        assert app.advice.stats(since=dt.date(2025, 1, 1)).answered == 0


@pytest.mark.parametrize("version", [0, -1, MAX_VERSION + 1, 2**63, 10**100])
def test_a_version_no_database_stores_is_refused_KNB_3(demo_db: Path, version: int) -> None:
    """``version=2**63`` does not fit SQLite's INTEGER (``OverflowError`` from the driver)."""
    with rsgm_core.open(f"sqlite:///{demo_db}", settings=CDG79) as app:
        resource = app.toolbox.list_resources()[0]
        nothing_written(app, lambda: app.toolbox.get(resource.id, version=version), "KNB-3")
        assert app.toolbox.get(resource.id, version=1).version == 1


@pytest.mark.parametrize("content", ["=1+1", "\x80", "200035285", "ab\ncd=="])
def test_an_attachment_whose_content_is_not_base64_is_a_typed_error_KNB_1(
    app: App, content: str
) -> None:
    """A hand-built :class:`ResourceAttachment` crashed with ``binascii.Error`` or
    ``ValueError``."""
    forged = ResourceAttachment("a", "r", "note.txt", "text/plain", 3, content, dt.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="contenu illisible") as info:
        app.toolbox.content(forged)
    assert info.value.rule == "KNB-1"
    assert app.toolbox.content(attrs.evolve(forged, content="YWJj")) == b"abc"


@pytest.mark.parametrize("name", ["x" * 300, "d/" + "x" * 5000])
def test_a_census_path_the_system_cannot_look_up_is_a_typed_error(app: App, name: str) -> None:
    """A name too long raised a raw ``OSError`` (ENAMETOOLONG)."""
    before = snapshot(app)
    for call in (app.census.source_for, app.census.read, app.census.diff):
        with pytest.raises(SourceDataError, match="dossier de recensement illisible"):
            call(name)
    with pytest.raises(NotFoundError, match="introuvable"):
        app.census.read("a\x00b")
    assert snapshot(app) == before


@pytest.mark.parametrize("name", ["\x00", "x" * 300])
def test_a_national_export_path_that_cannot_be_read_is_refused_IND_3(app: App, name: str) -> None:
    nothing_written(app, lambda: app.indicators.national_merge([name]), "IND-3")


def test_the_interstis_export_to_a_folder_is_refused_before_it_records_anything_CHA_2(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It printed exit 2 for the folder, yet had recorded the export's state: the next
    ``--since-last`` export would have missed those changes."""
    db = tmp_path / "demo.db"
    shutil.copyfile(demo_db, db)
    (tmp_path / "dossier").mkdir()
    before = dump_sqlite(db)
    for output in (tmp_path / "dossier", tmp_path / "absent" / "x.csv"):
        argv = ["export", "interstis", "--db", str(db), "--par", DEMO_ADMIN]
        code, _, err = run(capsys, *argv, "--output", str(output))
        assert code == 2 and "Traceback" not in err, err
        assert "dossier" in err or "introuvable" in err
        assert dump_sqlite(db) == before
    written = tmp_path / "comptes.csv"
    code, _, err = run(capsys, *argv, "--output", str(written))
    assert code == 0, err
    assert written.read_text(encoding="utf-8") and dump_sqlite(db) != before


def test_convention_due_beyond_a_century_exits_2_TAR_4(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = new_database(tmp_path / "x.db")
    code, _, err = run(capsys, "convention", "due", "--db", db, "--days", "2147483648")
    assert code == 2 and "[TAR-4]" in err and "Traceback" not in err, err


def test_text_that_is_not_utf8_is_refused_alike_by_every_backend(app: App) -> None:
    """The memory backend stored a lone surrogate that SQLite's and PostgreSQL's drivers refuse:
    the same call succeeded on one backend and failed on the other. Written or looked up, it is now
    a ``ValidationError`` everywhere, and nothing is written."""
    before = snapshot(app)
    with pytest.raises(ValidationError, match="UTF-8"):
        app.members.add("Zo\udcffé", "Martin")
    with pytest.raises(ValidationError, match="UTF-8"):
        app.members.get("\udcff")
    with pytest.raises(ValidationError, match="UTF-8"):
        app.members.list_positions(commune="\udcff")
    assert app.toolbox.search("d\udcffélibération") == []  # only its words are looked up
    assert snapshot(app) == before


def test_a_nul_character_is_never_a_driver_error(app: App) -> None:
    """PostgreSQL's driver refuses a NUL in text (``psycopg.DataError``, a raw SQLAlchemy
    message); it is a French ``ValidationError`` there, with nothing written. SQLite and the
    memory backend store it (docs/limits.md)."""
    before = snapshot(app)
    try:
        added = app.members.add("a\x00b", "Martin")
    except ValidationError as exc:
        assert "NUL" in exc.message and app.storage.info()["backend"] == "postgresql"
        assert snapshot(app) == before
        with pytest.raises(ValidationError, match="NUL"):
            app.members.get("\x00")
    else:
        assert app.members.get(added.id).first_name == "a\x00b"
