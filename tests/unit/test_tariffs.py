"""Tariff grids, fees, memberships and the catalogue (TAR-1, TAR-2, TAR-3, TAR-5, TAR-7, TAR-8)."""

from datetime import date, timedelta
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import NotFoundError, RuleViolation, ValidationError
from rsgm_core.domain.tariffs import (
    MANDATORY_MISSION,
    REFERENCE_CATALOGUE,
    CatalogueColumn,
    CommunePopulation,
    Membership,
    Rounding,
    Service,
    ServiceKind,
    Stratum,
    TariffGrid,
    check_can_join,
    check_served,
    collect_grids,
    grid_for,
    holds_membership,
    membership_fee,
    new_membership,
    pick_cdg,
    round_money,
    to_money,
)
from rsgm_core.domain.territory import Commune, CommuneStatus
from tests.helpers import CDG79, CDG79_2025

GRID = CDG79_2025


def commune(population: int, insee: str = "79049") -> CommunePopulation:
    return CommunePopulation(insee, population)


def expected_fee_TAR_1(population: int) -> Decimal:
    """TAR-1 restated independently of the grid, bounds inclusive as written in Art. 3.1."""
    if population < 500:
        return Decimal("100")
    if population <= 999:
        return Decimal("150")
    if population <= 2000:
        return Decimal("200")
    return Decimal("300")


def grid_with(strata: tuple[Stratum, ...], exercise: int = 2025) -> TariffGrid:
    return TariffGrid("test", exercise, strata, Decimal("35"), Decimal("75"))


@pytest.mark.parametrize(
    ("population", "fee"),
    [
        (0, "100.00"),
        (499, "100.00"),
        (500, "150.00"),
        (999, "150.00"),
        (1_000, "200.00"),
        (2_000, "200.00"),
        (2_001, "300.00"),
        (3_500, "300.00"),
    ],
)
def test_fee_bounds_TAR_1(population: int, fee: str) -> None:
    assert membership_fee(GRID, commune(population)) == Decimal(fee)


@given(st.integers(min_value=0, max_value=3_500))
def test_fee_matches_the_convention_for_every_population_TAR_1(population: int) -> None:
    assert membership_fee(GRID, commune(population)) == expected_fee_TAR_1(population)


@given(st.integers(min_value=3_501, max_value=10**7))
def test_commune_above_3500_is_refused_never_zero_TAR_1(population: int) -> None:
    with pytest.raises(RuleViolation) as caught:
        membership_fee(GRID, commune(population, "79191"))
    assert caught.value.rule == "TAR-1"
    assert caught.value.value == population
    assert str(population) in caught.value.message
    assert "79191" in caught.value.message


def test_commune_of_3501_is_refused_TAR_1() -> None:
    with pytest.raises(RuleViolation, match="3501") as caught:
        membership_fee(GRID, commune(3_501))
    assert caught.value.rule == "TAR-1"


# at most 6 × 580 inhabitants: a grid stops at 3,500 (TER-3)
widths = st.lists(st.integers(min_value=5, max_value=580), min_size=1, max_size=6)


def strata_from(widths: list[int]) -> tuple[Stratum, ...]:
    strata, low = [], 0
    for i, width in enumerate(widths):
        strata.append(Stratum(low, low + width - 1, Decimal(10 * (i + 1))))
        low += width
    return tuple(strata)


@given(widths, st.randoms(use_true_random=False))
def test_contiguous_strata_cover_each_population_once_TAR_1(sizes: list[int], rnd) -> None:
    strata = list(strata_from(sizes))
    rnd.shuffle(strata)  # order of declaration does not matter
    grid = grid_with(tuple(strata))
    assert grid.ceiling == sum(sizes) - 1
    for population in {0, grid.ceiling, rnd.randint(0, grid.ceiling)}:
        holding = [s for s in grid.strata if s.contains(population)]
        assert len(holding) == 1
        assert grid.stratum_for(commune(population)) == holding[0]
    for stratum in grid.strata:  # continuity at each boundary
        assert grid.stratum_for(commune(stratum.low)) == stratum
        assert grid.stratum_for(commune(stratum.high)) == stratum


