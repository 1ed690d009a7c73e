"""Populations: the one function every threshold reads, and the import of INSEE's *populations
légales* file (TER-2).

:func:`population_used` (one commune) and :func:`populations_used` (many, read at once) are what
every service calls for the population of a commune in a year: fees, the SGM scope and the target
public, coverage and indicators, the census report, access capacities, invitations. They load the
figures stored and apply :func:`rsgm_core.domain.populations.population_used`.

:func:`import_populations` reads INSEE's file as INSEE publishes it: CSV (``;`` or ``,``; UTF-8
with or without BOM, or Latin-1/cp1252) or XLSX (title rows above the header; the sheet
``Communes`` when there are several), and stores the municipale and the totale of each commune of
the census already imported under the file's vintage, all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rsgm_core.domain.populations import (
    Columns,
    PopulationImport,
    PopulationUsed,
    find_columns,
    row_figure,
    vintage_from_text,
)
from rsgm_core.domain.populations import (
    population_used as _decide,
)
from rsgm_core.domain.territory import PopulationFigure, in_force_vintage
from rsgm_core.errors import (
    MissingExtraError,
    NotFoundError,
    RsgmError,
    SourceDataError,
    ValidationError,
)

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["import_populations", "population_figures", "population_used", "populations_used"]

_MANY = 500  # communes above which populations_used reads every figure at once
_HEADER_SEARCH = 40  # rows scanned for the header (INSEE's XLSX has about seven title rows)


def population_used(uow: UnitOfWork, commune: str, *, year: int) -> PopulationUsed:
    """TER-2: the population of ``commune`` for ``year`` (the one function, see the module);
    a commune with no figure at all is a ``ValidationError`` naming it."""
    used = _decide(uow.populations.list({"commune": commune}), commune, year)
    if used is None:
        # needs storage: whether any figure of the commune was imported
        raise ValidationError(
            f"population inconnue pour la commune {commune} : importez le recensement "
            "ou les populations légales de l'INSEE",
            rule="TER-2",
            value=commune,
        )
    return used


def populations_used(
    uow: UnitOfWork, communes: Iterable[str] | None, *, year: int
) -> dict[str, PopulationUsed]:
    """TER-2: the population for ``year`` of each of ``communes`` (``None``: every commune with a
    figure), read in one query; a commune without any figure is absent from the result."""
    codes = None if communes is None else sorted(set(communes))
    if codes == []:
        return {}
    # many communes (a territory): one read of every figure rather than an IN (...) of thousands
    many = codes is None or len(codes) > _MANY
    wanted = None if codes is None else set(codes)
    by_commune: dict[str, list[PopulationFigure]] = {}
    for figure in uow.populations.list(None if many else {"commune": codes}):
        if wanted is None or figure.commune in wanted:
            by_commune.setdefault(figure.commune, []).append(figure)
    found = {code: _decide(figures, code, year) for code, figures in by_commune.items()}
    return {code: used for code, used in found.items() if used is not None}


def population_figures(
    uow: UnitOfWork, communes: Iterable[str] | None, *, year: int
) -> dict[str, int]:
    """TER-2: the population for ``year`` of each of ``communes`` (``None``: every commune with a
    figure), the figure alone: ``populations_used(...)[code].population``, the same choice
    (the vintage in force, else the latest before, else the nearest after; the totale, else the
    municipale), read by the four columns it needs instead of a record per figure (the
    indicators and the annual report read some 2,000 communes)."""
    codes = None if communes is None else sorted(set(communes))
    if codes == []:
        return {}
    many = codes is None or len(codes) > _MANY
    wanted = None if codes is None else set(codes)
    vintage = in_force_vintage(year)
    chosen: dict[str, int] = {}
    columns = ("commune", "vintage", "municipale", "totale")
    # The rows come in key order, (commune, vintage): a commune's vintages rise. So the domain's
    # order (the vintage in force, the latest before it, the nearest after) is: the last row at
    # or before the vintage in force, else the first row after it.
    for commune, figure_vintage, municipale, totale in uow.populations.values(
        columns, None if many else {"commune": codes}
    ):
        if figure_vintage <= vintage or commune not in chosen:
            chosen[commune] = municipale if totale is None else totale
    if many and wanted is not None:  # every figure was read: keep the communes asked for
        return {code: population for code, population in chosen.items() if code in wanted}
    return chosen


def import_populations(
    deps: Deps, path: Path | str, *, vintage: int | None = None
) -> PopulationImport:
    """Read INSEE's legal populations file at ``path`` and store its figures (TER-2), all or
    nothing; ``vintage`` when the file's name and title do not say it."""
    path = Path(path)
    if vintage is not None:
        vintage = _checked_vintage(vintage, deps.today(), path)
    titles, columns, rows = _read(path)
    if vintage is None:
        vintage = vintage_from_text(path.name, titles)
        if vintage is None:
            raise SourceDataError(
                "millésime introuvable : ni le nom ni le titre du fichier ne le donnent ; "
                "précisez-le (--millesime AAAA, par exemple 2022 pour les populations en vigueur "
                "en 2025)",
                source=str(path),
                rule="TER-2",
                value=path.name,
            )
        vintage = _checked_vintage(vintage, deps.today(), path)
    figures: dict[str, PopulationFigure] = {}
    for line, row in rows:
        try:
            figure = row_figure(row, columns, vintage)
        except RsgmError as exc:
            raise SourceDataError(
                f"ligne {line} : {exc.message}", source=str(path), rule="TER-2", value=exc.value
            ) from exc
        if figure.commune in figures:
            raise SourceDataError(
                f"ligne {line} : commune {figure.commune} en double", source=str(path),
                rule="TER-2", value=figure.commune,
            )  # fmt: skip
        figures[figure.commune] = figure
    if not figures:
        raise SourceDataError(
            "aucune commune dans le fichier", source=str(path), rule="TER-2", value=path.name
        )
    with deps.transaction() as uow:
        return _store(uow, str(path), vintage, figures)


