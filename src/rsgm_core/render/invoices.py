"""Invoice documents: the year's lines for the accounting software (CSV, JSON) and the printed
invoices (TAR-7, TAR-8).

Every document names its issuer, the CDG (name, address, SIRET: ``[cdg]`` of the profile), and
each commune's SIRET and service de gestion comptable, as the convention's header gives them.

CSV follows what French spreadsheet software expects: ``;`` separator, UTF-8 with a byte-order
mark, French headers, a decimal comma and no thousands separator, dates ``dd/mm/yyyy``: the one CSV
convention of :mod:`rsgm_core.render.exports` (``docs/exports.md``); every cell that a spreadsheet
would read as a formula is neutralised (OWASP CSV injection). JSON amounts are decimal strings,
never floats, and JSON dates ISO 8601.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal

from rsgm_core.domain.billing import Invoice, InvoiceLine, invoice_total, invoices_for_year
from rsgm_core.domain.profile import CdgIdentity
from rsgm_core.render.exports import Money, csv_cell
from rsgm_core.render.formatting import format_date, format_money
from rsgm_core.render.french import plural
from rsgm_core.render.text import print_table

__all__ = [
    "CSV_HEADERS",
    "invoice_lines_csv",
    "invoice_lines_json",
    "print_invoice_documents",
    "print_invoice_lines",
]

CSV_HEADERS = (
    "Code INSEE",
    "Exercice",
    "Date",
    "Référence",
    "Code prestation",
    "Prestation",
    "Article",
    "Description",
    "Durée (min)",
    "Durée facturée (min)",
    "Unité",
    "Prix unitaire (€)",
    "Montant (€)",
    "Inclus",
    "SIRET de la commune",
    "Service de gestion comptable",
    "Émetteur",
    "SIRET de l'émetteur",
    "Établi par",
)


def invoice_lines_csv(
    lines: Iterable[InvoiceLine], year: int, *, issuer: CdgIdentity, billed_by: str = ""
) -> bytes:
    """The lines of ``year``, per commune, as CSV bytes (``;``, UTF-8 with BOM, French headers);
    ``billed_by``: the name of the CDG staff member who produced them (CHA-2)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for invoice in invoices_for_year(lines, year):
        for line in invoice.lines:
            row = (
                line.insee,
                line.year,
                line.on,
                line.ref,
                line.service.value,
                line.label,
                line.article,
                line.description,
                line.minutes,
                line.billed_minutes,
                line.unit,
                Money(line.unit_price),
                Money(line.amount),
                line.included,
                line.siret or "",
                line.sgc,
                issuer.name,
                issuer.siret or "",
                billed_by,
            )
            writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _line_json(line: InvoiceLine) -> dict[str, object]:
    return {
        "date": line.on.isoformat(),
        "reference": line.ref,
        "code_prestation": line.service.value,
        "prestation": line.label,
        "article": line.article,
        "description": line.description,
        "duree_minutes": line.minutes,
        "duree_facturee_minutes": line.billed_minutes,
        "unite": line.unit,
        "prix_unitaire": str(line.unit_price),
        "montant": str(line.amount),
        "inclus": line.included,
        "siret_commune": line.siret,
        "service_gestion_comptable": line.sgc,
    }


def _issuer_json(issuer: CdgIdentity) -> dict[str, object]:
    return {
        "nom": issuer.name,
        "nom_court": issuer.short_name,
        "siret": issuer.siret,
        "adresse": list(issuer.address_lines),
    }


def invoice_lines_json(
    lines: Iterable[InvoiceLine], year: int, *, issuer: CdgIdentity, billed_by: str = ""
) -> str:
    """The lines of ``year`` per commune with totals, as JSON; amounts are decimal strings;
    ``billed_by``: the name of the CDG staff member who produced them (CHA-2)."""
    invoices = invoices_for_year(lines, year)
    document = {
        "exercice": year,
        "emetteur": _issuer_json(issuer),
        "etabli_par": billed_by,
        "total": str(invoice_total(line for invoice in invoices for line in invoice.lines)),
        "communes": [
            {
                "code_insee": invoice.insee,
                "siret": invoice.siret,
                "service_gestion_comptable": invoice.sgc,
                "total": str(invoice.total),
                "lignes": [_line_json(line) for line in invoice.lines],
            }
            for invoice in invoices
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def print_invoice_documents(
    invoices: Sequence[Invoice], names: dict[str, str], year: int, *, issuer: CdgIdentity
) -> None:
    """Each commune's invoice as the CDG hands it out: the issuer (name, address, SIRET), the
    commune (name, SIRET, SGC), one line per service with its convention article, the total."""
    heading = [issuer.name, *issuer.address_lines, f"SIRET {issuer.siret}"]
    for invoice in invoices:
        print("\n".join(heading))
        print(f"Facture {year} — {names.get(invoice.insee, '')} ({invoice.insee})")
        siret = invoice.siret or "inconnu"
        sgc = invoice.sgc or "inconnu"
        print(f"SIRET de la commune : {siret} ; service de gestion comptable : {sgc}")
        print_invoice_lines(invoice)
    total = sum((i.total for i in invoices), start=Decimal(0))
    print(f"{plural(len(invoices), 'facture')} pour {year}, total {format_money(total)}")


def print_invoice_lines(invoice: Invoice) -> None:
    """One invoice's lines as a table, then its total."""
    rows = [
        (format_date(li.on, format="short"), li.label, li.article,
         "" if li.minutes is None else f"{li.minutes} min", format_money(li.amount))
        for li in invoice.lines
    ]  # fmt: skip
    print_table(("date", "prestation", "article", "durée", "montant"), rows, numeric={3, 4})
    print(f"total : {format_money(invoice.total)}\n")
