"""The sane bounds of numbers (docs/limits.md, domain/bounds.py): NaN, infinities, negatives and
absurd values are refused by the records themselves, naming the rule (TAR-5, TAR-7, EVT-4, EVT-7,
EVT-8, MEM-1, CNS-1; issue 18)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.advice import AdviceRequest, Channel
from rsgm_core.domain.billing import Intervention
from rsgm_core.domain.bounds import (
    MAX_AMOUNT,
    MAX_CAPACITY,
    MAX_MINUTES,
    check_amount,
    check_day,
    check_fraction,
    parse_decimal,
)
from rsgm_core.domain.events import Event, EventFormat, EventKind, Session, SessionPlan
from rsgm_core.domain.member_import import parse_fraction
from rsgm_core.domain.members import validate_work_time
from rsgm_core.domain.money import to_money
from rsgm_core.domain.tariffs import ServiceKind
from rsgm_core.errors import ValidationError

HOSTILE = ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e32", "1E+999999999"]
PARIS = dt.timezone(dt.timedelta(hours=1))


def event(cost: object) -> Event:
    return Event("e", "Journée", EventKind.NETWORK_DAY, EventFormat.IN_PERSON, cost=cost)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", HOSTILE)
def test_an_event_cost_is_a_finite_sane_amount_EVT_7(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        event(Decimal(text))
    assert caught.value.rule == "EVT-7" and "coût invalide" in caught.value.message


def test_the_cost_bound_is_one_million_euros_inclusive_EVT_7() -> None:
    assert event(MAX_AMOUNT).cost == Decimal(1_000_000)
    with pytest.raises(ValidationError, match="1\u202f000\u202f000 €"):
        event(MAX_AMOUNT + Decimal("0.01"))
    with pytest.raises(ValidationError, match="positif"):
        event(Decimal(-1))
    with pytest.raises(ValidationError, match="flottant"):
        event(1.5)


@pytest.mark.parametrize("text", [*HOSTILE, "1000000.01", "-0.01"])
def test_money_refuses_nan_infinities_and_beyond_the_bound_TAR_7(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        to_money(text)
    assert caught.value.rule == "TAR-7"


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_an_amount_is_in_bounds_or_refused_never_a_crash_TAR_7(value: Decimal) -> None:
    try:
        amount = check_amount(value)
    except ValidationError as exc:
        assert exc.rule == "TAR-7"
    else:
        assert amount.is_finite() and 0 <= amount <= MAX_AMOUNT


@pytest.mark.parametrize("capacity", [0, -1, MAX_CAPACITY + 1, 10**15])
def test_a_capacity_is_from_1_to_10000_seats_EVT_4(capacity: int) -> None:
    day = dt.date(2025, 6, 19)
    with pytest.raises(ValidationError) as caught:
        Session("s", "e", day, "Niort", day, capacity=capacity)
    assert caught.value.rule == "EVT-4" and "capacité invalide" in caught.value.message
    with pytest.raises(ValidationError):
        SessionPlan(day, "Niort", capacity=capacity)
    assert Session("s", "e", day, "Niort", day, capacity=MAX_CAPACITY).capacity == MAX_CAPACITY


@pytest.mark.parametrize("minutes", [9_999_999_999, MAX_MINUTES + 1, 0, -5])
def test_an_intervention_lasts_at_most_one_year_of_work_TAR_5(minutes: int) -> None:
    # 9,999,999,999 minutes made a 12.5 billion € invoice (issue 18).
    with pytest.raises(ValidationError) as caught:
        Intervention("79049", dt.date(2025, 4, 2), ServiceKind.SPECIFIC_INTERVENTION, minutes)
    assert caught.value.rule == "TAR-5" and "1\u202f607 heures" in caught.value.message
    assert Intervention(
        "79049", dt.date(2025, 4, 2), ServiceKind.SPECIFIC_INTERVENTION, MAX_MINUTES
    ).minutes


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "nan %", "Infinity/35", "1e999"])
def test_a_work_time_is_finite_in_0_1_MEM_1(text: str) -> None:
    # `--quotite nan` ended on decimal.InvalidOperation (issue 18).
    with pytest.raises(ValidationError) as caught:
        validate_work_time(parse_fraction(text))
    assert caught.value.rule == "MEM-1"


def test_the_percent_and_hours_forms_stay_accepted_MEM_1() -> None:
    assert validate_work_time(parse_fraction("50 %")) == Decimal("0.5")
    assert validate_work_time(parse_fraction("17,5/35")) == Decimal("0.5")
    assert check_fraction(1) == 1
    with pytest.raises(ValidationError):
        check_fraction(Decimal("1.0001"))


def test_time_spent_on_advice_is_bounded_CNS_1() -> None:
    at = dt.datetime(2025, 3, 14, 10, tzinfo=PARIS)
    with pytest.raises(ValidationError) as caught:
        AdviceRequest("a", "79019", "Claire", Channel.EMAIL, "état civil", "?", at,
                      minutes_spent=10**12)  # fmt: skip
    assert caught.value.rule == "CNS-1"


@pytest.mark.parametrize("text", ["NaN", "inf", "abc", "", "1,2,3"])
def test_a_typed_number_is_finite_or_refused_in_french(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_decimal(text, what="coût", rule="EVT-7")
    assert "coût invalide" in caught.value.message and caught.value.rule == "EVT-7"
    assert parse_decimal("1 200,50 €", what="coût", rule="EVT-7") == Decimal("1200.50")


@pytest.mark.parametrize(
    ("day", "shown"), [(dt.date(9999, 12, 31), "31/12/9999"), (dt.date(1, 1, 1), "01/01/0001")]
)
def test_a_day_outside_the_window_is_named_as_people_write_it(day: dt.date, shown: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_day(day, rule="TAR-4")
    assert info.value.message.endswith(f"(1900 à 2200) : {shown}")
    assert info.value.rule == "TAR-4"
