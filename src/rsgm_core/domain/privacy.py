"""What each collection holds on people, and what erasing a person does to it (MEM-11).

Every collection declares a :class:`Personal` next to its declaration in
:mod:`rsgm_core.records`: the fields whose value designates the person the record is about
(``subject``), the fields naming someone who acted on it (``actors``), the fields holding free
text (``text``), and what an erasure does to a record about the person (:class:`Erasure`). A
test walks every field of every collection and fails on a field that looks personal (by its name)
or holds text (by its type) and is not declared, so a new collection or field cannot be forgotten.

Fields are named by paths: ``"seats.holder"`` is the ``holder`` of each item of ``seats``. The
functions here work on the plain values of a record (its unstructured form) so that one engine
serves every collection: :func:`names`, :func:`mentions` (right of access) and :func:`erase`
(erasure).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

__all__ = [
    "ANONYMOUS_NAME",
    "REDACTED",
    "Designation",
    "Erasure",
    "Identity",
    "Personal",
    "erase",
    "mentions",
    "names",
]

ANONYMOUS_NAME = "Personne anonymisée"
REDACTED = "[effacé]"


class Designation(enum.Enum):
    """How a field designates a person."""

    MEMBER_ID = "identifiant de membre"  # kept: it points to the anonymised member record
    EMAIL = "adresse électronique"
    NAME = "nom"
    PHONE = "téléphone"
    ANY = "nom, adresse ou identifiant"  # a free designation: a member id, a name, an e-mail
    OTHER = "autre donnée personnelle"  # a photo, a personal link, attachments: dropped


class Erasure(enum.Enum):
    """What erasing a person does to a record about them (``subject``)."""

    NONE = "sans objet"  # the collection is about no one; mentions leave its text
    REMOVE = "supprimé"  # the record only describes the person: it goes
    ANONYMISE = "anonymisé"  # kept for counts and evidence; person anonymised, their text blanked
    REDACT = "expurgé"  # kept (shared knowledge); person anonymised, identifiers cut from its text
    COARSEN = "agrégé"  # kept for counts; person anonymised, dates cut to the year (positions:
    # replaced by coarse positions without their commune, rsgm_core.domain.coarse)


def _designations(value: Mapping[str, Designation]) -> tuple[tuple[str, Designation], ...]:
    return tuple(dict(value).items())


@attrs.frozen
class Personal:
    """A collection's personal data: see the module's docstring. ``neutral`` lists the text
    fields reviewed as holding no one's name nor words (codes, labels, thesaurus terms);
    ``coarsen`` the date fields cut to the first (``False``) or last (``True``) day of their year
    by :attr:`Erasure.COARSEN`; ``detach`` the fields (path, new value) that tie a record about
    the person to a commune or to their member record, given that value at erasure so that the
    anonymised member is tied to no commune (a signature kept for its commune loses its member
    id; a grant kept for its member loses its commune); a subject field only where it
    designates the person."""

    erasure: Erasure
    subject: tuple[tuple[str, Designation], ...] = attrs.field(default=(), converter=_designations)
    actors: tuple[tuple[str, Designation], ...] = attrs.field(default=(), converter=_designations)
    text: tuple[str, ...] = ()
    neutral: tuple[str, ...] = ()
    coarsen: tuple[tuple[str, bool], ...] = ()
    detach: tuple[tuple[str, Any], ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.erasure is not Erasure.NONE and not self.subject:
            raise ValueError(f"{self.erasure}: an erasure needs the fields naming the subject")
        if self.erasure is Erasure.NONE and self.subject:
            raise ValueError("a collection about someone needs an erasure")

    @property
    def declared(self) -> frozenset[str]:
        """Every path this declaration names."""
        return frozenset(
            [*dict(self.subject), *dict(self.actors), *self.text, *self.neutral]
            + [path for path, _ in self.coarsen]
            + [path for path, _ in self.detach]
        )

    @property
    def personal(self) -> bool:
        """Whether the records may name a person or hold someone's words."""
        return bool(self.subject or self.actors or self.text)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def _loose(word: str) -> str:
    """A pattern for ``word`` whatever its accents and case."""
    parts = []
    for char in _fold(word):
        if char.isalpha():
            variants = {char, char.upper()}
            variants |= {c for c in _ACCENTED if _fold(c) == char}  # é, è, ê, ë… for e
            parts.append("[" + "".join(sorted(re.escape(v) for v in variants)) + "]")
        elif char in "-' ":
            parts.append(r"[\s\-'’]+")
        else:
            parts.append(re.escape(char))
    return "".join(parts)