@given(
    st.lists(st.integers(min_value=5, max_value=580), min_size=2, max_size=6),
    st.data(),
)
def test_overlapping_or_gapped_grid_is_refused_TAR_1(sizes: list[int], data) -> None:
    strata = list(strata_from(sizes))
    i = data.draw(st.integers(min_value=1, max_value=len(strata) - 1))
    delta = data.draw(st.integers(min_value=-3, max_value=3).filter(bool))
    moved = strata[i]
    strata[i] = Stratum(moved.low + delta, moved.high, moved.fee)
    with pytest.raises(ValidationError) as caught:
        grid_with(tuple(strata))
    assert caught.value.rule == "TAR-1"
    word = "chevauchent" if delta < 0 else "trou"
    assert word in caught.value.message
    assert str(moved.low + delta) in caught.value.message


def test_overlap_message_names_both_strata_TAR_1() -> None:
    strata = (Stratum(0, 500, "100"), Stratum(500, 999, "150"))
    with pytest.raises(ValidationError, match="0-500 et 500-999 se chevauchent") as caught:
        grid_with(strata)
    assert caught.value.rule == "TAR-1"


def test_gap_message_names_the_missing_populations_TAR_1() -> None:
    strata = (Stratum(0, 499, "100"), Stratum(600, 999, "150"))
    with pytest.raises(ValidationError, match="trou de 500 à 599") as caught:
        grid_with(strata)
    assert caught.value.rule == "TAR-1"


def test_grid_not_starting_at_zero_is_refused_TAR_1() -> None:
    with pytest.raises(ValidationError, match="trou de 0 à 9") as caught:
        grid_with((Stratum(10, 499, "100"),))
    assert caught.value.rule == "TAR-1"


def test_empty_grid_and_empty_stratum_are_refused_TAR_1() -> None:
    with pytest.raises(ValidationError) as caught:
        grid_with(())
    assert caught.value.rule == "TAR-1"
    with pytest.raises(ValidationError, match="de 500 à 499") as caught:
        Stratum(500, 499, "100")
    assert caught.value.rule == "TAR-1"


@pytest.mark.parametrize("amount", [100.0, 0.1, 35.5])
def test_float_money_is_refused_TAR_7(amount: float) -> None:
    for build in (
        lambda: to_money(amount),
        lambda: Stratum(0, 499, amount),
        lambda: TariffGrid("test", 2025, (Stratum(0, 499, "100"),), amount, Decimal("75")),
        lambda: Membership("79049", 2025, amount, date(2025, 3, 1)),
    ):
        with pytest.raises(ValidationError) as caught:
            build()
        assert caught.value.rule == "TAR-7"
        assert caught.value.value == amount
        assert repr(amount) in caught.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("100"), "100.00"),
        (150, "150.00"),
        ("35.5", "35.50"),
        (" 75 ", "75.00"),
        (0, "0.00"),
    ],
)
def test_money_accepts_decimal_int_and_numeric_strings_TAR_7(value, expected: str) -> None:
    amount = to_money(value)
    assert isinstance(amount, Decimal)
    assert str(amount) == expected


@pytest.mark.parametrize(
    "value", ["abc", "1,5", "-1", Decimal("NaN"), "Infinity", "0.001", True, None]
)
def test_money_refuses_malformed_amounts_TAR_7(value) -> None:
    with pytest.raises(ValidationError) as caught:
        to_money(value)
    assert caught.value.rule == "TAR-7"
    assert repr(value) in caught.value.message


def test_round_money_is_half_up_TAR_7() -> None:
    assert round_money(Decimal("0.125")) == Decimal("0.13")
    assert round_money(Decimal("0.135")) == Decimal("0.14")
    assert round_money(Decimal("0.1249")) == Decimal("0.12")


def test_year_without_grid_is_an_error_TAR_2() -> None:
    with pytest.raises(NotFoundError) as caught:
        grid_for([GRID], 2026, cdg="cdg79")
    assert caught.value.rule == "TAR-2"
    assert caught.value.value == 2026
    assert "2026" in caught.value.message
    assert "2025" in caught.value.message  # says which exercises exist


