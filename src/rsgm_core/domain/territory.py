"""The territory a CDG serves: departments, EPCI, communes and their legal populations.

Records here are immutable (``attrs.frozen``): storage hands out values and a change is a new value made
with ``attrs.evolve``, so nothing read from storage can be altered behind the unit of work's back.
"""

from __future__ import annotations

import enum
import functools
import re
from typing import Any

import attrs

from rsgm_core.errors import ValidationError

__all__ = [
    "MAX_POPULATION",
    "SGM_THRESHOLD",
    "Arrondissement",
    "Commune",
    "CommuneStatus",
    "Departement",
    "Epci",
    "EpciKind",
    "FinancingMode",
    "PopulationFigure",
    "PopulationKind",
    "Territory",
    "in_force_vintage",
    "is_sgm_scope",
    "luhn_valid",
    "validate_departement_code",
    "validate_insee_code",
    "validate_siren",
]

SGM_THRESHOLD = 3_500  # TER-3: the SGM scope is communes of fewer than 3,500 inhabitants
#: TER-2: the largest population figure accepted (Paris, the largest commune, has about 2.1 million;
#: a figure above ten million is a misread file, refused rather than stored).
MAX_POPULATION = 10_000_000

# TER-1: two digits (or 2A/2B for Corsica) then three digits; overseas departments 971-978 then two.
_INSEE = re.compile(r"(?:97[1-8]\d{2}|(?:0[1-9]|[1-8]\d|9[0-5]|2[AB])\d{3})")
_DEPARTEMENT = re.compile(r"(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-8])")


#: Codes already found well-formed: a census import meets each code several times (the reader,
#: the records, the rows read back), and the pattern is checked once per code. Bounded by the code
#: space (about 100,000 codes), and only well-formed codes enter it.
_WELL_FORMED: set[str] = set()
_DEPARTEMENTS_SEEN: set[str] = set()  # likewise for department codes (about 100)


def validate_insee_code(code: object) -> str:
    """Return ``code`` if it is a well-formed INSEE commune code, else raise (TER-1)."""
    if type(code) is str and code in _WELL_FORMED:
        return code
    if not isinstance(code, str) or not _INSEE.fullmatch(code):
        raise ValidationError(
            f"code INSEE de commune invalide : {code!r} (5 caractères : 2 chiffres ou 2A/2B, "
            "puis 3 chiffres ; outre-mer 971 à 978 puis 2 chiffres)",
            rule="TER-1",
            value=code,
        )
    if code.startswith("20"):  # Corsica has been 2A/2B since 1976; 20xxx is a typo for them
        raise ValidationError(
            f"code INSEE de commune invalide : {code!r} (la Corse s'écrit 2A ou 2B)",
            rule="TER-1",
            value=code,
        )
    if type(code) is str:
        _WELL_FORMED.add(code)
    return code


def validate_departement_code(code: object) -> str:
    """Return ``code`` if it names a department (01-95 but 20, 2A, 2B, 971-978), else raise."""
    if type(code) is str and code in _DEPARTEMENTS_SEEN:
        return code
    if not isinstance(code, str) or not _DEPARTEMENT.fullmatch(code):
        raise ValidationError(
            f"code de département invalide : {code!r} (01 à 95, 2A, 2B ou 971 à 978)",
            rule="TER-1",
            value=code,
        )
    if type(code) is str:
        _DEPARTEMENTS_SEEN.add(code)
    return code


def validate_siren(siren: object) -> str:
    """Return ``siren`` if it is 9 digits with a valid Luhn check digit (TER-1), else raise."""
    if not isinstance(siren, str) or len(siren) != 9 or not siren.isdigit():
        raise ValidationError(
            f"SIREN invalide : {siren!r} (9 chiffres attendus)", rule="TER-1", value=siren
        )
    if not luhn_valid(siren):
        raise ValidationError(
            f"SIREN invalide : {siren!r} (clé de contrôle fausse)", rule="TER-1", value=siren
        )
    return siren


def _luhn_table(doubled: tuple[int, ...]) -> dict[str, int]:
    """Luhn's contribution of every three-digit string whose digits at ``doubled`` are doubled."""
    twice = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # a digit doubled, then its digits summed
    return {
        f"{n:03d}": sum(twice[int(c)] if i in doubled else int(c) for i, c in enumerate(f"{n:03d}"))
        for n in range(1000)
    }


# Nine digits are three groups of three: counted from the right, every other digit is doubled,
# the middle one of the first and last groups and the outer ones of the middle group.
_LUHN_MIDDLE, _LUHN_OUTER = _luhn_table((1,)), _luhn_table((0, 2))


