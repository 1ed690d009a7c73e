"""The one converter: plain values out, the same records back in, strict at the boundary."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import luhn

from rsgm_core import RsgmError, ValidationError
from rsgm_core.domain.members import Function, Member, Position, Status
from rsgm_core.domain.messages import MessageStatus, OutboxMessage
from rsgm_core.domain.territory import (
    Commune,
    CommuneStatus,
    EpciKind,
    FinancingMode,
    PopulationFigure,
    PopulationKind,
)
from rsgm_core.serialization import structure, unstructure

PARIS = ZoneInfo("Europe/Paris")
ENUMS: list[type[enum.Enum]] = [
    CommuneStatus, EpciKind, FinancingMode, PopulationKind, Function, Status, MessageStatus,
]  # fmt: skip

# TER-1: 01-95 but 20, then 2A/2B for Corsica, three digits; overseas 971-978 then two digits.
DEPARTEMENTS = [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"]
OVERSEAS = [str(n) for n in range(971, 979)]

insee_codes = st.one_of(
    st.builds("{}{:03d}".format, st.sampled_from(DEPARTEMENTS), st.integers(1, 999)),
    st.builds("{}{:02d}".format, st.sampled_from(OVERSEAS), st.integers(1, 99)),
)
sirens = st.integers(0, 10**8 - 1).map(lambda n: f"{n:08d}" + luhn.calc_check_digit(f"{n:08d}"))
names = st.text(min_size=1, max_size=40).filter(str.strip)
zoned = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from([PARIS, dt.UTC]),
)  # fmt: skip
# A wall-clock time read twice (or never) in Paris is not `==` to any time in another zone.
unambiguous = zoned.filter(lambda d: d.replace(fold=1 - d.fold).utcoffset() == d.utcoffset())
work_times = st.one_of(
    st.integers(1, 10_000).map(lambda n: Decimal(n).scaleb(-4)),
    st.sampled_from([Decimal(1), Decimal("0.5"), Decimal("1.00"), Decimal("0.25")]),
)


def departement_of(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


communes = insee_codes.flatmap(
    lambda code: st.builds(
        Commune,
        code=st.just(code),
        name=names,
        departement=st.just(departement_of(code)),
        region=st.sampled_from(["75", "94", "01", "11"]),
        siren=st.none() | sirens,
        arrondissement=st.none() | st.just(departement_of(code) + "1"),
        postcodes=st.lists(st.from_regex(r"\d{5}", fullmatch=True), max_size=3).map(tuple),
        epci=st.none() | sirens,
        status=st.sampled_from(CommuneStatus),
        successor=st.none() | insee_codes,
    )
)
populations = st.builds(
    lambda code, vintage, municipale, extra: PopulationFigure(
        code, vintage, municipale, None if extra is None else municipale + extra
    ),
    insee_codes, st.integers(1962, 2030), st.integers(0, 3_000_000), st.none() | st.integers(0, 10**5),
)  # fmt: skip
members = st.builds(Member, id=st.uuids().map(str), first_name=names, last_name=names,
                    email=st.none() | st.emails())  # fmt: skip
positions = st.builds(
    Position,
    id=st.uuids().map(str),
    member_id=st.uuids().map(str),
    commune=insee_codes,
    function=st.sampled_from(Function),
    work_time=work_times,
    status=st.sampled_from(Status),
    permanent=st.booleans(),
    start=st.none() | st.dates(),
    end=st.none() | st.dates(),
)
messages = st.builds(
    OutboxMessage,
    id=st.uuids().map(str),
    created_at=unambiguous,
    template=st.sampled_from(["member_welcome", "event_reminder"]),
    recipient=st.emails(),
    subject=names,
    body_text=st.text(),
    body_html=st.none() | st.text(),
    status=st.sampled_from(MessageStatus),
    attempts=st.integers(0, 50),
    last_error=st.none() | st.text(),
    last_attempt_at=st.none() | unambiguous,
    sent_at=st.none() | unambiguous,
    message_id=st.none() | st.text(),
)


@given(st.dates())
def test_dates_round_trip_as_iso_text(day: dt.date) -> None:
    assert unstructure(day) == day.isoformat()
    assert structure(unstructure(day), dt.date) == day


@given(zoned)
def test_zoned_datetimes_keep_their_instant_and_offset(moment: dt.datetime) -> None:
    # A wall time skipped by the spring change (02:30 on the last Sunday of March) names no real
    # instant; it comes back as the instant Python gives it, at its true offset.
    assume(
        moment.astimezone(dt.UTC).astimezone(moment.tzinfo).replace(fold=0)
        == moment.replace(fold=0)
    )
    text = unstructure(moment)
    assert isinstance(text, str)
    back = structure(text, dt.datetime)
    assert back.astimezone(dt.UTC) == moment.astimezone(dt.UTC)
    assert back.utcoffset() == moment.utcoffset()


def test_a_paris_time_in_the_autumn_fold_comes_back_equal() -> None:
    # 26 October 2025: 02:30 happens twice in Paris; this is the second one (UTC+1).
    moment = dt.datetime(2025, 10, 26, 2, 30, fold=1, tzinfo=PARIS)
    assert structure(unstructure(moment), dt.datetime) == moment


def test_naive_datetimes_are_refused_both_ways() -> None:
    with pytest.raises(ValidationError, match="fuseau"):
        structure("2025-03-14T10:30:00", dt.datetime)
    with pytest.raises(ValidationError, match="fuseau"):
        unstructure(dt.datetime(2025, 3, 14, 10, 30))


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimals_round_trip_as_text_with_their_exponent(amount: Decimal) -> None:
    text = unstructure(amount)
    assert isinstance(text, str)
    back = structure(text, Decimal)
    assert back == amount and str(back) == str(amount)


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_are_refused_as_decimals(amount: float) -> None:
    with pytest.raises(ValidationError, match="flottante"):
        structure(amount, Decimal)


@given(st.sampled_from([member for kind in ENUMS for member in kind]))
def test_enums_round_trip_as_their_value(member: enum.Enum) -> None:
    assert unstructure(member) == member.value
    assert structure(member.value, type(member)) is member


def test_an_unknown_enum_value_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        structure("maire", Function)


@given(st.one_of(communes, populations, members, positions, messages))
def test_records_round_trip(record: Any) -> None:
    plain = unstructure(record)
    assert isinstance(plain, dict)
    assert structure(plain, type(record)) == record


@given(positions)
def test_position_values_keep_their_types(position: Position) -> None:
    back = structure(unstructure(position), Position)
    assert type(back.work_time) is Decimal and str(back.work_time) == str(position.work_time)
    assert type(back.function) is Function and type(back.status) is Status


@given(communes)
def test_postcodes_are_a_list_out_and_a_tuple_in(commune: Commune) -> None:
    plain = unstructure(commune)
    assert plain["postcodes"] == list(commune.postcodes)
    assert structure(plain, Commune).postcodes == commune.postcodes


def test_an_extra_key_is_refused_and_named() -> None:
    plain = unstructure(Member("m-1", "Élodie", "Rousseau"))
    with pytest.raises(ValidationError, match="surnom"):
        structure({**plain, "surnom": "Lolo"}, Member)


def test_a_missing_field_is_named() -> None:
    with pytest.raises(ValidationError, match="last_name"):
        structure({"id": "m-1", "first_name": "Élodie"}, Member)


CAUNAY = unstructure(Commune("79060", "Caunay", "79", "75", siren="217900604"))


@pytest.mark.parametrize(
    ("data", "cls", "rule"),
    [
        ({**CAUNAY, "code": "20004"}, Commune, "TER-1"),  # Corsica is 2A/2B
        ({**CAUNAY, "code": "7906"}, Commune, "TER-1"),
        ({**CAUNAY, "siren": "217900605"}, Commune, "TER-1"),  # wrong check digit
        ({"commune": "79060", "vintage": 2021, "municipale": 290, "totale": 283},
         PopulationFigure, "TER-2"),
        ({"id": "p", "member_id": "m", "commune": "79060", "function": "sgm",
          "work_time": "1.5", "status": "titulaire"}, Position, "MEM-1"),
        ({"id": "m", "first_name": " ", "last_name": "Rousseau"}, Member, "MEM-1"),
    ],
)  # fmt: skip
def test_a_validators_own_error_propagates_with_its_rule(
    data: dict[str, Any], cls: type, rule: str
) -> None:
    with pytest.raises(RsgmError) as caught:
        structure(data, cls)
    assert isinstance(caught.value, ValidationError)
    assert caught.value.rule == rule
    assert f"[{rule}]" in str(caught.value)