_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆ"


@attrs.frozen
class Identity:
    """What designates one person: their member id, full name, e-mail and phone."""

    member_id: str
    first_name: str = ""
    last_name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    @property
    def alias(self) -> str:
        """The address that replaces theirs (stable, so counts by address stay right)."""
        return f"anonyme-{self.member_id[:8]}@rsgm.invalid"

    @property
    def full_names(self) -> frozenset[str]:
        if not self.first_name.strip() or not self.last_name.strip():
            return frozenset()
        first, last = _fold(self.first_name.strip()), _fold(self.last_name.strip())
        return frozenset({f"{first} {last}", f"{last} {first}"})

    def designated_by(self, value: str, designation: Designation) -> bool:
        """Whether ``value``, held in a field of that designation, designates this person."""
        text = value.strip()
        if not text:
            return False
        if designation is Designation.MEMBER_ID:
            return text == self.member_id
        folded = " ".join(_fold(text).replace("-", " ").split())
        emails = {e.casefold() for e in self.emails}
        if designation in (Designation.EMAIL, Designation.ANY) and text.casefold() in emails:
            return True
        names = {" ".join(n.replace("-", " ").split()) for n in self.full_names}
        if designation in (Designation.NAME, Designation.ANY) and folded in names:
            return True
        if designation in (Designation.PHONE, Designation.ANY) and self.phones:
            digits = _digits(text)
            if digits and digits in {_digits(p) for p in self.phones}:
                return True
        return designation is Designation.ANY and text == self.member_id

    def _patterns(self, strict: bool) -> list[re.Pattern[str]]:
        found = [re.compile(re.escape(e), re.IGNORECASE) for e in self.emails if e]
        first, last = self.first_name.strip(), self.last_name.strip()
        if first and last:
            for a, b in ((first, last), (last, first)):
                found.append(re.compile(rf"(?<!\w){_loose(a)}\s+{_loose(b)}(?!\w)"))
        if strict and last:
            found.append(re.compile(rf"(?<!\w){_loose(last)}(?!\w)"))
        for phone in self.phones:
            digits = _digits(phone)
            if len(digits) >= 6:
                head = rf"(?:\+\s?33\s?\(?0?\)?\s?{digits[1]}|{digits[:2]})"
                rest = r"[\s.\-]?".join(digits[2:])
                found.append(re.compile(rf"(?<!\d){head}[\s.\-]?{rest}(?!\d)"))
        return found

    def redact(self, text: str, *, strict: bool = False) -> str:
        """``text`` without this person's e-mail, full name and phone (``strict``: nor their
        last name alone, for the text of their own records)."""
        for pattern in self._patterns(strict):
            text = pattern.sub(REDACTED, text)
        return text

    def mentioned_in(self, text: str) -> bool:
        return any(p.search(text) for p in self._patterns(False))


# Plain values of a record ------------------------------------------------------------------------

_Leaf = tuple[dict[str, Any], str]


def _leaves(node: Any, parts: list[str]) -> Iterator[_Leaf]:
    """The (dict, key) pairs holding the value at ``parts`` under ``node``, through lists."""
    if isinstance(node, list):
        for item in node:
            yield from _leaves(item, parts)
        return
    if not isinstance(node, dict) or parts[0] not in node:
        return
    if len(parts) == 1:
        yield node, parts[0]
    else:
        yield from _leaves(node[parts[0]], parts[1:])


def _at(data: dict[str, Any], path: str) -> Iterator[_Leaf]:
    return _leaves(data, path.split("."))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def names(data: dict[str, Any], personal: Personal, who: Identity) -> bool:
    """Whether a record (plain values) is about the person: a subject field designates them."""
    return any(
        who.designated_by(text, designation)
        for path, designation in personal.subject
        for node, key in _at(data, path)
        for text in _strings(node[key])
    )


