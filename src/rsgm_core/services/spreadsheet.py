"""Reading a CSV or XLSX file a CDG imports, row by row, within the limits of docs/limits.md.

Whatever the file, memory stays bounded: its size is checked before anything is read; an XLSX (a
zip) is checked on what its parts declare they unpack to (the zip reader enforces the declared
sizes), then its first sheet is scanned once with expat, counting rows and cells in constant
memory, before openpyxl reads it in read-only mode, row by row. A file beyond a limit is refused
with a French :class:`~rsgm_core.errors.SourceDataError` naming the file, the limit and what to
do; nothing is half-read. The rows come out as lists of text, the header first.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any
from xml.parsers import expat

from rsgm_core.domain.bounds import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_COLUMNS,
    MAX_IMPORT_LINE_CHARS,
    MAX_IMPORT_ROWS,
    MAX_SHEET_LINES,
    MAX_SHEET_ROW_CELLS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_SMALL_PART_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
)
from rsgm_core.errors import MissingExtraError, RsgmError, SourceDataError

__all__ = ["read_rows"]

RULE = "MEM-1"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",") + " Mo"


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _too_big(path: Path, what: str) -> SourceDataError:
    return SourceDataError(
        f"{what} ; découpez le fichier en plusieurs imports (limites : docs/limits.md)",
        source=str(path),
        rule=RULE,
        value=str(path),
    )


def read_rows(path: Path) -> Generator[list[str], None, None]:
    """The rows of ``path`` (CSV, or the first sheet of an XLSX), header first, read lazily.

    Refused before reading: a file over :data:`~.bounds.MAX_IMPORT_BYTES`; an XLSX whose parts
    unpack beyond the limits. Refused while reading: more than :data:`~.bounds.MAX_IMPORT_ROWS`
    data rows, a cell filled beyond column :data:`~.bounds.MAX_IMPORT_COLUMNS`.
    """
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise _too_big(
            path, f"fichier de {_megabytes(size)}, au-delà de {_megabytes(MAX_IMPORT_BYTES)}"
        )
    xlsx = path.suffix.lower() in (".xlsx", ".xlsm")
    rows = _xlsx_rows(path) if xlsx else _csv_rows(path)
    data = 0
    for line, row in enumerate(rows, start=1):
        if len(row) > MAX_IMPORT_COLUMNS:
            if any(cell.strip() for cell in row[MAX_IMPORT_COLUMNS:]):
                raise _too_big(
                    path,
                    f"ligne {line} : cellule remplie au-delà de la colonne "
                    f"{MAX_IMPORT_COLUMNS} (au plus {MAX_IMPORT_COLUMNS} colonnes)",
                )
            row = row[:MAX_IMPORT_COLUMNS]
        while row and not row[-1].strip():  # the padding of a sheet's declared width
            row.pop()
        if line > 1 and row:
            data += 1
            if data > MAX_IMPORT_ROWS:
                raise _too_big(
                    path,
                    f"plus de {_grouped(MAX_IMPORT_ROWS)} lignes de données (ligne {_grouped(line)})",
                )
        yield row


# --- CSV -----------------------------------------------------------------------------------------


def _encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes so, else Windows-1252 when it
    does; a byte neither gives is refused."""
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        with path.open("rb") as raw:
            try:
                while chunk := raw.read(1 << 16):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError as exc:
                failed = exc
                continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    raise SourceDataError(
        f"fichier illisible : ni UTF-8 ni Windows-1252 (octet 0x{failed.object[failed.start]:02X}"
        ") ; enregistrez-le en CSV UTF-8",
        source=str(path),
        rule=RULE,
        value=str(path),
    )


def _bounded_lines(path: Path, text: IO[str]) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if len(line) > MAX_IMPORT_LINE_CHARS:
            raise _too_big(
                path,
                f"ligne {number} de plus de {_grouped(MAX_IMPORT_LINE_CHARS)} caractères",
            )
        yield line


def _csv_rows(path: Path) -> Iterator[list[str]]:
    encoding = _encoding(path)
    with path.open(encoding=encoding, newline="") as text:
        first = text.readline(MAX_IMPORT_LINE_CHARS + 1)
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        text.seek(0)
        try:
            yield from csv.reader(_bounded_lines(path, text), delimiter=delimiter)
        except csv.Error as exc:
            raise SourceDataError(
                f"CSV illisible : {exc}", source=str(path), rule=RULE, value=str(path)
            ) from None


# --- XLSX ----------------------------------------------------------------------------------------


