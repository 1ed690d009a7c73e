"""``app.tariffs``, deprecated since 0.2.0: the membership pack is now two areas.

``app.memberships`` (:class:`~rsgm_core.services.memberships.MembershipService`): grids, quotes,
joining, conventions. ``app.billing`` (:class:`~rsgm_core.services.billing.BillingService`):
trainees, interventions, invoices and their exports. Every method below keeps its old signature
for one release, warns with a ``DeprecationWarning`` naming the new call, and delegates to it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from rsgm_core._compat import deprecated
from rsgm_core.domain.billing import Intervention, Invoice, InvoiceLine, Trainee
from rsgm_core.domain.conventions import Convention, Deadline, Party
from rsgm_core.domain.tariffs import Membership, ServiceKind, TariffGrid
from rsgm_core.services.billing import BillingService
from rsgm_core.services.memberships import ConventionStatus, MembershipService, Quote

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["ConventionStatus", "Quote", "TariffService"]


class TariffService:
    """Deprecated: ``app.tariffs`` became ``app.memberships`` and ``app.billing`` (0.2.0)."""

    __deprecated__ = "use app.memberships and app.billing"

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._memberships = MembershipService(deps)
        self._billing = BillingService(deps)

    @property
    @deprecated("app.memberships.cdg", area="tariffs")
    def cdg(self) -> str:
        """Deprecated: :attr:`MembershipService.cdg`."""
        return self._memberships.cdg

    @deprecated("app.memberships.list_grids()", area="tariffs")
    def grids(self) -> list[TariffGrid]:
        """Deprecated: :meth:`MembershipService.list_grids`."""
        return self._memberships.list_grids()

    @deprecated("app.memberships.grid(year=…)", area="tariffs")
    def grid(self, year: int) -> TariffGrid:
        """Deprecated: :meth:`MembershipService.grid` (``year`` keyword-only)."""
        return self._memberships.grid(year=year)

    @deprecated("app.memberships.quote(commune, year=…)", area="tariffs")
    def quote(self, commune: str, year: int) -> Quote:
        """Deprecated: :meth:`MembershipService.quote` (``year`` keyword-only)."""
        return self._memberships.quote(commune, year=year)

    @deprecated("app.memberships.join(commune, year=…, on=…)", area="tariffs")
    def join(
        self,
        commune: str,
        year: int | None = None,
        *,
        by: str,
        joined_on: dt.date | None = None,
    ) -> Membership:
        """Deprecated: :meth:`MembershipService.join` (``year=``, ``on=``); ``by`` is now
        required (CHA-2)."""
        return self._memberships.join(commune, by=by, year=year, on=joined_on)

    @deprecated("app.memberships.list_memberships(year=…)", area="tariffs")
    def memberships(self, year: int) -> list[Membership]:
        """Deprecated: :meth:`MembershipService.list_memberships`."""
        return self._memberships.list_memberships(year=year)

    @deprecated("app.memberships.sign_convention(commune, on=…)", area="tariffs")
    def sign_convention(
        self, commune: str, signed_on: dt.date, *, by: str, reference: str = ""
    ) -> Convention:
        """Deprecated: :meth:`MembershipService.sign_convention` (``on=``); ``by`` is now
        required (CHA-2)."""
        return self._memberships.sign_convention(commune, by=by, on=signed_on, reference=reference)

    @deprecated("app.memberships.give_notice(commune, on=…, party=…)", area="tariffs")
    def give_notice(
        self, commune: str, on: dt.date, *, actor: str, by: Party | str = Party.COLLECTIVITY
    ) -> Convention:
        """Deprecated: :meth:`MembershipService.give_notice` (``on=``, ``party=``). ``by`` kept
        its old meaning (the party giving notice) here, so the acting person is ``actor``
        (CHA-2); the new method names them ``by``."""
        return self._memberships.give_notice(commune, by=actor, on=on, party=by)

    @deprecated("app.memberships.list_conventions(commune=…)", area="tariffs")
    def conventions(self, commune: str | None = None) -> list[Convention]:
        """Deprecated: :meth:`MembershipService.list_conventions`."""
        return self._memberships.list_conventions(commune=commune)

    @deprecated("app.memberships.convention_status(commune, on=…)", area="tariffs")
    def convention_status(self, commune: str, on: dt.date | None = None) -> ConventionStatus:
        """Deprecated: :meth:`MembershipService.convention_status` (``on=`` keyword-only)."""
        return self._memberships.convention_status(commune, on=on)

    @deprecated("app.memberships.list_deadlines(on=…, days=…)", area="tariffs")
    def deadlines(self, today: dt.date | None = None, days: int = 90) -> list[Deadline]:
        """Deprecated: :meth:`MembershipService.list_deadlines` (``on=``)."""
        return self._memberships.list_deadlines(on=today, days=days)

    @deprecated("app.billing.add_trainee(name, first_job_start=…)", area="tariffs")
    def add_trainee(
        self, person: str, first_job_start: dt.date, *, by: str, programme: str = ""
    ) -> Trainee:
        """Deprecated: :meth:`BillingService.add_trainee` (``first_job_start=`` keyword-only);
        ``by`` is now required (CHA-2)."""
        return self._billing.add_trainee(
            person, by=by, first_job_start=first_job_start, programme=programme
        )

    @deprecated("app.billing.list_trainees()", area="tariffs")
    def trainees(self) -> list[Trainee]:
        """Deprecated: :meth:`BillingService.list_trainees`."""
        return self._billing.list_trainees()

    @deprecated("app.billing.add_intervention(commune, kind, minutes, on=…)", area="tariffs")
    def add_intervention(
        self,
        commune: str,
        on: dt.date,
        kind: ServiceKind | str,
        minutes: int,
        *,
        by: str,
        on_site: bool = False,
        trainee: str | Trainee | None = None,
        description: str = "",
        ref: str = "",
    ) -> Intervention:
        """Deprecated: :meth:`BillingService.add_intervention` (``on=`` keyword-only)."""
        return self._billing.add_intervention(
            commune, kind, minutes, by=by, on=on, on_site=on_site, trainee=trainee,
            description=description, ref=ref,
        )  # fmt: skip

    @deprecated("app.billing.list_interventions(year=…)", area="tariffs")
    def interventions(self, year: int | None = None) -> list[Intervention]:
        """Deprecated: :meth:`BillingService.list_interventions`."""
        return self._billing.list_interventions(year=year)

    @deprecated("app.billing.list_invoice_lines(year=…)", area="tariffs")
    def invoice_lines(self, year: int) -> list[InvoiceLine]:
        """Deprecated: :meth:`BillingService.list_invoice_lines`."""
        return self._billing.list_invoice_lines(year=year)

    @deprecated("app.billing.bill(year=…)", area="tariffs")
    def bill(self, year: int, *, by: str) -> list[Invoice]:
        """Deprecated: :meth:`BillingService.bill` (``year`` keyword-only)."""
        return self._billing.bill(year=year, by=by)

    @deprecated("app.billing.export_invoice_lines(year=…, format=…)", area="tariffs")
    def export_invoice_lines(
        self, year: int, format: Literal["csv", "json"] = "csv", *, by: str
    ) -> bytes | str:
        """Deprecated: :meth:`BillingService.export_invoice_lines` (keyword-only)."""
        return self._billing.export_invoice_lines(year=year, by=by, format=format)
