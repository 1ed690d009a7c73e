"""The partner directory (MEM-10): ``app.partners``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from rsgm_core._compat import deprecated_aliases, keyword_only, warn_deprecated
from rsgm_core.domain.directory import fold
from rsgm_core.domain.partners import (
    InterventionYears,
    Partner,
    PartnerCategory,
    intervention_years,
    partner_category,
)
from rsgm_core.services.members import new_id

if TYPE_CHECKING:
    from typing_extensions import deprecated as typed_deprecated

    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["PartnerService"]

R = TypeVar("R")


class _Keep:
    """The default of ``update(contact=…)``: keep the contact (``None`` cleared it before 0.2).
    Typed ``Any`` so that the signature shows ``str | None`` only."""

    def __repr__(self) -> str:
        return "<keep>"


_KEEP: Any = _Keep()


class PartnerService:
    """``app.partners``: the partner directory of the guide's *Focus Partenaires* (MEM-10)."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def add(
        self,
        name: str,
        organisation: str,
        category: PartnerCategory | str,
        *,
        contact: str | None = None,
        themes: Iterable[str] = (),
        years: Iterable[int] = (),
    ) -> Partner:
        """Add a partner's card, reviewed today (MEM-10)."""
        partner = Partner(
            new_id(), name.strip(), organisation.strip(), partner_category(category),
            contact=contact, themes=_themes(themes),
            years=tuple(years), reviewed_on=self.deps.today(),
        )  # fmt: skip
        with self.deps.transaction() as uow:
            return uow.partners.add(partner)

    def get(self, partner_id: str) -> Partner:
        """The card of ``partner_id`` (``NotFoundError`` if there is none)."""
        with self.deps.read() as uow:
            return uow.partners.get(partner_id)

    def update(
        self,
        partner_id: str,
        *,
        name: str | None = None,
        organisation: str | None = None,
        category: PartnerCategory | str | None = None,
        contact: str | None = _KEEP,
        themes: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
    ) -> Partner:
        """Change what is given (``None`` keeps a field; ``contact=""`` clears the contact).

        ``contact=None`` cleared the contact before 0.2 and still does for one release, with a
        ``DeprecationWarning`` naming ``contact=""``; leaving ``contact`` out keeps it.

        MEM-10, "kept up to date": any change (or none) marks the card reviewed today.
        """
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name.strip()
        if organisation is not None:
            changes["organisation"] = organisation.strip()
        if category is not None:
            changes["category"] = partner_category(category)
        if contact is None:
            warn_deprecated("app.partners.update(…, contact=None)", 'update(…, contact="")')
            changes["contact"] = None
        elif contact is not _KEEP:
            changes["contact"] = contact.strip() or None
        if themes is not None:
            changes["themes"] = _themes(themes)
        if years is not None:
            changes["years"] = tuple(years)
        with self.deps.transaction() as uow:
            return _update(uow, self.deps, partner_id, changes)

    @keyword_only(
        "year",
        after=2,
        old="app.partners.add_year(partner_id, year)",
        use="app.partners.add_year(partner_id, year=…)",
    )
    def add_year(self, partner_id: str, *, year: int) -> Partner:
        """Record that the partner intervened in the network in ``year`` (MEM-10)."""
        with self.deps.transaction() as uow:
            years = uow.partners.get(partner_id).years
            return _update(uow, self.deps, partner_id, {"years": (*years, year)})

    def intervention_years(self, partner_id: str) -> InterventionYears:
        """MEM-10: the years ``partner_id`` intervened in the network: those declared on its card
        (``add_year``, ``update(years=…)``) and those derived from the sessions it spoke at
        (NET-8, ``app.means.add_speaker``)."""
        with self.deps.read() as uow:
            return _intervention_years(uow, uow.partners.get(partner_id))

    def list_intervention_years(self) -> list[InterventionYears]:
        """MEM-10: every card's years of intervention, declared and derived, by partner name."""
        with self.deps.read() as uow:
            partners = sorted(uow.partners.list(), key=lambda p: fold(p.name))
            return [_intervention_years(uow, p) for p in partners]

    def list_partners(
        self, *, category: PartnerCategory | str | None = None, theme: str | None = None
    ) -> list[Partner]:
        """The cards, of ``category`` and about ``theme`` (accents and case ignored), by name."""
        where = {"category": partner_category(category)} if category else None
        with self.deps.read() as uow:
            found = uow.partners.list(where)
        if theme:
            key = fold(theme)
            found = [p for p in found if any(key in fold(t) for t in p.themes)]
        return sorted(found, key=lambda p: fold(p.name))

    def list_stale_partners(self, *, on: dt.date | None = None) -> list[Partner]:
        """MEM-10: the cards not reviewed in the year before ``on`` (default today), by name."""
        day = self.deps.on(on)
        return [p for p in self.list_partners() if p.stale_on(day)]

    def remove(self, partner_id: str) -> None:
        """Delete the card of ``partner_id``."""
        with self.deps.transaction() as uow:
            uow.partners.remove(partner_id)

    # The former names, attached below at run time, typed for a caller's checker; ``list`` comes
    # last, so that no annotation of the class reads it instead of the builtin.
    if TYPE_CHECKING:

        @typed_deprecated("use app.partners.list_stale_partners()")
        def stale(self, *, on: dt.date | None = None) -> list[Partner]: ...
        @typed_deprecated("use app.partners.list_partners()")
        def list(
            self, *, category: PartnerCategory | str | None = None, theme: str | None = None
        ) -> list[Partner]: ...


def _intervention_years(uow: UnitOfWork, partner: Partner) -> InterventionYears:
    """MEM-10, NET-8: the card's years and those of the sessions the partner spoke at."""
    sessions = {s.session_id for s in uow.speakers.list({"partner_id": partner.id})}
    days = [found.date for found in (uow.sessions.find(s) for s in sessions) if found is not None]
    return intervention_years(partner, days)


def _themes(themes: Iterable[str]) -> tuple[str, ...]:
    return tuple(t.strip() for t in themes if t.strip())


def _update(uow: UnitOfWork, deps: Deps, partner_id: str, changes: dict[str, Any]) -> Partner:
    partner = uow.partners.get(partner_id)
    return uow.partners.update(attrs.evolve(partner, **changes, reviewed_on=deps.today()))


# --- Deprecated names, kept for one release (0.2.0): attached after the class body, so that ``list``
# never shadows the builtin inside it.

deprecated_aliases(
    PartnerService, area="partners", list="list_partners", stale="list_stale_partners"
)
