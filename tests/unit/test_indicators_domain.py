"""Indicators and the national aggregation (IND-1, IND-3) on the pure domain."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import NotFoundError, ValidationError
from rsgm_core.domain.governance import ObjectiveKind
from rsgm_core.domain.indicators import (
    NOT_AVAILABLE,
    AnnualReport,
    EpciCoverage,
    Indicator,
    Period,
    Scope,
    coverage,
    rate,
    validate_project,
)
from rsgm_core.domain.national import (
    SMALL,
    CdgExport,
    Table,
    merge,
    merge_exports,
    parse_export,
    suppress,
)
from rsgm_core.render.report import format_indicator


def test_period_and_rates_IND_1() -> None:
    with pytest.raises(ValidationError) as info:
        Period(dt.date(2025, 12, 31), dt.date(2025, 1, 1))
    assert info.value.rule == "IND-1"
    assert dt.date(2025, 6, 1) in Period.year(2025)
    assert rate(3, 4) == Decimal("0.75") and rate(0, 0) is None and rate(None, 10) is None


def test_absent_data_shows_not_available_never_zero_IND_1() -> None:
    opens = Indicator(
        "newsletter_open_rate", "Taux d'ouverture de la lettre", None, "ouvertures / envois", "%"
    )
    assert not opens.available
    assert format_indicator(opens) == NOT_AVAILABLE == "non disponible"
    assert format_indicator(Indicator("x", "x", Decimal("0.425"), "f", "%")).startswith("42,5")
    assert format_indicator(Indicator("n", "n", 0, "f")) == "0"  # a real zero stays 0


def test_scopes_IND_1() -> None:
    assert Scope.parse(None) == Scope.parse("cdg") == Scope("cdg")
    assert Scope.parse("epci:200041317") == Scope("epci", "200041317")
    assert str(Scope.parse("departement:79")) == "departement:79"
    for bad in ("region:75", "epci:", "canton:12"):
        with pytest.raises(ValidationError, match="périmètre inconnu") as info:
            Scope.parse(bad)
        assert info.value.rule == "IND-1"


def test_a_project_is_a_non_empty_text_IND_2() -> None:
    assert validate_project("  Ouvrir un réseau par EPCI ") == "Ouvrir un réseau par EPCI"
    for bad in ("", "   ", "\n"):
        with pytest.raises(ValidationError) as info:
            validate_project(bad)
        assert info.value.rule == "IND-2"


def test_annual_report_splits_indicators_and_ties_objectives_IND_2() -> None:
    figures = [
        Indicator("taux_participation", "Participation", Decimal("0.5"), "f", "%"),
        Indicator("demandes_conseil", "Demandes", 3, "f"),
    ]
    report = AnnualReport.assemble(
        year=2025,
        generated_on=dt.date(2026, 1, 5),
        indicators=figures,
        title=None,
        objectives=[(ObjectiveKind.STRATEGIC, "Faire venir", ("taux_participation", "inconnu"))],
    )
    assert report.title == "Rapport d'activité 2025 du réseau des SGM"  # no CDG identity given
    assert [i.key for i in report.indicators] == ["taux_participation"]
    assert [i.key for i in report.knowledge] == ["demandes_conseil"]
    assert report.objectives[0].indicators == (figures[0],)  # unknown keys left out
    assert report.indicator("demandes_conseil").value == 3


def test_territorial_coverage_by_epci_IND_1() -> None:
    result = coverage({"CC A": ["79001", "79002", "79003"], "CC B": ["79010"]}, ["79001", "79010"])
    assert result["CC A"] == EpciCoverage("CC A", 1, 3, Decimal(1) / Decimal(3))
    assert (result["total"].covered, result["total"].communes) == (2, 4)
    assert result["total"].share == Decimal("0.5")


COUNTS = st.dictionaries(st.sampled_from("ABCDEFG"), st.integers(0, 40), min_size=1)


@given(COUNTS)
def test_no_small_count_is_published_IND_3(counts: dict[str, int]) -> None:
    cells, total = suppress(counts)
    assert all(v is None or v == 0 or v >= SMALL for v in cells.values())
    assert total is None or total >= SMALL or total == 0


@given(COUNTS)
def test_a_suppressed_cell_cannot_be_recovered_by_subtraction_IND_3(counts: dict[str, int]) -> None:
    cells, total = suppress(counts)
    if total is None:
        return  # nothing to subtract from
    hidden = [name for name, v in cells.items() if v is None]
    remainder = total - sum(v for v in cells.values() if v is not None)
    # What an attacker knows: each hidden cell holds at least one person, and they sum to the
    # remainder. A single hidden cell, or hidden cells that can only all be 1, give the value away.
    assert len(hidden) != 1
    assert not hidden or remainder > len(hidden)
    assert remainder == sum(counts[name] for name in hidden)


def test_a_worked_example_IND_3() -> None:
    cells, total = suppress({"CC A": 12, "CC B": 3, "CC C": 7, "CC D": 20})
    assert total == 42 and cells["CC B"] is None and cells["CC C"] is None  # 7 hidden to protect 3
    assert cells["CC A"] == 12 and cells["CC D"] == 20
    assert suppress({"A": 2, "B": 1}) == ({"A": None, "B": None}, None)


def export(cdg: str = "cdg79") -> CdgExport:
    return CdgExport(cdg, 2025, {"participation_rate": "0.41", "newsletter_open_rate": None},
                     [Table.anonymised("members_by_epci", {"CC A": 12, "CC B": 3, "CC C": 7})])  # fmt: skip


def test_export_round_trip_has_no_personal_data_IND_3() -> None:
    data = json.loads(json.dumps(export().to_data()))
    assert data["schema"] == "rsgm-national/1"
    assert parse_export(data) == export()
    text = json.dumps(data)
    assert "@" not in text


def test_hand_edited_files_are_refused_IND_3() -> None:
    data = export().to_data()
    with pytest.raises(ValidationError, match="schéma inconnu"):
        parse_export({**data, "schema": "rsgm-national/0"})
    edited = json.loads(json.dumps(data))
    edited["tables"]["members_by_epci"]["cells"]["CC B"] = 3  # a small count put back by hand
    with pytest.raises(ValidationError) as info:
        parse_export(edited, source="cdg79.json")
    assert info.value.rule == "IND-3" and "cdg79.json" in info.value.message
    with pytest.raises(ValidationError):
        parse_export({**data, "names": ["Claire Martin"]})


def test_merge_refuses_duplicates_and_sums_published_cells_IND_3() -> None:
    with pytest.raises(ValidationError, match="cdg79"):
        merge([export(), export()])
    national = merge([export("cdg79"), export("cig-gc")])
    assert national["cdgs"] == ["cdg79", "cig-gc"]
    table = national["tables"]["members_by_epci"]
    assert table["cells"]["CC A"] == 24 and table["complete"] is False
    typed = merge_exports([export("cdg79"), export("cig-gc")])
    assert typed.to_data() == national
    assert typed.tables["members_by_epci"].total == 2 * 22
    older = attrs.evolve(export("cdg86"), year=2024)
    with pytest.raises(ValidationError, match="plusieurs années") as info:
        merge_exports([export(), older])
    assert info.value.rule == "IND-3"


def test_an_unknown_indicator_key_names_the_known_ones_IND_1() -> None:
    report = AnnualReport.assemble(
        year=2025,
        generated_on=dt.date(2026, 1, 5),
        indicators=[Indicator("taux_participation", "Participation", Decimal("0.5"), "f", "%")],
        title=None,
        objectives=[],
    )
    with pytest.raises(
        NotFoundError, match=r"'taux_participations' \(connus : taux_participation\)"
    ):
        report.indicator("taux_participations")
