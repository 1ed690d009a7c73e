"""The partner directory (MEM-10), after the guide's *Focus Partenaires*.

Each partner has an identity card: name, organisation, category, contact, themes and the years it
intervened in the network. "Kept up to date": a card not reviewed for a year is listed as stale.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from rsgm_core.domain.enums import read_enum
from rsgm_core.errors import ValidationError

__all__ = [
    "STALE_AFTER_DAYS",
    "InterventionYears",
    "Partner",
    "PartnerCategory",
    "intervention_years",
    "partner_category",
]

STALE_AFTER_DAYS = 365


class PartnerCategory(enum.Enum):
    """MEM-10: the categories of the guide's *Focus Partenaires*."""

    CDG_SERVICE = "service_interne_cdg"
    ADMINISTRATION = "administration"
    HEALTH_SAFETY = "sante_securite"
    ENVIRONMENT_PLANNING = "environnement_amenagement"
    TRAINING_EMPLOYMENT = "formation_emploi"
    DIGITAL = "numerique"
    ASSOCIATION = "associatif"

    @property
    def label(self) -> str:
        return {
            "service_interne_cdg": "service interne du CDG",
            "administration": "administration",
            "sante_securite": "santé-sécurité",
            "environnement_amenagement": "environnement-aménagement",
            "formation_emploi": "formation-emploi",
            "numerique": "numérique",
            "associatif": "associatif",
        }[self.value]


def partner_category(value: PartnerCategory | str) -> PartnerCategory:
    """``value`` as a category: the enum itself, its value (``"numerique"``) or its name in lower
    case (``"digital"``); anything else is refused naming the categories (MEM-10)."""
    return read_enum(
        PartnerCategory, value, "catégorie de partenaire inconnue", rule="MEM-10", choices="attendu"
    )


def _name(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"partenaire : {attribute.name} vide", rule="MEM-10", value=value)


def _sorted_years(years: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(years)))


def _years(_: object, __: object, value: tuple[int, ...]) -> None:
    for year in value:
        if not isinstance(year, int) or not 1980 <= year <= 2100:
            raise ValidationError(
                f"année d'intervention invalide : {year!r}", rule="MEM-10", value=year
            )


@attrs.frozen
class Partner:
    """A partner's identity card in the directory (MEM-10): who, which organisation, what about,
    which years it intervened, and when the card was last reviewed."""

    id: str
    name: str = attrs.field(validator=_name)
    organisation: str = attrs.field(validator=_name)
    category: PartnerCategory
    contact: str | None = None  # a person, an e-mail or a phone
    themes: tuple[str, ...] = ()
    years: tuple[int, ...] = attrs.field(default=(), converter=_sorted_years, validator=_years)
    reviewed_on: dt.date | None = None

    def stale_on(self, day: dt.date) -> bool:
        """Whether the card was not reviewed in the year before ``day`` (MEM-10)."""
        return self.reviewed_on is None or (day - self.reviewed_on).days > STALE_AFTER_DAYS


@attrs.frozen
class InterventionYears:
    """MEM-10: the years a partner intervened in the network: those declared on its card and
    those derived from the sessions it spoke at (NET-8); ``years`` is both, without repeat."""

    partner_id: str
    declared: tuple[int, ...]
    from_sessions: tuple[int, ...]

    @property
    def years(self) -> tuple[int, ...]:
        return _sorted_years((*self.declared, *self.from_sessions))


def intervention_years(partner: Partner, session_days: Iterable[dt.date]) -> InterventionYears:
    """MEM-10, NET-8: ``partner``'s years of intervention, its card's and those of the days of
    the sessions it spoke at."""
    return InterventionYears(
        partner.id, partner.years, _sorted_years(day.year for day in session_days)
    )
