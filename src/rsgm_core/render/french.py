"""French that reads right in messages and documents: élision, articles, plural agreement.

Small, dependency-free helpers, exposed as Jinja filters by :mod:`rsgm_core.render.messages`:

- ``de(name)``: "de Jean Martin", "d'Élodie Rousseau", "d'Hélène", "d'Yvette";
- ``de_lieu(place)``: "de Niort", "d'Échiré", "du Tallud" (the commune "Le Tallud"), "des
  Aubiers" ("Les Aubiers"); ``a_lieu(place)``: "à Niort", "au Tallud", "aux Aubiers";
- ``with_article(title, kind, preposition)``: an event's title in quotes with the article its
  head noun takes, "à la « Journée réseau »", "au « Webinaire paie »", "à l'« Atelier RH »",
  "de la « Matinale »", "du « Webinaire … »"; a title whose first word is not a known noun gets
  the event kind's noun: "au webinaire « Paie 2026 »";
- ``plural(count, singular, plural)``: "1 membre", "0 membre", "2 membres", "1 234 membres".

A word "starts with a vowel sound" when its first letter (accents aside) is a vowel, a mute
``h`` (every ``h`` except the aspirated ones listed in :data:`ASPIRATED_H`), or a ``y`` before a
consonant ("Yvette", "Yves"; not "Yannick", "yaourt").
"""

from __future__ import annotations

import re
import unicodedata

from rsgm_core.render.formatting import format_number

__all__ = [
    "ASPIRATED_H",
    "EVENT_NOUNS",
    "a_lieu",
    "article_prefix",
    "de",
    "de_lieu",
    "elides",
    "plural",
    "with_article",
]

#: Words (folded) whose initial h is aspirated: no élision ("le hameau", "la halle").
ASPIRATED_H = frozenset({
    "haie", "hall", "halle", "hameau", "handicap", "handicape", "hangar", "harcelement", "hasard",
    "hausse", "haut", "haute", "hauteur", "havre", "heros", "hetre", "hibou", "hierarchie",
    "hockey", "homard", "honte", "hors", "housse", "hublot", "huit", "hurler",
})  # fmt: skip

#: Head nouns of event titles and kinds (folded) → (feminine, plural).
EVENT_NOUNS: dict[str, tuple[bool, bool]] = {
    "journee": (True, False), "journees": (True, True), "matinale": (True, False),
    "matinales": (True, True), "rencontre": (True, False), "rencontres": (True, True),
    "reunion": (True, False), "session": (True, False), "formation": (True, False),
    "conference": (True, False), "visite": (True, False), "soiree": (True, False),
    "assemblee": (True, False), "table": (True, False), "permanence": (True, False),
    "webinaire": (False, False), "webinaires": (False, True), "atelier": (False, False),
    "ateliers": (False, True), "seminaire": (False, False), "colloque": (False, False),
    "forum": (False, False), "groupe": (False, False), "cafe": (False, False),
    "petit": (False, False), "point": (False, False), "comite": (False, False),
    "echange": (False, False), "echanges": (False, True), "congres": (False, False),
    "temps": (False, False), "rendez": (False, False), "apero": (False, False),
}  # fmt: skip

_VOWELS = frozenset("aeiou")
_WORD = re.compile(r"[^\W\d_]+")
_ARTICLE = re.compile(r"^(?:(les|le|la)\s+|(l)['’])(?=\S)", re.IGNORECASE)


