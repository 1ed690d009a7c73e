"""Reassigning the records of a commune without known successor (TER-5 c, TER-7): on the release
built from the bundled sample in which Adilly (79002) is gone, and on the national data
(Moutonneau, 16238, absorbed by Aunac-sur-Charente, 16023, between Etalab 4.1.0 and 6.0.0)."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import rsgm_core
from rsgm_core import App, CommuneSituation, ConflictKind, RsgmError
from rsgm_core.settings import Settings
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE, SAMPLE
from tests.helpers import nothing_written, snapshot
from tests.integration.test_census_territory import (
    AIFFRES,
    GONE,
    HEIR,
    MERGED,
    animator,
    attach,
    without_adilly,
)


def test_reassigning_moves_everything_in_one_use_case_TER_5(app: App, tmp_path: Path) -> None:
    app.census.import_(SAMPLE, ["79"])
    ids = attach(app, GONE)
    app.directory.set_town_hall(HEIR, "Mairie de L'Absie")  # the heir has its own town hall
    app.census.import_(without_adilly(tmp_path / "release"), ["79"])
    actor = animator(app)

    done = app.census.reassign(GONE, HEIR, by=actor)

    assert (done.former, done.former_name, done.successor, done.successor_name) == (
        GONE, "Adilly", HEIR, "L'Absie"
    )  # fmt: skip
    assert (done.by, done.on) == (actor, dt.date(2025, 3, 14))
    assert done.moved == {
        "positions": 1, "memberships": 1, "conventions": 1, "interventions": 1
    }  # fmt: skip
    # the heir's town hall stays in force; Adilly's is kept aside, listed as a conflict
    assert [(c.kind, c.commune, c.former) for c in done.conflicts] == [
        (ConflictKind.TOWN_HALL, HEIR, GONE)
    ]
    assert app.census.list_conflicts(commune=HEIR) == list(done.conflicts)
    lines = done.lines()
    assert lines[0].startswith("79002 Adilly réaffectée à 79001 L'Absie par ")
    assert "rattachements déplacés : 1 poste, 1 adhésion, 1 convention, 1 intervention" in lines[0]
    assert "par Paul Animateur (" in lines[0]
    assert "mairie en double sur 79001" in lines[1]
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.memberships.get(ids["memberships"]).insee == HEIR
        assert uow.conventions.get(ids["conventions"]).insee == HEIR
        assert uow.positions.get(ids["positions"]).commune == HEIR
        assert uow.interventions.get(ids["interventions"]).insee == HEIR
        assert uow.town_halls.get(HEIR).address == "Mairie de L'Absie"
        assert uow.town_halls.get(GONE).address == "Mairie de 79002"
    # Adilly now names its successor: replaced, no longer waiting
    assert app.census.list_orphans() == []
    [entry] = app.census.communes(status="remplacée")
    assert (entry.code, entry.successor, entry.status_label()) == (
        GONE, HEIR, "remplacée par 79001 L'Absie"
    )  # fmt: skip
    assert app.memberships.list_memberships(year=2025, commune=HEIR)[0].id == ids["memberships"]


def test_a_reassignment_refused_writes_nothing_TER_5_TER_7(app: App, tmp_path: Path) -> None:
    app.census.import_(SAMPLE, ["79"])
    attach(app, GONE)
    app.census.import_(without_adilly(tmp_path / "release"), ["79"])
    actor = animator(app)
    member = app.members.add("Jean", "Pasducdg", email="jean@example.org")

    error = nothing_written(app, lambda: app.census.reassign(GONE, MERGED, by=actor), "TER-5")
    assert "79004 Aigonnay n'est pas une commune actuelle (fusionnée" in str(error)
    assert "79185" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(GONE, GONE, by=actor), "TER-5")
    assert "n'est pas une commune actuelle (sans successeur connu)" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(HEIR, "79003", by=actor), "TER-5")
    assert "79001 L'Absie est une commune actuelle" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(MERGED, HEIR, by=actor), "TER-5")
    assert "a déjà un successeur, 79185" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(GONE, "79999", by=actor), "TER-5")
    assert "commune 79999 inconnue" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(GONE, HEIR, by=member.id), "TER-5")
    assert "ne peut pas réaffecter les rattachements d'une commune disparue" in str(error)
    error = nothing_written(app, lambda: app.census.reassign(GONE, HEIR, by="personne"), "TER-5")
    assert "personne inconnue" in str(error)
    nothing_written(app, lambda: app.census.reassign("2002", HEIR, by=actor), "TER-1")
    # once reassigned, a second reassignment is refused: Adilly has a successor now
    app.census.reassign(GONE, HEIR, by=actor)
    error = nothing_written(app, lambda: app.census.reassign(GONE, "79003", by=actor), "TER-5")
    assert "a déjà un successeur, 79001" in str(error)


def test_a_territory_commune_is_not_reassigned_hors_ressort_TER_7(
    url: str, rsgm_clock: Clock, tmp_path: Path
) -> None:
    # CDG 79 restricted to another department: every commune of the sample is hors ressort,
    # a commune of the territory is not; built by hand, as no straddling EPCI has an orphan
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as app:
        app.census.import_(SAMPLE, ["79"])
        app.census.import_(without_adilly(tmp_path / "release"), ["79"])
        actor = animator(app)
    settings = Settings(departements=("16",))
    if url == "memory://":
        pytest.skip("the memory backend keeps nothing between two opened apps")
    with rsgm_core.open(url, clock=rsgm_clock, settings=settings) as app:
        # the vanished commune is hors ressort too: allowed, both sides outside
        listed = {e.code: e for e in app.census.communes(hors_ressort=True)}
        assert listed[GONE].hors_ressort and listed[HEIR].status_label() == "actuelle, hors ressort"
        with app.storage.unit_of_work() as uow:  # pretend Adilly was of the territory
            gone = uow.communes.get(GONE)
            uow.communes.update(attrs.evolve(gone, departement="16"))
            uow.commit()
        error = nothing_written(app, lambda: app.census.reassign(GONE, HEIR, by=actor), "TER-7")
        assert "79001 L'Absie est hors ressort" in str(error)


@pytest.fixture
def france(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app with no territory in its profile, for a department other than CDG 79's."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as opened:
        yield opened


def test_a_real_commune_without_known_successor_is_reassigned_TER_5(
    france: App, census_data: Path
) -> None:
    # Moutonneau (16238) is absorbed by Aunac-sur-Charente (16023) between 4.1.0 and 6.0.0
    # without becoming a delegated commune: Etalab only lists it in 16023's former codes
    france.census.import_(OLD_VINTAGE, ["16"])
    ids = attach(france, "16238")
    result = france.census.import_(NEW_VINTAGE, ["16"])
    assert result.changes.orphans == ["16238"]

    [entry] = france.census.communes(status=CommuneSituation.SANS_SUCCESSEUR)
    assert (entry.code, entry.name, entry.departement) == ("16238", "Moutonneau", "16")
    # its last figures are 4.1.0's: the 2022 municipale, the vintage in force in 2025 (flagged)
    assert (entry.population_vintage, entry.provisional) == (2022, False)
    assert entry.municipale_only
    [orphan] = france.census.list_orphans(departement="16")
    assert {(w.collection, w.record) for w in orphan.waiting} == set(ids.items())

    done = france.census.reassign("16238", "16023", by=animator(france))

    assert done.successor_name == "Aunac-sur-Charente" and done.conflicts == ()
    assert done.moved == dict.fromkeys(ids, 1)
    assert france.census.list_orphans() == []
    with france.storage.unit_of_work(read_only=True) as uow:
        assert uow.town_halls.get("16023").address == "Mairie de 16238"
        assert uow.memberships.get(ids["memberships"]).insee == "16023"


_RELEASE: list[Path] = []


def _release() -> Path:
    """The constructed release, built once for the property below."""
    if not _RELEASE:
        _RELEASE.append(without_adilly(Path(tempfile.mkdtemp()) / "release"))
    return _RELEASE[0]


@settings(max_examples=8, deadline=None)
@example(target=HEIR, actor="staff", heir_hall=True, on=dt.date(2025, 3, 14))
@example(target=AIFFRES, actor="staff", heir_hall=False, on=dt.date(2026, 1, 2))
@given(
    target=st.sampled_from([HEIR, AIFFRES, MERGED, GONE, "79999", "7900", "2A004"]),
    actor=st.sampled_from(["staff", "member", "nobody"]),
    heir_hall=st.booleans(),
    on=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
)
def test_a_reassignment_succeeds_whole_or_writes_nothing_TER_5(
    target: str, actor: str, heir_hall: bool, on: dt.date
) -> None:
    with rsgm_core.open("memory://", clock=Clock(dt.datetime(2025, 3, 14, 10, 30))) as app:
        app.census.import_(SAMPLE, ["79"])
        ids = attach(app, GONE)
        if heir_hall:
            app.directory.set_town_hall(HEIR, "Mairie déjà là")
        app.census.import_(_release(), ["79"])
        by = {
            "staff": animator(app),
            "member": app.members.add("Jean", "Pasducdg").id,
            "nobody": "personne",
        }[actor]
        before = snapshot(app)
        try:
            done = app.census.reassign(GONE, target, by=by, on=on)
        except RsgmError:
            assert snapshot(app) == before
            return
        assert (target, actor) in {(HEIR, "staff"), (AIFFRES, "staff")}
        kept = {c.record for c in done.conflicts}
        with app.storage.unit_of_work(read_only=True) as uow:
            for collection, key in ids.items():
                if collection == "town_halls":
                    assert (uow.town_halls.find(GONE) is not None) is (GONE in kept)
                    continue
                record = uow.repository(collection).get(key)
                field = "insee" if hasattr(record, "insee") else "commune"
                assert getattr(record, field) == (GONE if key in kept else target)
            assert uow.communes.get(GONE).successor == target
        assert sum(done.moved.values()) + len(done.conflicts) == len(ids)
