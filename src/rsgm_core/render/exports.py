"""Plain exports shared by every feature: CSV for spreadsheet users, JSON for software.

CSV follows what French spreadsheet software expects: ``;`` separator, UTF-8 with a byte-order mark,
French headers. Every cell that a spreadsheet would read as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is prefixed with an apostrophe, so a name typed as
``=HYPERLINK(…)`` stays text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any

from rsgm_core.serialization import unstructure

__all__ = ["neutralise", "to_csv", "to_json"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV text starting with a BOM; write it with ``encoding="utf-8"`` (the BOM is included)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
    return buffer.getvalue()


def to_json(value: Any) -> str:
    """Records and plain values as indented UTF-8 JSON, through the one converter."""
    return json.dumps(unstructure(value), ensure_ascii=False, indent=2, sort_keys=False)