def test_grid_for_picks_the_cdg_and_the_exercise_TAR_2() -> None:
    other = attrs.evolve(GRID, cdg="cdg77")
    later = attrs.evolve(GRID, exercise=2026, member_hourly_rate=Decimal("40"))
    grids = [other, GRID, later]
    assert grid_for(grids, 2025, cdg="cdg79") is GRID
    assert grid_for(grids, 2026, cdg="cdg79") is later
    with pytest.raises(NotFoundError, match="cdg77 pour l'exercice 2026"):
        grid_for(grids, 2026, cdg="cdg77")


def test_two_grids_for_the_same_year_are_refused_TAR_2() -> None:
    corrected = attrs.evolve(GRID, member_hourly_rate=Decimal("30"))
    for attempt in (
        lambda: collect_grids([[corrected], [GRID]]),
        lambda: grid_for([corrected, GRID], 2025, cdg="cdg79"),
    ):
        with pytest.raises(RuleViolation) as caught:
            attempt()
        assert caught.value.rule == "TAR-2"
        assert caught.value.value == 2025
        assert "cdg79" in caught.value.message and "2025" in caught.value.message
    other_cdg = attrs.evolve(GRID, cdg="cdg77")
    assert collect_grids([[other_cdg], [GRID]]) == (other_cdg, GRID)


def test_collect_grids_refuses_what_is_not_a_grid_TAR_2() -> None:
    with pytest.raises(ValidationError, match="'2025'") as caught:
        collect_grids([[GRID, "2025"]])
    assert caught.value.rule == "TAR-2"


def test_example_profile_ships_cdg79_2025_TAR_2() -> None:
    grid = grid_for(collect_grids([CDG79.grids]), 2025, cdg="cdg79")
    assert [(s.low, s.high, s.fee) for s in grid.strata] == [
        (0, 499, Decimal("100.00")),
        (500, 999, Decimal("150.00")),
        (1_000, 2_000, Decimal("200.00")),
        (2_001, 3_500, Decimal("300.00")),
    ]
    assert grid.ceiling == 3_500


def test_hourly_rates_TAR_5() -> None:
    assert GRID.hourly_rate(member=True) == Decimal("35.00")
    assert GRID.hourly_rate(member=False) == Decimal("75.00")


@given(st.integers(min_value=1, max_value=10_000), st.sampled_from([1, 5, 15, 30, 60]))
def test_rounding_bills_each_started_increment_TAR_5(minutes: int, increment: int) -> None:
    rounding = Rounding(increment)
    billed = rounding.billed_minutes(minutes)
    assert billed % increment == 0
    assert minutes <= billed < minutes + increment
    assert rounding.amount(Decimal("35"), minutes) == round_money(Decimal(35 * billed) / 60)


@pytest.mark.parametrize("increment", [0, -15, 61, 1.5, True])
def test_rounding_increment_is_validated_TAR_5(increment) -> None:
    with pytest.raises(ValidationError, match=repr(increment)):
        Rounding(increment)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_membership_covers_the_calendar_year_without_proration_TAR_3(joined_on: date) -> None:
    grid = attrs.evolve(GRID, exercise=joined_on.year)
    membership = new_membership(grid, commune(750), joined_on=joined_on, existing=[])
    assert membership.year == joined_on.year
    assert membership.fee == Decimal("150.00")  # the full fee, whatever the month
    assert membership.valid_from == date(joined_on.year, 1, 1)
    assert membership.valid_until == date(joined_on.year, 12, 31)
    assert membership.covers(membership.valid_from)
    assert membership.covers(membership.valid_until)
    assert not membership.covers(membership.valid_from - timedelta(days=1))
    assert not membership.covers(membership.valid_until + timedelta(days=1))


def test_second_membership_for_the_same_year_is_refused_TAR_3() -> None:
    first = new_membership(GRID, commune(750), joined_on=date(2025, 2, 1), existing=[])
    with pytest.raises(RuleViolation) as caught:
        new_membership(GRID, commune(750), joined_on=date(2025, 11, 30), existing=[first])
    assert caught.value.rule == "TAR-3"
    assert caught.value.value == 2025
    assert "2025" in caught.value.message and "79049" in caught.value.message


