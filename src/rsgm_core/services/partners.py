"""The partner directory (MEM-10): ``app.partners``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.partners import Partner, PartnerCategory
from rsgm_core.services.members import enum_of, new_id

if TYPE_CHECKING:
    from rsgm_core.services.deps import Deps


class PartnerService:
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
        partner = Partner(
            new_id(), name.strip(), organisation.strip(),
            enum_of(PartnerCategory, category, "catégorie de partenaire"),
            contact=contact, themes=tuple(t.strip() for t in themes if t.strip()),
            years=tuple(years), reviewed_on=self.deps.today(),
        )  # fmt: skip
        with self.deps.transaction() as uow:
            return uow.partners.add(partner)

    def update(self, partner_id: str, **changes: Any) -> Partner:
        """MEM-10, "kept up to date": any change (or none) marks the card reviewed today."""
        if "category" in changes:
            changes["category"] = enum_of(PartnerCategory, changes["category"], "catégorie")
        with self.deps.transaction() as uow:
            partner = uow.partners.get(partner_id)
            return uow.partners.update(
                attrs.evolve(partner, **changes, reviewed_on=self.deps.today())
            )

    def add_year(self, partner_id: str, year: int) -> Partner:
        with self.deps.read() as uow:
            years = uow.partners.get(partner_id).years
        return self.update(partner_id, years=(*years, year))

    def list(
        self, *, category: PartnerCategory | str | None = None, theme: str | None = None
    ) -> list[Partner]:
        where = {"category": enum_of(PartnerCategory, category, "catégorie")} if category else None
        with self.deps.read() as uow:
            found = uow.partners.list(where)
        if theme:
            key = fold(theme)
            found = [p for p in found if any(key in fold(t) for t in p.themes)]
        return sorted(found, key=lambda p: fold(p.name))

    def stale(self, *, on: dt.date | None = None) -> list[Partner]:
        """MEM-10: cards not reviewed for a year."""
        day = on or self.deps.today()
        return [p for p in self.list() if p.stale_on(day)]

    def remove(self, partner_id: str) -> None:
        with self.deps.transaction() as uow:
            uow.partners.remove(partner_id)
