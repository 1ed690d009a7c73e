"""Hourly interventions, trainee accompaniment, invoices and their exports (TAR-4 to TAR-8).

An intervention is billed under the convention in force on its date (TAR-4), or, for a commune with
no convention in force that day, on its recorded request (who asked, when: TAR-5), at the rate of
the grid of its year: the member rate if the commune holds the membership for that year, the
non-member rate otherwise (TAR-5). Only the services the grid bills by the hour are billed; the
mandatory mission never is (TAR-8). An invoice line names its service and the convention article
and carries the commune's SIRET and service de gestion comptable (from its convention, else from
the request); an invoice document carries the CDG's identity and SIRET. Its amount is ``rate × billed minutes / 60`` rounded half-up to the cent, the
billed minutes being the duration rounded up to the grid's increment (:class:`~.tariffs.Rounding`).

A trainee of the CDG's programmes is accompanied free of charge for ``trainee_months`` (6) from the
first job start, on-site visits included up to ``trainee_onsite_half_days`` (2) half-days (TAR-6).
An on-site visit counts one half-day per started ``half_day_minutes`` (210, half of a 7-hour day);
the part of a visit beyond the allowance, and everything outside the window, is billed under TAR-5.
The allowance is consumed in date order, so pass all of a trainee's interventions at once. It is
part of the pack: a commune without a convention in force has nothing included.

The exports for accounting software are in :mod:`rsgm_core.render.invoices`.
"""

import contextlib
import math
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

import attrs

from rsgm_core.domain.bounds import check_minutes
from rsgm_core.domain.conventions import Convention, _optional_siret, convention_in_force
from rsgm_core.domain.profile import CdgIdentity
from rsgm_core.domain.tariffs import (
    Membership,
    Service,
    ServiceKind,
    TariffGrid,
    grid_for,
    holds_membership,
    round_money,
    to_money,
)
from rsgm_core.domain.trainees import Trainee, trainee_window
from rsgm_core.errors import ConfigurationError, RuleViolation, ValidationError

__all__ = [
    "Intervention",
    "InterventionRequest",
    "Invoice",
    "InvoiceLine",
    "Trainee",
    "bill_interventions",
    "invoice_total",
    "invoices_for_year",
    "membership_line",
    "require_issuer",
    "trainee_window",
]


def _service_kind(value: object) -> ServiceKind:
    kind = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            kind = ServiceKind(value)
    if kind is None or kind is ServiceKind.MEMBERSHIP:
        raise ValidationError(f"prestation inconnue pour une intervention : {value!r}", value=value)
    return kind


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValidationError(f"texte attendu : {value!r}", rule="TAR-5", value=value)
    return value.strip()


@attrs.frozen
class InterventionRequest:
    """A commune's request for an intervention, recorded so that a commune with no convention can
    be billed at the non-member rate (TAR-5): who asked, when, and the commune's SIRET and service
    de gestion comptable for the invoice (TAR-8)."""

    requested_by: str = attrs.field(converter=_text)
    on: date
    siret: str | None = attrs.field(default=None, converter=_optional_siret)
    sgc: str = attrs.field(default="", converter=_text)

    def __attrs_post_init__(self) -> None:
        if not self.requested_by:
            raise ValidationError(
                "demande d'intervention sans demandeur : indiquez qui l'a faite (le maire, la "
                "secrétaire générale de mairie…)",
                rule="TAR-5",
                value=self.requested_by,
            )
        if isinstance(self.on, datetime) or not isinstance(self.on, date):
            raise ValidationError(
                f"date de la demande invalide : {self.on!r} (une date attendue)",
                rule="TAR-5",
                value=self.on,
            )


