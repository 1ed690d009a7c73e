"""The sane bounds of every number and size a user can type or import, in one place.

A value outside them is a typing slip or a hostile input, never a real case: a NaN, an infinity,
a cost of 10^32 €, an intervention of 9,999,999,999 minutes (a 12.5 billion € invoice). They are
refused where the value enters the domain (the records and their validators), so the API, the
command line and the imports refuse them alike, with the rule named. ``docs/limits.md`` gives each
bound and why it was chosen; change them here and there together.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from rsgm_core.errors import ValidationError

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "MAX_AMOUNT",
    "MAX_CAPACITY",
    "MAX_COUNT",
    "MAX_DAYS",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_COLUMNS",
    "MAX_IMPORT_LINE_CHARS",
    "MAX_IMPORT_ROWS",
    "MAX_MINUTES",
    "MAX_SESSION_MINUTES",
    "MAX_SHEET_LINES",
    "MAX_SHEET_ROW_CELLS",
    "MAX_VERSION",
    "MAX_XLSX_PART_BYTES",
    "MAX_XLSX_SMALL_PART_BYTES",
    "MAX_XLSX_UNPACKED_BYTES",
    "check_amount",
    "check_count",
    "check_day",
    "check_days",
    "check_fraction",
    "check_minutes",
    "parse_decimal",
]

#: Any single amount: an event's cost, a fee, an hourly rate, an invoice line (TAR-7, EVT-7).
#: A network's whole yearly budget is tens of thousands of euros; one million is far beyond it.
MAX_AMOUNT = Decimal("1000000")
#: A duration worked for one commune or one request: one year of full-time work, the legal
#: 1,607 hours (décret 2000-815 art. 1), in minutes (TAR-5, KNB advice time).
MAX_MINUTES = 1607 * 60
#: The length of one sitting (an event's occurrence): one day (EVT-8).
MAX_SESSION_MINUTES = 24 * 60
#: Seats of one session (EVT-4): more than any venue a CDG network books, and than its SGMs.
MAX_CAPACITY = 10_000
#: Any other count a user types (a list's length).
MAX_COUNT = 1_000_000
#: A horizon or a retention period in days (deadlines ahead, personal data kept): a century.
MAX_DAYS = 36_525
#: A version number of a toolbox resource (KNB-3): far beyond any real history, and inside
#: what every database stores as an integer (SQLite's and PostgreSQL's 64 bits).
MAX_VERSION = 1_000_000

#: The calendar rsgm computes in: a date a person gives where a use case counts days or months
#: from it (deadlines, periods of indicators and statistics) lies in 1900-2200, the years
#: :meth:`Period.year` accepts (IND-1). Beyond, a computation of a few days would leave Python's
#: calendar (years 1 to 9999) and fail; no record of a CDG's network is that old or that far.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)

#: Member imports (MEM-1): a file is refused before it is read when larger than this …
MAX_IMPORT_BYTES = 20 * 1024 * 1024
#: … or when it holds more data rows (the largest CDG has a few thousand agents).
MAX_IMPORT_ROWS = 20_000
#: Columns read from a sheet; a filled cell beyond is refused, never silently dropped.
MAX_IMPORT_COLUMNS = 100
#: Characters of one CSV line (a member's row is a few hundred).
MAX_IMPORT_LINE_CHARS = 64 * 1024
#: An XLSX is a zip: what its parts may unpack to, in all …
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
#: … the shared strings (every text of the workbook, read whole) …
MAX_XLSX_PART_BYTES = 20 * 1024 * 1024
#: … and each other XML part read whole (styles, workbook, relations): a few kilobytes usually.
MAX_XLSX_SMALL_PART_BYTES = 2 * 1024 * 1024
#: Rows of a sheet, empty ones included (its last row number), and cells of one row, filled or
#: only formatted: what the reader keeps in memory grows with them.
MAX_SHEET_LINES = 100_000
MAX_SHEET_ROW_CELLS = 1_000


def _refuse(what: str, value: object, why: str, rule: str | None) -> ValidationError:
    return ValidationError(f"{what} invalide : {value!r} {why}", rule=rule, value=value)


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")  # 1 000 000, as French writes it


def parse_decimal(text: str, *, what: str, rule: str | None) -> Decimal:
    """A number typed by a person: ``350,50``, ``1 200``, ``0.5`` → a finite ``Decimal``.

    NaN, infinities and text that is not a number are refused with a French message naming
    ``what`` and ``rule``; the range is the caller's to check.
    """
    if not isinstance(text, str):
        raise _refuse(what, text, "n'est pas un texte", rule)
    cleaned = (
        text.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    )
    cleaned = cleaned.removesuffix("€")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise _refuse(what, text, "n'est pas un nombre (exemple : 350,50)", rule) from None
    if not number.is_finite():
        raise _refuse(what, text, "n'est pas un nombre fini", rule)
    return number


def _finite_decimal(value: Any, what: str, rule: str | None) -> Decimal:
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int):
        raise _refuse(
            what, value, "doit être un Decimal ou un entier (ni flottant, ni texte)", rule
        )
    number = Decimal(value)
    if not number.is_finite():
        raise _refuse(what, value, "n'est pas un nombre fini", rule)
    return number


def check_amount(value: Any, *, what: str = "montant", rule: str | None = "TAR-7") -> Decimal:
    """A finite amount in euros, from 0 to :data:`MAX_AMOUNT`; floats refused (TAR-7)."""
    amount = _finite_decimal(value, what, rule)
    if amount < 0:
        raise _refuse(what, value, "(un montant est positif ou nul)", rule)
    if amount > MAX_AMOUNT:
        raise _refuse(
            what, value, f"(au plus {_grouped(int(MAX_AMOUNT))} € ; voir docs/limits.md)", rule
        )
    return amount


def check_count(
    value: Any, *, what: str, rule: str | None, minimum: int = 0, maximum: int = MAX_COUNT
) -> int:
    """A whole number from ``minimum`` to ``maximum`` (booleans and floats refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(what, value, "doit être un nombre entier", rule)
    if value < minimum or value > maximum:
        raise _refuse(
            what, value, f"(attendu : de {_grouped(minimum)} à {_grouped(maximum)})", rule
        )
    return value


def check_days(
    value: Any, *, what: str, rule: str | None, minimum: int = 0, maximum: int = MAX_DAYS
) -> int:
    """A number of days, by default from 0 to a century (:data:`MAX_DAYS`)."""
    return check_count(value, what=what, rule=rule, minimum=minimum, maximum=maximum)


def check_day(value: Any, *, what: str = "date", rule: str | None) -> dt.date:
    """A date (not a datetime, whose time and zone would be lost) from :data:`FIRST_DAY` to
    :data:`LAST_DAY`."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise _refuse(what, value, "(une date attendue, par exemple 2025-03-14)", rule)
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            f"{what} hors des années prises en charge ({FIRST_DAY.year} à {LAST_DAY.year}) : "
            f"{value.day:02d}/{value.month:02d}/{value.year:04d}",
            rule=rule,
            value=value,
        )
    return value


def check_minutes(
    value: Any,
    *,
    what: str = "durée en minutes",
    rule: str | None,
    minimum: int = 1,
    maximum: int = MAX_MINUTES,
) -> int:
    """A duration in whole minutes, by default from 1 to one year of work (:data:`MAX_MINUTES`)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse(what, value, "doit être un nombre entier de minutes", rule)
    if value < minimum or value > maximum:
        hours = f", soit {_grouped(maximum // 60)} heures" if maximum >= 120 else ""
        raise ValidationError(
            f"{what} invalide : {value} minutes (attendu : de {minimum} à {_grouped(maximum)} "
            f"minutes{hours})",
            rule=rule,
            value=value,
        )
    return value


def check_fraction(value: Any, *, what: str = "quotité de travail", rule: str = "MEM-1") -> Decimal:
    """A work-time fraction q, finite, with 0 < q ≤ 1 (MEM-1); floats refused."""
    fraction = _finite_decimal(value, what, rule)
    if not 0 < fraction <= 1:
        raise _refuse(what, value, "hors de ]0 ; 1] (exemples : 1, 0,5, 50 %, 17,5/35)", rule)
    return fraction
