"""NET-8's arithmetic, exact in ``Decimal``: budget lines summed by nature, by event and by year
whatever their order and amounts; bad amounts and natures refused naming the value and the rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.means import (
    Activity,
    BudgetLine,
    BudgetNature,
    TimeEntry,
    Venue,
    budget_amount,
    budget_nature,
    check_venue_fits,
    event_costs,
    minutes_by_activity,
    totals_by_nature,
)
from rsgm_core.domain.means_summary import budget_of
from rsgm_core.domain.partners import Partner, PartnerCategory, intervention_years
from rsgm_core.errors import RsgmError

CENTS = st.integers(min_value=0, max_value=100_000_00).map(lambda c: Decimal(c) / 100)
LINES = st.lists(
    st.builds(
        lambda i, year, nature, planned, actual, event: BudgetLine(
            f"l{i}", year, nature, "ligne", planned, actual, event_id=event
        ),
        st.integers(0, 10**6),
        st.sampled_from([2024, 2025]),
        st.sampled_from(list(BudgetNature)),
        CENTS,
        st.none() | CENTS,
        st.none() | st.sampled_from(["e1", "e2", "e3"]),
    ),
    max_size=30,
)


@given(LINES)
def test_sums_by_nature_event_and_year_are_exact_NET_8(lines: list[BudgetLine]) -> None:
    for year in (2024, 2025):
        mine = [line for line in lines if line.year == year]
        budget = budget_of(year, lines)
        assert budget.planned == sum((line.planned for line in mine), Decimal(0))
        assert budget.actual == sum((line.actual or Decimal(0) for line in mine), Decimal(0))
        assert sum(n.lines for n in budget.natures) == len(mine)
        assert budget.planned == budget.planned.quantize(Decimal("0.01"))  # no rounding
        costs = {c.event_id: c for c in budget.events}
        for event in {line.event_id for line in mine if line.event_id}:
            theirs = [line for line in mine if line.event_id == event]
            assert costs[event].cost == sum((line.cost for line in theirs), Decimal(0))
            assert costs[event].lines == len(theirs)
    assert sum(c.cost for c in event_costs(lines).values()) == sum(
        (line.cost for line in lines if line.event_id), Decimal(0)
    )
    assert totals_by_nature(reversed(lines)) == totals_by_nature(lines)  # order does not matter


@given(st.integers(min_value=-(10**9), max_value=10**8))
def test_an_amount_in_cents_is_kept_exactly_or_refused_NET_8(cents: int) -> None:
    typed = f"{Decimal(cents) / 100:.2f}".replace(".", ",")
    if cents < 0:
        with pytest.raises(RsgmError) as caught:
            budget_amount(typed)
        assert caught.value.rule == "NET-8" and repr(typed) in caught.value.message
    elif cents <= 100_000_000:
        assert budget_amount(typed) == Decimal(cents) / 100
    else:
        with pytest.raises(RsgmError):
            budget_amount(typed)


@pytest.mark.parametrize("bad", [1.5, "abc", "", "NaN", True, None, "1,001"])
def test_non_numeric_float_and_sub_cent_amounts_are_refused_NET_8(bad: object) -> None:
    with pytest.raises(RsgmError) as caught:
        budget_amount(bad)
    assert caught.value.rule == "NET-8"


def test_natures_are_read_by_value_or_name_NET_8() -> None:
    assert budget_nature("restauration") is budget_nature("catering") is BudgetNature.CATERING
    with pytest.raises(RsgmError, match="nature de dépense inconnue : 'fleurs'"):
        budget_nature("fleurs")


def test_a_venue_seats_its_session_NET_8() -> None:
    room = Venue("v", "Salle", "Adresse", 30)
    assert check_venue_fits(room, capacity=30, registered=0, place="Niort") is room
    with pytest.raises(RsgmError, match="prévoit 31 places"):
        check_venue_fits(room, capacity=31, registered=0, place="Niort")
    with pytest.raises(RsgmError, match="compte déjà 31 inscrits"):
        check_venue_fits(room, capacity=None, registered=31, place="Niort")


@given(st.lists(st.integers(min_value=1, max_value=600), max_size=20), st.integers(0, 10_000))
def test_minutes_add_up_with_the_advice_minutes_NET_8(minutes: list[int], advice: int) -> None:
    entries = [
        TimeEntry(f"t{i}", "m", dt.date(2025, 1, 1), m, Activity.PREPARATION)
        for i, m in enumerate(minutes)
    ]
    rows = minutes_by_activity(entries, advice_minutes=advice)
    assert sum(m for _, m in rows) == sum(minutes) + advice


def test_a_partners_years_are_declared_and_derived_MEM_10() -> None:
    card = Partner("p", "Mme Laurent", "DDFiP", PartnerCategory.ADMINISTRATION, years=(2023,))
    years = intervention_years(card, [dt.date(2025, 6, 12), dt.date(2023, 1, 5)])
    assert (years.declared, years.from_sessions, years.years) == (
        (2023,),
        (2023, 2025),
        (2023, 2025),
    )
