"""The membership pack's billing as use cases (TAR-4..TAR-8): ``app.billing``.

Trainees, hourly interventions, the year's invoices and their exports for the accounting software.
The rules live in ``domain/billing.py``; this module loads what they need from storage, calls them
and saves the result, one unit of work per use case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, overload

import attrs

from rsgm_core.domain import billing
from rsgm_core.domain.authorization import Operation
from rsgm_core.domain.billing import (
    Intervention,
    InterventionRequest,
    Invoice,
    InvoiceLine,
    Trainee,
    require_issuer,
)
from rsgm_core.domain.conventions import Convention, convention_in_force
from rsgm_core.domain.profile import CdgIdentity, outside_territory
from rsgm_core.domain.tariffs import ServiceKind
from rsgm_core.errors import ValidationError
from rsgm_core.render.invoices import invoice_lines_csv, invoice_lines_json
from rsgm_core.services._pack import (
    checked_date,
    checked_year,
    current_cdg,
    grid_of,
    grids_of,
    known_commune,
    own_grids,
    served_commune,
)
from rsgm_core.services.authorization import authorize
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from rsgm_core.domain.members import Member
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["BillingService"]


class BillingService:
    """``app.billing``: trainees, the CDG's hours for communes, and the year's invoices
    (TAR-4..TAR-8)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    # Trainees and interventions (TAR-4, TAR-5, TAR-6)

    def add_trainee(
        self, name: str, *, by: str, first_job_start: dt.date, programme: str = ""
    ) -> Trainee:
        """Record a trainee of the CDG's programmes, whose accompaniment is partly included (TAR-6).

        ``name`` is the trainee's name as on the programme's roll (a trainee need not be a member).
        """
        trainee = Trainee(
            name.strip() if isinstance(name, str) else name,
            checked_date(first_job_start, "date de prise de poste"),
            programme.strip(),
            id=new_id(),
        )
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.BILLING, on=self.deps.today())
            trainee = attrs.evolve(trainee, recorded_by=actor.id)  # CHA-2
            uow.trainees.add(trainee)
        return trainee

    def list_trainees(self) -> list[Trainee]:
        """Every trainee, by name then first job start."""
        with self.deps.read() as uow:
            return sorted(uow.trainees.list(), key=lambda t: (t.person, t.first_job_start))

    def add_intervention(
        self,
        commune: str,
        kind: ServiceKind | str,
        minutes: int,
        *,
        by: str,
        on: dt.date | None = None,
        on_site: bool = False,
        trainee: str | Trainee | None = None,
        description: str = "",
        ref: str = "",
        requested_by: str = "",
        requested_on: dt.date | None = None,
        siret: str | None = None,
        sgc: str = "",
    ) -> Intervention:
        """Record ``minutes`` the CDG spent for ``commune`` ``on`` a day (default today).

        A commune with no convention in force that day is billed at the non-member rate on its
        recorded request (TAR-5): ``requested_by`` (who asked) and ``requested_on`` (when, default
        the intervention's day), with its ``siret`` and service de gestion comptable ``sgc`` for
        the invoice (TAR-8). Refused, with nothing written, if it could not be billed: no
        convention in force and no request (TAR-5), no grid for its year (TAR-2), a service of the
        mandatory mission (TAR-8) or one the grid does not bill by the hour (TAR-5), a duration
        that is not a positive number of minutes (TAR-5), a commune hors ressort (TER-7).
        ``trainee`` (an id or a :class:`Trainee`) is required for trainee accompaniment, and only
        for it (TAR-6).
        """
        day = self.deps.today() if on is None else checked_date(on, "date d'intervention")
        request = None
        if requested_by.strip() or requested_on is not None:
            when = day if requested_on is None else checked_date(requested_on, "date de demande")
            request = InterventionRequest(requested_by, when, siret, sgc)
        elif siret or sgc.strip():
            raise ValidationError(
                "SIRET ou service de gestion comptable donné sans demande : ils accompagnent la "
                "demande d'une commune sans convention (requested_by) ; pour une commune "
                "conventionnée, ils figurent sur sa convention",
                rule="TAR-5",
                value=siret or sgc,
            )
        with self.deps.transaction() as uow:
            actor = authorize(uow, by, Operation.BILLING, on=self.deps.today())
            return _add_intervention(
                uow, self.deps, commune, kind, minutes, on=day, on_site=on_site,
                trainee=trainee, description=description, ref=ref, request=request, by=actor.id,
            )  # fmt: skip

    def list_interventions(self, *, year: int | None = None) -> list[Intervention]:
        """Every intervention, or those of ``year``, by date."""
        with self.deps.read() as uow:
            found = uow.interventions.list()
        if year is not None:
            year = checked_year(year)
            found = [i for i in found if i.on.year == year]
        return sorted(found, key=lambda i: (i.on, i.ref, i.insee))

    # Invoices (TAR-5..TAR-8)

    def list_invoice_lines(self, *, year: int) -> list[InvoiceLine]:
        """Every line of ``year``: the memberships' fees and the interventions, priced now.

        With no grid configured, a ``NotFoundError`` naming ``[[tarifs]]`` (TAR-2). Communes hors
        ressort are never invoiced (TER-7): their records, if any, are left out.
        """
        year = checked_year(year)
        own_grids(self.deps)
        with self.deps.read() as uow:
            return _invoice_lines(uow, self.deps, year)

    def issuer(self) -> CdgIdentity:
        """The CDG that issues the invoices: ``[cdg]`` of the profile, with its SIRET; missing, a
        ``ConfigurationError`` naming ``[cdg]`` (TAR-8)."""
        return require_issuer(self.deps.settings.cdg)

    def bill(self, *, year: int, by: str) -> list[Invoice]:
        """The invoices of ``year``, one per commune, each with its ``Decimal`` total; ``by``:
        CDG staff (CHA-2), named on each invoice (``billed_by``)."""
        actor = self._authorize(by).id
        invoices = billing.invoices_for_year(self.list_invoice_lines(year=year), year)
        return [attrs.evolve(invoice, billed_by=actor) for invoice in invoices]

    def _authorize(self, by: str) -> Member:
        """CHA-2: the acting person, once authorized to bill."""
        with self.deps.read() as uow:
            return authorize(uow, by, Operation.BILLING, on=self.deps.today())

    @overload
    def export_invoice_lines(
        self, *, year: int, by: str, format: Literal["csv"] = "csv"
    ) -> bytes: ...

    @overload
    def export_invoice_lines(self, *, year: int, by: str, format: Literal["json"]) -> str: ...

    @overload
    def export_invoice_lines(
        self, *, year: int, by: str, format: Literal["csv", "json"]
    ) -> bytes | str: ...

    def export_invoice_lines(
        self, *, year: int, by: str, format: Literal["csv", "json"] = "csv"
    ) -> bytes | str:
        """The year's lines for the accounting software: CSV bytes (``;``, BOM) or JSON text,
        naming the issuing CDG and its SIRET (``[cdg]``, else a ``ConfigurationError``) and each
        commune's SIRET and service de gestion comptable (TAR-8)."""
        if format not in ("csv", "json"):
            raise ValidationError(
                f"format d'export inconnu : {format!r} (csv ou json)", value=format
            )
        name = self._authorize(by).full_name  # CHA-2: the export names who produced it
        lines = self.list_invoice_lines(year=year)  # no grid configured: TAR-2 first
        issuer = self.issuer()
        if format == "csv":
            return invoice_lines_csv(lines, year, issuer=issuer, billed_by=name)
        return invoice_lines_json(lines, year, issuer=issuer, billed_by=name)


