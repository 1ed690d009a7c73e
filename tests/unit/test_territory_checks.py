"""The census import checks each code once and a SIREN by table look-ups (#17): the shortcuts
accept and refuse exactly what the rules do (TER-1)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core.domain.territory import (
    Commune,
    luhn_valid,
    validate_departement_code,
    validate_insee_code,
)
from rsgm_core.errors import ValidationError


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


@given(
    st.text("0123456789", min_size=9, max_size=9) | st.text("0123456789", min_size=14, max_size=14)
)
def test_the_table_luhn_check_agrees_with_the_digit_loop_TER_1(digits: str) -> None:
    assert luhn_valid(digits) is _luhn(digits)


def test_a_commune_code_once_checked_is_no_department_code_TER_1() -> None:
    assert validate_insee_code("79191") == "79191"
    assert validate_departement_code("79") == "79"
    with pytest.raises(ValidationError, match="code de département invalide"):
        validate_departement_code("79191")  # known as a commune code, still no department
    with pytest.raises(ValidationError, match="code INSEE de commune invalide"):
        validate_insee_code("79")  # known as a department code, still no commune


@pytest.mark.parametrize("bad", ["20001", "98411", "7919", ["79191"], None])
def test_bad_commune_codes_stay_refused_after_good_ones_were_seen_TER_1(bad: object) -> None:
    Commune("79191", "Niort", "79", "75", siren="200041317")
    with pytest.raises(ValidationError, match="TER-1"):
        validate_insee_code(bad)
    with pytest.raises(ValidationError, match="TER-1"):
        Commune(bad, "Ailleurs", "79", "75")  # type: ignore[arg-type]
