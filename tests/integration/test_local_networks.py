"""Existing local networks (NET-7): carrier, referent, communes covered, relation with the CDG;
the EPCIs without any network listed, in the census report, the coverage indicator and the
annual report; as the CIG (78, 91, 95), CDG 77 (real Etalab data) and CDG 79 (sample)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rsgm_core import App, LocalNetworkRelation, Period
from tests.conftest import NEW_VINTAGE, SAMPLE
from tests.helpers import administrator, nothing_written

VEXIN = "200035970"  # CC Vexin Centre (95)
VERSAILLES = "247800584"  # CA Versailles Grand Parc (78)


@pytest.fixture
def cig_census(cig: App, census_data: Path) -> App:
    cig.census.import_(NEW_VINTAGE)
    administrator(cig)  # CHA-2: named before any snapshot
    return cig


@pytest.fixture
def cdg77_census(cdg77: App, census_data: Path) -> App:
    cdg77.census.import_(NEW_VINTAGE)
    administrator(cdg77)
    return cdg77


def test_a_federated_network_covers_its_epci_and_the_others_are_listed_NET_7(
    cig_census: App,
) -> None:
    app = cig_census
    referent = app.members.add("Hélène", "Vexin", email="helene.vexin@example.org")
    vexin = app.local_networks.add(
        "Réseau des secrétaires du Vexin", "CC Vexin Centre", "fédéré", by=administrator(app),
        epci=VEXIN, referent_id=referent.id,
    )  # fmt: skip
    assert vexin.relation is LocalNetworkRelation.FEDERATED
    assert len(vexin.communes) == len(app.census.list_communes(epci=VEXIN)) > 10
    [one] = app.census.list_communes(epci=VERSAILLES)[:1]
    app.local_networks.add(
        "Club des SGM de Versailles", "Association des SGM du Grand Parc", "soutenu",
        by=administrator(app), communes=[one.code], referent_name="Marc Dupuis",
        referent_contact="marc.dupuis@example.org",
    )  # fmt: skip
    epcis = {e.epci: e for e in app.local_networks.list_epcis()}
    assert epcis[VEXIN].local_networks == ("Réseau des secrétaires du Vexin",)
    assert epcis[VEXIN].covered == epcis[VEXIN].communes
    assert epcis[VERSAILLES].covered == 1 and not epcis[VERSAILLES].none
    bare = app.local_networks.list_epcis(without_network=True)
    assert VEXIN not in {e.epci for e in bare} and VERSAILLES not in {e.epci for e in bare}
    assert len(bare) == len(epcis) - 2 > 20  # the three departments' other EPCIs
    report = app.indicators.annual_report(year=2025)
    [section] = [s for s in report.sections if s.title == "Réseaux locaux existants"]
    assert section.lines[0] == ("2 réseaux locaux existants : 1 soutenu, 1 fédéré, 0 fusionné")
    assert section.lines[1].startswith(f"{len(bare)} EPCI sur {len(epcis)} sans aucun réseau")
    assert section.table is not None
    assert section.table.rows[1] == (
        "Réseau des secrétaires du Vexin",
        "CC Vexin Centre",
        "fédéré",
        str(len(vexin.communes)),
    )
    census = app.census.report(departement="95")
    assert any(e.epci == VEXIN for e in census.local_networks)
    coverage = {c.name: c for c in app.indicators.coverage_by_epci(period=Period.year(2025))}
    assert coverage["CC Vexin Centre"].local_networks == ("Réseau des secrétaires du Vexin",)


def test_unknown_communes_epcis_and_relations_are_refused_NET_7(cdg77_census: App) -> None:
    app = cdg77_census
    by = administrator(app)
    error = nothing_written(
        app, lambda: app.local_networks.add("R", "P", "soutenu", by=by, communes=["77999"]),
        "NET-7",
    )  # fmt: skip
    assert "commune inconnue : '77999'" in str(error)
    error = nothing_written(
        app, lambda: app.local_networks.add("R", "P", "soutenu", by=by, epci="999999999"), "NET-7"
    )
    assert "EPCI inconnu : '999999999'" in str(error)
    error = nothing_written(
        app, lambda: app.local_networks.add("R", "P", "absorbé", by=by, communes=["77001"]),
        "NET-7",
    )  # fmt: skip
    assert (
        "relation avec le CDG inconnue : 'absorbé' (au choix : soutenu, fédéré, fusionné)"
        in str(error)
    )
    nothing_written(app, lambda: app.local_networks.add("R", " ", "soutenu", by=by,
                                                        communes=["77001"]), "NET-7")  # fmt: skip
    merged = app.local_networks.add("R", "P", "fusionne", by=by, communes=["77001"])
    assert merged.relation.label == "fusionné"


def test_the_sample_territory_lists_every_epci_without_network_NET_7(app: App) -> None:
    app.census.import_(SAMPLE, ["79"])
    assert all(e.none for e in app.local_networks.list_epcis())
    report = app.indicators.annual_report(year=2025)
    [section] = [s for s in report.sections if s.title == "Réseaux locaux existants"]
    n = len(app.local_networks.list_epcis())
    assert section.table is None and section.lines[0].startswith(f"{n} EPCI sur {n} sans aucun")
