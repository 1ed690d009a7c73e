"""Plain text for a terminal: aligned tables and the printed reports that both faces show.

The ``rsgm`` command line and ``rsgm demo`` print the same tables; they sit in different layers
(the command line registers the demo), so what they share lives here, below both, and imports
nothing but the domain and the formatting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any

from rsgm_core.render.formatting import format_money, format_number
from rsgm_core.render.french import plural

if TYPE_CHECKING:
    from rsgm_core.domain.billing import Invoice
    from rsgm_core.domain.census_report import CensusReport
    from rsgm_core.domain.profile import CdgIdentity
    from rsgm_core.domain.toolbox import SearchHit

__all__ = ["print_census_report", "print_invoices", "print_table", "relevance"]


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    numeric: Collection[int] = frozenset(),
) -> None:
    """A plain aligned table; the ``numeric`` columns right-aligned, their integers formatted the
    French way (``1 234``); dates ``dd/mm/yyyy``."""
    cells = [[_cell(v, i in numeric) for i, v in enumerate(row)] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if i in numeric else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(line(row))


def _cell(value: Any, numeric: bool) -> str:
    if value is None:
        return ""
    if numeric and isinstance(value, int) and not isinstance(value, bool):
        return format_number(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def print_census_report(report: CensusReport, level: str) -> None:
    """The census grouped by ``level`` (``departement``, ``epci`` or ``arrondissement``): communes
    by population stratum, functions in place and agents, then a total line (TER-2, TER-3)."""
    from rsgm_core.domain.census import CENSUS_STRATA

    strata = [label for _, high, label in CENSUS_STRATA if high is not None]
    groups = report.by_level(level)
    functions = sorted({f for g in groups for f in g.functions})
    headers = (
        {"epci": "EPCI", "departement": "département"}.get(level, level),
        "nom",
        "communes",
        *strata,
        *functions,
        "agents",
    )
    rows = [
        (
            g.code,
            g.name,
            g.communes,
            *(g.strata[s] for s in strata),
            *(g.functions.get(f, 0) for f in functions),
            g.agents,
        )
        for g in groups
    ]
    total = ("total", "", sum(g.communes for g in groups), *(sum(g.strata[s] for g in groups) for s in strata),
             *(sum(g.functions.get(f, 0) for g in groups) for f in functions), sum(g.agents for g in groups))  # fmt: skip
    numeric = set(range(2, len(headers)))
    print(f"Recensement au {report.on.strftime('%d/%m/%Y')} : communes de moins de 3 500 habitants")
    print_table(headers, [*rows, total], numeric=numeric)
    flagged = sum(1 for r in report.rows if r.municipale_only)
    if flagged:
        print(
            f"{plural(flagged, 'commune classée', 'communes classées')} sur la population municipale, seule connue pour ce millésime (TER-2)"
        )
    provisional = sum(1 for r in report.rows if r.population_provisional)
    if provisional:
        print(
            f"{plural(provisional, 'commune classée', 'communes classées')} sur une population provisoire : le millésime en "
            f"vigueur en {report.on.year} n'est pas importé (TER-2)"
        )
    if report.out_of_scope:
        print(
            f"{plural(report.out_of_scope, 'commune')} de 3 500 habitants ou plus hors du champ SGM (TER-3)"
        )
    if level == "epci" and report.local_networks:  # NET-7
        networked = [e for e in report.local_networks if e.local_networks]
        bare = [e for e in report.local_networks if e.none]
        print(f"{len(networked)} EPCI avec un réseau local existant (NET-7)")
        if bare:
            print(f"{len(bare)} EPCI sans aucun réseau : " + ", ".join(e.name for e in bare))


def print_invoices(
    invoices: Sequence[Invoice],
    names: dict[str, str],
    year: int,
    *,
    issuer: CdgIdentity | None = None,
) -> None:
    """Each commune's invoice (``names``: commune names by INSEE code), then the year's total.

    With ``issuer``, each invoice is printed as a document, under the CDG's name, address and
    SIRET and with the commune's SIRET and SGC (TAR-8,
    :func:`rsgm_core.render.invoices.print_invoice_documents`)."""
    from rsgm_core.render.invoices import print_invoice_documents, print_invoice_lines

    if issuer is not None:
        print_invoice_documents(invoices, names, year, issuer=issuer)
        return
    for invoice in invoices:
        print(f"Facture {year} — {names.get(invoice.insee, '')} ({invoice.insee})")
        print_invoice_lines(invoice)
    total = sum((i.total for i in invoices), start=0)
    print(f"{plural(len(invoices), 'facture')} pour {year}, total {format_money(total)}")


def relevance(hits: Sequence[SearchHit]) -> list[str]:
    """Each hit's score as a share of the best one ("100 %", "62 %"): BM25 scores have no unit,
    and a word found in most resources gives them all tiny scores. "—" without words."""
    best = max((h.score for h in hits), default=0.0)
    if best <= 0:
        return ["—"] * len(hits)
    return [f"{round(100 * h.score / best)} %" for h in hits]
