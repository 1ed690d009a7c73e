"""Several departments and EPCIs straddling the border (TER-7), on the real Etalab 6.0.0 data: the
CIG Grande Couronne (78, 91, 95) and CDG 77 (77), whose territories share CA Roissy Pays de France
(SIREN 200055655: 17 communes in Seine-et-Marne, 25 in the Val-d'Oise)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rsgm_core import App, ChangeKind, NotFoundError, ValidationError
from tests.conftest import NEW_VINTAGE
from tests.helpers import nothing_written

ROISSY = "200055655"


def test_cig_imports_its_three_departments_and_straddling_epcis_whole_TER_7(
    cig: App, census_data: Path
) -> None:
    started = time.perf_counter()
    result = cig.census.import_(NEW_VINTAGE)  # no department named: the profile's
    assert time.perf_counter() - started < 10  # reading all of France once, storing 3 departments
    assert result.imported.departements == ("78", "91", "95")
    assert cig.census.territory_codes() == ["78", "91", "95"]  # hors ressort is not territory
    assert result.counts["communes"] == 636
    outside = cig.census.list_communes(hors_ressort=True)
    assert result.counts["hors_ressort"] == len(outside) > 0
    roissy = cig.census.list_communes(epci=ROISSY, hors_ressort=True)
    assert len(roissy) == 17 and {c.departement for c in roissy} == {"77"}
    assert all(cig.census.is_hors_ressort(c) for c in roissy)
    inside = cig.census.list_communes(epci=ROISSY, hors_ressort=False)
    assert {c.departement for c in inside} == {"95"}
    assert len(cig.census.list_communes(epci=ROISSY)) == 17 + len(inside)  # known whole


def test_hors_ressort_is_counted_apart_in_the_census_report_TER_7(
    cig: App, census_data: Path
) -> None:
    cig.census.import_(NEW_VINTAGE)
    report = cig.census.report()
    assert {r.departement for r in report.rows} == {"78", "91", "95"}  # never in the counts
    assert sum(g.communes for g in report.by_level("departement")) == len(report.rows)
    assert report.hors_ressort_by_departement()["77"] >= 17
    roissy = next(g for g in report.by_level("epci") if g.code == ROISSY)
    assert roissy.hors_ressort == 17
    assert roissy.communes == sum(1 for r in report.rows if r.epci == ROISSY)
    assert all(h.departement not in {"78", "91", "95"} for h in report.hors_ressort)


def test_cdg77_sees_the_val_d_oise_communes_of_roissy_hors_ressort_TER_7(
    cdg77: App, census_data: Path
) -> None:
    result = cdg77.census.import_(NEW_VINTAGE)
    assert result.imported.departements == ("77",)
    roissy = cdg77.census.list_communes(epci=ROISSY, hors_ressort=True)
    assert len(roissy) == 25 and {c.departement for c in roissy} == {"95"}
    report = cdg77.census.report()
    assert {r.departement for r in report.rows} == {"77"}
    assert next(g for g in report.by_level("epci") if g.code == ROISSY).hors_ressort == 25


def test_a_reimport_changes_nothing_hors_ressort_TER_7(cig: App, census_data: Path) -> None:
    cig.census.import_(NEW_VINTAGE)
    again = cig.census.import_(NEW_VINTAGE)
    assert not again.changes.of_kind(ChangeKind.NEW)
    assert not again.changes.of_kind(ChangeKind.NO_SUCCESSOR)
    assert len(cig.census.list_communes(epci=ROISSY, hors_ressort=True)) == 17


def test_a_department_outside_the_profile_is_refused_TER_7(cdg77: App, census_data: Path) -> None:
    error = nothing_written(cdg77, lambda: cdg77.census.import_(NEW_VINTAGE, ["78"]), "TER-7")
    assert isinstance(error, ValidationError)
    assert "département 78 hors du territoire du CDG (77" in str(error)


def test_census_report_by_department_TER_7(cig: App, census_data: Path) -> None:
    cig.census.import_(NEW_VINTAGE)
    report = cig.census.report(departement="95")
    assert {r.departement for r in report.rows} == {"95"}
    assert {g.code for g in report.by_level("departement")} == {"95"}
    assert {h.departement for h in report.hors_ressort} >= {"77"}  # Roissy's, from the 95 side
    with pytest.raises(NotFoundError) as refused:
        cig.census.report(departement="77")  # hors ressort, not the CIG's
    assert refused.value.rule == "TER-7"
