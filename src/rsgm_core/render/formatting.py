"""Amounts, dates, numbers and percentages written for the user's locale, through Babel (TAR-7).

``fr_FR`` by default: ``format_money(Decimal("100"))`` is ``"100,00\\u00a0€"`` and
``format_date(date(2025, 1, 1))`` is ``"1er janvier 2025"``. The spaces are Babel's (CLDR's) and are
kept as they are: in French a no-break space (U+00A0) precedes ``€`` and ``%``, and a narrow
no-break space (U+202F) groups thousands (``1\\u202f234,50\\u00a0€``). Compare with those
characters, not with ``" "``.

Rounding is half-up to the currency's (or the requested) number of digits before Babel sees the
value, as the domain rounds invoice amounts; Babel alone would round half-even. Babel is imported
inside each function, so that importing ``rsgm_core`` does not load its locale data.
"""

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from rsgm_core.errors import ValidationError

if TYPE_CHECKING:
    from babel import Locale

__all__ = ["format_date", "format_date_short", "format_money", "format_number", "format_percent"]


def _locale(locale: str) -> "Locale":
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValidationError(
            f"langue inconnue : {locale!r} (par exemple « fr_FR » ou « en_GB »)", value=locale
        ) from None


def _decimal(value: object, *, money: bool) -> Decimal:
    if isinstance(value, float) and money:
        raise ValidationError(
            f"montant refusé : {value!r} est un nombre à virgule flottante ; utilisez Decimal",
            rule="TAR-7",
            value=value,
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise ValidationError(f"nombre attendu : {value!r}", value=value)
    # str() first: Decimal(0.1) would expose the float's binary expansion.
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValidationError(f"nombre non fini : {value!r}", value=value)
    return number


def _check_decimals(decimals: object) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10:
        raise ValidationError(
            f"nombre de décimales invalide : {decimals!r} (0 à 10)", value=decimals
        )
    return decimals


def _round(number: Decimal, decimals: int) -> Decimal:
    try:
        return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValidationError(f"nombre trop grand : {number}", value=number) from None


def _fixed(pattern: str, decimals: int) -> str:
    """The locale's ``pattern`` with exactly ``decimals`` fraction digits."""
    fraction = "." + "0" * decimals if decimals else ""
    return re.sub(r"([#,0]*0)(\.[0#]*)?", lambda m: m.group(1) + fraction, pattern)


def format_money(amount: Decimal | int, locale: str = "fr_FR", currency: str = "EUR") -> str:
    """``amount`` in ``currency`` for ``locale``; a float is refused (TAR-7)."""
    from babel.numbers import UnknownCurrencyError, format_currency, get_currency_precision
    from babel.numbers import validate_currency as check_currency

    number = _decimal(amount, money=True)
    try:
        check_currency(currency)
    except (UnknownCurrencyError, TypeError):
        raise ValidationError(
            f"devise inconnue : {currency!r} (par exemple « EUR »)", value=currency
        ) from None
    number = _round(number, get_currency_precision(currency))
    return format_currency(number, currency, locale=_locale(locale))


def format_date(d: date, locale: str = "fr_FR", format: str = "long") -> str:
    """``d`` for ``locale``; ``format``: ``short``, ``medium``, ``long``, ``full`` or a pattern.
    In French the first of the month is an ordinal: "1er décembre 2026"."""
    from babel.dates import format_date as babel_format_date

    if not isinstance(d, date):
        raise ValidationError(f"date attendue : {d!r}", value=d)
    loc = _locale(locale)
    text = babel_format_date(d, format=format, locale=loc)
    if d.day == 1 and loc.language == "fr":  # "1er décembre 2026", never "1 décembre"
        text = _FIRST.sub("1er", text, count=1)
    return text


def format_date_short(d: date) -> str:
    """``d`` as ``dd/mm/yyyy``, the one numeric form of a date in documents and exports."""
    if not isinstance(d, date):
        raise ValidationError(f"date attendue : {d!r}", value=d)
    return d.strftime("%d/%m/%Y")


#: The day number 1 written alone before a month's name (not "01/12", not "11").
_FIRST = re.compile(r"(?<![\d/.\-])1(?= [^\d\s])")


def format_number(
    value: Decimal | int | float, locale: str = "fr_FR", decimals: int | None = None
) -> str:
    """``value`` with the locale's separators; ``decimals`` fixes the fraction digits (half-up)."""
    from babel.numbers import format_decimal

    number = _decimal(value, money=False)
    loc = _locale(locale)
    if decimals is None:
        return format_decimal(number, locale=loc)
    decimals = _check_decimals(decimals)
    pattern = _fixed(loc.decimal_formats[None].pattern, decimals)
    return format_decimal(_round(number, decimals), format=pattern, locale=loc)


def format_percent(value: Decimal | int | float, locale: str = "fr_FR", decimals: int = 0) -> str:
    """The ratio ``value`` (``0.25``) as a percentage (``25 %``), ``decimals`` digits, half-up."""
    from babel.numbers import format_percent as babel_format_percent

    number = _decimal(value, money=False)
    decimals = _check_decimals(decimals)
    loc = _locale(locale)
    pattern = _fixed(loc.percent_formats[None].pattern, decimals)
    return babel_format_percent(_round(number, decimals + 2), format=pattern, locale=loc)
