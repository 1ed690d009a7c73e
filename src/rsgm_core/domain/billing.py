"""Hourly interventions, trainee accompaniment, invoices and their exports (TAR-4 to TAR-8).

An intervention is billed under the convention in force on its date (TAR-4), at the rate of the grid
of its year: the member rate if the commune holds the membership for that year, the non-member rate
otherwise (TAR-5). Its amount is ``rate × billed minutes / 60`` rounded half-up to the cent, the
billed minutes being the duration rounded up to the grid's increment (:class:`~.tariffs.Rounding`).

A trainee of the CDG's programmes is accompanied free of charge for ``trainee_months`` (6) from the
first job start, on-site visits included up to ``trainee_onsite_half_days`` (2) half-days (TAR-6).
An on-site visit counts one half-day per started ``half_day_minutes`` (210, half of a 7-hour day);
the part of a visit beyond the allowance, and everything outside the window, is billed under TAR-5.
The allowance is consumed in date order, so pass all of a trainee's interventions at once.

Exports are pure: :func:`invoice_lines_csv` returns bytes, :func:`invoice_lines_json` a string.
"""

import contextlib
import csv
import io
import json
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from rsgm_core.domain.conventions import Convention, anniversary, convention_in_force
from rsgm_core.domain.tariffs import (
    CENT,
    Membership,
    Service,
    ServiceKind,
    TariffGrid,
    grid_for,
    holds_membership,
    round_money,
    to_money,
)
from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "CSV_HEADERS",
    "Intervention",
    "Invoice",
    "InvoiceLine",
    "Trainee",
    "bill_interventions",
    "invoice_lines_csv",
    "invoice_lines_json",
    "invoice_total",
    "invoices_for_year",
    "membership_line",
    "trainee_window",
]


@attrs.frozen
class Trainee:
    """A trainee or student of one of the CDG's own training programmes (TAR-6)."""

    person: str  # the trainee's name, as written on the programme's roll
    first_job_start: date
    programme: str = ""
    id: str = ""  # storage key, given when stored

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.person, str) or not self.person.strip():
            raise ValidationError(
                f"nom du stagiaire manquant : {self.person!r}", rule="TAR-6", value=self.person
            )
        start = self.first_job_start
        if isinstance(start, datetime) or not isinstance(start, date):
            raise ValidationError(
                f"date de prise de poste invalide : {start!r} (une date attendue)",
                rule="TAR-6",
                value=start,
            )


def trainee_window(trainee: Trainee, months: int = 6) -> tuple[date, date]:
    """The included accompaniment as ``(first day, first day after)`` (TAR-6).

    A start on the 29th-31st whose sixth month is shorter ends on that month's last day inclusive
    (started 31 August → included to 28 or 29 February), see :func:`~.conventions.anniversary`.
    """
    return trainee.first_job_start, anniversary(trainee.first_job_start, months=months)


def _service_kind(value: object) -> ServiceKind:
    kind = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            kind = ServiceKind(value)
    if kind is None or kind is ServiceKind.MEMBERSHIP:
        raise ValidationError(f"prestation inconnue pour une intervention : {value!r}", value=value)
    return kind


@attrs.frozen
class Intervention:
    """Time the CDG spent for a commune on one service, in whole minutes (TAR-5)."""

    insee: str
    on: date
    kind: ServiceKind = attrs.field(converter=_service_kind)
    minutes: int
    on_site: bool = False
    trainee: Trainee | None = None
    description: str = ""
    ref: str = ""
    id: str = ""  # storage key, given when stored

    def __attrs_post_init__(self) -> None:
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int):
            raise ValidationError(
                f"durée d'intervention invalide : {self.minutes!r} (un nombre entier de minutes)",
                rule="TAR-5",
                value=self.minutes,
            )
        if self.minutes <= 0:
            raise ValidationError(
                f"durée d'intervention refusée : {self.minutes} minutes (elle doit être positive)",
                rule="TAR-5",
                value=self.minutes,
            )
        if (self.kind is ServiceKind.TRAINEE_ACCOMPANIMENT) != (self.trainee is not None):
            raise ValidationError(
                f"intervention « {self.kind} » du {self.on.isoformat()} : un stagiaire est requis "
                "pour l'accompagnement des stagiaires, et seulement pour lui",
                rule="TAR-6",
                value=self.trainee,
            )


