"""Plain exports shared by every feature: CSV and XLSX for spreadsheet users, JSON for software.

One convention for every CSV the project writes (``docs/exports.md``), the one a French
spreadsheet (LibreOffice Calc or Excel set to French) reads without an import dialog:

- ``;`` separator, ``\\r\\n`` line ends, UTF-8 with a byte-order mark, French headers;
- numbers as numbers: a decimal comma, no thousands separator, no currency or percent sign
  (``1250,00``; the header carries the unit: ``coût (€)``, ``taux de participation (%)``);
  amounts (:class:`Money`) with two decimals, rates (:class:`Rate`) as percentages with one;
- dates ``dd/mm/yyyy``, times of day ``dd/mm/yyyy HH:MM``; booleans ``oui`` / ``non``;
- every text cell that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``,
  ``@``, a tab or a carriage return) is prefixed with an apostrophe, so a name typed as
  ``=HYPERLINK(…)`` stays text. Numbers are written by the code, never neutralised.

XLSX (:func:`to_xlsx`, the ``xlsx`` extra) writes the same values as typed cells: dates as dates
(``dd/mm/yyyy``, shown ``JJ/MM/AAAA`` by a French Calc), amounts as numbers in euros
(``#,##0.00 "€"``, shown ``# ##0,00 €``), rates as ratios shown as percentages (``0 %``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from rsgm_core.errors import MissingExtraError
from rsgm_core.serialization import unstructure

__all__ = [
    "DATE_FORMAT",
    "MONEY_FORMAT",
    "RATE_FORMAT",
    "Money",
    "Rate",
    "csv_cell",
    "neutralise",
    "to_csv",
    "to_json",
    "to_xlsx",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")

#: XLSX number formats, as stored in the file (a French spreadsheet shows them localised:
#: ``JJ/MM/AAAA``, ``# ##0,00 €``, ``0 %``).
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
MONEY_FORMAT = '#,##0.00\\ "€"'
RATE_FORMAT = "0\\ %"


@attrs.frozen
class Money:
    """An amount in euros in an export: two decimals in CSV, a euro-formatted number in XLSX."""

    amount: Decimal


@attrs.frozen
class Rate:
    """A ratio (``0.25``) in an export: ``25,0`` (percent) in CSV, ``25 %`` in XLSX."""

    ratio: Decimal


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _number(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def csv_cell(value: Any) -> str:
    """One cell of a CSV export in the project's convention (module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Money):
        return _number(value.amount.quantize(_CENT, rounding=ROUND_HALF_UP))
    if isinstance(value, Rate):
        return _number((value.ratio * 100).quantize(_TENTH, rounding=ROUND_HALF_UP))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, float):
        return _number(Decimal(repr(value)))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return neutralise(value)


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text starting with a BOM; write it with ``encoding="utf-8"`` (the BOM is included).
    Cells are typed values (:func:`csv_cell`): give numbers, dates and :class:`Money` /
    :class:`Rate` values rather than formatted text."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([csv_cell(cell) for cell in row])
    return buffer.getvalue()


def _xlsx_cell(value: Any) -> tuple[Any, str | None]:
    """The value openpyxl writes and its number format."""
    if isinstance(value, Money):
        return value.amount.quantize(_CENT, rounding=ROUND_HALF_UP), MONEY_FORMAT
    if isinstance(value, Rate):
        return value.ratio, RATE_FORMAT
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the wall-clock time, as written in the CSV.
        return value.replace(tzinfo=None), DATETIME_FORMAT
    if isinstance(value, dt.date):
        return value, DATE_FORMAT
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value, None
    return neutralise(value), None


def to_xlsx(
    title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    widths: Sequence[int] = (),
) -> bytes:
    """A one-sheet workbook named ``title``: a bold header row (frozen), then ``rows`` as typed
    cells (dates, :class:`Money`, :class:`Rate`, numbers; text neutralised). Needs the ``xlsx``
    extra."""
    try:
        import openpyxl
        from openpyxl.styles import Font
    except ImportError:
        raise MissingExtraError("l'export Excel", "xlsx", "openpyxl") from None
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = title[:31]  # Excel's limit for a sheet name
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for line, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            written, number_format = _xlsx_cell(value)
            cell = sheet.cell(line, column, written)
            if number_format is not None:
                cell.number_format = number_format
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(value: Any) -> str:
    """Records and plain values as indented UTF-8 JSON, through the one converter."""
    return json.dumps(unstructure(value), ensure_ascii=False, indent=2, sort_keys=False)