def _add_intervention(
    uow: UnitOfWork,
    deps: Deps,
    commune: str,
    kind: ServiceKind | str,
    minutes: int,
    *,
    on: dt.date,
    on_site: bool,
    trainee: str | Trainee | None,
    description: str,
    ref: str,
    request: InterventionRequest | None,
    by: str | None = None,
) -> Intervention:
    served_commune(deps, known_commune(uow, commune), what="être facturée")  # TER-7
    held = None
    if trainee is not None:
        held = uow.trainees.get(trainee.id if isinstance(trainee, Trainee) else trainee)
    intervention = Intervention(
        commune, on, kind, minutes, on_site=bool(on_site), trainee=held,
        description=description.strip(), ref=ref.strip(), id=new_id(), request=request,
        recorded_by=by,
    )  # fmt: skip
    # A dry run of the billing rules, so that an intervention stored can always be billed.
    billing.bill_interventions(
        [intervention],
        grids=grids_of(deps),
        cdg=current_cdg(deps),
        conventions=uow.conventions.list({"insee": commune}),
        memberships=(),
    )
    uow.interventions.add(intervention)
    return intervention


def _invoice_lines(uow: UnitOfWork, deps: Deps, year: int) -> list[InvoiceLine]:
    memberships = uow.memberships.list({"year": year})
    conventions = uow.conventions.list()
    interventions = uow.interventions.list()
    lines = []
    if memberships:
        grid = grid_of(deps, year)
        lines += [
            billing.membership_line(
                m, grid, convention_in_force(conventions, m.insee, m.joined_on)
                or _latest_convention(conventions, m.insee, year),
            )
            for m in memberships
        ]  # fmt: skip
    lines += billing.bill_interventions(
        _billed_with(interventions, year),
        grids=grids_of(deps),
        cdg=current_cdg(deps),
        conventions=conventions,
        memberships=memberships,
    )
    departements = deps.settings.departements
    codes = sorted({line.insee for line in lines})
    outside = {
        c.code
        for c in uow.communes.list({"code": codes})
        if outside_territory(c.departement, departements)
    } if departements and codes else set()  # fmt: skip
    return [line for line in lines if line.year == year and line.insee not in outside]


def _latest_convention(
    conventions: Iterable[Convention], insee: str, year: int
) -> Convention | None:
    """The commune's latest convention signed by the end of ``year``, for its SIRET and SGC."""
    own = [c for c in conventions if c.insee == insee and c.signed_on.year <= year]
    return max(own, key=lambda c: c.signed_on, default=None)


def _billed_with(interventions: Iterable[Intervention], year: int) -> list[Intervention]:
    """The year's interventions, plus the earlier ones of the same trainees: the on-site allowance
    is consumed in date order across years (TAR-6)."""
    of_year = [i for i in interventions if i.on.year == year]
    trainees = {i.trainee for i in of_year if i.trainee is not None}
    earlier = [i for i in interventions if i.on.year < year and i.trainee in trainees]
    return earlier + of_year
