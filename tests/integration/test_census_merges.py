"""Merges that never block (TER-5), on the real Etalab data, 4.1.0 then 6.0.0.

Caunay (79060), Montalembert (79180), Pers (79205) and Pliboux (79212) existed in 4.1.0 and are
delegated communes of Sauzé-Vaussais (79307, the chef-lieu, renamed Sauzé-entre-Bois) in 6.0.0.
Conques-en-Rouergue changed its code, 12076 → 12218.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import rsgm_core
from rsgm_core import App, ChangeKind, ConflictKind
from rsgm_core.cli import main
from rsgm_core.domain.census import CensusSnapshot, CensusVintage, diff
from rsgm_core.domain.tariffs import Membership
from rsgm_core.domain.territory import Commune
from rsgm_core.settings import Settings
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, OLD_VINTAGE
from tests.helpers import administrator

CHEF_LIEU = "79307"
MERGED = ("79060", "79180", "79205", "79212")
SIGNED = dt.date(2025, 1, 15)


def _attach(app: App, codes: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """A town hall, the 2025 membership and a convention on each commune: ids by commune."""
    ids = {}
    for code in codes:
        app.directory.set_town_hall(code, f"Mairie de {code}, place de l'Église")
        # 4.1.0 carries the 2021 populations, in force in 2024: the 2025 fee cannot be
        # computed before 6.0.0, so the membership is stored as a CDG would have recorded it
        membership = Membership(code, 2025, Decimal("200"), SIGNED, id=f"adh-{code}")
        with app.storage.unit_of_work() as uow:
            uow.memberships.add(membership)
            uow.commit()
        convention = app.memberships.sign_convention(
            code, by=administrator(app), on=SIGNED, reference=f"C-{code}"
        )
        ids[code] = (membership.id, convention.id)
    return ids


def test_a_merge_onto_records_of_every_side_succeeds_and_lists_conflicts_TER_5_TAR_3_TAR_4(
    app: App, census_data: Path
) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])
    ids = _attach(app, (CHEF_LIEU, *MERGED))

    result = app.census.import_(NEW_VINTAGE, ["79"])  # no UNIQUE failure, nothing lost

    on = dt.date(2025, 3, 14)
    with app.storage.unit_of_work(read_only=True) as uow:
        # the chef-lieu's records stay in force on the successor, one of each
        assert uow.town_halls.get(CHEF_LIEU).address.startswith(f"Mairie de {CHEF_LIEU}")
        assert [m.id for m in uow.memberships.list({"insee": CHEF_LIEU})] == [ids[CHEF_LIEU][0]]
        in_force = [c for c in uow.conventions.list({"insee": CHEF_LIEU}) if c.in_force_on(on)]
        assert [c.id for c in in_force] == [ids[CHEF_LIEU][1]]
        # the others are kept on their former commune
        for code in MERGED:
            assert uow.town_halls.get(code).address.startswith(f"Mairie de {code}")
            assert uow.memberships.get(ids[code][0]).insee == code
            assert uow.conventions.get(ids[code][1]).insee == code
        assert uow.town_halls.count() == 5
        assert uow.memberships.count() == 5 and uow.conventions.count() == 5

    conflicts = app.census.list_conflicts()
    assert len(conflicts) == 12 and conflicts == app.census.list_conflicts(commune=CHEF_LIEU)
    assert {(c.kind, c.former) for c in conflicts} == {
        (kind, code) for kind in ConflictKind for code in MERGED
    }
    by_record = {c.record: c for c in conflicts}
    for code in MERGED:
        assert by_record[code].kind is ConflictKind.TOWN_HALL and by_record[code].kept == CHEF_LIEU
        membership, convention = ids[code]
        assert by_record[membership].kept == ids[CHEF_LIEU][0]
        assert by_record[membership].year == 2025
        assert by_record[convention].kept == ids[CHEF_LIEU][1]
    assert all(c.commune == CHEF_LIEU and c.vintage == "6.0.0" for c in conflicts)
    assert sorted(result.conflicts, key=lambda c: c.id) == sorted(conflicts, key=lambda c: c.id)
    # the report says so: one line per change, then one per conflict
    lines = result.lines()
    assert len(lines) == len(result.changes.changes) + 12
    assert sum("en double sur 79307" in line and "79060" in line for line in lines) == 3
    assert app.memberships.list_memberships(year=2025, commune=CHEF_LIEU)[0].id == ids[CHEF_LIEU][0]


def test_without_a_chef_lieu_record_the_first_former_commune_s_moves_TER_5(
    app: App, census_data: Path
) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])
    ids = _attach(app, MERGED)

    result = app.census.import_(NEW_VINTAGE, ["79"])

    first, *others = MERGED
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.town_halls.get(CHEF_LIEU).address.startswith(f"Mairie de {first}")
        assert uow.town_halls.find(first) is None
        assert uow.memberships.get(ids[first][0]).insee == CHEF_LIEU
        assert uow.conventions.get(ids[first][1]).insee == CHEF_LIEU
        for code in others:
            assert uow.town_halls.get(code).commune == code
            assert uow.memberships.get(ids[code][0]).insee == code
        assert uow.town_halls.count() == 4
    assert result.moved[first] == {"town_halls": 1, "memberships": 1, "conventions": 1}
    assert {c.former for c in app.census.list_conflicts()} == set(others)
    assert len(app.census.list_conflicts()) == 9


def test_a_merge_with_one_record_per_kind_moves_it_without_conflict_TER_5(
    app: App, census_data: Path
) -> None:
    app.census.import_(OLD_VINTAGE, ["79"])
    app.directory.set_town_hall("79212", "Mairie de Pliboux")
    result = app.census.import_(NEW_VINTAGE, ["79"])
    assert result.conflicts == () and app.census.list_conflicts() == []
    assert result.moved["79212"] == {"town_halls": 1}
    with app.storage.unit_of_work(read_only=True) as uow:
        assert uow.town_halls.get(CHEF_LIEU).address == "Mairie de Pliboux"


@pytest.fixture
def france(url: str, rsgm_clock: Clock) -> Iterator[App]:
    """An app with no territory in its profile, as the census tests open it."""
    with rsgm_core.open(url, clock=rsgm_clock, settings=Settings()) as opened:
        yield opened


def test_a_code_change_is_one_report_line_TER_5() -> None:
    # Etalab 4.1.0 → 6.0.0 has no change of code under the same SIREN outside a merge: the case
    # is built from Caunay's real SIREN, renumbered
    caunay = Commune("79060", "Caunay", "79", "75", siren="217900604", epci="200069755")
    renumbered = attrs.evolve(caunay, code="79999")
    snapshot = CensusSnapshot(
        vintage=CensusVintage(2024, 2021, "test"),
        source="test",
        departements=(),
        arrondissements=(),
        epcis=(),
        communes=(renumbered,),
        populations=(),
    )
    changes = diff([caunay], (), (), snapshot)
    assert [(c.kind, c.code, c.successor) for c in changes.changes] == [
        (ChangeKind.CODE_CHANGED, "79060", "79999")
    ]
    assert len(changes.lines()) == 1 and "79999" in changes.lines()[0]


def test_a_commune_nouvelle_taking_a_new_code_is_one_report_line_TER_5(
    france: App, census_data: Path
) -> None:
    # Conques-en-Rouergue: 12076 became a delegated commune of 12218, its former delegated one
    france.census.import_(OLD_VINTAGE, ["12"])
    france.directory.set_town_hall("12076", "Mairie de Conques")
    result = france.census.import_(NEW_VINTAGE, ["12"])
    about = [c for c in result.changes.changes if "12218" in (c.code, c.successor)]
    assert [(c.kind, c.code, c.successor) for c in about] == [(ChangeKind.MERGED, "12076", "12218")]
    with france.storage.unit_of_work(read_only=True) as uow:
        assert uow.town_halls.get("12218").address == "Mairie de Conques"


def test_rsgm_census_conflicts_lists_them_TER_5(
    sqlite_url: str, census_data: Path, rsgm_clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    with rsgm_core.open(sqlite_url, clock=rsgm_clock, settings=Settings()) as app:
        app.census.import_(OLD_VINTAGE, ["79"])
        app.directory.set_town_hall(CHEF_LIEU, "Mairie de Sauzé-Vaussais")
        app.directory.set_town_hall("79060", "Mairie de Caunay")
    assert main(["census", "conflicts", "--db", sqlite_url]) == 0
    assert "aucun enregistrement en double" in capsys.readouterr().out
    assert main(["census", "import", "--db", sqlite_url, "--source", str(NEW_VINTAGE)]) == 0
    out = capsys.readouterr().out
    assert "1 enregistrement en double après fusion" in out
    assert main(["census", "conflicts", "--db", sqlite_url, "--commune", CHEF_LIEU]) == 0
    out = capsys.readouterr().out
    assert "mairie en double sur 79307 après la fusion de 79060" in out