def mentions(data: dict[str, Any], personal: Personal, who: Identity) -> bool:
    """Whether a record names the person anywhere: as its subject, as an actor, or in its text
    (right of access: the records an erasure would touch)."""
    if names(data, personal, who):
        return True
    for path, designation in personal.actors:
        for node, key in _at(data, path):
            if any(who.designated_by(t, designation) for t in _strings(node[key])):
                return True
    return any(
        who.mentioned_in(text)
        for path in personal.text
        for node, key in _at(data, path)
        for text in _strings(node[key])
    )


def _replacement(value: Any, designation: Designation, who: Identity) -> Any:
    if designation is Designation.MEMBER_ID:
        return value
    if designation is Designation.ANY and isinstance(value, str) and value == who.member_id:
        return value
    if designation is Designation.EMAIL:
        return who.alias
    if designation in (Designation.NAME, Designation.ANY):
        return ANONYMOUS_NAME
    return [] if isinstance(value, list) else None  # PHONE, OTHER


def _anonymise(
    data: dict[str, Any], fields: tuple[tuple[str, Designation], ...], who: Identity, *, all_: bool
) -> None:
    """Replace the designations of the person in ``fields``; ``all_``: every designation of the
    dict (a platform account found by its e-mail loses its names too)."""
    groups: dict[int, list[tuple[dict[str, Any], str, Designation]]] = {}
    for path, designation in fields:
        for node, key in _at(data, path):
            groups.setdefault(id(node), []).append((node, key, designation))
    for leaves in groups.values():
        hit = [any(who.designated_by(t, d) for t in _strings(node[key])) for node, key, d in leaves]
        for (node, key, designation), this in zip(leaves, hit, strict=True):
            value = node[key]
            if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                node[key] = [
                    _replacement(v, designation, who) if who.designated_by(v, designation) else v
                    for v in value
                ]
            elif value is not None and (this or (all_ and any(hit))):
                node[key] = _replacement(value, designation, who)


def _coarsen(value: Any, last: bool) -> Any:
    if not isinstance(value, str) or len(value) < 4:
        return value
    return f"{value[:4]}-12-31" if last else f"{value[:4]}-01-01"


def _detach(data: dict[str, Any], personal: Personal, who: Identity) -> None:
    """MEM-11: the ``detach`` fields of a record about the person given their new value: a
    subject field where it designates the person (a requester who was someone else stays), any
    other field (a commune) always."""
    subject = dict(personal.subject)
    for path, value in personal.detach:
        designation = subject.get(path)
        for node, key in _at(data, path):
            held = node[key]
            if designation is None or (
                isinstance(held, str) and who.designated_by(held, designation)
            ):
                node[key] = value


def erase(data: dict[str, Any], personal: Personal, who: Identity) -> dict[str, Any] | None:
    """MEM-11: the plain values of a record once the person is erased, ``None`` for a record to
    remove. ``data`` is changed in place."""
    about = names(data, personal, who)
    if about and personal.erasure is Erasure.REMOVE:
        return None
    if about:
        _anonymise(data, personal.subject, who, all_=True)
        if personal.erasure in (Erasure.ANONYMISE, Erasure.COARSEN):
            for path in personal.text:
                for node, key in _at(data, path):
                    if isinstance(node[key], str):
                        node[key] = ""
        _detach(data, personal, who)
        if personal.erasure is Erasure.COARSEN:
            for path, last in personal.coarsen:
                for node, key in _at(data, path):
                    node[key] = _coarsen(node[key], last)
    _anonymise(data, personal.actors, who, all_=False)
    strict = about and personal.erasure is Erasure.REDACT
    designated = [
        p for p, d in (*personal.subject, *personal.actors) if d is not Designation.MEMBER_ID
    ]
    for path in (*personal.text, *designated):
        for node, key in _at(data, path):
            value = node[key]
            if isinstance(value, str):
                node[key] = who.redact(value, strict=strict)
            elif isinstance(value, list):
                node[key] = [
                    who.redact(v, strict=strict) if isinstance(v, str) else v for v in value
                ]
    return data
