"""The one population rule and the reading of INSEE's legal populations rows, without storage
(TER-2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.populations import (
    find_columns,
    parse_figure,
    population_used,
    row_figure,
    vintage_from_text,
)
from rsgm_core.domain.territory import MAX_POPULATION, PopulationFigure, PopulationKind
from rsgm_core.errors import ValidationError


def test_the_totale_of_the_vintage_in_force_first_TER_2() -> None:
    figures = [
        PopulationFigure("79024", 2021, 1977, 2065),
        PopulationFigure("79024", 2022, 1952, 2036),
        PopulationFigure("79024", 2023, 1927),
    ]
    used = population_used(figures, "79024", 2025)
    assert used is not None
    assert (used.population, used.kind, used.vintage, used.provisional) == (
        2036, PopulationKind.TOTALE, 2022, False,
    )  # fmt: skip
    assert used.label == "population totale 2022" and not used.flagged


def test_else_the_municipale_flagged_TER_2() -> None:
    figures = [PopulationFigure("79024", 2022, 1952, 2036), PopulationFigure("79024", 2023, 1927)]
    used = population_used(figures, "79024", 2026)
    assert used is not None and used.municipale_only and not used.provisional
    assert (used.population, used.vintage) == (1927, 2023)
    assert used.label == "population municipale 2023 (seule connue)"


def test_else_the_latest_earlier_vintage_provisional_never_refused_TER_2() -> None:
    figures = [PopulationFigure("79024", 2021, 1977, 2065), PopulationFigure("79024", 2022, 1952)]
    used = population_used(figures, "79024", 2027)  # 2024 in force, not imported
    assert used is not None and used.provisional and used.flagged
    assert (used.population, used.kind, used.vintage) == (1952, PopulationKind.MUNICIPALE, 2022)
    assert used.label == (
        "population municipale 2022 (seule connue ; provisoire : le millésime 2024, en vigueur "
        "en 2027, n'est pas importé)"
    )


def test_a_year_before_every_vintage_takes_the_nearest_provisional_TER_2() -> None:
    figures = [PopulationFigure("79024", 2023, 1927), PopulationFigure("79024", 2022, 1952, 2036)]
    used = population_used(figures, "79024", 2020)
    assert used is not None and used.provisional and used.vintage == 2022


def test_no_figure_is_none_and_other_communes_do_not_count_TER_2() -> None:
    assert population_used([PopulationFigure("79019", 2022, 169, 175)], "79024", 2025) is None


@given(
    st.lists(
        st.tuples(st.integers(2015, 2030), st.integers(0, 5_000), st.integers(0, 300)),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    st.integers(2015, 2035),
)
def test_population_used_is_always_one_figure_of_the_commune_TER_2(
    rows: list[tuple[int, int, int]], year: int
) -> None:
    figures = [PopulationFigure("79024", v, m, m + a if a % 2 else None) for v, m, a in rows]
    used = population_used(figures, "79024", year)
    assert used is not None
    chosen = next(f for f in figures if f.vintage == used.vintage)
    assert (used.population, used.kind) == chosen.for_thresholds
    assert used.provisional is (used.vintage != year - 3)
    if any(f.vintage == year - 3 for f in figures):
        assert used.vintage == year - 3
    elif any(f.vintage < year - 3 for f in figures):
        assert used.vintage == max(f.vintage for f in figures if f.vintage < year - 3)


@given(st.integers(0, MAX_POPULATION))
def test_figures_from_0_to_ten_million_are_accepted_TER_2(number: int) -> None:
    assert parse_figure(number, "population totale") == number
    assert parse_figure(str(number), "population totale") == number
    assert parse_figure(float(number), "population totale") == number


@pytest.mark.parametrize(
    "bad", [-1, "-5", MAX_POPULATION + 1, "12.5", 12.5, math.nan, "NaN", math.inf, "", None,
            "abc", True],
)  # fmt: skip
def test_a_figure_that_is_no_whole_number_in_bounds_is_refused_TER_2(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        parse_figure(bad, "population municipale")
    assert info.value.rule == "TER-2" and "population municipale invalide" in info.value.message


@pytest.mark.parametrize("bad", [-1, MAX_POPULATION + 1, 12.0, math.nan, None, "12"])
def test_a_census_figure_is_bounded_too_TER_2(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        PopulationFigure("79019", 2022, bad)  # type: ignore[arg-type]
    assert info.value.rule == "TER-2" and "79019" in info.value.message


@pytest.mark.parametrize(
    ("header", "found"),
    [
        (["CODGEO", "LIBGEO", "PMUN", "PCAP", "PTOT"], (0, None, 2, 3, 4)),
        (["REG", "DEP", "COM", "Commune", "PMUN", "PCAP", "PTOT"], (2, 1, 4, 5, 6)),
        (["Code département", "Code commune", "Population municipale",
          "Population comptée à part", "Population totale"], (1, 0, 2, 3, 4)),
        (["code commune", "POPULATION MUNICIPALE", "population totale"], (0, None, 1, None, 2)),
        (["codgeo", "pmun2021", "ptot2021"], (0, None, 1, None, 2)),
        (["Code région", "Nom", "Population municipale", "Population totale"], None),
        (["CODGEO", "PTOT"], None),
    ],
)  # fmt: skip
def test_columns_are_found_by_name_whatever_case_and_accents_TER_2(
    header: list[str], found: tuple[int, ...] | None
) -> None:
    columns = find_columns(header)
    if found is None:
        assert columns is None
    else:
        assert columns is not None
        assert (columns.code, columns.departement, columns.municipale,
                columns.comptee_a_part, columns.totale) == found  # fmt: skip


@pytest.mark.parametrize(
    ("dep", "com", "code"),
    [("79", "019", "79019"), (79, 19, "79019"), (1, 1, "01001"), ("1", "001", "1001"), ("2A", "004", "2A004"),
     ("971", "01", "97101"), ("971", "101", "97101"), (None, "79019", "79019"),
     (None, 1001, "01001")],
)  # fmt: skip
def test_the_commune_code_whole_or_split_as_insee_writes_it_TER_1(
    dep: object, com: object, code: str
) -> None:
    columns = find_columns(["DEP", "COM", "PMUN", "PTOT"])
    assert columns is not None
    if len(code) != 5:  # a department written "1" is no department: refused, never guessed
        with pytest.raises(ValidationError):
            row_figure([dep, com, 10, 12], columns, 2022)
        return
    assert row_figure([dep, com, 10, 12], columns, 2022).commune == code


def test_totale_must_be_the_sum_TER_2() -> None:
    columns = find_columns(["CODGEO", "PMUN", "PCAP", "PTOT"])
    assert columns is not None
    figure = row_figure(["79019", "169", "6", "175"], columns, 2022)
    assert figure.figure(PopulationKind.COMPTEE_A_PART) == 6
    with pytest.raises(ValidationError) as info:
        row_figure(["79019", "169", "6", "176"], columns, 2022)
    assert info.value.rule == "TER-2" and "176" in info.value.message


@pytest.mark.parametrize(
    ("name", "titles", "vintage"),
    [
        ("donnees_communes_2022.csv", [], 2022),
        ("ensemble.xlsx", ["Recensement de la population", "Populations légales 2021"], 2021),
        ("ensemble.xlsx", ["Populations légales en vigueur à compter du 1er janvier 2024"], 2021),
        ("pop_2021.xlsx", ["Populations légales 2021", "Mise à jour : décembre 2023"], 2021),
        ("ensemble.xlsx", [], None),
        ("comparaison_2021_2022.csv", [], None),
        ("ensemble.xlsx", ["Populations légales 2021", "Populations légales 2022"], None),
    ],
)
def test_vintage_from_the_name_or_the_title_TER_2(
    name: str, titles: list[str], vintage: int | None
) -> None:
    assert vintage_from_text(name, titles) == vintage