def test_other_commune_or_next_year_is_allowed_TAR_3() -> None:
    first = new_membership(GRID, commune(750), joined_on=date(2025, 2, 1), existing=[])
    other = new_membership(
        GRID, commune(750, "79001"), joined_on=date(2025, 2, 1), existing=[first]
    )
    grid_2026 = attrs.evolve(GRID, exercise=2026)
    ahead = new_membership(
        grid_2026, commune(750), joined_on=date(2025, 12, 15), existing=[first, other], year=2026
    )
    assert ahead.year == 2026 and ahead.valid_from == date(2026, 1, 1)
    assert holds_membership([first, other, ahead], "79049", 2026)
    assert not holds_membership([first, other], "79049", 2026)


def test_membership_for_a_past_year_is_refused_TAR_3() -> None:
    with pytest.raises(RuleViolation, match="2024") as caught:
        new_membership(GRID, commune(750), joined_on=date(2025, 1, 5), existing=[], year=2024)
    assert caught.value.rule == "TAR-3"


def test_membership_uses_the_grid_of_its_year_TAR_2() -> None:
    with pytest.raises(RuleViolation, match="2026") as caught:
        new_membership(GRID, commune(750), joined_on=date(2026, 1, 5), existing=[])
    assert caught.value.rule == "TAR-2"


def test_membership_above_3500_is_refused_TAR_1() -> None:
    with pytest.raises(RuleViolation, match="4200") as caught:
        new_membership(GRID, commune(4_200), joined_on=date(2025, 1, 5), existing=[])
    assert caught.value.rule == "TAR-1"


@pytest.mark.parametrize("population", [-1, 12.0, True, "500"])
def test_population_must_be_a_whole_non_negative_number(population) -> None:
    with pytest.raises(ValidationError, match="79049"):
        CommunePopulation("79049", population)


def test_catalogue_lists_included_and_billed_services_with_articles_TAR_8() -> None:
    by_kind = {service.kind: service for service in REFERENCE_CATALOGUE}
    included = {kind for kind, service in by_kind.items() if service.included}
    assert included == {
        ServiceKind.PLATFORM_ACCESS,
        ServiceKind.TOOLBOX,
        ServiceKind.ADVICE,
        ServiceKind.NETWORK_ACTIVATION,
        ServiceKind.TRAINEE_ACCOMPANIMENT,
    }
    assert by_kind[ServiceKind.MEMBERSHIP].article == "Art. 3.1"
    assert by_kind[ServiceKind.FIRST_JOB_ACCOMPANIMENT].article == "Art. 2.4"
    assert not by_kind[ServiceKind.FIRST_JOB_ACCOMPANIMENT].included
    assert by_kind[ServiceKind.SPECIFIC_INTERVENTION].hourly
    assert all(service.article.startswith("Art. ") for service in REFERENCE_CATALOGUE)
    assert GRID.service(ServiceKind.TOOLBOX).article == "Art. 2.1"


def test_the_catalogue_has_the_annex_two_columns_TAR_8() -> None:
    mandatory = GRID.column(CatalogueColumn.MANDATORY)
    assert (
        {s.kind for s in mandatory}
        == MANDATORY_MISSION
        == {
            ServiceKind.NETWORK_ANIMATION,
            ServiceKind.DIRECTORY,
            ServiceKind.EVENTS,
            ServiceKind.FOLLOW_UP_COMMITTEE,
        }
    )
    # The mandatory mission is free for every commune: neither sold in the pack nor billed.
    assert all(s.mandatory and not s.included and not s.hourly for s in mandatory)
    pack = {s.kind for s in GRID.column(CatalogueColumn.PACK)}
    assert ServiceKind.NETWORK_ANIMATION not in pack
    assert pack == {
        ServiceKind.MEMBERSHIP,
        ServiceKind.PLATFORM_ACCESS,
        ServiceKind.TOOLBOX,
        ServiceKind.ADVICE,
        ServiceKind.NETWORK_ACTIVATION,
        ServiceKind.TRAINEE_ACCOMPANIMENT,
        ServiceKind.FIRST_JOB_ACCOMPANIMENT,
        ServiceKind.SPECIFIC_INTERVENTION,
    }


