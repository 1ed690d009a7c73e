"""What makes one CDG its own case: its identity and its policies (CHA-2, CHA-3, CHA-8, TER-3,
TER-7, EVT-3).

These are the choices the rules leave to each CDG. They come from the CDG's profile file
(``rsgm.toml``, read by :meth:`rsgm_core.Settings.from_file`); the defaults below are the
cautious ones, never one CDG's: access by invitation, no pack asked for the community spaces,
every new charter version signed again, the legal scope as target public.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Collection
from pathlib import Path

import attrs

from rsgm_core.domain.territory import SGM_THRESHOLD, luhn_valid
from rsgm_core.errors import ConfigurationError, ValidationError

__all__ = [
    "AccessMode",
    "CdgIdentity",
    "CharterChange",
    "Policies",
    "outside_territory",
    "validate_siret",
]


class AccessMode(enum.Enum):
    """CHA-2: how a person comes to ask for platform access."""

    INVITATION = "invitation"  # an administrator invites (CDG 79)
    REQUEST = "demande"  # a person asks, an administrator validates or refuses (CDG 77's form)


class CharterChange(enum.Enum):
    """CHA-8: what a new charter version asks of those who signed the previous one."""

    RESIGN = "resigner"  # a substantive change: signatures of the previous version lapse
    INFORM = "informer"  # a correction: users are told, their signatures stay valid


def validate_siret(siret: object) -> str:
    """Return ``siret`` if it is 14 digits with a valid Luhn check digit, else raise (TAR-4)."""
    if not isinstance(siret, str) or not re.fullmatch(r"\d{14}", siret):
        raise ValidationError(
            f"SIRET invalide : {siret!r} (14 chiffres attendus)", rule="TAR-4", value=siret
        )
    # La Poste's establishments (SIREN 356000000) use another key; a CDG is never one of them.
    if not luhn_valid(siret):
        raise ValidationError(
            f"SIRET invalide : {siret!r} (clé de contrôle fausse)", rule="TAR-4", value=siret
        )
    return siret


def _optional_siret(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        validate_siret(value)


def _text(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{attribute.name} de l'identité du CDG vide ou invalide : {value!r}", value=value
        )


@attrs.frozen
class CdgIdentity:
    """Who hands out the certificates, reports and invoices (what ``[cdg]`` of the profile says).

    ``code`` names the CDG in its tariff grids and exports (``cdg77``); ``place`` is the town of
    "fait à …"; ``place``, ``signatory_name`` and ``signatory_title`` may be left out of a new
    profile, and :meth:`signature_block` then refuses to sign; ``logo`` and ``signature_image`` are image files (PNG or JPEG) placed on documents.
    """

    name: str = attrs.field(validator=_text)
    short_name: str = attrs.field(validator=_text)
    code: str = attrs.field(validator=_text)
    place: str | None = attrs.field(default=None, validator=attrs.validators.optional(_text))
    signatory_name: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_text)
    )
    signatory_title: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(_text)
    )
    address: str = ""
    siret: str | None = attrs.field(default=None, validator=_optional_siret)
    email: str | None = None
    logo: Path | None = None
    signature_image: Path | None = None

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.address.splitlines() if line.strip())

    def signature_block(self) -> tuple[str, str, str]:
        """``(place, signatory_name, signatory_title)`` for a signed document ("fait à …").

        A profile written by ``rsgm init`` may not name them yet: a document that must be signed
        is then refused with the keys to add, never signed by nobody."""
        missing = [
            key
            for key, value in (
                ("cdg.lieu", self.place),
                ("cdg.signataire", self.signatory_name),
                ("cdg.qualite_signataire", self.signatory_title),
            )
            if not value
        ]
        if missing or not (self.place and self.signatory_name and self.signatory_title):
            raise ConfigurationError(
                f"le profil du {self.short_name} ne dit pas qui signe : ajoutez "
                f"{', '.join(missing)} à la section [cdg] de rsgm.toml",
                value=tuple(missing),
            )
        return self.place, self.signatory_name, self.signatory_title


def _retirement_age(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    from rsgm_core.domain.ages import check_retirement_age

    check_retirement_age(value)  # IND-4


def _target(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= SGM_THRESHOLD:
        raise ValidationError(
            f"public cible invalide : {value!r} (un nombre d'habitants entre 1 et "
            f"{SGM_THRESHOLD} : le réseau vise les communes de moins de N habitants)",
            rule="TER-3",
            value=value,
        )


@attrs.frozen
class Policies:
    """The choices the rules leave to each CDG (RULES.md marks them *policy*).

    ``target_below``: the network's target public is the communes of fewer than that many
    inhabitants (TER-3; CDG 77 addresses those under 2,000); coverage keeps the legal scope.
    ``per_departement``: one departmental network, space and committee per department (TER-7).
    ``retirement_age``: the age at which an agent is expected to retire when no date is known
    (IND-4, 64 by default).
    """

    access: AccessMode = attrs.field(default=AccessMode.INVITATION, converter=AccessMode)
    community_space_needs_pack: bool = False
    charter_change: CharterChange = attrs.field(
        default=CharterChange.RESIGN, converter=CharterChange
    )
    target_below: int = attrs.field(default=SGM_THRESHOLD, validator=_target)
    per_departement: bool = False
    whit_monday_worked: bool = False
    #: MEM-13: newcomers one tutor carries at once (``[politiques] nouveaux_par_tuteur``).
    tutor_limit: int = 2
    # IND-4: the age at which an agent without an expected retirement date is expected to leave
    retirement_age: int = attrs.field(default=64, validator=_retirement_age)

    def in_target(self, population: int) -> bool:
        """Whether a commune of ``population`` belongs to the network's target public (TER-3)."""
        return population < self.target_below


def outside_territory(departement: str, departements: Collection[str]) -> bool:
    """TER-7: a commune of ``departement`` is *hors ressort* for a CDG whose territory is
    ``departements`` (known because its EPCI straddles the border): counted apart, never invited
    or invoiced. A CDG with no territory configured has no commune hors ressort."""
    return bool(departements) and departement not in departements
