"""IND-4 (age bands, departures, the bounds of a year of birth) and IND-3 (the census of the
function, the national core against T0, small-cell suppression) on pure values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.ages import (
    AGE_BANDS,
    MAX_AGE,
    MIN_AGE,
    UNKNOWN_BAND,
    age_report,
    band_of,
    check_birth_year,
    check_retirement_age,
    check_retirement_on,
    expected_departure,
    read_birth_year,
)
from rsgm_core.domain.census_report import Agent, CensusReport, CommuneRow
from rsgm_core.domain.national import SMALL, CdgExport, Table, merge_exports, parse_export, suppress
from rsgm_core.domain.national_census import (
    census_of_function,
    compare_with_t0,
    core_section,
    parse_core,
)
from rsgm_core.domain.national_core import CoreCampaign
from rsgm_core.domain.territory import PopulationKind
from rsgm_core.errors import ValidationError

ON = dt.date(2026, 12, 7)


@given(st.integers(min_value=0, max_value=130))
def test_every_age_falls_in_exactly_one_band_IND_4(age: int) -> None:
    holding = [band for band in AGE_BANDS if band.holds(age)]
    assert len(holding) == 1
    assert band_of(2026 - age, year=2026) == holding[0]
    low, high = holding[0].low, holding[0].high
    assert (low is None or low <= age) and (high is None or age < high)


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=0, max_value=60))
def test_a_band_moves_up_with_the_years_never_down_IND_4(born: int, later: int) -> None:
    year = max(born, 1950)
    keys = [b.key for b in AGE_BANDS]
    now, then = band_of(born, year=year), band_of(born, year=year + later)
    assert keys.index(then.key) >= keys.index(now.key)
    assert band_of(None, year=year) is UNKNOWN_BAND


@given(st.integers(min_value=1850, max_value=2100))
def test_a_year_of_birth_is_accepted_only_within_its_bounds_IND_4(year: int) -> None:
    age = ON.year - year
    if MIN_AGE <= age <= MAX_AGE:
        assert check_birth_year(year, on=ON) == year
    else:
        with pytest.raises(ValidationError) as caught:
            check_birth_year(year, on=ON)
        assert caught.value.rule == "IND-4" and str(year) in str(caught.value)


def test_a_future_or_implausible_year_and_a_retirement_before_birth_are_refused_IND_4() -> None:
    with pytest.raises(ValidationError, match="dans le futur"):
        check_birth_year(2027, on=ON)
    with pytest.raises(ValidationError, match="invraisemblable"):
        check_birth_year(1920, on=ON)
    with pytest.raises(ValidationError, match="invalide"):
        check_birth_year(True, on=ON)
    with pytest.raises(ValidationError, match="avant l'année de naissance 1970"):
        check_retirement_on(dt.date(1969, 5, 1), birth_year=1970)
    assert check_retirement_on(dt.date(2030, 7, 1), birth_year=1966) == dt.date(2030, 7, 1)
    with pytest.raises(ValidationError, match="âge de départ en retraite invalide"):
        check_retirement_age(50)
    assert check_retirement_age(64) == 64


def test_a_date_of_birth_keeps_its_year_only_IND_4() -> None:
    assert read_birth_year("14/03/1968", on=ON) == 1968
    assert read_birth_year("1968-03-14", on=ON) == 1968
    assert read_birth_year("1968", on=ON) == 1968
    assert read_birth_year("1968.0", on=ON) == 1968
    assert read_birth_year("  ", on=ON) is None
    with pytest.raises(ValidationError, match="illisible"):
        read_birth_year("mars 68", on=ON)


@given(
    st.integers(min_value=1936, max_value=2010),
    st.integers(min_value=55, max_value=75),
    st.none() | st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
)
def test_the_departure_is_the_date_given_else_1_january_of_the_retirement_year_IND_4(
    born: int, age: int, given_on: dt.date | None
) -> None:
    departure = expected_departure(born, given_on, retirement_age=age)
    assert departure == (given_on or dt.date(born + age, 1, 1))
    assert expected_departure(None, None, retirement_age=age) is None


def _agent(member: str, born: int | None, *, on: dt.date | None = None, status: str = "titulaire",
           work_time: str = "1", function: str = "secrétaire général de mairie") -> Agent:  # fmt: skip
    return Agent(member, None, function, work_time, status, member, born, on)


def _row(code: str, epci: str | None, *agents: Agent, population: int = 500) -> CommuneRow:
    return CommuneRow(
        code, f"Commune {code}", "79", None, epci, f"EPCI {epci}" if epci else None, population,
        PopulationKind.TOTALE, 2022, "moins de 500", agents,
    )  # fmt: skip


def _census(*rows: CommuneRow) -> CensusReport:
    return CensusReport(ON, rows, (), 0)


def test_pyramid_by_epci_and_the_communes_losing_their_sgm_IND_4() -> None:
    both = _agent("m-both", 1962)  # in two communes of two EPCIs
    report = _census(
        _row("79001", "A", both),
        _row("79002", "B", both, _agent("m-young", 1990)),  # one stays: not lost
        _row("79003", "B", _agent("m-given", 1980, on=dt.date(2028, 3, 1))),  # a date given
        _row("79004", "B", _agent("m-unknown", None)),  # no age: no forecast
        _row("79005", None),  # vacant
    )
    ages = age_report(report, retirement_age=64)
    assert [p.code for p in ages.pyramids] == ["A", "B", "—"]
    b = next(p for p in ages.pyramids if p.code == "B")
    assert b.agents == 4 and b.bands["60 ans et plus"] == 1 and b.known == 3
    assert ages.total.agents == 4  # m-both once
    assert [d.commune for d in ages.departures] == ["79001", "79002", "79003"]
    assert [d.commune for d in ages.losing] == ["79001", "79003"]
    assert ages.losing_by_epci() == {"EPCI A": 1, "EPCI B": 1}
    first = ages.departures[0]
    assert first.first_departure == dt.date(2026, 1, 1) and first.estimated
    assert first.when(ON) == "âge de départ atteint le 01/01/2026"
    assert ages.departures[2].when(ON) == "départ prévu le 01/03/2028"
    later = age_report(report, retirement_age=67)  # 1962 + 67 = 2029: still within 5 years
    assert [d.commune for d in later.losing] == ["79001", "79003"]
    assert [d.commune for d in age_report(report, retirement_age=70).losing] == ["79003"]


def test_the_census_of_the_function_in_the_export_IND_3_IND_4() -> None:
    rows = [
        _row(f"79{n:03d}", "A", _agent(f"m{n}", 1960 + n % 3, work_time="0.5" if n < 2 else "1"))
        for n in range(12)
    ]
    rows.append(_row("79100", "A", _agent("m-dgs", 1975, function="DGS hors emploi fonctionnel",
                                         status="contractuel")))  # fmt: skip
    rows += [_row(f"79{n}", "A") for n in range(200, 204)]  # 4 vacant, in the target public
    rows.append(_row("79300", "A", population=2_500))  # vacant, outside a target under 2,000
    tables, figures = census_of_function(_census(*rows), target_below=2_000)
    by = {t.name: t for t in tables}
    assert figures == {
        "communes_moins_3500": 18, "communes_public_cible": 17, "communes_vacantes": 4,
        "taux_vacance": "0.235",
    }  # fmt: skip
    assert by["recensement_fonctions"].cells == {"dgs": None, "sgm": None}  # 1 DGS, then its pair
    assert by["recensement_fonctions"].total == 13
    # 1 contractuel hidden, so the 12 titulaires too: 13 minus 12 would give it back
    statuts = by["recensement_statuts"]
    assert (statuts.cells, statuts.total) == (
        {"titulaire": None, "stagiaire": 0, "contractuel": None},
        13,
    )
    assert by["recensement_quotites"].cells["temps_complet"] is None  # 11, hidden with the 2
    ages = by["recensement_ages"]  # 12 over 60 and the DGS aged 51: both hidden
    assert (ages.cells["60_et_plus"], ages.cells["50_54"], ages.total) == (None, None, 13)
    for table in tables:
        assert not [v for v in table.cells.values() if v is not None and 0 < v < SMALL]


@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(min_value=0, max_value=40),
                       min_size=1))  # fmt: skip
def test_no_published_cell_under_5_and_the_total_gives_no_hidden_cell_back_IND_3(
    counts: dict[str, int],
) -> None:
    cells, total = suppress(counts)
    published = [v for v in cells.values() if v is not None]
    assert not [v for v in published if 0 < v < SMALL]
    hidden = [counts[k] for k, v in cells.items() if v is None and counts[k] > 0]
    if total is not None and hidden:
        # the attacker's sum of the hidden cells is not one of them, and not k cells of 1
        remainder = total - sum(published)
        assert remainder == sum(hidden)
        assert len(hidden) >= 2 and remainder != len(hidden)
    if total is None:
        assert all(v is None for v in cells.values())


def _campaign(year: int, baseline: bool, yes: int, no: int, *, invited: int = 40) -> CoreCampaign:
    return CoreCampaign(
        f"Campagne nationale {year}{' (T0)' if baseline else ''}", year, baseline, invited,
        yes + no, {"satisfaction_globale": {"oui": yes, "non": no}},
    )  # fmt: skip


def test_the_core_section_suppresses_small_counts_and_its_rate_SUR_2_IND_3() -> None:
    section = core_section([_campaign(2025, True, 12, 3), _campaign(2024, False, 2, 1, invited=4)])
    assert [c["year"] for c in section] == [2024, 2025]
    small, t0 = section
    assert small["invited"] is None and small["respondents"] is None
    assert small["response_rate"] is None
    assert small["questions"]["satisfaction_globale"] == {
        "cells": {"oui": None, "non": None}, "total": None,
    }  # fmt: skip
    assert t0["response_rate"] == "0.375" and t0["baseline"] is True
    assert t0["questions"]["satisfaction_globale"]["cells"] == {"oui": None, "non": None}
    assert parse_core(section, source="x") == section
    edited = [{**t0, "respondents": 3}]
    with pytest.raises(ValidationError, match="sous le seuil"):
        parse_core(edited, source="export.json")


def test_a_campaign_compared_with_t0_on_published_cells_only_SUR_2_IND_3() -> None:
    t0 = {"q": {"oui": 30, "non": 10}, "seule_t0": {"a": 9}}
    now = {"q": {"oui": 20, "non": 20, "nsp": 0}}
    compared = {c.answer: c for c in compare_with_t0(t0, now)}
    assert compared["oui"].t0 == Decimal("0.750") and compared["oui"].share == Decimal("0.500")
    assert compared["oui"].points == Decimal("-25.0")
    assert compared["nsp"].t0 == Decimal(0)
    hidden = compare_with_t0(t0, now, hidden={"q": ["non"]})
    assert {c.answer: c.share for c in hidden}["non"] is None
    assert compare_with_t0({"q": {"oui": 3}}, now)[0].t0 is None  # fewer than 5 answers


def test_two_cdgs_exports_merge_and_their_core_is_compared_with_t0_IND_3_SUR_2() -> None:
    def export(cdg: str, t0: tuple[int, int], now: tuple[int, int]) -> CdgExport:
        core = core_section([_campaign(2025, True, *t0), _campaign(2026, False, *now)])
        table = Table.anonymised("recensement_ages", {"60_et_plus": 7, "50_54": 2, "40_49": 6})
        return CdgExport(cdg, 2026, {"communes_vacantes": 3}, [table], core)

    first, second = export("CDG77", (30, 10), (18, 22)), export("CDG79", (20, 5), (10, 15))
    read = [parse_export(e.to_data(), source=e.cdg) for e in (first, second)]
    merged = merge_exports(read).to_data()
    assert merged["cdgs"] == ["CDG77", "CDG79"]
    assert merged["tables"]["recensement_ages"]["complete"] is False  # hidden cells
    years = merged["core"]["campagnes"]
    assert years["2025"]["baseline"] and years["2025"]["respondents"] == 65
    assert years["2025"]["questions"]["satisfaction_globale"]["cells"] == {"oui": 50, "non": 15}
    comparison = merged["core"]["comparaison_t0"]
    assert comparison["t0"] == 2025
    rows = {r["answer"]: r for r in comparison["campagnes"]["2026"]}
    assert rows["oui"] == {"question": "satisfaction_globale", "answer": "oui", "t0": "0.769",
                           "share": "0.431", "points": "-33.8"}  # fmt: skip
    assert "core" not in CdgExport("CDG1", 2026, {}, []).to_data()  # older readers still read it


@pytest.mark.parametrize("horizon", [0, 31, -5, 2**31, True, "5"])
def test_a_horizon_outside_1_to_30_years_is_refused_IND_4(horizon: object) -> None:
    from rsgm_core.domain.ages import check_horizon

    with pytest.raises(ValidationError, match="horizon de prévision") as refused:
        check_horizon(horizon)
    assert refused.value.rule == "IND-4"