@attrs.frozen
class InvoiceLine:
    """One line of a commune's invoice: the service, its convention article, the amount (TAR-8)."""

    insee: str
    year: int
    on: date
    service: ServiceKind
    label: str
    article: str
    unit_price: Decimal = attrs.field(converter=to_money)
    amount: Decimal = attrs.field(converter=to_money)
    minutes: int | None = None
    billed_minutes: int | None = None
    included: bool = False
    description: str = ""
    ref: str = ""

    @property
    def unit(self) -> str:
        return "an" if self.minutes is None else "heure"


def membership_line(membership: Membership, grid: TariffGrid) -> InvoiceLine:
    """The annual fee's line (TAR-3: the full fee, whatever the month of joining)."""
    service = grid.service(ServiceKind.MEMBERSHIP)
    return InvoiceLine(
        insee=membership.insee,
        year=membership.year,
        on=membership.joined_on,
        service=service.kind,
        label=f"{service.label} {membership.year}",
        article=service.article,
        unit_price=membership.fee,
        amount=membership.fee,
    )


def _convention_for(intervention: Intervention, conventions: tuple[Convention, ...]) -> Convention:
    # TAR-4: an intervention is billed under the convention in force on its date.
    found = convention_in_force(conventions, intervention.insee, intervention.on)
    if found is not None:
        return found
    own = sorted(
        (c for c in conventions if c.insee == intervention.insee), key=lambda c: c.signed_on
    )
    when = intervention.on.isoformat()
    if not own:
        reason = "la commune n'a signé aucune convention"
    elif intervention.on < own[0].signed_on:
        reason = f"elle est antérieure à la convention signée le {own[0].signed_on.isoformat()}"
    else:
        reason = "aucune convention de la commune n'est en vigueur à cette date"
    raise RuleViolation(
        f"intervention du {when} pour la commune {intervention.insee} refusée : {reason}",
        rule="TAR-4",
        value=intervention.on,
    )


def _included_minutes(
    intervention: Intervention, grid: TariffGrid, used: dict[Trainee, int]
) -> int:
    # TAR-6: inside the window, remote help is included and on-site visits up to the allowance.
    trainee = intervention.trainee
    if trainee is None:
        return 0
    start, end = trainee_window(trainee, grid.trainee_months)
    if not start <= intervention.on < end:
        return 0
    if not intervention.on_site:
        return intervention.minutes
    remaining = max(grid.trainee_onsite_half_days - used.get(trainee, 0), 0)
    needed = math.ceil(intervention.minutes / grid.half_day_minutes)
    if needed <= remaining:
        used[trainee] = used.get(trainee, 0) + needed
        return intervention.minutes
    used[trainee] = grid.trainee_onsite_half_days
    return remaining * grid.half_day_minutes


def bill_interventions(
    interventions: Iterable[Intervention],
    *,
    grids: Iterable[TariffGrid],
    cdg: str,
    conventions: Iterable[Convention],
    memberships: Iterable[Membership],
) -> list[InvoiceLine]:
    """Invoice lines for ``interventions``, in date order (TAR-4, TAR-5, TAR-6, TAR-8).

    An intervention partly included (a trainee's visit beyond the allowance) gives two lines: the
    included part at 0 € and the billed part.
    """
    all_grids, all_conventions = tuple(grids), tuple(conventions)
    all_memberships = tuple(memberships)
    used: dict[Trainee, int] = {}
    lines: list[InvoiceLine] = []
    for intervention in sorted(interventions, key=lambda i: (i.on, i.ref, i.insee)):
        _convention_for(intervention, all_conventions)
        year = intervention.on.year
        grid = grid_for(all_grids, year, cdg=cdg)  # TAR-2: the rates of the intervention's year
        service = grid.service(intervention.kind)
        if not service.hourly:
            raise RuleViolation(
                f"« {service.label} » est compris dans l'adhésion et ne se facture pas à l'heure "
                f"(intervention du {intervention.on.isoformat()}, commune {intervention.insee})",
                rule="TAR-5",
                value=intervention.kind,
            )
        included = _included_minutes(intervention, grid, used)
        if included:
            zero = Decimal("0.00")
            lines.append(
                _hours_line(
                    intervention, service, f"{service.label} (inclus)", zero, zero,
                    minutes=included, billed_minutes=0, included=True,
                )
            )  # fmt: skip
        billed = intervention.minutes - included
        if billed:
            member = holds_membership(all_memberships, intervention.insee, year)  # TAR-5
            rate = grid.hourly_rate(member=member)
            status = "commune adhérente" if member else "commune non adhérente"
            lines.append(
                _hours_line(
                    intervention, service, f"{service.label} ({status})", rate,
                    grid.rounding.amount(rate, billed), minutes=billed,
                    billed_minutes=grid.rounding.billed_minutes(billed),
                )
            )  # fmt: skip
    return lines