@functools.lru_cache(maxsize=65_536)
def luhn_valid(digits: str) -> bool:
    # The SIREN's check digit is Luhn's (INSEE): every other digit from the right doubled (its
    # digits summed), the total a multiple of 10. A SIREN costs three table look-ups; other
    # lengths (SIRET) the digit loop. Every commune read back from storage is validated again,
    # hence the cache.
    if len(digits) == 9:
        middle, outer = _LUHN_MIDDLE, _LUHN_OUTER
        try:
            return (middle[digits[:3]] + outer[digits[3:6]] + middle[digits[6:]]) % 10 == 0
        except KeyError:  # digits other than ASCII ones: the loop below
            pass
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


_new = object.__new__
_set = object.__setattr__  # frozen records: how the ``checked`` constructors set their fields


def _siren_ok(siren: object) -> bool:
    """What :func:`validate_siren` accepts, as a test (the exact ``str`` type only)."""
    return type(siren) is str and len(siren) == 9 and siren.isdigit() and luhn_valid(siren)


def _insee(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if type(value) is not str or value not in _WELL_FORMED:  # commonly one set lookup
        validate_insee_code(value)


def _optional_siren(_: object, attribute: attrs.Attribute[str | None], value: str | None) -> None:
    if value is not None:
        validate_siren(value)


def _siren(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    validate_siren(value)


def _departement(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    validate_departement_code(value)


def _figure(owner: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    """TER-2: a whole number of inhabitants, 0 to MAX_POPULATION (``None`` for an unknown totale)."""
    if value is None and attribute.name == "totale":
        return
    if type(value) is not int or not 0 <= value <= MAX_POPULATION:
        commune = getattr(owner, "commune", "?")
        raise ValidationError(
            f"population {attribute.name} invalide pour la commune {commune} : {value!r} "
            f"(un nombre entier de 0 à {MAX_POPULATION:,} habitants)".replace(",", " "),
            rule="TER-2",
            value=value,
        )


class EpciKind(enum.Enum):
    """Kinds of EPCI à fiscalité propre (DGCL)."""

    CC = "CC"  # communauté de communes
    CA = "CA"  # communauté d'agglomération
    CU = "CU"  # communauté urbaine
    METRO = "METRO"  # métropole
    MET69 = "MET69"  # Métropole de Lyon, a collectivité with special status listed with the EPCI


class FinancingMode(enum.Enum):
    FPU = "FPU"  # fiscalité professionnelle unique
    FA = "FA"  # fiscalité additionnelle


class CommuneStatus(enum.Enum):
    """Where a commune stands in the latest vintage imported (TER-5)."""

    ACTUELLE = "commune-actuelle"
    DELEGUEE = "commune-deleguee"  # merged into a commune nouvelle, lives on as a delegated commune
    ASSOCIEE = "commune-associee"
    DISPARUE = "disparue"  # gone without being delegated: code change, or no known successor


class PopulationKind(enum.Enum):
    """TER-2: a population figure always says which one it is."""

    MUNICIPALE = "municipale"
    COMPTEE_A_PART = "comptée à part"
    TOTALE = "totale"


@attrs.frozen
class Departement:
    """A department (TER-1 code: 01-95 but 20, 2A, 2B, 971-978) and its region's code."""

    code: str = attrs.field(validator=_departement)
    name: str
    region: str


@attrs.frozen
class Arrondissement:
    """An arrondissement of a department."""

    code: str  # INSEE: department code + one digit, e.g. "792"
    name: str
    departement: str = attrs.field(validator=_departement)


@attrs.frozen
class Epci:
    """An EPCI à fiscalité propre, by its SIREN (TER-1); a commune belongs to one at most (TER-4)."""

    siren: str = attrs.field(validator=_siren)
    name: str
    kind: EpciKind
    financing: FinancingMode


@attrs.frozen
class Commune:
    """A commune as the census knows it.

    A commune that disappeared in a later vintage is kept, with its ``status`` and its ``successor``
    (TER-5): history stays readable and nothing attached to the old code is orphaned.
    """

    code: str = attrs.field(validator=_insee)
    name: str
    departement: str = attrs.field(validator=_departement)
    region: str
    siren: str | None = attrs.field(default=None, validator=_optional_siren)
    arrondissement: str | None = None
    postcodes: tuple[str, ...] = ()
    epci: str | None = None  # TER-4: at most one EPCI à fiscalité propre; a few islands have none
    status: CommuneStatus = CommuneStatus.ACTUELLE
    successor: str | None = None
    #: The établissement public territorial of the Métropole du Grand Paris the commune belongs
    #: to (its SIREN and name, from the release's ``ept.json``); ``None`` elsewhere (migration 20).
    ept: str | None = attrs.field(default=None, validator=_optional_siren)
    ept_name: str | None = None

    @property
    def active(self) -> bool:
        return self.status is CommuneStatus.ACTUELLE

    @classmethod
    def checked(
        cls,
        code: str,
        name: str,
        departement: str,
        region: str,
        siren: str | None = None,
        arrondissement: str | None = None,
        postcodes: tuple[str, ...] = (),
        epci: str | None = None,
        status: CommuneStatus = CommuneStatus.ACTUELLE,
        successor: str | None = None,
        ept: str | None = None,
        ept_name: str | None = None,
    ) -> Commune:
        """``Commune(...)``, the same checks, built faster: the record of a census import or of
        a row read back (tens of thousands at a time). Values already found valid (an INSEE or
        department code met before, a SIREN with its check digit) are set without the attrs
        machinery; any other value goes through the constructor, which checks it and names it
        (TER-1). ``test_territory_checked`` proves both give equal records and equal errors."""
        if not (
            type(code) is str
            and code in _WELL_FORMED
            and type(departement) is str
            and departement in _DEPARTEMENTS_SEEN
            and (siren is None or _siren_ok(siren))
            and (ept is None or _siren_ok(ept))
        ):
            return cls(
                code, name, departement, region, siren, arrondissement, postcodes, epci,
                status, successor, ept, ept_name,
            )  # fmt: skip
        self = _new(cls)
        _set(self, "code", code)
        _set(self, "name", name)
        _set(self, "departement", departement)
        _set(self, "region", region)
        _set(self, "siren", siren)
        _set(self, "arrondissement", arrondissement)
        _set(self, "postcodes", postcodes)
        _set(self, "epci", epci)
        _set(self, "status", status)
        _set(self, "successor", successor)
        _set(self, "ept", ept)
        _set(self, "ept_name", ept_name)
        return self


@attrs.frozen
class PopulationFigure:
    """The legal populations of one commune for one census vintage (TER-2).

    ``vintage`` is the census reference year: figures of vintage N-3 are in force from 1 January of
    year N. ``totale`` is unknown (``None``) where the source only gives the municipale.
    """

    commune: str = attrs.field(validator=_insee)
    vintage: int
    municipale: int = attrs.field(validator=_figure)
    totale: int | None = attrs.field(default=None)

    @totale.validator
    def _totale_not_below_municipale(
        self, attribute: attrs.Attribute[int | None], value: int | None
    ) -> None:
        _figure(self, attribute, value)
        if value is not None and value < self.municipale:
            raise ValidationError(
                f"population totale {value} inférieure à la municipale {self.municipale} "
                f"pour la commune {self.commune}",
                rule="TER-2",
                value=value,
            )

    @classmethod
    def checked(
        cls, commune: str, vintage: int, municipale: int, totale: int | None = None
    ) -> PopulationFigure:
        """``PopulationFigure(...)``, the same checks, built faster (see :meth:`Commune.checked`):
        a known INSEE code and whole figures within bounds, the totale not below the municipale
        (TER-1, TER-2), are set without the attrs machinery; anything else goes through the
        constructor, which refuses it with its rule."""
        if not (
            type(commune) is str
            and commune in _WELL_FORMED
            and type(municipale) is int
            and 0 <= municipale <= MAX_POPULATION
            and (totale is None or (type(totale) is int and municipale <= totale <= MAX_POPULATION))
        ):
            return cls(commune, vintage, municipale, totale)
        self = _new(cls)
        _set(self, "commune", commune)
        _set(self, "vintage", vintage)
        _set(self, "municipale", municipale)
        _set(self, "totale", totale)
        return self

    @property
    def in_force_year(self) -> int:
        return self.vintage + 3

    def figure(self, kind: PopulationKind) -> int | None:
        if kind is PopulationKind.MUNICIPALE:
            return self.municipale
        if self.totale is None:
            return None
        if kind is PopulationKind.TOTALE:
            return self.totale
        return self.totale - self.municipale

    @property
    def for_thresholds(self) -> tuple[int, PopulationKind]:
        """The figure thresholds use (TER-2): the totale, else the municipale (and say so)."""
        if self.totale is not None:
            return self.totale, PopulationKind.TOTALE
        return self.municipale, PopulationKind.MUNICIPALE


def in_force_vintage(year: int) -> int:
    """The census vintage whose legal populations are in force during ``year`` (TER-2)."""
    return year - 3


def is_sgm_scope(figure: PopulationFigure) -> bool:
    """TER-3: does the commune fall in the SGM scope (fewer than 3,500 inhabitants)?"""
    population, _ = figure.for_thresholds
    return population < SGM_THRESHOLD


@attrs.frozen
class Territory:
    """NET-1: a CDG's territory is one or more departments (the CIG Grande Couronne spans three)."""

    departements: frozenset[str] = attrs.field(converter=frozenset)

    @departements.validator
    def _check(self, attribute: object, value: frozenset[str]) -> None:
        if not value:
            raise ValidationError(
                "le territoire d'un CDG compte au moins un département", rule="NET-1", value=value
            )
        for code in value:
            validate_departement_code(code)

    def covers(self, commune: Commune) -> bool:
        return commune.departement in self.departements
