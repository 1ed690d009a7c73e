"""TER-1..TER-4 and NET-1 on the pure domain."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import RuleViolation, ValidationError
from rsgm_core.domain.census import CENSUS_STRATA, stratum_of
from rsgm_core.domain.populations import population_used
from rsgm_core.domain.territory import (
    Commune,
    PopulationFigure,
    PopulationKind,
    Territory,
    in_force_vintage,
    is_sgm_scope,
    validate_departement_code,
    validate_insee_code,
    validate_siren,
)

metro = st.from_regex(r"(0[1-9]|1[0-9]|[3-8][0-9]|9[0-5]|2[AB])[0-9]{3}", fullmatch=True)
overseas = st.from_regex(r"97[1-8][0-9]{2}", fullmatch=True)


@given(st.one_of(metro, overseas))
def test_valid_insee_codes_are_accepted_TER_1(code: str) -> None:
    assert validate_insee_code(code) == code


@pytest.mark.parametrize(
    "bad", ["7906", "790600", "2C001", "20001", "98801", "97901", "00123", "79O60", "", None, 79060]
)
def test_malformed_insee_codes_are_rejected_naming_the_value_TER_1(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        validate_insee_code(bad)
    assert info.value.rule == "TER-1"
    assert repr(bad) in info.value.message


def test_siren_needs_nine_digits_and_a_valid_check_digit_TER_1() -> None:
    assert validate_siren("200041317") == "200041317"  # CA du Niortais
    for bad in ("200041318", "20004131", "2000413170", "ABCDEFGHI"):
        with pytest.raises(ValidationError) as info:
            validate_siren(bad)
        assert info.value.rule == "TER-1" and bad in str(info.value)


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_siren_check_digit_agrees_with_python_stdnum_TER_1(siren: str) -> None:
    from stdnum.fr import siren as oracle

    try:
        validate_siren(siren)
    except ValidationError:
        assert not oracle.is_valid(siren)
    else:
        assert oracle.is_valid(siren)


def test_a_commune_refuses_a_bad_code_or_siren_TER_1() -> None:
    with pytest.raises(ValidationError, match="79O60"):
        Commune("79O60", "Caunay", "79", "75")
    with pytest.raises(ValidationError, match="217900605"):
        Commune("79060", "Caunay", "79", "75", siren="217900605")


@pytest.mark.parametrize("code", ["01", "2A", "2B", "95", "971", "976"])
def test_departement_codes_TER_1(code: str) -> None:
    assert validate_departement_code(code) == code


@pytest.mark.parametrize("code", ["00", "20", "96", "99", "979", "988", "7", "790"])
def test_bad_departement_codes_TER_1(code: str) -> None:
    with pytest.raises(ValidationError, match=code):
        validate_departement_code(code)


def test_population_carries_kind_and_vintage_TER_2() -> None:
    figure = PopulationFigure("79019", 2021, municipale=169, totale=175)
    assert figure.figure(PopulationKind.MUNICIPALE) == 169
    assert figure.figure(PopulationKind.TOTALE) == 175
    assert figure.figure(PopulationKind.COMPTEE_A_PART) == 6
    assert figure.for_thresholds == (175, PopulationKind.TOTALE)
    only_municipale = PopulationFigure("79019", 2022, municipale=178)
    assert only_municipale.for_thresholds == (178, PopulationKind.MUNICIPALE)  # flagged by the kind
    assert only_municipale.figure(PopulationKind.TOTALE) is None


def test_totale_below_municipale_is_refused_TER_2() -> None:
    with pytest.raises(ValidationError) as info:
        PopulationFigure("79019", 2021, municipale=169, totale=160)
    assert info.value.rule == "TER-2"


@given(st.integers(min_value=1900, max_value=2200))
def test_vintage_n_minus_3_is_in_force_in_year_n_TER_2(year: int) -> None:
    assert in_force_vintage(year) == year - 3
    figure = PopulationFigure("79001", year - 3, 100)
    used = population_used([figure], "79001", year)
    assert used is not None and used.vintage == year - 3 and not used.provisional
    assert figure.in_force_year == year


def test_missing_vintage_in_force_is_provisional_never_refused_TER_2() -> None:
    used = population_used([PopulationFigure("79001", 2021, 100)], "79001", 2026)
    assert used is not None and used.provisional and used.vintage == 2021
    assert "provisoire" in used.label and "2023" in used.label


@given(st.integers(min_value=0, max_value=100_000))
def test_sgm_scope_is_under_3500_inhabitants_TER_3(population: int) -> None:
    figure = PopulationFigure("79001", 2021, population, population)
    assert is_sgm_scope(figure) is (population < 3_500)


@given(st.integers(min_value=0, max_value=1_000_000))
def test_census_strata_cover_every_population_once_TER_6(population: int) -> None:
    matching = [
        label
        for low, high, label in CENSUS_STRATA
        if low <= population and (high is None or population <= high)
    ]
    assert matching == [stratum_of(population)]


def test_strata_bounds_TER_6() -> None:
    assert stratum_of(499) == "moins de 500"
    assert stratum_of(500) == "500 à 999"
    assert stratum_of(3_499) == "2 000 à 3 499"
    assert stratum_of(3_500) == "3 500 et plus"


def test_territory_of_one_or_several_departments_NET_1() -> None:
    cig = Territory(["78", "91", "95"])
    assert cig.covers(Commune("78003", "Ablis", "78", "11"))
    assert not cig.covers(Commune("79060", "Caunay", "79", "75"))
    with pytest.raises(ValidationError) as info:
        Territory([])
    assert info.value.rule == "NET-1"
    with pytest.raises(ValidationError):
        Territory(["78", "XX"])


def test_an_older_vintage_than_one_imported_is_refused_TER_5() -> None:
    import datetime as dt

    from rsgm_core.domain.census import CensusImport, CensusVintage, check_not_older

    moment = dt.datetime(2025, 3, 14, 10, 30, tzinfo=dt.UTC)
    imported = CensusImport("6.0.0", 2025, 2022, ("79",), moment, "decoupage")
    check_not_older([], CensusVintage(2023, 2020, "4.1.0"))  # nothing imported yet
    check_not_older([imported], CensusVintage(2025, 2022, "6.0.0"))  # the same again
    check_not_older([imported], CensusVintage(2026, 2023, "7.0.0"))
    with pytest.raises(RuleViolation) as info:
        check_not_older([imported], CensusVintage(2023, 2020, "4.1.0"))
    assert info.value.rule == "TER-5" and "4.1.0" in info.value.message
