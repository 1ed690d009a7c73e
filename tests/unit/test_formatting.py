"""Locale formatting of amounts, dates, numbers and percentages through Babel (TAR-7)."""

import os
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rsgm_core import ValidationError
from rsgm_core.render.formatting import format_date, format_money, format_number, format_percent

NBSP = "\u00a0"  # Babel's fr_FR space before € and %
NNBSP = "\u202f"  # Babel's fr_FR thousands separator


def test_format_money_is_babel_exact_output_TAR_7() -> None:
    from babel.numbers import format_currency

    assert format_money(Decimal("100")) == "100,00\u00a0€"
    assert format_money(Decimal("100")) == format_currency(Decimal("100"), "EUR", locale="fr_FR")


def test_format_money_thousands_and_other_locales_TAR_7() -> None:
    assert format_money(Decimal("1234.5")) == f"1{NNBSP}234,50{NBSP}€"
    assert format_money(1_000_000) == f"1{NNBSP}000{NNBSP}000,00{NBSP}€"
    assert format_money(Decimal("1234.5"), locale="en_GB") == "€1,234.50"
    assert format_money(Decimal("100"), currency="USD", locale="en_US") == "$100.00"
    assert format_money(Decimal("-35")) == f"-35,00{NBSP}€"


def test_format_money_rounds_half_up_TAR_7() -> None:
    assert format_money(Decimal("0.125")) == f"0,13{NBSP}€"  # Babel alone would give 0,12
    assert format_money(Decimal("0.135")) == f"0,14{NBSP}€"


@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_format_money_keeps_every_cent_TAR_7(amount: Decimal) -> None:
    text = format_money(amount)
    digits = text.replace(NNBSP, "").replace(NBSP + "€", "").replace(",", ".")
    assert Decimal(digits) == amount


@pytest.mark.parametrize("amount", [100.0, 0.1])
def test_format_money_refuses_floats_TAR_7(amount: float) -> None:
    with pytest.raises(ValidationError) as caught:
        format_money(amount)
    assert caught.value.rule == "TAR-7"
    assert repr(amount) in caught.value.message


@pytest.mark.parametrize("bad", ["100", None, True, Decimal("NaN")])
def test_format_money_refuses_non_numbers_TAR_7(bad) -> None:
    with pytest.raises(ValidationError):
        format_money(bad)


def test_format_money_refuses_unknown_currency_or_locale() -> None:
    with pytest.raises(ValidationError, match="'XYZ'"):
        format_money(Decimal("1"), currency="XYZ")
    with pytest.raises(ValidationError, match="'zz_ZZ'"):
        format_money(Decimal("1"), locale="zz_ZZ")


def test_format_date_TAR_7() -> None:
    assert format_date(date(2025, 1, 1)) == "1er janvier 2025"
    assert format_date(date(2025, 7, 14), locale="en_GB") == "14 July 2025"
    assert format_date(date(2025, 1, 1), format="short") == "01/01/2025"
    assert format_date(date(2025, 1, 1), format="full") == "mercredi 1er janvier 2025"
    assert format_date(datetime(2025, 1, 1, 23, 30)) == "1er janvier 2025"


def test_format_date_refuses_what_is_not_a_date() -> None:
    with pytest.raises(ValidationError, match="'2025-01-01'"):
        format_date("2025-01-01")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'xx'"):
        format_date(date(2025, 1, 1), locale="xx")


def test_format_number() -> None:
    assert format_number(1234567) == f"1{NNBSP}234{NNBSP}567"
    assert format_number(Decimal("1234.5"), decimals=2) == f"1{NNBSP}234,50"
    assert format_number(Decimal("2.5"), decimals=0) == "3"  # half-up
    assert format_number(1234.5, locale="en_US") == "1,234.5"
    with pytest.raises(ValidationError, match="-1"):
        format_number(1, decimals=-1)


def test_format_percent() -> None:
    assert format_percent(Decimal("0.25")) == f"25{NBSP}%"
    assert format_percent(Decimal("0.2555"), decimals=1) == f"25,6{NBSP}%"
    assert format_percent(Decimal("0.25"), decimals=2) == f"25,00{NBSP}%"
    assert format_percent(0.5, locale="en_US") == "50%"
    assert format_percent(Decimal("0.005")) == f"1{NBSP}%"  # half-up


def test_importing_the_module_does_not_load_babel() -> None:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    code = "import sys, rsgm_core.render.formatting; print('babel' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "False"