def _hours_line(
    intervention: Intervention,
    service: Service,
    label: str,
    unit_price: Decimal,
    amount: Decimal,
    *,
    minutes: int,
    billed_minutes: int,
    included: bool = False,
) -> InvoiceLine:
    return InvoiceLine(
        insee=intervention.insee,
        year=intervention.on.year,
        on=intervention.on,
        service=service.kind,
        label=label,
        article=service.article,
        unit_price=unit_price,
        amount=amount,
        minutes=minutes,
        billed_minutes=billed_minutes,
        included=included,
        description=intervention.description,
        ref=intervention.ref,
    )


def invoice_total(lines: Iterable[InvoiceLine]) -> Decimal:
    """The sum of the lines' amounts, in Decimal to the cent (TAR-7)."""
    return round_money(sum((line.amount for line in lines), start=Decimal("0.00")))


@attrs.frozen
class Invoice:
    """A commune's invoice for one year: its lines and their total (TAR-7, TAR-8)."""

    insee: str
    year: int
    lines: tuple[InvoiceLine, ...]

    @property
    def total(self) -> Decimal:
        return invoice_total(self.lines)


def invoices_for_year(lines: Iterable[InvoiceLine], year: int) -> list[Invoice]:
    """The lines of ``year`` per commune, by INSEE code; in each, the fee first, then by date."""
    per_commune: dict[str, list[InvoiceLine]] = {}
    for line in lines:
        if line.year == year:
            per_commune.setdefault(line.insee, []).append(line)
    return [
        Invoice(
            insee,
            year,
            tuple(
                sorted(
                    group,
                    key=lambda li: (li.service is not ServiceKind.MEMBERSHIP, li.on, li.ref),
                )
            ),
        )
        for insee, group in sorted(per_commune.items())
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
)

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not evaluate as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_PREFIXES) else text


def _decimal_fr(amount: Decimal) -> str:
    return format(amount.quantize(CENT), "f").replace(".", ",")


def invoice_lines_csv(lines: Iterable[InvoiceLine], year: int) -> bytes:
    """The lines of ``year``, per commune, as CSV: ``;``-separated, UTF-8 with BOM, French headers.

    Amounts use a decimal comma and no thousands separator, dates ISO 8601, so that a French
    spreadsheet reads numbers and dates as such; every cell is neutralised against formula
    injection.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for invoice in invoices_for_year(lines, year):
        for line in invoice.lines:
            row = (
                line.insee,
                line.year,
                line.on.isoformat(),
                line.ref,
                line.service.value,
                line.label,
                line.article,
                line.description,
                line.minutes,
                line.billed_minutes,
                line.unit,
                _decimal_fr(line.unit_price),
                _decimal_fr(line.amount),
                "oui" if line.included else "non",
            )
            writer.writerow([_cell(value) for value in row])
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
    }


def invoice_lines_json(lines: Iterable[InvoiceLine], year: int) -> str:
    """The lines of ``year`` per commune with totals, as JSON; amounts are decimal strings."""
    invoices = invoices_for_year(lines, year)
    document = {
        "exercice": year,
        "total": str(invoice_total(line for invoice in invoices for line in invoice.lines)),
        "communes": [
            {
                "code_insee": invoice.insee,
                "total": str(invoice.total),
                "lignes": [_line_json(line) for line in invoice.lines],
            }
            for invoice in invoices
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
