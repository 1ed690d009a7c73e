"""Networks and follow-up committees per department (NET-1, NET-2, TER-7), as the CIG Grande
Couronne (78, 91, 95, a network per department) and CDG 77 (one department) run them, on the real
Etalab 6.0.0 data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

import rsgm_core
from rsgm_core import App, NotFoundError, RuleViolation, Seat, SeatKind, ValidationError
from rsgm_core.plugins.sql import migrations
from rsgm_core.testing import Clock
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import CDG79, administrator, nothing_written

ROISSY = "200055655"  # CA Roissy Pays de France: 95 (and 77, hors ressort for the CIG)
VEXIN = "200035970"  # CC Vexin Centre (95)
VERSAILLES = "247800584"  # CA Versailles Grand Parc (78)


@pytest.fixture
def cig_census(cig: App, census_data: Path) -> App:
    cig.census.import_(NEW_VINTAGE)
    return cig


@pytest.fixture
def cdg77_census(cdg77: App, census_data: Path) -> App:
    cdg77.census.import_(NEW_VINTAGE)
    return cdg77


def _three(app: App) -> dict[str, str]:
    return {
        code: app.network.create_departmental_network(
            f"Réseau des SGM {code}",
            by=administrator(app),
            departement=code,
            project_lead=f"Chef de projet {code}",
        ).id
        for code in ("78", "91", "95")
    }


def test_one_departmental_network_per_department_NET_1_TER_7(cig_census: App) -> None:
    app = cig_census
    administrator(app)  # CHA-2: named before any snapshot
    ids = _three(app)
    assert [n.departement for n in app.network.list_networks()] == ["78", "91", "95"]
    assert app.network.departmental(departement="91").id == ids["91"]
    error = nothing_written(
        app,
        lambda: app.network.create_departmental_network(
            "Bis", by=administrator(app), departement="78"
        ),
        "NET-1",
    )
    assert isinstance(error, RuleViolation)
    assert "le département 78 (Yvelines) a déjà son réseau départemental" in str(error)
    assert "« Réseau des SGM 78 » : un seul par département" in str(error)
    with pytest.raises(ValidationError, match="précisez le département") as unnamed:
        app.network.create_departmental_network("Sans département", by=administrator(app))
    assert unnamed.value.rule == "NET-1"
    with pytest.raises(ValidationError, match="précisez le département") as which:
        app.network.departmental()  # three of them
    assert which.value.rule == "TER-7"


def test_a_department_outside_the_territory_is_refused_TER_7(cig_census: App) -> None:
    app = cig_census
    administrator(app)  # CHA-2: named before any snapshot
    error = nothing_written(
        app,
        lambda: app.network.create_departmental_network(
            "77", by=administrator(app), departement="77"
        ),
        "TER-7",
    )
    assert "77 (Seine-et-Marne) n'est pas dans le territoire du CDG (78, 91, 95)" in str(error)
    with pytest.raises(ValidationError) as caught:
        app.network.list_networks(departement="77")
    assert caught.value.rule == "TER-7"


def test_a_community_network_sits_in_its_department_s_network_NET_1_TER_7(
    cig_census: App,
) -> None:
    app = cig_census
    administrator(app)  # CHA-2: named before any snapshot
    app.network.create_departmental_network("Réseau 78", by=administrator(app), departement="78")
    error = nothing_written(
        app, lambda: app.network.create_community_network(ROISSY, by=administrator(app)), "NET-1"
    )
    assert "créez d'abord le réseau départemental du 95 (Val-d'Oise)" in str(error)
    dep95 = app.network.create_departmental_network(
        "Réseau 95", by=administrator(app), departement="95", project_lead="Chef de projet 95"
    )
    roissy = app.network.create_community_network(
        ROISSY, by=administrator(app)
    )  # its 17 communes in 77 don't count
    assert roissy.departement == "95"
    assert app.network.get_lead(roissy.id).holder == "Chef de projet 95"
    versailles = app.network.create_community_network(VERSAILLES, by=administrator(app))
    assert versailles.departement == "78"
    assert app.network.get_lead(versailles.id).holder is None  # 78's network has no lead
    assert [n.id for n in app.network.list_networks(departement="95")] == [dep95.id, roissy.id]


def test_follow_up_committee_per_department_NET_2_TER_7(cig_census: App) -> None:
    app = cig_census
    administrator(app)  # CHA-2: named before any snapshot
    _three(app)
    roissy = app.network.create_community_network(ROISSY, by=administrator(app))
    vexin = app.network.create_community_network(VEXIN, by=administrator(app))
    app.network.create_community_network(VERSAILLES, by=administrator(app))
    sgm = app.members.add("Lucie", "Bernard", email="lucie.bernard@example.org")
    committee = app.network.set_committee(
        "suivi",
        [Seat(SeatKind.SGM, sgm.id, ROISSY)],
        by=administrator(app),
        on=dt.date(2024, 2, 1),
        departement="95",
    )
    assert committee.departement == "95"
    report = app.network.committee_report("suivi", departement="95")
    assert report.departement == "95"
    assert set(report.missing_seats) == {
        "CC Vexin Centre : référent communautaire",
        "CC Vexin Centre : SGM du territoire",
        "CA Roissy Pays de France : référent communautaire",
    }  # Versailles Grand Parc (78) is the Yvelines committee's
    assert report.missed_years == (2024,)
    app.network.record_meeting(
        "suivi", by=administrator(app), on=dt.date(2024, 11, 5), departement="95"
    )
    assert app.network.committee_report("suivi", departement="95").missed_years == ()
    yvelines = app.network.committee_report("suivi", departement="78")
    assert yvelines.missing_seats[0].startswith("CA Versailles Grand Parc")
    with pytest.raises(NotFoundError):
        app.network.record_meeting(
            "suivi", by=administrator(app), departement="91"
        )  # none set up in the Essonne
    error = nothing_written(
        app,
        lambda: app.network.set_committee("suivi", [], by=administrator(app), departement=None),
        "NET-2",
    )
    assert "précisez le département du comité de suivi" in str(error)
    del roissy, vexin


def test_without_the_policy_one_network_and_one_committee_NET_1_NET_2(
    cdg77_census: App,
) -> None:
    app = cdg77_census
    administrator(app)  # CHA-2: named before any snapshot
    network = app.network.create_departmental_network(
        "Réseau des SGM de Seine-et-Marne", by=administrator(app)
    )
    assert network.departement == "77"  # a CDG of one department
    error = nothing_written(
        app,
        lambda: app.network.create_departmental_network(
            "Bis", by=administrator(app), departement="77"
        ),
        "NET-1",
    )
    assert "le CDG a déjà son réseau départemental, « Réseau des SGM de Seine-et-Marne »" in str(
        error
    )
    roissy = app.network.create_community_network(
        ROISSY, by=administrator(app)
    )  # its 25 communes in 95 don't count
    assert roissy.departement == "77"
    app.network.set_committee("suivi", [], by=administrator(app))
    assert app.network.committee_report("suivi").departement == ""
    error = nothing_written(
        app,
        lambda: app.network.set_committee("suivi", [], by=administrator(app), departement="77"),
        "TER-7",
    )
    assert "le profil tient un seul comité pour le CDG" in str(error)


def test_a_committee_of_an_older_database_becomes_the_cdg_s_NET_2(
    tmp_path: Path, rsgm_clock: Clock
) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        migrations.upgrade(conn, target=10)
        conn.execute(
            sa.text(
                "INSERT INTO committees (kind, seats, meetings, created_on) "
                "VALUES ('suivi', '[]', '[\"2024-11-05\"]', '2024-01-15')"
            )
        )
    engine.dispose()
    with rsgm_core.open(url, clock=rsgm_clock, settings=CDG79) as app:
        app.census.import_(SAMPLE, ["79"])
        report = app.network.committee_report("suivi", on=dt.date(2025, 3, 1))
        assert report.departement == "" and report.missed_years == ()
        app.network.record_meeting("suivi", by=administrator(app), on=dt.date(2025, 2, 1))
        network = app.network.create_departmental_network("Réseau 79", by=administrator(app))
        assert network.departement == "79"
