"""National aggregation (IND-3): an anonymised export of a CDG's aggregate figures, and the merge
of many CDGs' exports into a national table.

Anonymisation: no names, e-mails or per-person rows leave the CDG; every count of 1 to 4 persons
is suppressed, and so is a second cell of the same table whenever one suppressed cell could
otherwise be recovered by subtracting the published cells from the published total
(complementary suppression). A table whose total is under 5 is suppressed whole.

Rates are suppressed in turn (secondary suppression, :func:`anonymised_rates`): a rate computed on
fewer than 5 persons, and a rate whose numerator or denominator is a suppressed cell or total, since
multiplying it by the published other term would give the hidden count back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import attrs

from rsgm_core.errors import ValidationError

__all__ = [
    "SCHEMA",
    "SMALL",
    "CdgExport",
    "NationalMerge",
    "NationalTable",
    "RateSource",
    "Table",
    "anonymised_rates",
    "merge",
    "merge_exports",
    "parse_export",
    "suppress",
]

SCHEMA = "rsgm-national/1"
SMALL = 5  # counts of persons under this are never published (IND-3)


def suppress(
    cells: Mapping[str, int], total: int | None = None
) -> tuple[dict[str, int | None], int | None]:
    """IND-3: cells of 1 to 4 become ``None``; then, while the suppressed cells could be recovered
    from the total, the smallest published non-zero cell is suppressed too."""
    if total is None:
        total = sum(cells.values())
    if 0 < total < SMALL:
        return {name: None for name in cells}, None
    out: dict[str, int | None] = {
        name: (None if 0 < value < SMALL else value) for name, value in cells.items()
    }

    def recoverable() -> bool:
        # Hidden counts are known to be at least 1 (zeros are never hidden). Subtracting the
        # published cells from the total gives their sum S: one hidden cell is then S itself,
        # and k hidden cells summing to k are all 1. Either way, hide one more real count.
        hidden = [cells[name] for name, v in out.items() if v is None and cells[name] > 0]
        return len(hidden) == 1 or (bool(hidden) and sum(hidden) == len(hidden))

    while recoverable():
        candidates = sorted(
            (value, name) for name, value in out.items() if value is not None and value > 0
        )
        if not candidates:
            return {name: None for name in cells}, None
        out[candidates[0][1]] = None
    return out, total


@attrs.frozen
class Table:
    """A one-dimensional table of person counts with its total, as exported."""

    name: str
    cells: Mapping[str, int | None]
    total: int | None

    @classmethod
    def anonymised(cls, name: str, counts: Mapping[str, int]) -> Table:
        cells, total = suppress(counts)
        return cls(name, cells, total)


@attrs.frozen
class RateSource:
    """IND-3: a rate to publish, with the counts it is computed on. ``numerator_cell`` and
    ``denominator_cell`` name the published cell each count is, if any: ``"table.cell"`` for a
    cell, ``"table"`` for a table's total."""

    value: Decimal | None
    numerator: int
    denominator: int
    numerator_cell: str | None = None
    denominator_cell: str | None = None


def _cell(tables: Mapping[str, Table], ref: str) -> int | None:
    name, _, cell = ref.partition(".")
    table = tables[name]
    return table.total if not cell else table.cells[cell]


def anonymised_rates(
    tables: Iterable[Table], rates: Mapping[str, RateSource]
) -> dict[str, str | None]:
    """IND-3: each rate as a decimal string rounded to 0.001, or ``None`` when it is unknown,
    computed on fewer than 5 (``SMALL``) persons, or when its numerator or denominator is a cell
    the tables suppressed (secondary suppression: the rate times the published other term would
    give the hidden count back)."""
    by_name = {t.name: t for t in tables}
    out: dict[str, str | None] = {}
    for key, source in rates.items():
        refs = [r for r in (source.numerator_cell, source.denominator_cell) if r is not None]
        hidden = any(_cell(by_name, ref) is None for ref in refs)
        if source.value is None or source.denominator < SMALL or hidden:
            out[key] = None
        else:
            out[key] = str(source.value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))
    return out


def _campaigns(value: Iterable[Mapping[str, Any]]) -> tuple[Mapping[str, Any], ...]:
    return tuple(value)


@attrs.frozen
class CdgExport:
    """IND-3: one CDG's anonymised aggregate figures for a year, as exported to the ANDCDG."""

    cdg: str
    year: int
    indicators: Mapping[str, Any]  # rates and other non-person figures, None when not available
    tables: Sequence[Table]
    # SUR-2: the campaigns of the national common core, anonymised
    # (rsgm_core.domain.national_census.core_section); the key is written only when there is one
    core: Sequence[Mapping[str, Any]] = attrs.field(default=(), converter=_campaigns)

    def to_data(self) -> dict[str, Any]:
        data = {
            "schema": SCHEMA,
            "cdg": self.cdg,
            "year": self.year,
            "indicators": dict(self.indicators),
            "tables": {t.name: {"cells": dict(t.cells), "total": t.total} for t in self.tables},
        }
        if self.core:
            data["core"] = [dict(campaign) for campaign in self.core]
        return data