@pytest.mark.parametrize(
    ("flags", "column"),
    [((True, False), None), ((False, True), None), ((False, False), "pack")],
)
def test_the_mandatory_mission_cannot_be_sold_or_billed_TAR_8(flags, column) -> None:
    animation = GRID.service(ServiceKind.NETWORK_ANIMATION)
    with pytest.raises(ValidationError, match="mission obligatoire") as caught:
        extra = {"column": column} if column else {}
        Service(animation.kind, animation.label, animation.article, *flags, **extra)
    assert caught.value.rule == "TAR-8"
    toolbox = GRID.service(ServiceKind.TOOLBOX)
    with pytest.raises(ValidationError) as moved:
        attrs.evolve(toolbox, column=CatalogueColumn.MANDATORY)
    assert moved.value.rule == "TAR-8"


def test_cdg79_bills_2_3_beyond_tar_6_2_4_and_2_6_not_2_5_TAR_5() -> None:
    assert set(CDG79_2025.hourly_services) == {
        ServiceKind.TRAINEE_ACCOMPANIMENT,
        ServiceKind.FIRST_JOB_ACCOMPANIMENT,
        ServiceKind.SPECIFIC_INTERVENTION,
    }
    activation = CDG79_2025.service(ServiceKind.NETWORK_ACTIVATION)
    assert activation.included and not activation.hourly  # in the annex, without a tariff


def test_incomplete_catalogue_is_refused_TAR_8() -> None:
    with pytest.raises(ValidationError) as caught:
        attrs.evolve(GRID, catalogue=REFERENCE_CATALOGUE[1:])
    assert caught.value.rule == "TAR-8"


def test_the_cdg_is_the_one_configured_else_the_only_one_with_grids_TAR_2() -> None:
    other = attrs.evolve(CDG79_2025, cdg="cdg86")
    assert pick_cdg([CDG79_2025]) == "cdg79"
    assert pick_cdg([CDG79_2025, other], "cdg86") == "cdg86"
    with pytest.raises(ValidationError) as caught:
        pick_cdg([CDG79_2025, other])  # never picked by the order plugins registered in
    assert caught.value.rule == "TAR-2" and "cdg79, cdg86" in caught.value.message
    with pytest.raises(NotFoundError) as missing:
        pick_cdg([])
    assert missing.value.rule == "TAR-2"


def test_a_merged_or_delegated_commune_cannot_join_TER_5() -> None:
    current = Commune("79060", "Caunay", "79", "75")
    assert check_can_join(current) is current
    merged = Commune(
        "79001", "L'Absie", "79", "75", status=CommuneStatus.DELEGUEE, successor="79060"
    )
    with pytest.raises(RuleViolation) as caught:
        check_can_join(merged)
    assert caught.value.rule == "TER-5" and "79060" in caught.value.message


def test_no_grid_for_the_cdg_names_the_missing_tarifs_section_TAR_2() -> None:
    with pytest.raises(NotFoundError, match=r"\[\[tarifs\]\]") as caught:
        grid_for([CDG79_2025], 2025, cdg="cdg77")  # never CDG 79's grid for CDG 77
    assert caught.value.rule == "TAR-2" and "cdg77" in caught.value.message


def test_a_commune_hors_ressort_is_never_served_TER_7() -> None:
    roissy = Commune("77169", "Compans", "77", "11", epci="200055655")
    assert check_served(roissy, ("77",), what="adhérer au pack") is roissy
    assert check_served(roissy, (), what="adhérer au pack") is roissy  # no territory configured
    with pytest.raises(RuleViolation) as caught:
        check_served(roissy, ("78", "91", "95"), what="adhérer au pack")
    assert caught.value.rule == "TER-7"
    assert "77169" in caught.value.message and "78, 91, 95" in caught.value.message


def test_a_grid_never_prices_a_commune_above_3500_TAR_1() -> None:
    """TER-3: the pack is for communes of 3,500 inhabitants at most (the grid's "2,001 to 3,500"
    is as written); a stratum beyond is refused when the grid is built."""
    with pytest.raises(ValidationError, match="5000 habitants") as caught:
        attrs.evolve(CDG79_2025, strata=(*CDG79_2025.strata[:-1], Stratum(2_001, 5_000, "300")))
    assert caught.value.rule == "TAR-1"