def _store(
    uow: UnitOfWork, source: str, vintage: int, figures: dict[str, PopulationFigure]
) -> PopulationImport:
    known = {c.code for c in uow.communes.list()}
    if not known:
        # needs storage: whether a census was imported
        raise NotFoundError(
            "aucun recensement importé : lancez d'abord « rsgm census import », puis importez "
            "les populations légales",
            rule="TER-2",
        )
    wanted = {code: f for code, f in figures.items() if code in known}
    stored = {p.commune: p for p in uow.populations.list({"vintage": vintage})}
    added = [f for code, f in wanted.items() if code not in stored]
    changed = [f for code, f in wanted.items() if code in stored and stored[code] != f]
    completed = sum(
        1
        for f in changed
        if stored[f.commune].totale is None and stored[f.commune].municipale == f.municipale
    )
    uow.populations.add_all(added)
    uow.populations.update_all(changed)
    return PopulationImport(
        source=source,
        vintage=vintage,
        rows=len(figures),
        added=len(added),
        completed=completed,
        replaced=len(changed) - completed,
        unchanged=len(wanted) - len(added) - len(changed),
        outside=len(figures) - len(wanted),
    )


def _checked_vintage(vintage: object, today: dt.date, path: Path) -> int:
    if (
        isinstance(vintage, bool)
        or not isinstance(vintage, int)
        or not 1962 <= vintage <= today.year
    ):
        raise SourceDataError(
            f"millésime invalide : {vintage!r} (une année de recensement, de 1962 à {today.year})",
            source=str(path),
            rule="TER-2",
            value=vintage,
        )
    return vintage


# Reading the file --------------------------------------------------------------------------------

Rows = list[tuple[int, Sequence[object]]]  # (line number in the file, cells)


def _read(path: Path) -> tuple[list[str], Columns, Rows]:
    """The title rows above the header, the columns found, and the data rows with their line."""
    if not path.is_file():
        raise SourceDataError(
            "fichier introuvable", source=str(path), rule="TER-2", value=str(path)
        )
    tables = _xlsx_tables(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_tables(path)
    for table in tables:
        found = _locate(table)
        if found is not None:
            return found
    raise SourceDataError(
        "colonnes introuvables : il faut le code de la commune (CODGEO, COM, Code commune…), la "
        "population municipale (PMUN) et la population totale (PTOT) ou comptée à part (PCAP)",
        source=str(path),
        rule="TER-2",
        value=path.name,
    )


def _locate(table: list[Sequence[object]]) -> tuple[list[str], Columns, Rows] | None:
    for index, header in enumerate(table[:_HEADER_SEARCH]):
        columns = find_columns(header)
        if columns is not None:
            titles = [" ".join(str(c) for c in row if c not in (None, "")) for row in table[:index]]
            rows = [
                (line, row)
                for line, row in enumerate(table[index + 1 :], start=index + 2)
                if any(c not in (None, "") and str(c).strip() for c in row)
            ]
            return titles, columns, rows
    return None


def _csv_tables(path: Path) -> Iterator[list[Sequence[object]]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    for delimiter in (";", ",", "\t"):
        try:
            yield list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise SourceDataError(
                f"fichier CSV illisible ({exc})", source=str(path), rule="TER-2", value=path.name
            ) from exc


def _xlsx_tables(path: Path) -> Iterator[list[Sequence[object]]]:
    try:
        import openpyxl
    except ImportError:
        raise MissingExtraError("l'import de fichiers Excel", "xlsx", "openpyxl") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML or openpyxl errors: not a workbook
        raise SourceDataError(
            f"classeur Excel illisible ({type(exc).__name__})",
            source=str(path),
            rule="TER-2",
            value=path.name,
        ) from exc
    try:
        # INSEE's workbook has one sheet per level: the communes' first
        for sheet in sorted(book.worksheets, key=lambda s: s.title.strip().lower() != "communes"):
            yield [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