def _is_worksheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_zip(path: Path) -> None:
    """The parts' declared sizes (what they unpack to: the zip reader stops at that size, so a
    part cannot lie): in all, and for the parts openpyxl reads whole."""
    if not zipfile.is_zipfile(path):
        raise SourceDataError(
            "n'est pas un classeur XLSX (enregistrez-le au format Excel .xlsx, ou en CSV)",
            source=str(path),
            rule=RULE,
            value=str(path),
        )
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise _too_big(
            path,
            f"classeur qui se décompresse en {_megabytes(total)}, au-delà de "
            f"{_megabytes(MAX_XLSX_UNPACKED_BYTES)}",
        )
    for part in parts:
        if _is_worksheet(part.filename) or not part.filename.endswith((".xml", ".rels")):
            continue
        shared = part.filename.endswith("sharedStrings.xml")
        limit = MAX_XLSX_PART_BYTES if shared else MAX_XLSX_SMALL_PART_BYTES
        if part.file_size > limit:
            raise _too_big(
                path,
                f"partie {part.filename} du classeur de {_megabytes(part.file_size)}, au-delà "
                f"de {_megabytes(limit)}",
            )


class _SheetScan:
    """Counts a sheet's rows and cells with expat, in constant memory, before openpyxl opens the
    workbook: openpyxl keeps an element for every row it has passed (when it sizes each sheet at
    opening, and when it reads one), all the cells of the row it reads, and pads missing rows up
    to the last row number, so each of those is bounded first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.in_data = False
        self.lines = 0  # <row> elements
        self.last = 0  # the largest row number, what openpyxl pads up to
        self.cells = 0
        self.outside = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = name.rsplit(":", 1)[-1]
        if tag == "sheetData":
            self.in_data = True
        elif not self.in_data:
            self.outside += 1
            if self.outside > MAX_SHEET_LINES:
                raise _too_big(self.path, "feuille aux trop nombreux éléments hors des données")
        elif tag == "row":
            self.lines += 1
            self.cells = 0
            number = attributes.get("r", "")
            self.last = max(self.last + 1, int(number) if number.isdigit() else 0)
            if self.last > MAX_SHEET_LINES:
                raise _too_big(
                    self.path,
                    f"feuille de plus de {_grouped(MAX_SHEET_LINES)} lignes, vides comprises "
                    f"(ligne {_grouped(self.last)} ; supprimez les lignes vides en fin de feuille)",
                )
        elif tag == "c":
            self.cells += 1
            if self.cells > MAX_SHEET_ROW_CELLS:
                raise _too_big(
                    self.path,
                    f"ligne {self.last} de plus de {_grouped(MAX_SHEET_ROW_CELLS)} cellules",
                )

    def end(self, name: str) -> None:
        if name.rsplit(":", 1)[-1] == "sheetData":
            self.in_data = False

    def doctype(self, *_: Any) -> None:
        raise SourceDataError(
            "classeur refusé : une déclaration DOCTYPE n'a rien à faire dans un XLSX",
            source=str(self.path),
            rule=RULE,
            value=str(self.path),
        )

    def run(self, source: IO[bytes]) -> int:
        """Scan ``source``; the sheet's last row number."""
        parser = expat.ParserCreate()
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.StartDoctypeDeclHandler = self.doctype
        try:
            while chunk := source.read(1 << 16):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _unreadable(self.path, exc) from None
        return self.last


def _scan_sheets(path: Path) -> dict[str, int]:
    """Every worksheet part of the XLSX → its last row number, each scanned within the limits."""
    last: dict[str, int] = {}
    with zipfile.ZipFile(path) as archive:
        for part in archive.infolist():
            if _is_worksheet(part.filename):
                with archive.open(part) as source:
                    last[part.filename] = _SheetScan(path).run(source)
    return last


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("l'import de fichiers Excel", "xlsx", "openpyxl") from None
    _check_zip(path)
    try:
        last_rows = _scan_sheets(path)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except RsgmError:
        raise
    except Exception as exc:  # a hostile or broken file: whatever the reader trips on
        raise _unreadable(path, exc) from None
    try:
        if not book.worksheets:
            raise SourceDataError("classeur sans feuille", source=str(path), rule=RULE)
        sheet = book.worksheets[0]
        part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
        last = last_rows.get(part, max(last_rows.values(), default=0))
        if last == 0:
            return
        try:
            # max_row and max_col: openpyxl would pad to the sheet's declared dimension.
            rows = sheet.iter_rows(values_only=True, max_row=last, max_col=MAX_IMPORT_COLUMNS + 1)
            for row in rows:
                yield [_cell(value) for value in row]
        except RsgmError:
            raise
        except Exception as exc:
            raise _unreadable(path, exc) from None
    finally:
        book.close()


def _unreadable(path: Path, exc: Exception) -> SourceDataError:
    return SourceDataError(
        f"classeur illisible ({type(exc).__name__} : {exc}) ; ouvrez-le dans votre tableur et "
        "enregistrez-le de nouveau au format .xlsx, ou en CSV",
        source=str(path),
        rule=RULE,
        value=str(path),
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