@attrs.frozen
class Intervention:
    """Time the CDG spent for a commune on one service, in whole minutes (TAR-5).

    ``request``: the commune's recorded request, required when no convention is in force on the
    intervention's date (the commune is then billed at the non-member rate, TAR-5).
    """

    insee: str
    on: date
    kind: ServiceKind = attrs.field(converter=_service_kind)
    minutes: int
    on_site: bool = False
    trainee: Trainee | None = None
    description: str = ""
    ref: str = ""
    id: str = ""  # storage key, given when stored
    request: InterventionRequest | None = None
    #: CHA-2: who recorded the intervention (a member id); None before migration 18.
    recorded_by: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.request is not None and self.request.on > self.on:
            raise ValidationError(
                f"demande du {self.request.on:%d/%m/%Y} postérieure à l'intervention du "
                f"{self.on:%d/%m/%Y} (commune {self.insee})",
                rule="TAR-5",
                value=self.request.on,
            )
        # From 1 minute to one year of full-time work (1,607 h): 9,999,999,999 minutes would
        # make a 12.5 billion € invoice (docs/limits.md).
        check_minutes(self.minutes, what="durée d'intervention", rule="TAR-5")
        if (self.kind is ServiceKind.TRAINEE_ACCOMPANIMENT) != (self.trainee is not None):
            raise ValidationError(
                f"intervention « {self.kind} » du {self.on:%d/%m/%Y} : un stagiaire est requis "
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
    siret: str | None = None  # the commune's, from its convention or its request (TAR-8)
    sgc: str = ""  # the commune's service de gestion comptable (TAR-8)

    @property
    def unit(self) -> str:
        return "an" if self.minutes is None else "heure"


def membership_line(
    membership: Membership, grid: TariffGrid, convention: Convention | None = None
) -> InvoiceLine:
    """The annual fee's line (TAR-3: the full fee, whatever the month of joining), with the
    commune's SIRET and SGC from ``convention`` when given (TAR-8)."""
    service = grid.service(ServiceKind.MEMBERSHIP)
    return InvoiceLine(
        siret=convention.siret if convention else None,
        sgc=convention.sgc if convention else "",
        insee=membership.insee,
        year=membership.year,
        on=membership.joined_on,
        service=service.kind,
        label=f"{service.label} {membership.year}",
        article=service.article,
        unit_price=membership.fee,
        amount=membership.fee,
    )


def _convention_for(
    intervention: Intervention, conventions: tuple[Convention, ...]
) -> Convention | None:
    """The convention in force on the intervention's date (TAR-4); without one, the commune is
    billed on its recorded request, which must be there (TAR-5)."""
    found = convention_in_force(conventions, intervention.insee, intervention.on)
    if found is not None or intervention.request is not None:
        return found
    own = sorted(
        (c for c in conventions if c.insee == intervention.insee), key=lambda c: c.signed_on
    )
    when = f"{intervention.on:%d/%m/%Y}"
    if not own:
        reason = "la commune n'a signé aucune convention"
    elif intervention.on < own[0].signed_on:
        reason = f"elle est antérieure à la convention signée le {own[0].signed_on:%d/%m/%Y}"
    else:
        reason = "aucune convention de la commune n'est en vigueur à cette date"
    raise RuleViolation(
        f"intervention du {when} pour la commune {intervention.insee} refusée : {reason} ; "
        "enregistrez sa demande (qui l'a faite, et quand) pour la facturer au tarif des "
        "communes non adhérentes",
        rule="TAR-5",
        value=intervention.on,
    )


def _check_billable(service: Service, intervention: Intervention) -> None:
    where = f"intervention du {intervention.on:%d/%m/%Y}, commune {intervention.insee}"
    if service.mandatory:
        raise RuleViolation(
            f"« {service.label} » relève de la mission obligatoire du CDG : gratuite pour toutes "
            f"les communes, adhérentes ou non, elle n'est jamais facturée ({where})",
            rule="TAR-8",
            value=intervention.kind,
        )
    if not service.hourly:
        raise RuleViolation(
            f"« {service.label} » ({service.article}) n'est pas facturé à l'heure dans la grille "
            f"du CDG (prestations_horaires) ({where})",
            rule="TAR-5",
            value=intervention.kind,
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
        year = intervention.on.year
        grid = grid_for(all_grids, year, cdg=cdg)  # TAR-2: the rates of the intervention's year
        service = grid.service(intervention.kind)
        _check_billable(service, intervention)  # TAR-8 first: the mandatory mission is free
        convention = _convention_for(intervention, all_conventions)
        # TAR-6's allowance is the pack's: none without a convention in force.
        included = _included_minutes(intervention, grid, used) if convention else 0
        request = intervention.request
        siret = (convention.siret if convention else None) or (request.siret if request else None)
        sgc = (convention.sgc if convention else "") or (request.sgc if request else "")
        if included:
            zero = Decimal("0.00")
            lines.append(
                _hours_line(
                    intervention, service, f"{service.label} (inclus)", zero, zero,
                    minutes=included, billed_minutes=0, included=True, siret=siret, sgc=sgc,
                )
            )  # fmt: skip
        billed = intervention.minutes - included
        if billed:
            member = holds_membership(all_memberships, intervention.insee, year)  # TAR-5
            rate = grid.hourly_rate(member=member)
            status = "commune adhérente" if member else "commune non adhérente"
            if convention is None:
                status += ", sans convention, à sa demande"
            lines.append(
                _hours_line(
                    intervention, service, f"{service.label} ({status})", rate,
                    grid.rounding.amount(rate, billed), minutes=billed,
                    billed_minutes=grid.rounding.billed_minutes(billed), siret=siret, sgc=sgc,
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
    siret: str | None,
    sgc: str,
) -> InvoiceLine:
    return InvoiceLine(
        siret=siret,
        sgc=sgc,
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
    #: CHA-2: the CDG staff member who ran the billing (a member id): invoices are computed
    #: from the lines each time, so the run that produced them names its actor here.
    billed_by: str | None = None

    @property
    def total(self) -> Decimal:
        return invoice_total(self.lines)

    @property
    def siret(self) -> str | None:
        """The commune's SIRET, as its lines carry it (``None`` when unknown) (TAR-8)."""
        return next((line.siret for line in self.lines if line.siret), None)

    @property
    def sgc(self) -> str:
        """The commune's service de gestion comptable, as its lines carry it (TAR-8)."""
        return next((line.sgc for line in self.lines if line.sgc), "")


def require_issuer(cdg: CdgIdentity | None) -> CdgIdentity:
    """The CDG an invoice document is issued by: its identity and SIRET from the profile's
    ``[cdg]`` section; a document never goes out without them (TAR-8)."""
    if cdg is None:
        raise ConfigurationError(
            "aucune identité de CDG configurée : une facture porte le nom, l'adresse et le SIRET "
            "du CDG qui l'émet ; ajoutez la section [cdg] (nom, siret, adresse…) au profil "
            "rsgm.toml",
            rule="TAR-8",
            value=None,
        )
    if not cdg.siret:
        raise ConfigurationError(
            f"le SIRET du {cdg.short_name} manque : une facture porte le SIRET du CDG qui "
            "l'émet ; ajoutez la clé siret à la section [cdg] du profil rsgm.toml",
            rule="TAR-8",
            value=cdg.code,
        )
    return cdg


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