def _bare(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("œ", "oe")


def _first_word(text: str) -> str:
    found = _WORD.search(_bare(text))
    return found.group(0) if found else ""


def elides(word: str) -> bool:
    """Whether ``de``, ``le``, ``que``… elide before ``word`` (its first word, accents aside)."""
    bare = _first_word(word)
    if not bare:
        return False
    first = bare[0]
    if first in _VOWELS:
        return True
    if first == "h":
        return bare not in ASPIRATED_H
    if first == "y":
        return len(bare) > 1 and bare[1] not in _VOWELS and bare[1] != "y"
    return False


def _split_article(name: str) -> tuple[str | None, str]:
    """A proper name's own article ("Le Tallud" → ("le", "Tallud")), folded, or None."""
    found = _ARTICLE.match(name)
    if not found:
        return None, name
    article = (found.group(1) or "l'").casefold()
    return article, name[found.end() :]


def de(name: object) -> str:
    """A person's name (or any word) after "de": "de Jean", "d'Élodie", "d'Hélène",
    "d'Yvette", "de Le Goff" (a person's article is part of the name)."""
    text = str(name).strip()
    return f"d'{text}" if elides(text) else f"de {text}"


def de_lieu(name: object) -> str:
    """A place after "de": "de Niort", "d'Échiré", "du Tallud" ("Le Tallud"), "des Aubiers"
    ("Les Aubiers"), "de La Crèche", "de L'Absie"."""
    text = str(name).strip()
    article, rest = _split_article(text)
    if article == "le":
        return f"du {rest}"
    if article == "les":
        return f"des {rest}"
    return de(text)


def a_lieu(name: object) -> str:
    """``name`` after "à": "à Niort", "au Tallud", "aux Aubiers", "à La Crèche"."""
    text = str(name).strip()
    article, rest = _split_article(text)
    if article == "le":
        return f"au {rest}"
    if article == "les":
        return f"aux {rest}"
    return f"à {text}"


_CONTRACTED = {("à", "le"): "au ", ("à", "les"): "aux ", ("de", "le"): "du ", ("de", "les"): "des "}


def _article(preposition: str, head: str, feminine: bool, many: bool) -> str:
    """The preposition and article before ``head``: "à la ", "au ", "à l'", "de l'", "la "…"""
    if many:
        article = "les"
    elif elides(head):
        article = "l'"
    else:
        article = "la" if feminine else "le"
    if preposition and (preposition, article) in _CONTRACTED:
        return _CONTRACTED[(preposition, article)]
    joined = f"{preposition} {article}".strip()
    return joined if article.endswith("'") else f"{joined} "


def article_prefix(title: object, kind: object = None, preposition: str = "") -> str:
    """What :func:`with_article` writes before the quoted title ("à la ", "au webinaire "), for a
    template that marks the title up itself: ``{{ t | prefixe_article(k, "à") }}« <b>{{ t }}</b> »``."""
    head = _first_word(str(title))
    if head in EVENT_NOUNS:
        feminine, many = EVENT_NOUNS[head]
        return _article(preposition, head, feminine, many)
    noun = str(kind).strip() if kind else "rencontre"
    feminine, many = EVENT_NOUNS.get(_first_word(noun), (True, False))
    return f"{_article(preposition, noun, feminine, many)}{noun} "


def with_article(title: object, kind: object = None, preposition: str = "") -> str:
    """An event's title in quotes, after ``preposition`` ("à", "de" or "") and the article its
    head noun takes: "à la « Journée réseau »", "au « Webinaire paie »", "l'« Atelier RH »". A
    title starting with no known noun (:data:`EVENT_NOUNS`) is introduced by the kind's noun
    (``kind``: "webinaire", "atelier thématique"…): "au webinaire « Paie 2026 »", or by
    "rencontre" without a kind."""
    text = str(title).strip()
    return f"{article_prefix(text, kind, preposition)}« {text} »"


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """``count`` and the noun agreeing with it, French style: 0 and 1 take the singular
    ("0 membre", "1 membre", "2 membres", "1 234 membres"); ``plural`` defaults to ``singular``
    and an "s" (unchanged after s, x or z), and must be given for a phrase ("espaces
    concernés")."""
    if plural is None:
        if " " in singular.strip():
            raise ValueError(f"plural(): give the plural of the phrase {singular!r}")
        plural = singular if singular.endswith(("s", "x", "z")) else f"{singular}s"
    return f"{format_number(count)} {singular if abs(count) < 2 else plural}"
