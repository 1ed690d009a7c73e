"""Planning checks (EVT-11): a session on a day with another CDG event, in the school holidays of
the zone, in an election week, or on a topic covered in the last 12 months is warned of; the
warnings are recorded with the event; bad input still changes nothing. As CDG 79 (zone A),
CDG 77 and the CIG (zone C)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rsgm_core import App, PlanningWarningKind, SessionPlan
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import administrator, nothing_written, run


def plan(app: App, day: dt.date, *, topics: tuple[str, ...] = (), host: str | None = None,
         force: bool = False, title: str = "Matinale") -> object:  # fmt: skip
    return app.events.plan(
        title, "matinale", "présentiel", [SessionPlan(day, "Salle du conseil")],
        topics=topics, host_commune=host, force=force,
    )  # fmt: skip


def kinds(planned: object) -> list[PlanningWarningKind]:
    return [w.kind for w in planned.warnings]  # type: ignore[attr-defined]


def recorded(app: App, event_id: str) -> list[tuple[str, bool]]:
    with app.deps.read() as uow:
        found = uow.planning_warnings.list({"event_id": event_id})
    return sorted((w.kind.value, w.forced) for w in found)


@pytest.fixture
def census_app(app: App) -> App:
    app.census.import_(SAMPLE, ["79"])
    administrator(app)
    return app


def test_school_holidays_of_the_zone_are_warned_of_and_recorded_EVT_11(census_app: App) -> None:
    app = census_app  # CDG 79: zone A (académie de Poitiers)
    toussaint = plan(app, dt.date(2025, 10, 21))
    [warning] = toussaint.warnings  # type: ignore[attr-defined]
    assert warning.kind is PlanningWarningKind.SCHOOL_HOLIDAYS
    assert warning.message == (
        "le 21/10/2025 tombe pendant les vacances de la toussaint de la zone A (du 18/10/2025 "
        "à la reprise du 03/11/2025)"
    )
    assert recorded(app, toussaint.event.id) == [("vacances_scolaires", False)]  # type: ignore[attr-defined]
    assert plan(app, dt.date(2025, 11, 4)).warnings == ()  # type: ignore[attr-defined]
    zone_c_winter = plan(app, dt.date(2026, 2, 24))  # zone C's holidays, not zone A's
    assert kinds(zone_c_winter) == []
    zone_a_winter = plan(app, dt.date(2026, 2, 10), force=True)
    assert kinds(zone_a_winter) == [PlanningWarningKind.SCHOOL_HOLIDAYS]
    assert recorded(app, zone_a_winter.event.id) == [("vacances_scolaires", True)]  # type: ignore[attr-defined]
    [history] = app.cdg_calendar.list_planning_warnings(event_id=zone_a_winter.event.id)  # type: ignore[attr-defined]
    assert history.forced and history.day == dt.date(2026, 2, 10)
    assert history.message.startswith("le 10/02/2026 tombe pendant les vacances d'hiver")
    unknown = plan(app, dt.date(2027, 2, 16))  # 2026-2027's winter holidays are not shipped
    assert kinds(unknown) == [PlanningWarningKind.SCHOOL_CALENDAR_UNKNOWN]
    assert (
        "vérifiez le 16/02/2027 sur le calendrier scolaire officiel" in unknown.warnings[0].message
    )  # type: ignore[attr-defined]


def test_other_cdg_events_elections_and_recent_topics_are_warned_of_EVT_11(
    census_app: App,
) -> None:
    app = census_app
    board = app.cdg_calendar.add("Conseil d'administration du CDG", on=dt.date(2025, 9, 18),
                                 by=administrator(app))  # fmt: skip
    clash = plan(app, dt.date(2025, 9, 18), topics=("État civil",), title="Atelier état civil")
    assert kinds(clash) == [PlanningWarningKind.CDG_EVENT]
    assert clash.warnings[0].message == (  # type: ignore[attr-defined]
        "le 18/09/2025, le CDG a déjà « Conseil d'administration du CDG »"
    )
    same_day = plan(app, dt.date(2025, 9, 18), title="Webinaire finances")
    assert [w.message for w in same_day.warnings][-1] == (  # type: ignore[attr-defined]
        "le 18/09/2025, le réseau a déjà une séance de « Atelier état civil »"
    )
    repeat = plan(app, dt.date(2026, 6, 11), topics=("etat civil", "Urbanisme"))
    assert kinds(repeat) == [PlanningWarningKind.RECENT_TOPIC]
    assert repeat.warnings[0].message == (  # type: ignore[attr-defined]
        "thème déjà traité il y a moins de 12 mois : etat civil (« Atelier état civil », le "
        "18/09/2025)"
    )
    assert kinds(plan(app, dt.date(2026, 9, 21), topics=("état civil",))) == [
        PlanningWarningKind.RECENT_TOPIC  # the June 2026 one, 3 months before
    ]
    election = plan(app, dt.date(2026, 3, 19))
    assert kinds(election) == [PlanningWarningKind.ELECTION]
    assert "semaine de l'élection du 22/03/2026 (élections municipales, 2d tour)" in (
        election.warnings[0].message  # type: ignore[attr-defined]
    )
    app.cdg_calendar.remove(board.id, by=administrator(app))
    assert app.cdg_calendar.list_dates() == []


def test_bad_planning_input_still_writes_nothing_EVT_11_EVT_2(census_app: App) -> None:
    app = census_app
    app.cdg_calendar.add("Formation", on=dt.date(2025, 10, 21), by=administrator(app))
    nothing_written(app, lambda: plan(app, dt.date(2025, 1, 10)), "EVT-2")  # in the past
    nothing_written(
        app, lambda: app.cdg_calendar.add(" ", on=dt.date(2025, 10, 22), by=administrator(app)),
        "EVT-11",
    )  # fmt: skip


def _zone_c(app: App, host: str) -> None:
    app.census.import_(NEW_VINTAGE)
    winter_c = plan(app, dt.date(2026, 2, 24), host=host)
    assert kinds(winter_c) == [PlanningWarningKind.SCHOOL_HOLIDAYS]
    assert "de la zone C" in winter_c.warnings[0].message  # type: ignore[attr-defined]
    assert kinds(plan(app, dt.date(2026, 2, 10), host=host)) == []  # zone A's winter


def test_zone_c_for_cdg77_EVT_11(cdg77: App, census_data: Path) -> None:
    _zone_c(cdg77, "77001")


def test_zone_c_for_the_cig_host_commune_first_EVT_11(cig: App, census_data: Path) -> None:
    _zone_c(cig, "95002")
    assert kinds(plan(cig, dt.date(2026, 2, 24))) == [  # the CIG's three departments: zone C
        PlanningWarningKind.CDG_EVENT,  # and the session planned that day above
        PlanningWarningKind.SCHOOL_HOLIDAYS,
    ]


def test_rsgm_events_plan_shows_the_warnings_EVT_11(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers import cli_administrator, new_database

    db = new_database(tmp_path / "rsgm.db")
    cli_administrator(monkeypatch, db)
    code, out, err = run(capsys, "cdg-calendar", "add", "Assemblée générale", "--le",
                         "2031-10-21", "--db", db)  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "events", "plan", "Matinale", "--type", "matinale",
                         "--format", "présentiel", "--seance", "2031-10-21;Niort", "--db", db)  # fmt: skip
    assert code == 0, err
    assert "attention : le 21/10/2031, le CDG a déjà « Assemblée générale » (EVT-11)" in out
    assert "de planification gardée avec l'événement" in out


def test_a_plugin_adds_a_school_year_and_an_election_EVT_11(url: str, rsgm_clock: object) -> None:
    import rsgm_core
    from rsgm_core import Election, HolidayPeriod, hookimpl
    from tests.helpers import CDG79

    class Rectorat:
        @hookimpl
        def rsgm_school_holidays(self, zone: str, settings: object) -> list[HolidayPeriod]:
            return [HolidayPeriod(zone, "2026-2027", "Vacances d'hiver",
                                  dt.date(2027, 2, 6), dt.date(2027, 2, 22))]  # fmt: skip

        @hookimpl
        def rsgm_elections(self, settings: object) -> list[Election]:
            return [Election(dt.date(2027, 4, 11), "élection présidentielle, 1er tour")]

    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79, plugins=[Rectorat()]) as app:  # type: ignore[arg-type]
        app.census.import_(SAMPLE, ["79"])
        assert kinds(plan(app, dt.date(2027, 2, 16))) == [PlanningWarningKind.SCHOOL_HOLIDAYS]
        assert kinds(plan(app, dt.date(2027, 4, 8))) == [
            PlanningWarningKind.SCHOOL_CALENDAR_UNKNOWN,  # spring 2027 still unknown
            PlanningWarningKind.ELECTION,
        ]
