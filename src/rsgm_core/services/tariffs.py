"""``app.tariffs``, deprecated since 0.2.0: the membership pack is now two areas.

``app.memberships`` (:class:`~rsgm_core.services.memberships.MembershipService`): grids, quotes,
joining, conventions. ``app.billing`` (:class:`~rsgm_core.services.billing.BillingService`):
trainees, interventions, invoices and their exports. Every method below keeps its old signature
for one release, warns with a ``DeprecationWarning`` naming the new call, and delegates to it.
"""

from __future__ import annotations

import datetime as dt
import warnings
from typing import TYPE_CHECKING, Literal

from rsgm_core.domain.billing import Intervention, Invoice, InvoiceLine, Trainee
from rsgm_core.domain.conventions import Convention, Deadline, Party
from rsgm_core.domain.tariffs import Membership, ServiceKind, TariffGrid
from rsgm_core.services.billing import BillingService
from rsgm_core.services.memberships import ConventionStatus, MembershipService, Quote

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps

__all__ = ["ConventionStatus", "Quote", "TariffService"]

_SINCE = "0.2.0"


def _moved(old: str, new: str) -> None:
    warnings.warn(
        f"app.tariffs.{old}() is deprecated since rsgm_core {_SINCE}; use app.{new} instead",
        DeprecationWarning,
        stacklevel=3,  # the caller of the deprecated method
    )


class TariffService:
    """Deprecated: ``app.tariffs`` became ``app.memberships`` and ``app.billing`` (0.2.0)."""

    __deprecated__ = "use app.memberships and app.billing"

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._memberships = MembershipService(deps)
        self._billing = BillingService(deps)

    @property
    def cdg(self) -> str:
        """Deprecated: :attr:`MembershipService.cdg`."""
        _moved("cdg", "memberships.cdg")
        return self._memberships.cdg

    def grids(self) -> list[TariffGrid]:
        """Deprecated: :meth:`MembershipService.list_grids`."""
        _moved("grids", "memberships.list_grids()")
        return self._memberships.list_grids()

    def grid(self, year: int) -> TariffGrid:
        """Deprecated: :meth:`MembershipService.grid` (``year`` keyword-only)."""
        _moved("grid", "memberships.grid(year=…)")
        return self._memberships.grid(year=year)

    def quote(self, commune: str, year: int) -> Quote:
        """Deprecated: :meth:`MembershipService.quote` (``year`` keyword-only)."""
        _moved("quote", "memberships.quote(commune, year=…)")
        return self._memberships.quote(commune, year=year)

    def join(
        self, commune: str, year: int | None = None, *, joined_on: dt.date | None = None
    ) -> Membership:
        """Deprecated: :meth:`MembershipService.join` (``year=``, ``on=``)."""
        _moved("join", "memberships.join(commune, year=…, on=…)")
        return self._memberships.join(commune, year=year, on=joined_on)

    def memberships(self, year: int) -> list[Membership]:
        """Deprecated: :meth:`MembershipService.list_memberships`."""
        _moved("memberships", "memberships.list_memberships(year=…)")
        return self._memberships.list_memberships(year=year)

    def sign_convention(
        self, commune: str, signed_on: dt.date, *, reference: str = ""
    ) -> Convention:
        """Deprecated: :meth:`MembershipService.sign_convention` (``on=``)."""
        _moved("sign_convention", "memberships.sign_convention(commune, on=…)")
        return self._memberships.sign_convention(commune, on=signed_on, reference=reference)

    def give_notice(
        self, commune: str, on: dt.date, *, by: Party | str = Party.COLLECTIVITY
    ) -> Convention:
        """Deprecated: :meth:`MembershipService.give_notice` (``on=``, ``party=``)."""
        _moved("give_notice", "memberships.give_notice(commune, on=…, party=…)")
        return self._memberships.give_notice(commune, on=on, party=by)

    def conventions(self, commune: str | None = None) -> list[Convention]:
        """Deprecated: :meth:`MembershipService.list_conventions`."""
        _moved("conventions", "memberships.list_conventions(commune=…)")
        return self._memberships.list_conventions(commune=commune)

    def convention_status(self, commune: str, on: dt.date | None = None) -> ConventionStatus:
        """Deprecated: :meth:`MembershipService.convention_status` (``on=`` keyword-only)."""
        _moved("convention_status", "memberships.convention_status(commune, on=…)")
        return self._memberships.convention_status(commune, on=on)

    def deadlines(self, today: dt.date | None = None, days: int = 90) -> list[Deadline]:
        """Deprecated: :meth:`MembershipService.list_deadlines` (``on=``)."""
        _moved("deadlines", "memberships.list_deadlines(on=…, days=…)")
        return self._memberships.list_deadlines(on=today, days=days)

    def add_trainee(self, person: str, first_job_start: dt.date, *, programme: str = "") -> Trainee:
        """Deprecated: :meth:`BillingService.add_trainee` (``first_job_start=`` keyword-only)."""
        _moved("add_trainee", "billing.add_trainee(name, first_job_start=…)")
        return self._billing.add_trainee(
            person, first_job_start=first_job_start, programme=programme
        )

    def trainees(self) -> list[Trainee]:
        """Deprecated: :meth:`BillingService.list_trainees`."""
        _moved("trainees", "billing.list_trainees()")
        return self._billing.list_trainees()

    def add_intervention(
        self,
        commune: str,
        on: dt.date,
        kind: ServiceKind | str,
        minutes: int,
        *,
        on_site: bool = False,
        trainee: str | Trainee | None = None,
        description: str = "",
        ref: str = "",
    ) -> Intervention:
        """Deprecated: :meth:`BillingService.add_intervention` (``on=`` keyword-only)."""
        _moved("add_intervention", "billing.add_intervention(commune, kind, minutes, on=…)")
        return self._billing.add_intervention(
            commune, kind, minutes, on=on, on_site=on_site, trainee=trainee,
            description=description, ref=ref,
        )  # fmt: skip

    def interventions(self, year: int | None = None) -> list[Intervention]:
        """Deprecated: :meth:`BillingService.list_interventions`."""
        _moved("interventions", "billing.list_interventions(year=…)")
        return self._billing.list_interventions(year=year)

    def invoice_lines(self, year: int) -> list[InvoiceLine]:
        """Deprecated: :meth:`BillingService.list_invoice_lines`."""
        _moved("invoice_lines", "billing.list_invoice_lines(year=…)")
        return self._billing.list_invoice_lines(year=year)

    def bill(self, year: int) -> list[Invoice]:
        """Deprecated: :meth:`BillingService.bill` (``year`` keyword-only)."""
        _moved("bill", "billing.bill(year=…)")
        return self._billing.bill(year=year)

    def export_invoice_lines(
        self, year: int, format: Literal["csv", "json"] = "csv"
    ) -> bytes | str:
        """Deprecated: :meth:`BillingService.export_invoice_lines` (keyword-only)."""
        _moved("export_invoice_lines", "billing.export_invoice_lines(year=…, format=…)")
        return self._billing.export_invoice_lines(year=year, format=format)