def parse_export(data: Any, *, source: str = "export") -> CdgExport:
    """Read and check one CDG's export; a file edited by hand so that it breaks the schema, or
    that publishes a small count, is refused."""

    def bad(message: str, value: Any) -> ValidationError:
        return ValidationError(f"{source} : {message}", rule="IND-3", value=value)

    if not isinstance(data, dict):
        raise bad("un objet JSON est attendu", type(data).__name__)
    if data.get("schema") != SCHEMA:
        raise bad(f"schéma inconnu {data.get('schema')!r} (attendu : {SCHEMA})", data.get("schema"))
    extra = set(data) - {"schema", "cdg", "year", "indicators", "tables", "core"}
    if extra:
        raise bad(f"champs inattendus : {sorted(extra)}", sorted(extra))
    cdg, year = data.get("cdg"), data.get("year")
    if not isinstance(cdg, str) or not cdg or not isinstance(year, int):
        raise bad("« cdg » (texte) et « year » (entier) sont obligatoires", (cdg, year))
    tables = []
    for name, table in (data.get("tables") or {}).items():
        cells, total = table.get("cells"), table.get("total")
        if not isinstance(cells, dict):
            raise bad(f"table {name!r} mal formée", name)
        for key, value in [*cells.items(), ("total", total)]:
            if value is not None and (
                not isinstance(value, int) or isinstance(value, bool) or value < 0
            ):
                raise bad(f"table {name!r}, case {key!r} : {value!r} n'est pas un effectif", value)
            if value is not None and 0 < value < SMALL:
                raise bad(
                    f"table {name!r}, case {key!r} : effectif {value} publié sous le seuil de {SMALL}",
                    value,
                )
        tables.append(Table(name, cells, total))
    indicators = data.get("indicators") or {}
    if not isinstance(indicators, dict):
        raise bad("« indicators » doit être un objet", type(indicators).__name__)
    from rsgm_core.domain.national_census import parse_core

    return CdgExport(cdg, year, indicators, tables, parse_core(data.get("core"), source=source))


@attrs.frozen
class NationalTable:
    """One table of the national synthesis: the published cells summed over the CDGs. A cell a
    CDG suppressed counts as unknown, so when ``complete`` is false the sums are lower bounds."""

    cells: Mapping[str, int]
    total: int
    complete: bool


@attrs.frozen
class NationalMerge:
    """IND-3: the national table, one row of indicators per CDG and national totals per table."""

    year: int | None
    cdgs: tuple[str, ...]
    indicators: Mapping[str, Mapping[str, Any]]  # per CDG
    tables: Mapping[str, NationalTable]
    # SUR-2: the national core's campaigns summed by year, and each compared with T0
    core: Mapping[str, Any] = attrs.Factory(dict)

    def to_data(self) -> dict[str, Any]:
        """The JSON-ready form (``schema`` first), as ``rsgm national merge`` writes it."""
        extra = {"core": dict(self.core)} if self.core else {}
        return {
            "schema": SCHEMA,
            "year": self.year,
            "cdgs": list(self.cdgs),
            "indicators": {cdg: dict(values) for cdg, values in self.indicators.items()},
            "tables": {
                name: {"cells": dict(t.cells), "total": t.total, "complete": t.complete}
                for name, t in self.tables.items()
            },
        } | extra


def merge_exports(exports: Iterable[CdgExport]) -> NationalMerge:
    """The national table of many CDGs' exports of one year; a CDG twice, or exports of several
    years, are refused (IND-3)."""
    rows: dict[str, CdgExport] = {}
    years = set()
    for export in exports:
        if export.cdg in rows:
            raise ValidationError(
                f"le CDG {export.cdg} figure deux fois", rule="IND-3", value=export.cdg
            )
        rows[export.cdg] = export
        years.add(export.year)
    if len(years) > 1:
        raise ValidationError(
            f"exports de plusieurs années : {sorted(years)}", rule="IND-3", value=sorted(years)
        )
    cells: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}
    complete: dict[str, bool] = {}
    for export in rows.values():
        for table in export.tables:
            merged = cells.setdefault(table.name, {})
            totals.setdefault(table.name, 0)
            complete.setdefault(table.name, True)
            if table.total is None:
                complete[table.name] = False
            else:
                totals[table.name] += table.total
            for key, value in table.cells.items():
                merged[key] = merged.get(key, 0) + (value or 0)
                if value is None:
                    complete[table.name] = False
    from rsgm_core.domain.national_census import comparisons, merge_core

    campaigns = merge_core(e.core for e in rows.values() if e.core)
    core = (
        {"campagnes": {str(y): c for y, c in campaigns.items()},
         "comparaison_t0": comparisons(campaigns)}
        if campaigns else {}
    )  # fmt: skip
    return NationalMerge(
        year=next(iter(years), None),
        cdgs=tuple(sorted(rows)),
        indicators={cdg: dict(e.indicators) for cdg, e in sorted(rows.items())},
        tables={name: NationalTable(cells[name], totals[name], complete[name]) for name in cells},
        core=core,
    )


def merge(exports: Iterable[CdgExport]) -> dict[str, Any]:
    """The national table as data (see :func:`merge_exports`, which returns it typed)."""
    return merge_exports(exports).to_data()
