"""Hostile spreadsheets for the import limits (MEM-1, docs/limits.md): small XLSX files that
unpack to huge sheets. Built with zipfile from a real openpyxl workbook whose sheet is replaced
by a generated one, streamed into the archive so the test itself stays small in memory."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl

HEADER = ("Prénom", "Nom", "Code INSEE", "Quotité")
_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _inline(values: Iterable[str]) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)


def header_row() -> str:
    return f'<row r="1">{_inline(HEADER)}</row>'


def write_xlsx(path: Path, sheet_parts: Iterable[str], *, extra: dict[str, bytes] | None = None,
               dimension: str | None = None) -> Path:  # fmt: skip
    """An XLSX at ``path`` whose first sheet is ``sheet_parts`` (the rows' XML), joined."""
    template = path.with_suffix(".template.xlsx")
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.save(template)
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(_OPEN.encode())
                    if dimension:
                        sheet.write(f'<dimension ref="{dimension}"/>'.encode())
                    sheet.write(b"<sheetData>")
                    buffer: list[str] = []
                    for part in sheet_parts:
                        buffer.append(part)
                        if len(buffer) >= 4096:
                            sheet.write("".join(buffer).encode())
                            buffer.clear()
                    sheet.write("".join(buffer).encode())
                    sheet.write(b"</sheetData></worksheet>")
            elif extra and item.filename in extra:
                continue
            else:
                target.writestr(item, source.read(item.filename))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    template.unlink()
    return path


def member_rows(count: int, *, start: int = 2) -> Iterator[str]:
    """``count`` rows of the same member data (they compress to almost nothing)."""
    for _ in range(start, start + count):
        yield f"<row>{_inline(('Marie', 'Durand', '79191', '1'))}</row>"


def with_header(rows: Iterable[str]) -> Iterator[str]:
    yield header_row()
    yield from rows


def wide_row(cells: int) -> Iterator[str]:
    """One row of ``cells`` cells after the header."""
    yield header_row()
    yield '<row r="2">' + "<c><v>1</v></c>" * cells + "</row>"
