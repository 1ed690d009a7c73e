"""The élus' pure rules (MEM-12): mandate dates, one mayor per commune, renewals, the spreadsheet's
words, the salutation; the steering seat an élu holds (NET-3)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.elu_import import ELU_VOCABULARY, read_civility, read_role
from rsgm_core.domain.elus import (
    Civility,
    Elu,
    EluRole,
    check_elu,
    check_no_overlap,
    overlaps,
    renewed_by,
    salutation,
    steering_seat,
)
from rsgm_core.domain.governance import SeatKind
from rsgm_core.errors import RsgmError, RuleViolation, ValidationError

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31))


def mayor(name: str, start: dt.date, end: dt.date | None = None, commune: str = "79019") -> Elu:
    first, last = name.split()
    return Elu(name, first, last, EluRole.MAYOR, start, end, commune=commune)


@given(days, st.one_of(st.none(), days))
def test_a_mandate_never_ends_before_it_starts_MEM_12(start: dt.date, end: dt.date | None) -> None:
    elu = mayor("Ana Lopez", start, end)
    if end is not None and end < start:
        with pytest.raises(ValidationError) as caught:
            check_elu(elu)
        assert caught.value.rule == "MEM-12" and f"{end:%d/%m/%Y}" in caught.value.message
    else:
        assert check_elu(elu) is elu


@given(days, st.one_of(st.none(), days), days, st.one_of(st.none(), days))
def test_one_mayor_per_commune_on_any_day_MEM_12(
    a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None
) -> None:
    a, b = mayor("Ana Lopez", a_start, a_end), mayor("Eva Blanc", b_start, b_end)
    shared = any(
        a.in_office(d) and b.in_office(d)
        for d in {a_start, b_start, a_end or a_start, b_end or b_start}
    )
    assert overlaps(a, b) == overlaps(b, a)
    if shared:
        assert overlaps(a, b)
    try:
        check_no_overlap(b, [a], place="Aubigny")
    except RuleViolation as exc:
        assert overlaps(a, b) and exc.rule == "MEM-12" and "Ana Lopez" in exc.message
    else:
        assert not overlaps(a, b)


def test_deputies_are_many_and_other_communes_are_theirs_MEM_12() -> None:
    start = dt.date(2020, 5, 23)
    a = Elu("a", "Paul", "Girard", EluRole.DEPUTY, start, commune="79019")
    b = Elu("b", "Léa", "Roy", EluRole.DEPUTY, start, commune="79019")
    check_no_overlap(b, [a])
    check_no_overlap(mayor("Ana Lopez", start, commune="79307"), [mayor("Eva Blanc", start)])


def test_a_renewal_ends_the_running_mandates_of_the_places_named_MEM_12() -> None:
    old = mayor("Ana Lopez", dt.date(2020, 5, 23))
    gone = mayor("Eva Blanc", dt.date(2014, 4, 1), dt.date(2020, 5, 22))
    elsewhere = mayor("Léo Vert", dt.date(2020, 5, 23), commune="79307")
    found = renewed_by(
        [old, gone, elsewhere], roles=[EluRole.MAYOR], seats={"79019"}, on=dt.date(2026, 3, 22)
    )
    assert found == [old]


def test_the_words_of_an_elus_sheet_MEM_12() -> None:
    assert read_role("Maire") == (EluRole.MAYOR, None)
    assert read_role("2ème Adjointe") == (EluRole.DEPUTY, Civility.MADAME)
    assert read_role("1er adjoint") == (EluRole.DEPUTY, None)
    assert read_role("Présidente de l'EPCI") == (EluRole.EPCI_PRESIDENT, Civility.MADAME)
    assert read_role("Membre du CA") == (EluRole.CDG_BOARD, None)
    assert read_role("Shérif") is None
    assert read_civility("Mme") is Civility.MADAME and read_civility("M.") is Civility.MONSIEUR
    assert ELU_VOCABULARY.field_of("Date d'élection") == "start"
    assert ELU_VOCABULARY.field_of("Fin de mandat") == "end"
    assert ELU_VOCABULARY.field_of("Code INSEE") == "commune"


def test_the_salutation_agrees_with_the_civility_MEM_12() -> None:
    start = dt.date(2020, 5, 23)
    assert salutation(attrs_evolve(mayor("Ana Lopez", start), Civility.MADAME)) == "Madame la Maire"
    president = Elu("p", "Luc", "Faure", EluRole.EPCI_PRESIDENT, start, epci="200069755",
                    civility=Civility.MONSIEUR)  # fmt: skip
    assert salutation(president) == "Monsieur le Président"
    assert salutation(mayor("Ana Lopez", start)) == "Madame, Monsieur"


def attrs_evolve(elu: Elu, civility: Civility) -> Elu:
    import attrs

    return attrs.evolve(elu, civility=civility)


def test_the_steering_seat_an_elu_holds_NET_3() -> None:
    start, day = dt.date(2020, 5, 23), dt.date(2025, 3, 14)
    board = Elu("c", "Luc", "Faure", EluRole.CDG_BOARD, start)
    assert steering_seat(board, on=day).kind is SeatKind.CDG_ELECTED
    seat = steering_seat(mayor("Ana Lopez", start), on=day, epci="200069755")
    assert (seat.kind, seat.holder, seat.epci) == (SeatKind.EPCI_ELECTED, "Ana Lopez", "200069755")
    with pytest.raises(RsgmError) as caught:
        steering_seat(mayor("Ana Lopez", start, dt.date(2024, 1, 1)), on=day, epci="200069755")
    assert caught.value.rule == "NET-3"
    with pytest.raises(RsgmError):
        steering_seat(mayor("Ana Lopez", start), on=day)  # a commune in no EPCI
