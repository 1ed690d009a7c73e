"""The partner directory (MEM-10): ``app.partners``."""

from __future__ import annotations

import datetime as dt
import functools
import warnings
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from rsgm_core.domain.directory import fold
from rsgm_core.domain.partners import Partner, PartnerCategory, partner_category
from rsgm_core.services._pack import new_id

if TYPE_CHECKING:
    from rsgm_core.ports import UnitOfWork
    from rsgm_core.services.deps import Deps

__all__ = ["PartnerService"]

R = TypeVar("R")


# --- Deprecated names, kept for one release (0.2.0). ------------------------------------------


def _warn(old: str, new: str) -> None:
    warnings.warn(
        f"app.partners.{old} is deprecated since rsgm_core 0.2.0; use app.partners.{new} instead",
        DeprecationWarning,
        stacklevel=3,  # the caller of the deprecated name
    )


def _renamed(new: Callable[..., R], old: str) -> Callable[..., R]:
    @functools.wraps(new)
    def alias(*args: Any, **kwargs: Any) -> R:
        _warn(f"{old}()", f"{new.__name__}()")
        return new(*args, **kwargs)

    alias.__name__ = old
    alias.__qualname__ = f"PartnerService.{old}"
    alias.__doc__ = f"Deprecated alias of :meth:`{new.__name__}`."
    alias.__deprecated__ = f"use {new.__name__}()"  # type: ignore[attr-defined]  # PEP 702 marker
    return alias


def _positional_year(method: Callable[..., R]) -> Callable[..., R]:
    """``add_year(partner_id, 2025)`` keeps working one release, with a warning: ``year`` is
    keyword-only now. ``inspect.signature`` shows the new signature."""

    @functools.wraps(method)
    def wrapper(self: PartnerService, partner_id: str, *args: int, **kwargs: int) -> R:
        if args:
            _warn("add_year(partner_id, year)", "add_year(partner_id, year=…)")
            kwargs["year"] = args[0]
        return method(self, partner_id, **kwargs)

    return wrapper


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
        contact: str | None = None,
        themes: Iterable[str] | None = None,
        years: Iterable[int] | None = None,
    ) -> Partner:
        """Change what is given (``None`` keeps a field; ``contact=""`` clears the contact).

        MEM-10, "kept up to date": any change (or none) marks the card reviewed today.
        """
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = name.strip()
        if organisation is not None:
            changes["organisation"] = organisation.strip()
        if category is not None:
            changes["category"] = partner_category(category)
        if contact is not None:
            changes["contact"] = contact.strip() or None
        if themes is not None:
            changes["themes"] = _themes(themes)
        if years is not None:
            changes["years"] = tuple(years)
        with self.deps.transaction() as uow:
            return _update(uow, self.deps, partner_id, changes)

    @_positional_year
    def add_year(self, partner_id: str, *, year: int) -> Partner:
        """Record that the partner intervened in the network in ``year`` (MEM-10)."""
        with self.deps.transaction() as uow:
            years = uow.partners.get(partner_id).years
            return _update(uow, self.deps, partner_id, {"years": (*years, year)})

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


def _themes(themes: Iterable[str]) -> tuple[str, ...]:
    return tuple(t.strip() for t in themes if t.strip())


def _update(uow: UnitOfWork, deps: Deps, partner_id: str, changes: dict[str, Any]) -> Partner:
    partner = uow.partners.get(partner_id)
    return uow.partners.update(attrs.evolve(partner, **changes, reviewed_on=deps.today()))


# --- Deprecated names, kept for one release (0.2.0): attached after the class body, so that ``list``
# never shadows the builtin inside it.

PartnerService.list = _renamed(PartnerService.list_partners, "list")  # type: ignore[attr-defined]  # a deprecated alias
PartnerService.stale = _renamed(PartnerService.list_stale_partners, "stale")  # type: ignore[attr-defined]  # idem
