"""The shared directory (MEM-2) and what consent lets it show (MEM-3).

An entry is a member's name, phone, e-mail, photo, expertises and business software, and the town
halls of the communes they work in. Expertises and software are *facts*, one record per member and
term, stored with a folded key (accents and case removed) so that "etat civil" finds "État civil"
with an indexed equality lookup. The terms come from vocabularies that plugins contribute
(``rsgm_expertise_thesaurus``, ``rsgm_business_software``).

Visibility follows consent: without a current directory consent, an entry is visible to animators
and administrators only (and to the person themself); the photo needs its own consent.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
import unicodedata
from collections.abc import Iterable

import attrs

from rsgm_core.errors import RuleViolation, ValidationError

__all__ = [
    "Consent",
    "ConsentScope",
    "DirectoryEntry",
    "DirectoryFact",
    "FactKind",
    "NameKey",
    "Viewer",
    "ViewerRole",
    "Vocabulary",
    "can_see",
    "facts_by_member",
    "fold",
    "format_phone",
    "validate_phone",
]


@functools.lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Accent- and case-insensitive form of ``text``: "État-civil " → "etat civil"."""
    # Case folded before decomposing ("Æ" → "æ" for the ligatures) and after ("𝐴" → "A" → "a").
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.split(r"[\s\-'’_.]+", bare)).strip()


def validate_phone(phone: str, *, region: str = "FR") -> str:
    """MEM-2: a phone number as E.164 (``+33549123456``); refused if it is not a valid number."""
    import phonenumbers

    try:
        number = phonenumbers.parse(phone, region)
    except (phonenumbers.NumberParseException, TypeError):
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            f"numéro de téléphone invalide : {phone!r} (exemple : 05 49 12 34 56)",
            rule="MEM-2",
            value=phone,
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(phone: str | None) -> str:
    """French national form for French numbers (``05 49 12 34 56``), international otherwise."""
    if not phone:
        return ""
    import phonenumbers

    number = phonenumbers.parse(phone, "FR")
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


class FactKind(enum.Enum):
    EXPERTISE = "expertise"
    SOFTWARE = "logiciel"


@attrs.frozen
class DirectoryFact:
    """One expertise or one business software of a member (MEM-2)."""

    id: str
    member_id: str
    kind: FactKind
    value: str  # the vocabulary's label: "État civil", "Berger-Levrault"
    key: str  # fold(value), what searches compare
    mastered: bool = False  # software: used (False) or mastered (True)

    @property
    def software_label(self) -> str:
        """A software fact as ranking reasons write it: "Berger-Levrault (maîtrisé)"."""
        return f"{self.value} ({'maîtrisé' if self.mastered else 'utilisé'})"


def facts_by_member(
    facts: Iterable[DirectoryFact],
) -> dict[str, dict[FactKind, dict[str, DirectoryFact]]]:
    """Each member's facts by kind and folded key, for rankings that compare them (MEM-9, MEM-13)."""
    held: dict[str, dict[FactKind, dict[str, DirectoryFact]]] = {}
    for fact in facts:
        held.setdefault(fact.member_id, {}).setdefault(fact.kind, {})[fact.key] = fact
    return held


@attrs.frozen
class Vocabulary:
    """A list of terms (thesaurus of expertises, business software), matched by folded form."""

    kind: FactKind
    terms: tuple[str, ...]

    @classmethod
    def of(cls, kind: FactKind, terms: Iterable[str]) -> Vocabulary:
        seen: dict[str, str] = {}
        for term in terms:
            seen.setdefault(fold(term), term.strip())
        return cls(kind, tuple(sorted(seen.values(), key=fold)))

    def resolve(self, wanted: str) -> str:
        """The term ``wanted`` names, by folded equality; a clear error listing the terms."""
        key = fold(wanted)
        for term in self.terms:
            if fold(term) == key:
                return term
        label = (
            "expertise inconnue" if self.kind is FactKind.EXPERTISE else "logiciel métier inconnu"
        )
        raise ValidationError(
            f"{label} : {wanted!r} (valeurs : {', '.join(self.terms)})",
            rule="MEM-2",
            value=wanted,
        )

    def matching(self, wanted: str) -> tuple[str, ...]:
        """Folded keys of the terms containing ``wanted`` ("civil" → "etat civil")."""
        key = fold(wanted)
        return tuple(fold(t) for t in self.terms if key and key in fold(t))


@attrs.frozen
class NameKey:
    """A member's names folded (:func:`fold`) for the directory's order (MEM-2), which a SQL
    backend keeps beside the member to order and page in SQL; the names it was folded from tell
    when it is out of date (a renamed member), and an out-of-date key is never used."""

    member_id: str
    last_name: str
    first_name: str
    last_key: str
    first_key: str

    @classmethod
    def of(cls, member_id: str, first_name: str, last_name: str) -> NameKey:
        return cls(member_id, last_name, first_name, fold(last_name), fold(first_name))


class ConsentScope(enum.Enum):
    DIRECTORY = "annuaire"
    PHOTO = "photo"


@attrs.frozen
class Consent:
    """MEM-3: a member's consent to a scope, given on a date, withdrawable."""

    id: str
    member_id: str
    scope: ConsentScope
    given_on: dt.date
    withdrawn_on: dt.date | None = None

    def __attrs_post_init__(self) -> None:
        if self.withdrawn_on is not None and self.withdrawn_on < self.given_on:
            raise ValidationError(
                f"retrait du consentement (le {self.withdrawn_on:%d/%m/%Y}) antérieur à son "
                f"recueil (le {self.given_on:%d/%m/%Y})",
                rule="MEM-3",
                value=self.withdrawn_on,
            )

    def current_on(self, day: dt.date) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or day < self.withdrawn_on)


class ViewerRole(enum.Enum):
    """Who is looking at the directory (MEM-3)."""

    ADMINISTRATOR = "administrateur"
    ANIMATOR = "animateur"
    MEMBER = "membre"


@attrs.frozen
class Viewer:
    role: ViewerRole = ViewerRole.MEMBER
    member_id: str | None = None

    @property
    def staff(self) -> bool:
        return self.role in (ViewerRole.ADMINISTRATOR, ViewerRole.ANIMATOR)


def can_see(
    viewer: Viewer,
    member_id: str,
    consents: Iterable[Consent],
    *,
    on: dt.date,
    scope: ConsentScope = ConsentScope.DIRECTORY,
) -> bool:
    """MEM-3: staff and the person see everything; others need the member's current consent."""
    if viewer.staff or viewer.member_id == member_id:
        return True
    return any(c.member_id == member_id and c.scope is scope and c.current_on(on) for c in consents)


def require_consent_scope(value: str | ConsentScope) -> ConsentScope:
    if isinstance(value, ConsentScope):
        return value
    try:
        return ConsentScope(value)
    except ValueError:
        raise RuleViolation(
            f"portée de consentement inconnue : {value!r} (annuaire ou photo)",
            rule="MEM-3",
            value=value,
        ) from None


@attrs.frozen
class DirectoryEntry:
    """What the directory shows of one member to one viewer."""

    member_id: str
    name: str
    email: str | None
    phone: str  # formatted
    photo: str | None
    expertises: tuple[str, ...]
    software_used: tuple[str, ...]
    software_mastered: tuple[str, ...]
    communes: tuple[str, ...]  # "Aubigny (79019)"
    epcis: tuple[str, ...]
    town_halls: tuple[str, ...]  # "Aubigny : 1 place de la Mairie ; lun. 9h-12h"
    restricted: bool  # True: no directory consent, shown to staff only (MEM-3)
